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

    /** The same conflict in another API's words ({@code cause}: the service's failure, which it rephrases). */
    public ConflictException(String code, String detail, GatehouseException cause) {
        super(code, detail, Map.of(), null, cause);
    }

    private ConflictException(Object subject, String code, String detail) {
        super(code, detail, Map.of(), subject, null);
    }

    /** A conflict about {@code subject} ({@link #subject(Class)}), e.g. the member already there. */
    public static ConflictException about(Object subject, String code, String detail) {
        return new ConflictException(subject, code, detail);
    }
}
