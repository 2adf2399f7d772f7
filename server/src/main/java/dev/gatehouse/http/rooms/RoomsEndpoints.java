package dev.gatehouse.http.rooms;

import dev.gatehouse.error.InvalidInputException;
import dev.gatehouse.http.Route;
import dev.gatehouse.json.Fields;
import dev.gatehouse.json.Json;
import dev.gatehouse.room.RoomQuery;
import dev.gatehouse.room.RoomService;
import dev.gatehouse.room.RoomsRoleService;
import dev.gatehouse.room.TransactionSide;
import dev.gatehouse.room.UserSort;
import io.javalin.http.Context;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** {@code …/rooms}: rooms, their users and assignable roles, over {@link RoomService}. */
final class RoomsEndpoints {

    static final String ROOMS = RoomsApi.ACCOUNT + "/rooms";
    private static final String ROOM = ROOMS + "/{roomId}";
    private static final String ROOM_USER = ROOM + "/users/{userId}";
    private static final Set<String> LISTING_SOURCES = Set.of("PublicRecords", "MLS");

    private final Accounts accounts;
    private final RoomService rooms;
    private final RoomsRoleService roomsRoles;

    RoomsEndpoints(Accounts accounts, RoomService rooms, RoomsRoleService roomsRoles) {
        this.accounts = accounts;
        this.rooms = rooms;
        this.roomsRoles = roomsRoles;
    }

    List<Route> routes() {
        return List.of(
                Route.get(ROOMS, this::list),
                Route.post(ROOMS, this::create),
                Route.get(ROOM, this::get),
                Route.delete(ROOM, this::delete),
                Route.get(ROOM + "/field_data", this::fieldData),
                Route.put(ROOM + "/field_data", this::updateFieldData),
                Route.get(ROOM + "/users", this::users),
                Route.post(ROOM + "/users", this::invite),
                Route.put(ROOM_USER, this::updateUser),
                Route.post(ROOM_USER + "/revoke_access", this::revoke),
                Route.post(ROOM_USER + "/restore_access", this::restore),
                Route.get(ROOM + "/assignable_roles", this::assignableRoles));
    }

    private void list(Context ctx) {
        Accounts.Account a = accounts.resolve(ctx);
        int start = Wire.start(ctx);
        int count = Wire.count(ctx);
        Instant closedFrom = Wire.queryDate(ctx, "roomClosedStartDate");
        Instant closedTo = Wire.queryDate(ctx, "roomClosedEndDate");
        RoomQuery query = new RoomQuery(statuses(ctx), Wire.queryId(ctx, "officeId"),
                Wire.queryDate(ctx, "fieldDataChangedStartDate"),
                Wire.queryDate(ctx, "fieldDataChangedEndDate"), closedFrom != null || closedTo != null, start, count);
        Wire.json(ctx, 200, Wire.page(ctx, "rooms", rooms.list(a.principal(), a.orgId(), query), start, count,
                RoomsJson::roomSummary));
    }

    /** {@code roomStatus}: a comma list of active (the default), pending, open (= active and pending), closed. */
    private static Set<String> statuses(Context ctx) {
        String raw = Wire.query(ctx, "roomStatus");
        if (raw == null) {
            return Set.of("active");
        }
        Set<String> out = new LinkedHashSet<>();
        // -1 keeps empty items wherever they stand: "," or "active," is a mistake, not a list of no status
        for (String part : raw.split(",", -1)) {
            String s = part.strip().toLowerCase(Locale.ROOT);
            switch (s) {
                case "active", "pending", "closed" -> out.add(s);
                case "open" -> {
                    out.add("active");
                    out.add("pending");
                }
                default -> throw new InvalidInputException("invalid_request_parameter", "roomStatus must be a comma "
                        + "list of active, pending, open and closed, got \"" + Fields.abbreviate(raw) + "\"",
                        Map.of("roomStatus", "unknown value"));
            }
        }
        return out;
    }

    private void create(Context ctx) {
        Accounts.Account a = accounts.resolve(ctx);
        Fields f = Wire.body(ctx);
        String name = f.name("name", true, 200);
        Integer roleId = Wire.id(f, "roleId", true);
        Integer ownerId = Wire.id(f, "ownerId", false);
        Integer officeId = Wire.id(f, "officeId", false);
        TransactionSide side = side(f);
        // a template is named by a Rooms id like any other: 0 or a negative number names none
        Integer templateId = Wire.id(f, "templateId", false);
        String listingSource = f.optional("listingSource", 50);
        if (listingSource != null && !LISTING_SOURCES.contains(listingSource)) {
            f.error("listingSource", "must be PublicRecords or MLS, got \"" + Fields.abbreviate(listingSource) + "\"");
        }
        String fieldData = null;
        Fields data = f.object("fieldData", false);
        if (data != null) {
            JsonNode inner = data.node().get("data");
            if (inner != null && !inner.isNull() && !inner.isObject()) {
                data.error("data", "must be an object");
            } else if (inner != null && !inner.isNull()) {
                fieldData = Json.writeString(inner);
            }
        }
        f.check();
        var written = rooms.create(a.principal(), a.orgId(), new RoomService.NewRoom(name, roleId,
                ownerId == null ? null : ownerId.longValue(), officeId, side, templateId, listingSource, fieldData));
        // the Room answered holds the field data the request sent, as GET does when asked for it
        Wire.written(ctx, 201, written, RoomsJson.room(written.value(), data != null));
    }

    private void get(Context ctx) {
        Accounts.Account a = accounts.resolve(ctx);
        int roomId = Wire.pathId(ctx, "roomId");
        boolean includeFieldData = Wire.queryBool(ctx, "includeFieldData", false);
        Wire.json(ctx, 200, RoomsJson.room(rooms.get(a.principal(), a.orgId(), roomId), includeFieldData));
    }

    /** Rooms' FieldData of a room: {@code {"data": {…}}}, what its Details tab shows. */
    private void fieldData(Context ctx) {
        Accounts.Account a = accounts.resolve(ctx);
        Wire.json(ctx, 200, RoomsJson.fieldData(rooms.details(a.principal(), a.orgId(), Wire.pathId(ctx, "roomId"))));
    }

    /** FieldDataForUpdate {@code {"data": {…}}}: the fields to set (null removes one); answers the whole FieldData. */
    private void updateFieldData(Context ctx) {
        Accounts.Account a = accounts.resolve(ctx);
        int roomId = Wire.pathId(ctx, "roomId");
        Fields f = Wire.body(ctx);
        JsonNode data = f.node().get("data");
        if (data == null || data.isNull()) {
            f.error("data", "is required: an object of the fields to set");
        } else if (!data.isObject()) {
            f.error("data", "must be an object");
        }
        f.check();
        var written = rooms.updateFieldData(a.principal(), a.orgId(), roomId, Json.writeString(data));
        Wire.written(ctx, 200, written, RoomsJson.fieldData(written.value()));
    }

    private void delete(Context ctx) {
        Accounts.Account a = accounts.resolve(ctx);
        Wire.written(ctx, 204, rooms.delete(a.principal(), a.orgId(), Wire.pathId(ctx, "roomId")), null);
    }

    /** Room users; {@code sort} defaults to lastNameDesc, as Rooms documents it. */
    private void users(Context ctx) {
        Accounts.Account a = accounts.resolve(ctx);
        int roomId = Wire.pathId(ctx, "roomId");
        int start = Wire.start(ctx);
        int count = Wire.count(ctx);
        String rawSort = Wire.query(ctx, "sort");
        UserSort sort = rawSort == null ? UserSort.LAST_NAME_DESC : UserSort.parse(rawSort).orElseThrow(() ->
                new InvalidInputException("invalid_request_parameter", "sort must be one of " + UserSort.names()
                        + " (either initial case), got \"" + Fields.abbreviate(rawSort) + "\"",
                        Map.of("sort", "unknown value")));
        String company = a.org().name();
        Wire.json(ctx, 200, Wire.page(ctx, "users", rooms.users(a.principal(), a.orgId(), roomId,
                Wire.searched(ctx, "filter"), sort, start, count), start, count, u -> RoomsJson.roomUserSummary(u, company)));
    }

    /** RoomInvite: 201 with the user added, or 200 with the user as it already is in the room (nothing changes). */
    private void invite(Context ctx) {
        Accounts.Account a = accounts.resolve(ctx);
        int roomId = Wire.pathId(ctx, "roomId");
        Fields f = Wire.body(ctx);
        String email = f.email("email", true);
        String firstName = f.name("firstName", true, 200);
        String lastName = f.name("lastName", true, 200);
        Integer roleId = Wire.id(f, "roleId", true);
        TransactionSide side = side(f);
        f.check();
        var written = rooms.invite(a.principal(), a.orgId(), roomId, new RoomService.Invite(email, firstName, lastName,
                roleId, side));
        RoomService.Invited invited = written.value();
        Wire.written(ctx, invited.added() ? 201 : 200, written, RoomsJson.roomInviteResponse(invited.user()));
    }

    /**
     * {@code transactionSideId}: one of Rooms' sides (buy, sell, listbuy, refi) in any case, or absent or null. An id
     * is taken as sent, never trimmed: {@code "sell "} names no side, as {@code "sell"} after a no-break space does
     * not.
     */
    private static TransactionSide side(Fields f) {
        String raw = f.optional("transactionSideId", 50);
        if (raw == null) {
            return null;
        }
        return TransactionSide.parse(raw).orElseGet(() -> {
            f.error("transactionSideId", "must be one of " + TransactionSide.names() + ", got \""
                    + Fields.abbreviate(raw) + "\"");
            return null;
        });
    }

    private void updateUser(Context ctx) {
        Accounts.Account a = accounts.resolve(ctx);
        int roomId = Wire.pathId(ctx, "roomId");
        int userId = Wire.pathId(ctx, "userId");
        Fields f = Wire.body(ctx);
        Integer roleId = Wire.id(f, "roleId", false);
        TransactionSide side = side(f);
        f.check();
        var written = rooms.updateUser(a.principal(), a.orgId(), roomId, userId,
                roleId == null ? null : roleId.longValue(), side, f.has("transactionSideId"));
        Wire.written(ctx, 200, written, RoomsJson.roomUser(written.value()));
    }

    /**
     * {@code revocationDate} (optional; Rooms' formats or ISO-8601) is when access ends: now or earlier revokes at
     * once, a later date schedules the revocation (the user keeps access until then).
     */
    private void revoke(Context ctx) {
        Accounts.Account a = accounts.resolve(ctx);
        int roomId = Wire.pathId(ctx, "roomId");
        int userId = Wire.pathId(ctx, "userId");
        Fields f = Wire.body(ctx);
        Instant at = Wire.date(f, "revocationDate");
        f.check();
        Wire.written(ctx, 204, rooms.revoke(a.principal(), a.orgId(), roomId, userId, at), null);
    }

    private void restore(Context ctx) {
        Accounts.Account a = accounts.resolve(ctx);
        int roomId = Wire.pathId(ctx, "roomId");
        int userId = Wire.pathId(ctx, "userId");
        Wire.written(ctx, 204, rooms.restore(a.principal(), a.orgId(), roomId, userId), null);
    }

    private void assignableRoles(Context ctx) {
        Accounts.Account a = accounts.resolve(ctx);
        RoomsApi.requireV6(a, "GET …/rooms/{roomId}/assignable_roles", "invite with the Admin, Manager or Agent role "
                + "(GET …/roles lists them)");
        int roomId = Wire.pathId(ctx, "roomId");
        int start = Wire.start(ctx);
        int count = Wire.count(ctx);
        RoomsRoleService.Assignable assignable = roomsRoles.assignable(a.principal(), a.orgId(), roomId,
                Wire.searched(ctx, "assigneeEmail"), Wire.searched(ctx, "filter"), start, count);
        ObjectNode body = Wire.page(ctx, "roles", assignable.roles(), start, count, RoomsJson::roleSummary);
        ObjectNode out = Json.object();
        if (assignable.currentRoleId() != null) {
            out.put("currentRoleId", Wire.int32(assignable.currentRoleId(), "role"));
        }
        out.setAll(body);
        Wire.json(ctx, 200, out);
    }
}
