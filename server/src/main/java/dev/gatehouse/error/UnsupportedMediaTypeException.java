package dev.gatehouse.error;

/**
 * See {@link GatehouseException}: a request body declared as a media type the route does not read (text for a JSON
 * route, JSON for an import); code {@code unsupported_media_type}, HTTP 415 like a body without a type.
 */
public final class UnsupportedMediaTypeException extends GatehouseException {

    public UnsupportedMediaTypeException(String detail) {
        super("unsupported_media_type", detail);
    }
}
