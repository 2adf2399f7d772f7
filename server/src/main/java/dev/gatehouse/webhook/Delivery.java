package dev.gatehouse.webhook;

import java.time.Instant;

/**
 * One delivery attempt: which event, when, how long it took and what came back.
 *
 * @param statusCode the receiver's HTTP status, or null when no response arrived
 * @param outcome    {@code succeeded} (a 2xx answer) or {@code failed}
 * @param error      the failure's class ({@code http_status 500}, {@code timeout}, … see {@link DeliveryFailure}),
 *                   never network error text; {@code events_pruned} (attempt 0) when retention deleted events
 *                   the subscription had not received; null on success
 * @param nodeId     the node that made the attempt
 */
public record Delivery(long id, long webhookId, long revision, int attempt, Instant attemptedAt, int durationMs,
                       Integer statusCode, String outcome, String error, String nodeId) {

    public static final String SUCCEEDED = "succeeded";
    public static final String FAILED = "failed";
}
