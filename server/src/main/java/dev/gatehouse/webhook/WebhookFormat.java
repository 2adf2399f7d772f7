package dev.gatehouse.webhook;

import dev.gatehouse.access.Principal;
import dev.gatehouse.changelog.ChangeRecord;
import java.util.Map;
import java.util.Optional;

/**
 * How the requests of one kind of subscription look: which events it wants beyond its object types and actions,
 * the body, the headers and the signature, and the shape of its secrets. Every format is delivered by the same
 * {@link WebhookDispatcher} — one event at a time in revision order, with the same retries, pausing, fairness and
 * target policy; only the request differs. {@link NativeFormat} is Gatehouse's own; a dialect whose original has
 * webhooks of its own implements one for them (Close's {@code /api/v1/webhook/}), and the node registers it with
 * {@link WebhookService}. A subscription's format is chosen at creation and never changes.
 *
 * <p>Implementations are thread-safe: workers of the dispatcher call them concurrently.
 */
public interface WebhookFormat {

    /**
     * Whom a format reads an organization as while it builds a request (the roles or members an event's body
     * names): deliveries are the system's, authorized while the subscription's creator may read the organization's
     * whole history (a service key, or a member checked before every request: {@link WebhookService#creatorLostAccess}).
     * No key has this id; it never acts, only reads.
     */
    Principal.Service DELIVERY = new Principal.Service("webhook-delivery");

    /** The format's name, as subscriptions store it ({@code webhooks.format}). */
    String name();

    /** A new signing secret in this format's shape. */
    String newSecret();

    /**
     * Whether its API shows a subscription's signing secret on every read (Close's does), rather than only when
     * the secret is made (the native API's rule).
     */
    boolean showsSecret();

    /**
     * The request that delivers {@code event} to {@code webhook}, signed with {@code secret} at {@code timestamp}
     * (Unix seconds, the node's clock), for the {@code attempt}-th try; empty when the subscription does not want
     * the event after all (the format's finer filters, read from {@link Webhook#options}). Called only for events
     * that pass {@link Webhook#matches}.
     */
    Optional<Request> request(Webhook webhook, ChangeRecord event, String secret, long timestamp, int attempt);

    /** A request's body and headers (beyond {@code Content-Type: application/json}, which every request has). */
    record Request(byte[] body, Map<String, String> headers) {
        public Request {
            headers = Map.copyOf(headers);
        }
    }
}
