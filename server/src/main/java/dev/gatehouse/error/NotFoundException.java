package dev.gatehouse.error;

import java.util.Map;

/** See {@link GatehouseException}; default code {@code not_found}. */
public final class NotFoundException extends GatehouseException {

    public NotFoundException(String detail) {
        super("not_found", detail);
    }

    public NotFoundException(String code, String detail) {
        super(code, detail);
    }

    /** Reports {@code cause} (a lower layer's failure, e.g. the engine's) under this tree's code. */
    public NotFoundException(String code, String detail, Throwable cause) {
        super(code, detail, Map.of(), cause);
    }
}
