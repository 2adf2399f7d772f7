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

    /**
     * Reports {@code cause} under this tree's code: a lower layer's failure (e.g. the engine's), or the same
     * absence in another API's words (a service's failure that a dialect rephrases).
     */
    public NotFoundException(String code, String detail, Throwable cause) {
        super(code, detail, Map.of(), null, cause);
    }

    private NotFoundException(Object subject, String code, String detail) {
        super(code, detail, Map.of(), subject, null);
    }

    /** Nothing found for {@code subject} ({@link #subject(Class)}), e.g. the member reference that named nobody. */
    public static NotFoundException about(Object subject, String code, String detail) {
        return new NotFoundException(subject, code, detail);
    }
}
