package dev.gatehouse.error;

import java.util.Map;

/** See {@link GatehouseException}; default code {@code conflict}. */
public final class ConflictException extends GatehouseException {

    public ConflictException(String detail) {
        super("conflict", detail);
    }

    public ConflictException(String code, String detail) {
        super(code, detail);
    }

    /** A conflict with {@link #context()} facts, e.g. a limit reached. */
    public ConflictException(String code, String detail, Map<String, Object> context) {
        super(code, detail, context);
    }
}
