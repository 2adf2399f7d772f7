package dev.gatehouse.webhook;

import java.time.Instant;

/**
 * Where delivery of one subscription stands.
 *
 * @param revision      every event up to this revision was delivered or did not match
 * @param attempts      failed attempts at the next event since the last success
 * @param failingSince  when the current run of failures began, or null
 * @param nextAttemptAt when the next attempt is due after a failure, or null
 * @param lastError     the class of the last failure ({@link DeliveryFailure}), or null
 * @param deliveringNode the node holding the delivery lease right now, or null
 */
public record DeliveryState(long revision, int attempts, Instant failingSince, Instant nextAttemptAt,
                            String lastError, String deliveringNode) {
}
