package dev.gatehouse.error;

/** See {@link GatehouseException}; default code {@code forbidden}. */
public final class ForbiddenException extends GatehouseException {

    public ForbiddenException(String detail) {
        super("forbidden", detail);
    }

    public ForbiddenException(String code, String detail) {
        super(code, detail);
    }
}
