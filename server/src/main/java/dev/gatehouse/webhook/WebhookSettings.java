package dev.gatehouse.webhook;

import java.time.Duration;
import java.util.Objects;

/**
 * How webhooks are delivered.
 *
 * @param retryWindow    how long a failing event is retried (with exponential backoff) before the
 *                       subscription is paused automatically
 * @param timeout        how long one request may take, connection included
 * @param initialBackoff the wait after the first failure; it doubles with each further failure
 * @param maxBackoff     the longest wait between two attempts
 * @param workers        subscriptions one node delivers concurrently (each one request at a time)
 * @param pollInterval   how often a node looks for due retries when no new change wakes it
 * @param deliveryLogDays how long delivery attempts are kept in the deliveries log
 */
public record WebhookSettings(Duration retryWindow, Duration timeout, Duration initialBackoff, Duration maxBackoff,
                              int workers, Duration pollInterval, int deliveryLogDays) {

    public WebhookSettings {
        Objects.requireNonNull(retryWindow, "retryWindow");
        Objects.requireNonNull(timeout, "timeout");
        Objects.requireNonNull(initialBackoff, "initialBackoff");
        Objects.requireNonNull(maxBackoff, "maxBackoff");
        Objects.requireNonNull(pollInterval, "pollInterval");
        if (workers < 1) {
            throw new IllegalArgumentException("workers must be >= 1, got " + workers);
        }
        if (initialBackoff.isNegative() || initialBackoff.isZero() || maxBackoff.compareTo(initialBackoff) < 0) {
            throw new IllegalArgumentException("backoff must be positive with max >= initial, got " + initialBackoff
                    + " and " + maxBackoff);
        }
    }

    /** The defaults around the two settings an operator chooses. */
    public static WebhookSettings of(Duration retryWindow, Duration timeout) {
        return new WebhookSettings(retryWindow, timeout, Duration.ofSeconds(1), Duration.ofMinutes(15), 8,
                Duration.ofMillis(500), 30);
    }

    public WebhookSettings withBackoff(Duration initial, Duration max) {
        return new WebhookSettings(retryWindow, timeout, initial, max, workers, pollInterval, deliveryLogDays);
    }

    /** The wait before attempt {@code failures + 1}: initial × 2^(failures − 1), at most {@link #maxBackoff}. */
    public Duration backoff(int failures) {
        int doublings = Math.min(Math.max(failures - 1, 0), 30);
        long millis = initialBackoff.toMillis() << doublings;
        return millis <= 0 || millis > maxBackoff.toMillis() ? maxBackoff : Duration.ofMillis(millis);
    }

    /** How long a claim on a subscription lasts without renewal: well beyond one request. */
    public Duration lease() {
        return timeout.multipliedBy(2).plusSeconds(30);
    }
}
