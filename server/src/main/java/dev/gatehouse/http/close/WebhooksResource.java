package dev.gatehouse.http.close;

import dev.gatehouse.error.NotFoundException;
import dev.gatehouse.event.EventService;
import dev.gatehouse.http.close.CloseApi.Endpoint;
import dev.gatehouse.http.close.CloseApi.Permission;
import dev.gatehouse.json.Fields;
import dev.gatehouse.json.Json;
import dev.gatehouse.webhook.DeliveryState;
import dev.gatehouse.webhook.Webhook;
import dev.gatehouse.webhook.WebhookInput;
import dev.gatehouse.webhook.WebhookService;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;
import java.util.stream.Stream;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code /webhook/}: Close's webhook subscriptions over {@link WebhookService}, in the {@link CloseWebhookFormat}
 * (so delivered by the same machinery as native subscriptions). Managing them needs what managing native ones
 * needs ({@code manage_organization} in the {@code close} model); subscriptions made through the native API are
 * not listed here, nor found.
 *
 * <p>A subscription's {@code events} are entries {@code {"object_type", "action", "extra_filter"?}}: the object
 * types and actions Close's event log shows ({@link #ACTIONS}) — an entry for anything else is refused, since
 * Gatehouse records nothing else and the entry could never fire — and a filter of {@link CloseEventFilter}'s
 * language. {@code verify_ssl} may only be true: deliveries always verify certificates. PUT changes only the fields
 * sent ({@code events}, {@code url}, {@code status}, {@code verify_ssl}); {@code status: paused} pauses and
 * {@code active} resumes, as the native API does.
 *
 * <p>Thread-safe: no state of its own.
 */
final class WebhooksResource {

    /** The object types and actions a subscription may name: what Close's event log shows. */
    static final Map<String, List<String>> ACTIONS = Map.of(
            CloseEvents.MEMBERSHIP, List.of("activated", "deactivated", "updated"),
            CloseEvents.GROUP, List.of("created", "updated", "deleted"),
            CloseEvents.ROLE, List.of("created", "updated", "deleted"));
    static final int MAX_EVENTS = 50;
    private static final Set<String> CREATE_FIELDS = Set.of("url", "events", "verify_ssl");
    private static final Set<String> UPDATE_FIELDS = Set.of("url", "events", "status", "verify_ssl");
    private static final Set<String> ENTRY_FIELDS = Set.of("object_type", "action", "extra_filter");

    private final WebhookService webhooks;
    private final EventService events;

    WebhooksResource(WebhookService webhooks, EventService events) {
        this.webhooks = webhooks;
        this.events = events;
    }

    List<Endpoint> endpoints() {
        return List.of(
                Endpoint.get("/webhook/", this::list)
                        .needs(Permission.READ_HISTORY, "listing webhooks"),
                Endpoint.post("/webhook/", this::create)
                        .needs(Permission.READ_HISTORY, "creating a webhook"),
                Endpoint.get("/webhook/{id}/", this::get)
                        .needs(Permission.READ_HISTORY, "reading a webhook"),
                Endpoint.put("/webhook/{id}/", this::update)
                        .needs(Permission.READ_HISTORY, "updating a webhook"),
                Endpoint.delete("/webhook/{id}/", this::delete)
                        .needs(Permission.READ_HISTORY, "deleting a webhook"));
    }

    private void list(CloseRequest req) {
        int skip = req.skip();
        int limit = req.limit(CloseRequest.MAX_LIMIT);
        List<WebhookService.Detailed> all = webhooks.list(req.caller(), req.orgId(), 0L, WebhookService.MAX_PER_ORG,
                CloseWebhookFormat.NAME);
        List<WebhookService.Detailed> page = all.stream().skip(skip).limit(limit).toList();
        Map<Long, String> users = userIds(req, page.stream().map(WebhookService.Detailed::webhook));
        CloseReply.list(req, page.stream().map(d -> subscription(d.webhook(), d.delivery(), d.secret(), users))
                .toList(), all.size() > skip + limit);
    }

    private void get(CloseRequest req) {
        long id = subscriptionId(req);
        var d = found(req, () -> webhooks.get(req.caller(), req.orgId(), id, CloseWebhookFormat.NAME));
        CloseReply.object(req, 200, subscription(d.webhook(), d.delivery(), d.secret(),
                userIds(req, Stream.of(d.webhook()))));
    }

    private void create(CloseRequest req) {
        Fields f = req.fields();
        unknown(f, CREATE_FIELDS);
        String url = f.unstripped("url", true, 2048);
        ObjectNode options = Json.object();
        Coarse coarse = events(f, true, options);
        verifySsl(f, options, true);
        f.check();
        var written = webhooks.create(req.caller(), req.orgId(), new WebhookInput(url, "", coarse.objectTypes(),
                coarse.actions(), null, false, CloseWebhookFormat.NAME, options));
        var w = written.value();
        CloseReply.object(req, 201, subscription(w.webhook(), w.delivery(), w.secret(),
                userIds(req, Stream.of(w.webhook()))));
    }

    private void update(CloseRequest req) {
        long id = subscriptionId(req);
        Fields f = req.fields();
        unknown(f, UPDATE_FIELDS);
        CloseFields.notNull(f, "url", "events", "status", "verify_ssl");
        String url = f.unstripped("url", false, 2048);
        String status = f.string("status", false, 16);
        if (status != null && !status.equals(Webhook.ACTIVE) && !status.equals(Webhook.PAUSED)) {
            f.error("status", "Must be \"active\" or \"paused\".");
        }
        boolean changesOptions = f.has("events") || f.has("verify_ssl");
        ObjectNode options = null;
        Coarse coarse = null;
        if (changesOptions) {
            Webhook current = found(req, () -> webhooks.get(req.caller(), req.orgId(), id, CloseWebhookFormat.NAME))
                    .webhook();
            options = current.options() instanceof ObjectNode stored ? stored.deepCopy() : Json.object();
            if (f.has("events")) {
                coarse = events(f, false, options);
            }
            verifySsl(f, options, false);
        }
        f.check();
        ObjectNode newOptions = options;
        Coarse newCoarse = coarse;
        var written = found(req, () -> webhooks.update(req.caller(), req.orgId(), id, new WebhookInput(url, null,
                newCoarse == null ? null : newCoarse.objectTypes(), newCoarse == null ? null : newCoarse.actions(),
                status, false, CloseWebhookFormat.NAME, newOptions), null));
        var w = written.value();
        CloseReply.object(req, 200, subscription(w.webhook(), w.delivery(), w.secret(),
                userIds(req, Stream.of(w.webhook()))));
    }

    private void delete(CloseRequest req) {
        long id = subscriptionId(req);
        found(req, () -> webhooks.delete(req.caller(), req.orgId(), id, null, CloseWebhookFormat.NAME));
        CloseReply.empty(req);
    }

    /** The native object types and actions a subscription's entries can stand for (the machinery's coarse filter). */
    private record Coarse(List<String> objectTypes, List<String> actions) {
    }

    /**
     * Reads {@code events} into {@code options} (as sent, with a null {@code extra_filter} left out); returns the
     * coarse filter, or null when the field has errors (collected in {@code f}).
     */
    private static Coarse events(Fields f, boolean required, ObjectNode options) {
        JsonNode raw = f.node().get("events");
        if (raw == null || raw.isNull()) {
            if (required) {
                f.error("events", CloseFields.REQUIRED);
            }
            return null;
        }
        if (!raw.isArray() || raw.isEmpty() || raw.size() > MAX_EVENTS) {
            f.error("events", "Must be a list of 1 to " + MAX_EVENTS + " events, each {\"object_type\", \"action\"}.");
            return null;
        }
        Set<String> types = new TreeSet<>();
        Set<String> actions = new TreeSet<>();
        ArrayNode stored = Json.MAPPER.createArrayNode();
        for (int i = 0; i < raw.size(); i++) {
            String at = "events[" + i + "]";
            JsonNode entry = raw.get(i);
            String problem = entryProblem(entry);
            if (problem != null) {
                f.error(at, problem);
                continue;
            }
            String type = entry.get("object_type").stringValue();
            String action = entry.get("action").stringValue();
            CloseEvents.NativeFilter selected = Objects.requireNonNull(CloseEvents.filter(type, action));
            types.addAll(selected.objectTypes());
            actions.addAll(selected.actions());
            ObjectNode kept = stored.addObject();
            kept.put("object_type", type);
            kept.put("action", action);
            JsonNode filter = entry.get("extra_filter");
            if (filter != null && !filter.isNull()) {
                kept.set("extra_filter", filter.deepCopy());
            }
        }
        if (f.hasErrors()) {
            return null;
        }
        options.set("events", stored);
        return new Coarse(List.copyOf(types), List.copyOf(actions));
    }

    /** What is wrong with one {@code events} entry, or null. */
    private static String entryProblem(JsonNode entry) {
        if (entry == null || !entry.isObject()) {
            return "Must be an object {\"object_type\", \"action\", \"extra_filter\"?}.";
        }
        for (String name : entry.propertyNames()) {
            if (!ENTRY_FIELDS.contains(name)) {
                return "Unknown field \"" + Fields.abbreviate(name) + "\".";
            }
        }
        JsonNode type = entry.get("object_type");
        JsonNode action = entry.get("action");
        if (type == null || !type.isString() || action == null || !action.isString()) {
            return "object_type and action are required strings.";
        }
        List<String> known = ACTIONS.get(type.stringValue());
        if (known == null) {
            return "object_type \"" + Fields.abbreviate(type.stringValue()) + "\" is not one Gatehouse records; "
                    + "subscribe to membership, group or role.";
        }
        if (!known.contains(action.stringValue())) {
            return "action \"" + Fields.abbreviate(action.stringValue()) + "\" is not one of " + type.stringValue()
                    + "'s: " + String.join(", ", known) + ".";
        }
        JsonNode filter = entry.get("extra_filter");
        if (filter != null && !filter.isNull()) {
            String problem = CloseEventFilter.problem(filter);
            if (problem != null) {
                return "extra_filter " + problem + ".";
            }
        }
        return null;
    }

    /** {@code verify_ssl}: only true is served (deliveries always verify certificates). */
    private static void verifySsl(Fields f, ObjectNode options, boolean create) {
        Boolean verify = f.bool("verify_ssl");
        if (Boolean.FALSE.equals(verify)) {
            f.error("verify_ssl", "Must be true: Gatehouse always verifies the certificates of https URLs.");
        } else if (verify != null || create) {
            options.put("verify_ssl", true);
        }
    }

    private static void unknown(Fields f, Set<String> allowed) {
        for (String name : f.node().propertyNames()) {
            if (!allowed.contains(name)) {
                f.error(name, "Unknown field.");
            }
        }
    }

    /** A subscription in Close's shape. */
    static ObjectNode subscription(Webhook w, DeliveryState delivery, String secret, Map<Long, String> userIds) {
        ObjectNode n = Json.object();
        n.put("id", CloseIds.encode(CloseIds.WEBHOOK, w.id()));
        n.put("url", w.url());
        JsonNode events = w.options() == null ? null : w.options().get("events");
        n.set("events", events == null ? Json.MAPPER.createArrayNode() : events);
        n.put("status", w.status());
        n.put("signature_key", secret);
        boolean failing = delivery != null && delivery.attempts() > 0;
        n.put("health_status", failing ? "unhealthy" : "healthy");
        n.put("latest_error", delivery == null ? null : delivery.lastError());
        n.put("pause_reason", w.active() ? null
                : WebhookService.PAUSED_BY_API.equals(w.pausedReason()) ? "api"
                : w.pausedReason() != null && w.pausedReason().startsWith(WebhookService.CREATOR_LOST_ACCESS)
                ? WebhookService.CREATOR_LOST_ACCESS : "delivery_failures");
        n.putObject("counters");
        n.put("recent_consecutive_fail_buckets_cnt", 0);
        n.put("created_by", w.createdBy() == null ? null : userIds.get(w.createdBy()));
        n.put("updated_by", w.updatedBy() == null ? null : userIds.get(w.updatedBy()));
        n.put("date_created", CloseTime.naive(w.createdAt()));
        n.put("date_updated", CloseTime.naive(w.updatedAt()));
        JsonNode verify = w.options() == null ? null : w.options().get("verify_ssl");
        n.put("verify_ssl", verify == null || verify.booleanValue());
        return n;
    }

    /**
     * The user ids of the members who made and changed these subscriptions: also of one removed since, whose user id
     * the change log keeps (as events name a removed actor, {@link EventService#userIds}); absent only when retention
     * pruned every record of it.
     */
    private Map<Long, String> userIds(CloseRequest req, Stream<Webhook> shown) {
        List<Long> ids = shown.flatMap(w -> Stream.of(w.createdBy(), w.updatedBy())).filter(Objects::nonNull)
                .distinct().toList();
        return ids.isEmpty() ? Map.of() : events.userIds(req.caller(), req.orgId(), ids);
    }

    /** Runs a subscription operation, reporting an unknown subscription by its Close id. */
    private static <T> T found(CloseRequest req, Supplier<T> operation) {
        try {
            return operation.get();
        } catch (NotFoundException e) {
            if ("webhook_not_found".equals(e.code())) {
                throw notFound(req.path("id"));
            }
            throw e;
        }
    }

    private static NotFoundException notFound(String id) {
        return new NotFoundException("webhook_not_found", "Webhook subscription \"" + Fields.abbreviate(id)
                + "\" not found.");
    }

    private static long subscriptionId(CloseRequest req) {
        String raw = req.path("id");
        long id = CloseIds.decode(CloseIds.WEBHOOK, raw);
        if (id < 0) {
            throw notFound(raw);
        }
        return id;
    }
}
