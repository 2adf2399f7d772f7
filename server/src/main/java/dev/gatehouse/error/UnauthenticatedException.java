package dev.gatehouse.error;

/** See {@link GatehouseException}; default code {@code unauthenticated}. */
public final class UnauthenticatedException extends GatehouseException {

    public UnauthenticatedException(String detail) {
        super("unauthenticated", detail);
    }

    public UnauthenticatedException(String code, String detail) {
        super(code, detail);
    }
}
