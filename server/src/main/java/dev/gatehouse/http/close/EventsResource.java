package dev.gatehouse.http.close;

import dev.gatehouse.app.Gatehouse;
import dev.gatehouse.changelog.ChangeLogStore;
import dev.gatehouse.changelog.ChangeRecord;
import dev.gatehouse.error.InvalidInputException;
import dev.gatehouse.error.NotFoundException;
import dev.gatehouse.http.close.CloseApi.Endpoint;
import dev.gatehouse.json.Fields;
import dev.gatehouse.json.Json;
import dev.gatehouse.member.MemberStore;
import dev.gatehouse.role.Role;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.jdbi.v3.core.Handle;
import tools.jackson.databind.node.ObjectNode;

import static dev.gatehouse.store.SqlTime.utc;

/**
 * {@code /event/}: Close's event log, read from the change log (see {@link CloseEvents} for what appears and
 * how). Newest first; cursor paging with {@code _cursor} → {@code cursor_next} (older) and
 * {@code cursor_previous} (newer: on a first page it points past the newest event, so polling it returns what
 * happened since); {@code _limit} up to 50; no {@code _skip}. Readable by every member of the organization.
 *
 * <p>Thread-safe: no state of its own.
 */
final class EventsResource {

    static final int MAX_LIMIT = 50;
    private static final String CURSOR_PREFIX = "ev1:";
    private static final Map<String, String> DATE_FILTERS = Map.of(
            "date_updated__gt", ">", "date_updated__gte", ">=", "date_updated__lt", "<", "date_updated__lte", "<=");

    private final Gatehouse.Services services;
    private final MemberStore memberStore = new MemberStore();

    EventsResource(Gatehouse.Services services) {
        this.services = services;
    }

    List<Endpoint> endpoints() {
        return List.of(
                Endpoint.get("/event/", this::list),
                Endpoint.get("/event/{id}/", this::get));
    }

    /** A position in the log and the direction to read from it. */
    private record Cursor(boolean newer, long revision) {
        String encode() {
            return Base64.getUrlEncoder().withoutPadding().encodeToString((CURSOR_PREFIX + (newer ? "p:" : "n:")
                    + revision).getBytes(StandardCharsets.UTF_8));
        }

        static Cursor decode(String text) {
            try {
                String s = new String(Base64.getUrlDecoder().decode(text), StandardCharsets.UTF_8);
                if (s.startsWith(CURSOR_PREFIX) && s.length() > CURSOR_PREFIX.length() + 2
                        && s.length() < CURSOR_PREFIX.length() + 22) {
                    String kind = s.substring(CURSOR_PREFIX.length(), CURSOR_PREFIX.length() + 2);
                    long revision = Long.parseLong(s.substring(CURSOR_PREFIX.length() + 2));
                    if ((kind.equals("p:") || kind.equals("n:")) && revision >= 0) {
                        return new Cursor(kind.equals("p:"), revision);
                    }
                }
            } catch (IllegalArgumentException ignored) {
                // reported below
            }
            throw new InvalidInputException("invalid_input", "_cursor is not one this API returned: \""
                    + Fields.abbreviate(text) + "\"", Map.of("_cursor", "Invalid cursor."));
        }
    }

    private void list(CloseRequest req) {
        if (req.param("_skip") != null) {
            throw new InvalidInputException("invalid_input", "the event log pages with _cursor, not _skip",
                    Map.of("_skip", "Not supported; use _cursor."));
        }
        int limit = req.limit(MAX_LIMIT);
        String rawCursor = req.param("_cursor");
        Cursor cursor = rawCursor == null || rawCursor.isEmpty() ? null : Cursor.decode(rawCursor);
        StringBuilder where = new StringBuilder("org_id = :org");
        Map<String, Object> binds = new LinkedHashMap<>();
        binds.put("org", req.orgId());
        if (!filter(req, where, binds)) {
            page(req, List.of(), null, cursor);
            return;
        }
        List<ChangeRecord> rows = services.store().read(h -> {
            String sql;
            if (cursor != null && cursor.newer()) {
                sql = "SELECT * FROM change_log WHERE " + where + " AND revision > :from ORDER BY revision LIMIT :n";
            } else {
                sql = "SELECT * FROM change_log WHERE " + where + " AND revision < :from ORDER BY revision DESC LIMIT :n";
            }
            var q = h.createQuery(sql).bind("from", cursor == null ? Long.MAX_VALUE : cursor.revision())
                    .bind("n", limit + 1);
            binds.forEach(q::bind);
            return q.map((rs, ctx) -> ChangeLogStore.map(rs)).list();
        });
        boolean more = rows.size() > limit;
        List<ChangeRecord> items = new ArrayList<>(rows.subList(0, Math.min(limit, rows.size())));
        String next;
        if (cursor != null && cursor.newer()) {
            Collections.reverse(items);
            next = items.isEmpty() ? null : new Cursor(false, items.get(items.size() - 1).revision()).encode();
        } else {
            next = more ? new Cursor(false, items.get(items.size() - 1).revision()).encode() : null;
        }
        page(req, items, next, cursor);
    }

    private void page(CloseRequest req, List<ChangeRecord> items, String next, Cursor cursor) {
        String previous;
        if (!items.isEmpty()) {
            previous = new Cursor(true, items.get(0).revision()).encode();
        } else if (cursor != null && cursor.newer()) {
            previous = cursor.encode();
        } else if (cursor == null) {
            previous = new Cursor(true, services.feed().applied()).encode();
        } else {
            previous = null;
        }
        OrgRoles roles = OrgRoles.load(services.roles(), req.caller(), req.orgId());
        Map<Long, String> actors = actorUserIds(req, items);
        ObjectNode body = Json.object();
        var data = body.putArray("data");
        var wanted = req.fieldsWanted();
        items.forEach(r -> data.add(CloseReply.trim(CloseEvents.event(r, roles, actors), wanted)));
        body.put("cursor_next", next);
        body.put("cursor_previous", previous);
        CloseReply.write(req, 200, body);
    }

    private void get(CloseRequest req) {
        String raw = req.path("id");
        long revision = CloseIds.decode(CloseIds.EVENT, raw);
        ChangeRecord record = revision < 0 ? null : services.store().read(h -> h.createQuery(
                        "SELECT * FROM change_log WHERE revision = :r AND org_id = :org")
                .bind("r", revision).bind("org", req.orgId()).map((rs, ctx) -> ChangeLogStore.map(rs)).findOne()
                .orElse(null));
        if (record == null || CloseEvents.closeType(record.objectType()) == null) {
            throw new NotFoundException("event_not_found", "Event \"" + Fields.abbreviate(raw) + "\" not found.");
        }
        OrgRoles roles = OrgRoles.load(services.roles(), req.caller(), req.orgId());
        CloseReply.object(req, 200, CloseEvents.event(record, roles, actorUserIds(req, List.of(record))));
    }

    /**
     * Adds the request's filters to the query; false when they can match nothing (an unknown type, action or
     * user, or a lead or request id, which Gatehouse never records).
     */
    private boolean filter(CloseRequest req, StringBuilder where, Map<String, Object> binds) {
        String objectType = blankToNull(req.param("object_type"));
        String objectId = blankToNull(req.param("object_id"));
        String action = blankToNull(req.param("action"));
        if (req.param("lead_id") != null || req.param("request_id") != null) {
            return false;
        }
        if (objectId != null) {
            String inferred = objectId.startsWith(CloseIds.MEMBERSHIP) ? CloseEvents.MEMBERSHIP
                    : objectId.startsWith(CloseIds.GROUP) ? CloseEvents.GROUP : CloseEvents.ROLE;
            if (objectType != null && !objectType.equals(inferred)) {
                return false;
            }
            objectType = inferred;
            String nativeId = nativeObjectId(req, inferred, objectId);
            if (nativeId == null) {
                return false;
            }
            where.append(" AND object_id = :oid");
            binds.put("oid", nativeId);
        }
        List<CloseEvents.NativeFilter> types = CloseEvents.filters(objectType, action);
        if (types.isEmpty()) {
            return false;
        }
        where.append(" AND (");
        for (int i = 0; i < types.size(); i++) {
            CloseEvents.NativeFilter t = types.get(i);
            where.append(i == 0 ? "" : " OR ").append("(object_type = :t").append(i);
            binds.put("t" + i, t.objectType());
            if (t.actions() != null) {
                where.append(" AND action = ANY (:a").append(i).append(")");
                binds.put("a" + i, t.actions().toArray(new String[0]));
            }
            where.append(")");
        }
        where.append(")");
        String userId = blankToNull(req.param("user_id"));
        if (userId != null) {
            Long actor = services.store().read(h -> memberStore.findByUserId(h, req.orgId(), userId))
                    .map(m -> m.id()).orElse(null);
            if (actor == null) {
                return false;
            }
            where.append(" AND actor_type = 'member' AND actor_id = :actor");
            binds.put("actor", actor);
        }
        int n = 0;
        for (Map.Entry<String, String> f : new TreeMap<>(DATE_FILTERS).entrySet()) {
            String raw = blankToNull(req.param(f.getKey()));
            if (raw != null) {
                Instant at = CloseTime.parse(f.getKey(), raw, req.tzOffset());
                where.append(" AND occurred_at ").append(f.getValue()).append(" :d").append(n);
                binds.put("d" + n++, utc(at));
            }
        }
        return true;
    }

    private String nativeObjectId(CloseRequest req, String type, String closeId) {
        if (type.equals(CloseEvents.MEMBERSHIP)) {
            long id = CloseIds.decode(CloseIds.MEMBERSHIP, closeId);
            return id < 0 ? null : String.valueOf(id);
        }
        if (type.equals(CloseEvents.GROUP)) {
            long id = CloseIds.decode(CloseIds.GROUP, closeId);
            return id < 0 ? null : String.valueOf(id);
        }
        if (closeId.startsWith(CloseIds.ROLE)) {
            long id = CloseIds.decode(CloseIds.ROLE, closeId);
            return id < 0 ? null : String.valueOf(id);
        }
        Role role = OrgRoles.load(services.roles(), req.caller(), req.orgId()).resolve(closeId);
        return role == null ? null : String.valueOf(role.id());
    }

    /** The Close user ids of the members who made the changes (null for service keys and removed members). */
    private Map<Long, String> actorUserIds(CloseRequest req, List<ChangeRecord> records) {
        Long[] ids = records.stream().map(r -> r.actor().id()).filter(Objects::nonNull).distinct()
                .toArray(Long[]::new);
        Map<Long, String> out = new HashMap<>();
        if (ids.length > 0) {
            services.store().read((Handle h) -> h.createQuery("SELECT id, user_id FROM members WHERE org_id = :org "
                            + "AND id = ANY (:ids)").bind("org", req.orgId()).bind("ids", ids)
                    .map((rs, ctx) -> {
                        out.put(rs.getLong("id"), rs.getString("user_id"));
                        return 0;
                    }).list());
        }
        return out;
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }
}
