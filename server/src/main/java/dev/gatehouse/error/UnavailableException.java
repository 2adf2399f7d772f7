package dev.gatehouse.error;

/**
 * See {@link GatehouseException}; default code {@code unavailable}. {@link #retryAfterSeconds} is what the answer's
 * {@code Retry-After} says: 1 unless the refusal knows when the cause will be looked at again.
 */
public final class UnavailableException extends GatehouseException {

    private final int retryAfterSeconds;

    public UnavailableException(String detail) {
        this("unavailable", detail);
    }

    public UnavailableException(String code, String detail) {
        this(code, detail, 1);
    }

    public UnavailableException(String code, String detail, int retryAfterSeconds) {
        super(code, detail);
        this.retryAfterSeconds = Math.max(1, retryAfterSeconds);
    }

    public int retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
