package dev.gatehouse.error;

/**
 * See {@link GatehouseException}: a part of the input is larger than the server takes (a line of a streamed
 * import, where the body as a whole has no size limit); default code {@code too_large}.
 */
public final class TooLargeException extends GatehouseException {

    public TooLargeException(String code, String detail) {
        super(code, detail);
    }
}
