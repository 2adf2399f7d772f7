package dev.gatehouse.error;

/** See {@link GatehouseException}; default code {@code precondition_failed}. */
public final class PreconditionFailedException extends GatehouseException {

    public PreconditionFailedException(String detail) {
        super("precondition_failed", detail);
    }

    public PreconditionFailedException(String code, String detail) {
        super(code, detail);
    }

    /**
     * The {@code If-Match} check of an update or delete: {@code version_mismatch} when a version was expected
     * ({@code expected} not null) and the object is at another.
     */
    public static void requireVersion(String objectType, long id, int version, Integer expected) {
        if (expected != null && expected != version) {
            throw new PreconditionFailedException("version_mismatch", objectType + " " + id + " is at version "
                    + version + ", not " + expected);
        }
    }
}
