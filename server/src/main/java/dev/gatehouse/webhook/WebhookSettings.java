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
 * @param workers         subscriptions one node delivers concurrently (each one request at a time), each on a thread
 *                        made when needed; a worker waiting on a receiver holds no database connection
 * @param pollInterval    how often a node looks for due retries when no new change wakes it
 * @param deliveryLogDays how long delivery attempts are kept in the deliveries log
 * @param orgConcurrency  subscriptions of one organization delivered at the same time, by all nodes together
 * @param claimBudget     how long a worker keeps delivering one claimed subscription before handing it back
 *                        (it finishes the request in flight), so that others waiting get their turn
 * @param allowedNetworks networks webhooks may reach besides public addresses ({@code --webhook-allowed-networks})
 * @param retentionHold   how long past the change log's retention an active subscription that is behind keeps
 *                        records from deletion ({@code --webhook-retention-hold})
 */
public record WebhookSettings(Duration retryWindow, Duration timeout, Duration initialBackoff, Duration maxBackoff,
                              int workers, Duration pollInterval, int deliveryLogDays, int orgConcurrency,
                              Duration claimBudget, List<IpNetwork> allowedNetworks, Duration retentionHold) {

    public static final int DEFAULT_WORKERS = 256;
    public static final int DEFAULT_ORG_CONCURRENCY = 2;
    public static final Duration DEFAULT_CLAIM_BUDGET = Duration.ofSeconds(1);
    public static final Duration DEFAULT_RETRY_WINDOW = Duration.ofHours(24);
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);
    public static final Duration DEFAULT_RETENTION_HOLD = Duration.ofDays(7);

    /** The defaults: retried 24 h, 10 s per request, public addresses only, a week's retention hold. */
    public static final WebhookSettings DEFAULTS = of(DEFAULT_RETRY_WINDOW, DEFAULT_TIMEOUT);

    public WebhookSettings {
        Objects.requireNonNull(retryWindow, "retryWindow");
        Objects.requireNonNull(timeout, "timeout");
        Objects.requireNonNull(initialBackoff, "initialBackoff");
        Objects.requireNonNull(maxBackoff, "maxBackoff");
        Objects.requireNonNull(pollInterval, "pollInterval");
        Objects.requireNonNull(claimBudget, "claimBudget");
        Objects.requireNonNull(retentionHold, "retentionHold");
        allowedNetworks = List.copyOf(allowedNetworks);
        if (retryWindow.compareTo(Duration.ofSeconds(1)) < 0 || retryWindow.compareTo(Duration.ofDays(30)) > 0) {
            throw new IllegalArgumentException("--webhook-retry-window must be 1s..30d, got " + retryWindow);
        }
        if (timeout.compareTo(Duration.ofMillis(100)) < 0 || timeout.compareTo(Duration.ofMinutes(2)) > 0) {
            throw new IllegalArgumentException("--webhook-timeout must be 100ms..2m, got " + timeout);
        }
        if (retentionHold.isNegative() || retentionHold.compareTo(Duration.ofDays(365)) > 0) {
            throw new IllegalArgumentException("--webhook-retention-hold must be 0s..365d, got " + retentionHold);
        }
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
                DEFAULT_WORKERS, Duration.ofMillis(500), 30, DEFAULT_ORG_CONCURRENCY, DEFAULT_CLAIM_BUDGET, List.of(),
                DEFAULT_RETENTION_HOLD);
    }

    public WebhookSettings withBackoff(Duration initial, Duration max) {
        return new WebhookSettings(retryWindow, timeout, initial, max, workers, pollInterval, deliveryLogDays,
                orgConcurrency, claimBudget, allowedNetworks, retentionHold);
    }

    /** These settings with other networks webhooks may reach besides public addresses. */
    public WebhookSettings withAllowedNetworks(List<IpNetwork> networks) {
        return new WebhookSettings(retryWindow, timeout, initialBackoff, maxBackoff, workers, pollInterval,
                deliveryLogDays, orgConcurrency, claimBudget, networks, retentionHold);
    }

    /** These settings with another retry window and request time limit. */
    public WebhookSettings withRetry(Duration window, Duration requestTimeout) {
        return new WebhookSettings(window, requestTimeout, initialBackoff, maxBackoff, workers, pollInterval,
                deliveryLogDays, orgConcurrency, claimBudget, allowedNetworks, retentionHold);
    }

    /** These settings with another retention hold. */
    public WebhookSettings withRetentionHold(Duration hold) {
        return new WebhookSettings(retryWindow, timeout, initialBackoff, maxBackoff, workers, pollInterval,
                deliveryLogDays, orgConcurrency, claimBudget, allowedNetworks, hold);
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
