package dev.gatehouse.error;

/** See {@link GatehouseException}; default code {@code precondition_failed}. */
public final class PreconditionFailedException extends GatehouseException {

    public PreconditionFailedException(String detail) {
        super("precondition_failed", detail);
    }

    public PreconditionFailedException(String code, String detail) {
        super(code, detail);
    }
}
