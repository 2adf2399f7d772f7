package dev.gatehouse.room;

import dev.gatehouse.json.InstantText;
import dev.gatehouse.json.Json;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** Change-log snapshots of Rooms' metadata (object types {@code room}, {@code room_user}, {@code rooms_profile}). */
final class RoomsSnapshots {

    private RoomsSnapshots() {
    }

    static ObjectNode room(Room room) {
        ObjectNode n = Json.object();
        n.put("id", room.id());
        n.put("org_id", room.orgId());
        n.put("name", room.name());
        n.put("office_id", room.officeId());
        n.put("status", room.status());
        ArrayNode owners = n.putArray("owner_ids");
        room.ownerIds().forEach(owners::add);
        n.put("created_by", room.createdBy());
        n.put("transaction_side_id", room.transactionSideId());
        n.put("created_at", InstantText.of(room.createdAt()));
        n.set("field_data", room.fieldDataJson() == null ? null : Json.readTree(room.fieldDataJson()));
        return n;
    }

    static ObjectNode roomUser(int roomId, long memberId, Long invitedBy, String side, Long revokedRoleId) {
        ObjectNode n = Json.object();
        n.put("room_id", roomId);
        n.put("member_id", memberId);
        n.put("invited_by", invitedBy);
        n.put("transaction_side_id", side);
        n.put("revoked_role_id", revokedRoleId);
        return n;
    }

    static ObjectNode profile(RoomsProfile p) {
        ObjectNode n = Json.object();
        n.put("member_id", p.memberId());
        n.put("access_level", p.accessLevel().wire());
        n.put("default_office_id", p.defaultOfficeId());
        n.put("title_id", p.titleId());
        ArrayNode offices = n.putArray("offices");
        p.offices().forEach(offices::add);
        ArrayNode regions = n.putArray("regions");
        p.regions().forEach(regions::add);
        n.put("locked", p.lockReason() != null);
        n.put("invited_at", InstantText.of(p.invitedAt()));
        return n;
    }
}
