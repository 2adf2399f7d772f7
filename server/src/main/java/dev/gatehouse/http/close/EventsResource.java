package dev.gatehouse.http.close;

import dev.gatehouse.changelog.ChangeLogStore;
import dev.gatehouse.changelog.ChangeRecord;
import dev.gatehouse.changelog.EventQuery;
import dev.gatehouse.closemembership.CloseMembershipService;
import dev.gatehouse.closemembership.OtherHalf;
import dev.gatehouse.error.InvalidInputException;
import dev.gatehouse.error.NotFoundException;
import dev.gatehouse.event.EventService;
import dev.gatehouse.http.close.CloseApi.Endpoint;
import dev.gatehouse.json.Digits;
import dev.gatehouse.json.Fields;
import dev.gatehouse.json.Json;
import dev.gatehouse.role.Role;
import dev.gatehouse.role.RoleService;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.BiFunction;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code /event/}: Close's event log, read from the change log (see {@link CloseEvents} for what appears and
 * how). Newest first; cursor paging with {@code _cursor} → {@code cursor_next} (older) and
 * {@code cursor_previous} (newer: on a first page it points past the newest event, so polling it returns what
 * happened since); {@code _limit} up to 50 (larger values are capped at 50, as Close does), and a page also
 * ends at {@link EventQuery#MAX_PAGE_BYTES} of stored events (its cursors continue after it); no {@code _skip}.
 * Records Close does not show ({@link CloseEvents#shown}: an invitation's) are skipped as the log is read.
 * Every member reads it, but only what {@link dev.gatehouse.event.EventService#pageVisible} lets it see: with
 * {@code manage_organization} everything, else the changes of roles, groups and of its own membership.
 *
 * <p>Thread-safe: no state of its own.
 */
final class EventsResource {

    static final int MAX_LIMIT = 50;
    private static final String CURSOR_PREFIX = "ev1:";
    /** Close's date filters and the bounds they put on the query, in the order they are checked. */
    private static final Map<String, BiFunction<EventQuery.Builder, Instant, EventQuery.Builder>> DATE_FILTERS =
            new TreeMap<>(Map.of("date_updated__gt", EventQuery.Builder::after,
                    "date_updated__gte", EventQuery.Builder::since,
                    "date_updated__lt", EventQuery.Builder::until,
                    "date_updated__lte", EventQuery.Builder::through));

    private final EventService events;
    private final RoleService roles;
    private final CloseMembershipService memberships;

    EventsResource(EventService events, RoleService roles, CloseMembershipService memberships) {
        this.events = events;
        this.roles = roles;
        this.memberships = memberships;
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
                    long revision = Digits.parse(s.substring(CURSOR_PREFIX.length() + 2));
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

    /** The events of one page, with the membership halves they are shown with. */
    private record Shown(List<ChangeRecord> items, Map<Long, OtherHalf> halves) {
    }

    private void list(CloseRequest req) {
        if (req.nonBlankParam("_skip") != null) {
            throw new InvalidInputException("invalid_input", "the event log pages with _cursor, not _skip",
                    Map.of("_skip", "Not supported; use _cursor."));
        }
        int limit = req.cappedLimit(MAX_LIMIT);
        String rawCursor = req.nonBlankParam("_cursor");
        Cursor cursor = rawCursor == null ? null : Cursor.decode(rawCursor);
        EventQuery.Builder query = filter(req);
        if (query == null) {
            page(req, new Shown(List.of(), Map.of()), null, cursor, null);
            return;
        }
        boolean newer = cursor != null && cursor.newer();
        if (newer) {
            query.afterRevision(cursor.revision()).ascending(true);
        } else if (cursor != null) {
            query.beforeRevision(cursor.revision());
        }
        // Records Close does not show (CloseEvents.shown) are skipped as they are read, so reading goes on past
        // them; a page still ends at a read's byte budget. Cursors continue after the last record read.
        List<ChangeRecord> items = new ArrayList<>();
        Map<Long, OtherHalf> halves = new HashMap<>();
        Long firstRead = null;
        Long lastRead = null;
        boolean more = false;
        reading:
        while (true) {
            ChangeLogStore.Batch read = events.pageVisible(req.caller(), query.limit(limit + 1), req.orgId());
            List<ChangeRecord> rows = read.records();
            Map<Long, OtherHalf> readHalves = memberships.otherHalves(req.caller(), req.orgId(), rows);
            for (ChangeRecord r : rows) {
                OtherHalf half = readHalves.get(r.revision());
                if (CloseEvents.shown(r, half)) {
                    if (items.size() == limit) {
                        more = true;
                        break reading;
                    }
                    items.add(r);
                    if (half != null) {
                        halves.put(r.revision(), half);
                    }
                }
                firstRead = firstRead == null ? r.revision() : firstRead;
                lastRead = r.revision();
            }
            if (read.more()) {
                more = true;
                break;
            }
            if (rows.size() <= limit) {
                break;
            }
            if (newer) {
                query.afterRevision(lastRead);
            } else {
                query.beforeRevision(lastRead);
            }
        }
        String next;
        Long newest;
        if (newer) {
            Collections.reverse(items);
            next = items.isEmpty() ? null : new Cursor(false, items.get(items.size() - 1).revision()).encode();
            newest = lastRead;
        } else {
            next = more && lastRead != null ? new Cursor(false, lastRead).encode() : null;
            newest = firstRead;
        }
        page(req, new Shown(items, halves), next, cursor, newest);
    }

    /** Writes a page; {@code newest} is the newest record read for it (shown or not), null when none was. */
    private void page(CloseRequest req, Shown shown, String next, Cursor cursor, Long newest) {
        List<ChangeRecord> items = shown.items();
        String previous;
        if (newest != null) {
            previous = new Cursor(true, newest).encode();
        } else if (cursor != null && cursor.newer()) {
            previous = cursor.encode();
        } else if (cursor == null) {
            previous = new Cursor(true, events.appliedRevision()).encode();
        } else {
            previous = null;
        }
        OrgRoles roles = OrgRoles.load(this.roles, req.caller(), req.orgId());
        EventService.Around around = events.around(req.caller(), req.orgId(), items);
        Map<Long, OtherHalf> halves = shown.halves();
        ObjectNode body = Json.object();
        var data = body.putArray("data");
        var wanted = req.fieldsWanted();
        items.forEach(r -> data.add(CloseReply.trim(CloseEvents.event(r, roles, around.actorUserIds(),
                around.groupMembers().get(r.revision()), halves.get(r.revision())), wanted)));
        body.put("cursor_next", next);
        body.put("cursor_previous", previous);
        CloseReply.write(req, 200, body);
    }

    private void get(CloseRequest req) {
        String raw = req.path("id");
        long revision = CloseIds.decode(CloseIds.EVENT, raw);
        ChangeRecord record = revision < 0 ? null
                : events.findVisible(req.caller(), req.orgId(), revision).orElse(null);
        Map<Long, OtherHalf> halves = record == null ? Map.of()
                : memberships.otherHalves(req.caller(), req.orgId(), List.of(record));
        if (record == null || !CloseEvents.shown(record, halves.get(record.revision()))) {
            throw new NotFoundException("event_not_found", "Event \"" + Fields.abbreviate(raw) + "\" not found.");
        }
        OrgRoles roles = OrgRoles.load(this.roles, req.caller(), req.orgId());
        EventService.Around around = events.around(req.caller(), req.orgId(), List.of(record));
        CloseReply.object(req, 200, CloseEvents.event(record, roles, around.actorUserIds(),
                around.groupMembers().get(record.revision()), halves.get(record.revision())));
    }

    /**
     * The query for the request's filters; null when they can match nothing (an unknown type, action or user,
     * or a lead or request id, which Gatehouse never records). Every filter is validated first, also where another
     * already matches nothing: a bad date, or a filter given without a value ({@link CloseRequest#nonBlankParam}), is
     * a 400 whatever else the request asks.
     */
    private EventQuery.Builder filter(CloseRequest req) {
        EventQuery.Builder query = EventQuery.forOrg(req.orgId());
        DATE_FILTERS.forEach((name, bound) -> {
            String raw = req.nonBlankParam(name);
            if (raw != null) {
                bound.apply(query, CloseTime.parse(name, raw, req.tzOffset()));
            }
        });
        String objectType = req.nonBlankParam("object_type");
        String objectId = req.nonBlankParam("object_id");
        String action = req.nonBlankParam("action");
        String userId = req.nonBlankParam("user_id");
        String leadId = req.nonBlankParam("lead_id");
        String requestId = req.nonBlankParam("request_id");
        if (leadId != null || requestId != null) {
            return null;
        }
        if (objectId != null) {
            String inferred = objectId.startsWith(CloseIds.MEMBERSHIP) ? CloseEvents.MEMBERSHIP
                    : objectId.startsWith(CloseIds.GROUP) ? CloseEvents.GROUP : CloseEvents.ROLE;
            if (objectType != null && !objectType.equals(inferred)) {
                return null;
            }
            objectType = inferred;
            String nativeId = nativeObjectId(req, inferred, objectId);
            if (nativeId == null) {
                return null;
            }
            query.objectIds(Set.of(nativeId));
        }
        CloseEvents.NativeFilter selected = CloseEvents.filter(objectType, action);
        if (selected == null) {
            return null;
        }
        query.objectTypes(selected.objectTypes()).actions(selected.actions());
        if (userId != null) {
            // the members who acted as this user: also one removed since, whose events still show its user id
            Set<Long> actors = events.actorsOf(req.caller(), req.orgId(), userId);
            if (actors.isEmpty()) {
                return null;
            }
            query.actorType("member").actorIds(actors);
        }
        return query;
    }

    /** The native id of the object a Close id names (a role also by its system key); null when there is none. */
    private String nativeObjectId(CloseRequest req, String type, String closeId) {
        String prefix = type.equals(CloseEvents.MEMBERSHIP) ? CloseIds.MEMBERSHIP
                : type.equals(CloseEvents.GROUP) ? CloseIds.GROUP
                : closeId.startsWith(CloseIds.ROLE) ? CloseIds.ROLE : null;
        if (prefix != null) {
            long id = CloseIds.decode(prefix, closeId);
            return id < 0 ? null : String.valueOf(id);
        }
        Role role = OrgRoles.load(this.roles, req.caller(), req.orgId()).resolve(closeId);
        return role == null ? null : String.valueOf(role.id());
    }
}
