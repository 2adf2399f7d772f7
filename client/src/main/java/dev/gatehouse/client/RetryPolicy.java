package dev.gatehouse.client;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * When and how often the client sends a request again. Retried are: {@code 429}; a {@code 503} whose code says the
 * request was not applied ({@code database_unavailable}, {@code revision_not_reached}, {@code node_resyncing},
 * {@code node_stopping}, {@code imports_busy}, {@code retry}); any other {@code 503} ({@code write_outcome_unknown},
 * a proxy's) and timeouts or broken connections only for requests that are safe to repeat (reads, decisions,
 * {@code PUT}, {@code DELETE}); a refused connection always. The wait before attempt {@code n + 1} is
 * {@code min(maxBackoff, initialBackoff × 2^(n-1))}, jittered to between half and all of it, and never shorter than
 * the server's {@code Retry-After}; a {@code Retry-After} longer than {@link #maxRetryAfter} is not waited for (the
 * error is thrown). A body that cannot be read twice (an import from an {@code InputStream}) is sent once. Immutable.
 *
 * @param maxAttempts    attempts in all, at least 1 (1: never retry)
 * @param initialBackoff the wait before the first retry (before jitter)
 * @param maxBackoff     the longest wait computed by doubling
 * @param maxRetryAfter  the longest {@code Retry-After} the client honours by waiting
 */
public record RetryPolicy(int maxAttempts, Duration initialBackoff, Duration maxBackoff, Duration maxRetryAfter) {

    /** 4 attempts, 100 ms doubling to at most 2 s, a {@code Retry-After} of up to 10 s honoured. */
    public static final RetryPolicy DEFAULT = new RetryPolicy(4, Duration.ofMillis(100), Duration.ofSeconds(2),
            Duration.ofSeconds(10));

    public RetryPolicy {
        Arguments.required(initialBackoff, "initialBackoff");
        Arguments.required(maxBackoff, "maxBackoff");
        Arguments.required(maxRetryAfter, "maxRetryAfter");
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be at least 1, got " + maxAttempts);
        }
        if (initialBackoff.isNegative() || maxBackoff.compareTo(initialBackoff) < 0 || maxRetryAfter.isNegative()) {
            throw new IllegalArgumentException("backoffs must satisfy 0 <= initialBackoff <= maxBackoff and "
                    + "maxRetryAfter >= 0, got " + initialBackoff + ", " + maxBackoff + ", " + maxRetryAfter);
        }
    }

    /** Never retry: every failure is thrown at once. */
    public static RetryPolicy none() {
        return new RetryPolicy(1, Duration.ZERO, Duration.ZERO, Duration.ZERO);
    }

    /** This policy with {@code maxAttempts} attempts. */
    public RetryPolicy withMaxAttempts(int attempts) {
        return new RetryPolicy(attempts, initialBackoff, maxBackoff, maxRetryAfter);
    }

    /**
     * The wait before the attempt after {@code attempt} (1 for the first), or null when the server's
     * {@code retryAfter} is longer than this policy honours.
     */
    Duration delay(int attempt, Duration retryAfter) {
        if (retryAfter != null && retryAfter.compareTo(maxRetryAfter) > 0) {
            return null;
        }
        long base = initialBackoff.toNanos() << Math.min(attempt - 1, 30);
        long capped = Math.max(0, Math.min(base < 0 ? Long.MAX_VALUE : base, maxBackoff.toNanos()));
        long jittered = capped / 2 + (capped < 2 ? 0 : ThreadLocalRandom.current().nextLong(capped / 2 + 1));
        Duration wait = Duration.ofNanos(jittered);
        return retryAfter != null && retryAfter.compareTo(wait) > 0 ? retryAfter.plus(wait.dividedBy(4)) : wait;
    }
}
