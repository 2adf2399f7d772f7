package dev.gatehouse.error;

/** See {@link GatehouseException}; default code {@code not_found}. */
public final class NotFoundException extends GatehouseException {

    public NotFoundException(String detail) {
        super("not_found", detail);
    }

    public NotFoundException(String code, String detail) {
        super(code, detail);
    }
}
