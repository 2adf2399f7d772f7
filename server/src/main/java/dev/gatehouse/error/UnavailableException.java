package dev.gatehouse.error;

/** See {@link GatehouseException}; default code {@code unavailable}. */
public final class UnavailableException extends GatehouseException {

    public UnavailableException(String detail) {
        super("unavailable", detail);
    }

    public UnavailableException(String code, String detail) {
        super(code, detail);
    }
}
