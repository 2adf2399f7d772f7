package dev.gatehouse.http.v1;

import dev.gatehouse.changelog.Action;
import dev.gatehouse.changelog.ChangeLogStore;
import dev.gatehouse.changelog.ChangeRecord;
import dev.gatehouse.changelog.EventJson;
import dev.gatehouse.changelog.EventQuery;
import dev.gatehouse.changelog.ObjectType;
import dev.gatehouse.error.InvalidInputException;
import dev.gatehouse.event.EventService;
import dev.gatehouse.http.Auth;
import dev.gatehouse.http.QueryParameters;
import dev.gatehouse.http.Route;
import dev.gatehouse.json.Digits;
import dev.gatehouse.json.Fields;
import dev.gatehouse.json.Rfc3339;
import io.javalin.http.Context;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code /v1/orgs/{org}/events}: the organization's change history, newest first by default.
 *
 * <p>Query parameters (all optional; list parameters take several values, repeated or comma-separated):
 * {@code object_type}, {@code object_id}, {@code action}, {@code actor_type} ({@code service | member |
 * system}), {@code actor_id} (member id), {@code key_id}, {@code since} / {@code until} (ISO-8601 instants,
 * {@code since <= occurred_at < until}), {@code after_revision} / {@code before_revision} (exclusive),
 * {@code order} ({@code desc | asc}), {@code limit}, {@code cursor}; any other, or a single-valued one given twice, is
 * refused before the route runs ({@link QueryParameters}). A parameter given is a filter, never ignored: an empty
 * value is a 400, as a bad one is, rather than read as absent (which listed everything), and an object type or action
 * the change log does not know is a 400 naming those it does (it would never match, silently) — the same vocabulary a
 * webhook subscription's filters are checked against ({@link #filterProblem}). A page also
 * ends at {@link EventQuery#MAX_PAGE_BYTES} of stored events, with a {@code next_cursor} that continues after it.
 */
final class EventsResource {

    /** What the list reads: the list filters take several values, repeated or comma-separated. */
    private static final QueryParameters LIST_PARAMETERS = V1.PAGE.and("order", "actor_type", "actor_id", "key_id",
            "since", "until", "after_revision", "before_revision").andRepeatable("object_type", "object_id", "action");
    private static final Set<String> ACTOR_TYPES = Set.of("service", "member", "system");
    private static final int MAX_VALUES = 50;
    private static final String EMPTY = "is empty; give a value, or leave the parameter out";
    /** The object types events have, and so what a filter may name: those this version writes. */
    static final List<String> OBJECT_TYPES = ObjectType.values().stream().map(ObjectType::wire).toList();
    /** The actions events have, and so what a filter may name: those this version writes. */
    static final List<String> ACTIONS = Action.values().stream().map(Action::wire).toList();

    private final EventService events;
    private final Auth auth;

    EventsResource(EventService events, Auth auth) {
        this.events = events;
        this.auth = auth;
    }

    List<Route> routes() {
        return List.of(
                Route.get("/v1/orgs/{org}/events", this::list).reading(LIST_PARAMETERS),
                Route.get("/v1/orgs/{org}/events/{revision}", this::get),
                Route.get("/v1/orgs/{org}/events/{revision}/objects", this::objects).reading(V1.PAGE));
    }

    private void list(Context ctx) {
        var principal = auth.principal(ctx);
        long orgId = V1.id(ctx, "org");
        int limit = V1.limit(ctx);
        Listing listing = query(ctx, orgId, limit);
        ChangeLogStore.Batch page = events.page(principal, listing.query());
        V1.page(ctx, listing.variant(), page.records(), limit, page.more(), ChangeRecord::revision, EventJson::of);
    }

    private void get(Context ctx) {
        var principal = auth.principal(ctx);
        V1.ok(ctx, EventJson.of(events.get(principal, V1.id(ctx, "org"), V1.id(ctx, "revision"))));
    }

    /** A {@code bulk_import} event's objects, paged by position ({@code limit}, {@code cursor}). */
    private void objects(Context ctx) {
        var principal = auth.principal(ctx);
        int limit = V1.limit(ctx);
        List<ObjectNode> page = events.objects(principal, V1.id(ctx, "org"), V1.id(ctx, "revision"), V1.after(ctx),
                limit);
        V1.page(ctx, page, limit, n -> n.get("position").longValue(), n -> n);
    }

    /**
     * The events a request asks for, and the list's variant its cursors carry ({@link V1#variant}): every filter and
     * the order, as read. A revision is a position in either order and under any filter, so a cursor of one list read
     * in another would start a page elsewhere, without an error.
     */
    record Listing(EventQuery query, String variant) {
    }

    /**
     * Reads and checks every filter, naming all bad values in one 400 (the names, and that single-valued ones come
     * once, were checked before the route ran).
     */
    static Listing query(Context ctx, long orgId, int limit) {
        Map<String, String> errors = new LinkedHashMap<>();
        EventQuery.Builder q = EventQuery.forOrg(orgId).limit(limit);
        Set<String> objectTypes = tokens(ctx, "object_type", OBJECT_TYPES, errors);
        q.objectTypes(objectTypes);
        Set<String> actions = tokens(ctx, "action", ACTIONS, errors);
        q.actions(actions);
        Set<String> ids = values(ctx, "object_id", errors);
        for (String id : ids) {
            if (id.length() > 256) {
                errors.put("object_id", "each value must be at most 256 characters");
            }
        }
        q.objectIds(ids);
        String actorType = single(ctx, "actor_type", errors);
        if (actorType != null && !ACTOR_TYPES.contains(actorType)) {
            errors.put("actor_type", "must be one of " + ACTOR_TYPES.stream().sorted().toList() + ", got \""
                    + Fields.abbreviate(actorType) + "\"");
        }
        q.actorType(actorType);
        Long actorId = positive(ctx, "actor_id", errors);
        q.actorId(actorId);
        String keyId = single(ctx, "key_id", errors);
        if (keyId != null && keyId.length() > 128) {
            errors.put("key_id", "must be at most 128 characters");
        }
        q.keyId(keyId);
        Instant since = instant(ctx, "since", errors);
        Instant until = instant(ctx, "until", errors);
        q.since(since).until(until);
        Long after = number(ctx, "after_revision", errors);
        Long before = positive(ctx, "before_revision", errors);
        if (after != null) {
            q.afterRevision(after);
        }
        if (before != null) {
            q.beforeRevision(before);
        }
        String order = single(ctx, "order", errors);
        boolean ascending = false;
        if (order != null) {
            if (order.equals("asc")) {
                ascending = true;
            } else if (!order.equals("desc")) {
                errors.put("order", "must be desc (newest first) or asc (oldest first), got \""
                        + Fields.abbreviate(order) + "\"");
            }
        }
        q.ascending(ascending);
        String variant = V1.variant("object_type", objectTypes, "action", actions, "object_id", ids,
                "actor_type", actorType, "actor_id", actorId, "key_id", keyId, "since", since, "until", until,
                "after_revision", after, "before_revision", before, "order", ascending ? "asc" : "desc");
        if ("".equals(ctx.queryParam("cursor"))) {
            errors.put("cursor", EMPTY); // named with the other parameters' problems (V1.after refuses it alone)
        }
        if (errors.isEmpty()) {
            long cursor = V1.after(ctx, variant);
            if (cursor > 0) {
                if (ascending) {
                    q.afterRevision(cursor);
                } else {
                    q.beforeRevision(cursor);
                }
            }
        }
        if (!errors.isEmpty()) {
            String detail = Fields.detail(errors);
            throw new InvalidInputException("invalid_query", detail, errors);
        }
        return new Listing(q.build(), variant);
    }

    /**
     * The values of list filter {@code name}, repeated or comma-separated (stripped of spaces around them). A filter
     * names something: given empty ({@code object_type=}), it once filtered nothing and so listed everything, and an
     * empty element of a list ({@code group,}, {@code group,,member}) would be dropped without a word — each is a
     * problem in {@code errors}, never ignored.
     */
    private static Set<String> values(Context ctx, String name, Map<String, String> errors) {
        Set<String> out = new LinkedHashSet<>();
        for (String raw : ctx.queryParams(name)) {
            if (raw.replace(",", "").isBlank()) {
                errors.put(name, "is empty; name at least one value, or leave the parameter out");
                continue;
            }
            for (String part : raw.split(",", -1)) {
                String v = part.strip();
                if (v.isEmpty()) {
                    errors.put(name, "holds an empty value in \"" + Fields.abbreviate(raw) + "\"; separate values "
                            + "by one comma, with none at either end");
                } else {
                    out.add(v);
                }
            }
        }
        if (out.size() > MAX_VALUES) {
            errors.put(name, "at most " + MAX_VALUES + " values, got " + out.size());
        }
        return out;
    }

    private static Set<String> tokens(Context ctx, String name, List<String> known, Map<String, String> errors) {
        Set<String> out = values(ctx, name, errors);
        for (String v : out) {
            String problem = filterProblem(v, known);
            if (problem != null) {
                errors.put(name, problem);
            }
        }
        return out;
    }

    /**
     * Why {@code value} cannot select events by object type or action ({@code known}: {@link #OBJECT_TYPES} or
     * {@link #ACTIONS}), or null: it must be a name, and one the change log knows, for an unknown one would never
     * match and a typo would answer as if nothing had happened. The events list and webhook subscriptions' filters
     * both check theirs here.
     */
    static String filterProblem(String value, List<String> known) {
        String problem = V1.nameProblem(value);
        if (problem == null && !known.contains(value)) {
            problem = "\"" + Fields.abbreviate(value) + "\" is none of " + known;
        }
        return problem;
    }

    /** A single-valued parameter ({@link #LIST_PARAMETERS}): null when absent, and when empty (refused in errors). */
    private static String single(Context ctx, String name, Map<String, String> errors) {
        String raw = ctx.queryParam(name);
        if (raw != null && raw.isEmpty()) {
            errors.put(name, EMPTY);
            return null;
        }
        return raw;
    }

    private static Long positive(Context ctx, String name, Map<String, String> errors) {
        Long n = number(ctx, name, errors);
        if (n != null && n < 1) {
            errors.put(name, "must be a positive integer, got " + n);
            return null;
        }
        return n;
    }

    private static Long number(Context ctx, String name, Map<String, String> errors) {
        String raw = single(ctx, name, errors);
        if (raw == null) {
            return null;
        }
        long n = Digits.parse(raw);
        if (n < 0) {
            errors.put(name, Digits.whyRefused(raw) + ", got \"" + Fields.abbreviate(raw) + "\"");
            return null;
        }
        return n;
    }

    private static Instant instant(Context ctx, String name, Map<String, String> errors) {
        String raw = single(ctx, name, errors);
        if (raw == null) {
            return null;
        }
        Instant instant = Rfc3339.parse(raw);
        if (instant == null) {
            errors.put(name, Rfc3339.problem(raw));
        }
        return instant;
    }
}
