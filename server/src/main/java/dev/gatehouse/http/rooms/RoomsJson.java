package dev.gatehouse.http.rooms;

import dev.gatehouse.json.Json;
import dev.gatehouse.member.Member;
import dev.gatehouse.model.PermissionModel;
import dev.gatehouse.role.Role;
import dev.gatehouse.room.Room;
import dev.gatehouse.room.RoomUser;
import dev.gatehouse.room.RoomsPermissions;
import dev.gatehouse.room.RoomsUser;
import java.util.Set;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import static dev.gatehouse.http.rooms.Wire.int32;
import static dev.gatehouse.http.rooms.Wire.put;

/** The Rooms wire representations (property names exactly as in Rooms' models), made from domain objects. */
final class RoomsJson {

    /** Rooms' user statuses: Pending until the invitation is accepted (the member is invited), then Active. */
    static final String ACTIVE = "Active";
    static final String PENDING = "Pending";

    private RoomsJson() {
    }

    static ObjectNode roleSummary(Role role) {
        ObjectNode n = Json.object();
        n.put("roleId", int32(role.id(), "role"));
        n.put("name", role.name());
        n.put("isDefaultForAdmin", role.defaultForAdmin());
        n.put("isExternal", role.external());
        n.put("createdDate", Wire.date(role.createdAt()));
        return n;
    }

    static ObjectNode role(Role role, PermissionModel model, Boolean isAssigned) {
        ObjectNode n = roleSummary(role);
        put(n, "isAssigned", isAssigned);
        n.set("permissions", PermissionsJson.write(model, role.permissions()));
        return n;
    }

    /** The fields every user shape starts with: id, email and names. */
    private static ObjectNode person(Member m) {
        ObjectNode n = Json.object();
        n.put("userId", int32(m.id(), "user"));
        n.put("email", m.email());
        put(n, "firstName", m.firstName());
        put(n, "lastName", m.lastName());
        return n;
    }

    static ObjectNode userSummary(RoomsUser user) {
        Member m = user.member();
        ObjectNode n = person(m);
        n.put("isLockedOut", user.lockedOut());
        n.put("status", m.invited() ? PENDING : ACTIVE);
        n.put("accessLevel", user.profile().accessLevel().wire());
        put(n, "defaultOfficeId", user.profile().defaultOfficeId());
        put(n, "titleId", user.profile().titleId());
        n.put("roleId", int32(m.roleId(), "role"));
        return n;
    }

    /**
     * Rooms' User; in a v5 company ({@code classic}) with {@code permissions}, its ClassicManagerPermissions (13
     * booleans), for every user with a flag to show to the caller it was read for ({@link RoomsUser#classicFlags}:
     * another user's only to who may read its grants).
     */
    static ObjectNode user(RoomsUser user, boolean classic) {
        ObjectNode n = userSummary(user);
        ArrayNode offices = n.putArray("offices");
        user.profile().offices().forEach(offices::add);
        ArrayNode regions = n.putArray("regions");
        user.profile().regions().forEach(regions::add);
        Set<String> flags = classic ? user.classicFlags() : null;
        if (flags != null) {
            ObjectNode permissions = n.putObject("permissions");
            RoomsPermissions.CLASSIC_MANAGER_FLAGS.forEach(flag -> permissions.put(flag, flags.contains(flag)));
        }
        return n;
    }

    static ObjectNode roomSummary(Room room) {
        ObjectNode n = Json.object();
        n.put("roomId", room.id());
        n.put("name", room.name());
        put(n, "officeId", room.officeId());
        n.put("createdDate", Wire.date(room.createdAt()));
        if (room.createdBy() != null) {
            n.put("createdByUserId", int32(room.createdBy(), "user"));
        }
        n.put("fieldDataLastUpdatedDate", Wire.date(room.updatedAt()));
        return n;
    }

    static ObjectNode room(Room room, boolean includeFieldData) {
        ObjectNode n = Json.object();
        n.put("roomId", room.id());
        n.put("companyId", int32(room.orgId(), "organization"));
        n.put("name", room.name());
        put(n, "officeId", room.officeId());
        n.put("createdDate", Wire.date(room.createdAt()));
        if (room.createdBy() != null) {
            n.put("createdByUserId", int32(room.createdBy(), "user"));
        }
        ArrayNode owners = n.putArray("roomOwnerIds");
        room.ownerIds().forEach(id -> owners.add(int32(id, "user")));
        n.put("fieldDataLastUpdatedDate", Wire.date(room.updatedAt()));
        if (includeFieldData) {
            n.set("fieldData", fieldData(room));
        }
        return n;
    }

    /** Rooms' FieldData: {@code {"data": {…}}}, an empty object when the room has none. */
    static ObjectNode fieldData(Room room) {
        ObjectNode n = Json.object();
        n.set("data", room.fieldDataJson() == null ? Json.object() : Json.readTree(room.fieldDataJson()));
        return n;
    }

    /** An item of a room's user list; {@code companyName} is the account's name for company users. */
    static ObjectNode roomUserSummary(RoomUser user, String companyName) {
        Member m = user.member();
        ObjectNode n = person(m);
        put(n, "transactionSideId", user.transactionSideId());
        n.put("roleId", int32(user.roleId(), "role"));
        put(n, "titleId", user.titleId());
        put(n, "companyName", m.external() ? null : companyName);
        n.put("roleName", user.roleName());
        return n;
    }

    static ObjectNode roomUser(RoomUser user) {
        ObjectNode n = person(user.member());
        put(n, "transactionSideId", user.transactionSideId());
        n.put("roleId", int32(user.roleId(), "role"));
        n.put("isRevoked", user.revoked());
        if (user.invitedBy() != null) {
            n.put("invitedByUserId", int32(user.invitedBy(), "user"));
        }
        return n;
    }

    static ObjectNode roomInviteResponse(RoomUser user) {
        Member m = user.member();
        ObjectNode n = Json.object();
        n.put("userId", int32(m.id(), "user"));
        n.put("roomId", user.roomId());
        n.put("email", m.email());
        put(n, "firstName", m.firstName());
        put(n, "lastName", m.lastName());
        put(n, "transactionSideId", user.transactionSideId());
        n.put("roleId", int32(user.roleId(), "role"));
        return n;
    }
}
