package dev.gatehouse.client;

/**
 * 429: the caller sent too much; {@link #retryAfter()} says when to try again. The client retries these itself (see {@link RetryPolicy}) and throws this once it gives up.
 * See {@link GatehouseException}. Immutable and thread-safe.
 */
public final class RateLimitedException extends GatehouseException {

    RateLimitedException(Problem problem) {
        super(problem, null);
    }
}
