package dev.gatehouse.http.close;

import dev.gatehouse.changelog.ChangeRecord;
import dev.gatehouse.closemembership.CloseMembershipService;
import dev.gatehouse.closemembership.OtherHalf;
import dev.gatehouse.event.EventService;
import dev.gatehouse.json.Json;
import dev.gatehouse.role.RoleService;
import dev.gatehouse.webhook.Webhook;
import dev.gatehouse.webhook.WebhookFormat;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Close's webhooks ({@code /api/v1/webhook/}) as a format of the one webhook machinery: the request body is Close's
 * envelope {@code {"subscription_id": "whsub_…", "event": {…}}}, whose event is exactly what {@code /event/{id}/}
 * shows ({@link CloseEvents}); the headers are Close's {@code close-sig-timestamp} (Unix seconds) and
 * {@code close-sig-hash}: the lower-case hex HMAC-SHA256, keyed by the hex-decoded {@code signature_key}, of the
 * timestamp's digits followed by the raw body. The signature key is 32 random bytes as 64 hex digits, shown on
 * every read of the subscription as Close does.
 *
 * <p>Only events Close's log shows are sent ({@link CloseEvents#shown}: not an invitation's). A subscription
 * wants an event when one of its {@code events} entries names the event's Close object type and
 * action and, if it has an {@code extra_filter}, the filter matches the event object ({@link CloseEventFilter});
 * its object types and actions in the webhook machinery are the native ones those entries can stand for (the coarse
 * filter every format is read through). Reads the organization's roles, group members, actors and membership halves
 * as {@link WebhookFormat#DELIVERY}. Thread-safe: no state but the services.
 */
public final class CloseWebhookFormat implements WebhookFormat {

    public static final String NAME = "close";
    static final String SIG_HASH = "close-sig-hash";
    static final String SIG_TIMESTAMP = "close-sig-timestamp";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final RoleService roles;
    private final EventService events;
    private final CloseMembershipService memberships;

    public CloseWebhookFormat(RoleService roles, EventService events, CloseMembershipService memberships) {
        this.roles = roles;
        this.events = events;
        this.memberships = memberships;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String newSecret() {
        byte[] key = new byte[32];
        RANDOM.nextBytes(key);
        return HexFormat.of().formatHex(key);
    }

    @Override
    public boolean showsSecret() {
        return true;
    }

    @Override
    public Optional<Request> request(Webhook w, ChangeRecord r, String secret, long timestamp, int attempt) {
        if (CloseEvents.closeType(r.objectType().wire()) == null) {
            return Optional.empty();
        }
        Map<Long, OtherHalf> halves = memberships.otherHalves(DELIVERY, w.orgId(), List.of(r));
        if (!CloseEvents.shown(r, halves.get(r.revision()))) {
            return Optional.empty();
        }
        OrgRoles orgRoles = OrgRoles.load(roles, DELIVERY, w.orgId());
        EventService.Around around = events.around(DELIVERY, w.orgId(), List.of(r));
        ObjectNode event = CloseEvents.event(r, orgRoles, around.actorUserIds(), around.groupMembers().get(r.revision()),
                halves.get(r.revision()));
        if (!wants(w.options(), event)) {
            return Optional.empty();
        }
        ObjectNode envelope = Json.object();
        envelope.put("subscription_id", CloseIds.encode(CloseIds.WEBHOOK, w.id()));
        envelope.set("event", event);
        byte[] body = Json.write(envelope);
        String stamp = String.valueOf(timestamp);
        return Optional.of(new Request(body, Map.of(SIG_TIMESTAMP, stamp, SIG_HASH, sign(secret, stamp, body))));
    }

    /** Whether one of the subscription's {@code events} entries selects {@code event} (see the class comment). */
    static boolean wants(JsonNode options, JsonNode event) {
        JsonNode entries = options == null ? null : options.get("events");
        if (entries == null || !entries.isArray()) {
            return false;
        }
        for (JsonNode entry : entries) {
            JsonNode filter = entry.get("extra_filter");
            if (entry.get("object_type").equals(event.get("object_type")) && entry.get("action").equals(event.get("action"))
                    && (filter == null || filter.isNull() || CloseEventFilter.matches(filter, event))) {
                return true;
            }
        }
        return false;
    }

    /** {@code close-sig-hash}: hex HMAC-SHA256 keyed by the hex-decoded key, over the timestamp then the body. */
    static String sign(String hexKey, String timestamp, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(HexFormat.of().parseHex(hexKey), "HmacSHA256"));
            mac.update(timestamp.getBytes(StandardCharsets.US_ASCII));
            return HexFormat.of().formatHex(mac.doFinal(body));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 is unavailable", e);
        }
    }
}
