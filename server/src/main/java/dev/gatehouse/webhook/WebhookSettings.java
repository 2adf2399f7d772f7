package dev.gatehouse.webhook;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * How webhooks are delivered.
 *
 * @param retryWindow     how long a failing event is retried (with exponential backoff) before the
 *                        subscription is paused automatically
 * @param timeout         how long one request may take, connection included
 * @param initialBackoff  the wait after the first failure; it doubles with each further failure
 * @param maxBackoff      the longest wait between two attempts
 * @param workers         subscriptions one node delivers concurrently (each one request at a time)
 * @param pollInterval    how often a node looks for due retries when no new change wakes it
 * @param deliveryLogDays how long delivery attempts are kept in the deliveries log
 * @param orgConcurrency  subscriptions of one organization delivered at the same time, by all nodes together
 * @param claimBudget     how long a worker keeps delivering one claimed subscription before handing it back
 *                        (it finishes the request in flight), so that others waiting get their turn
 * @param allowedNetworks networks webhooks may reach besides public addresses ({@code --webhook-allowed-networks})
 */
public record WebhookSettings(Duration retryWindow, Duration timeout, Duration initialBackoff, Duration maxBackoff,
                              int workers, Duration pollInterval, int deliveryLogDays, int orgConcurrency,
                              Duration claimBudget, List<IpNetwork> allowedNetworks) {

    public static final int DEFAULT_WORKERS = 8;
    public static final int DEFAULT_ORG_CONCURRENCY = 2;
    public static final Duration DEFAULT_CLAIM_BUDGET = Duration.ofSeconds(1);

    public WebhookSettings {
        Objects.requireNonNull(retryWindow, "retryWindow");
        Objects.requireNonNull(timeout, "timeout");
        Objects.requireNonNull(initialBackoff, "initialBackoff");
        Objects.requireNonNull(maxBackoff, "maxBackoff");
        Objects.requireNonNull(pollInterval, "pollInterval");
        Objects.requireNonNull(claimBudget, "claimBudget");
        allowedNetworks = List.copyOf(allowedNetworks);
        if (workers < 1) {
            throw new IllegalArgumentException("workers must be >= 1, got " + workers);
        }
        if (orgConcurrency < 1 || orgConcurrency > workers) {
            throw new IllegalArgumentException("orgConcurrency must be 1.." + workers + " (workers), got "
                    + orgConcurrency);
        }
        if (initialBackoff.isNegative() || initialBackoff.isZero() || maxBackoff.compareTo(initialBackoff) < 0) {
            throw new IllegalArgumentException("backoff must be positive with max >= initial, got " + initialBackoff
                    + " and " + maxBackoff);
        }
        if (claimBudget.isNegative() || claimBudget.isZero()) {
            throw new IllegalArgumentException("claimBudget must be positive, got " + claimBudget);
        }
    }

    /** The defaults around the two settings an operator chooses. */
    public static WebhookSettings of(Duration retryWindow, Duration timeout) {
        return new WebhookSettings(retryWindow, timeout, Duration.ofSeconds(1), Duration.ofMinutes(15),
                DEFAULT_WORKERS, Duration.ofMillis(500), 30, DEFAULT_ORG_CONCURRENCY, DEFAULT_CLAIM_BUDGET, List.of());
    }

    public WebhookSettings withBackoff(Duration initial, Duration max) {
        return new WebhookSettings(retryWindow, timeout, initial, max, workers, pollInterval, deliveryLogDays,
                orgConcurrency, claimBudget, allowedNetworks);
    }

    /** These settings with other networks webhooks may reach besides public addresses. */
    public WebhookSettings withAllowedNetworks(List<IpNetwork> networks) {
        return new WebhookSettings(retryWindow, timeout, initialBackoff, maxBackoff, workers, pollInterval,
                deliveryLogDays, orgConcurrency, claimBudget, networks);
    }

    /** Which addresses requests may go to. */
    public TargetPolicy targets() {
        return new TargetPolicy(allowedNetworks);
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
