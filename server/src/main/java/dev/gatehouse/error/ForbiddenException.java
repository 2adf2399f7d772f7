package dev.gatehouse.error;

import java.util.Map;

/** See {@link GatehouseException}; default code {@code forbidden}. */
public final class ForbiddenException extends GatehouseException {

    public ForbiddenException(String detail) {
        super("forbidden", detail);
    }

    public ForbiddenException(String code, String detail) {
        super(code, detail);
    }

    private ForbiddenException(Object subject, String code, String detail) {
        super(code, detail, Map.of(), subject, null);
    }

    /** A refusal about {@code subject} ({@link #subject(Class)}), e.g. the permission the caller lacks. */
    public static ForbiddenException about(Object subject, String code, String detail) {
        return new ForbiddenException(subject, code, detail);
    }
}
