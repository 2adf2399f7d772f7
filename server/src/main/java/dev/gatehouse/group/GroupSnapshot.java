package dev.gatehouse.group;

import dev.gatehouse.json.Json;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** The native representation of a group, also its change-log snapshot (object type {@code group}). */
public final class GroupSnapshot {

    private GroupSnapshot() {
    }

    public static ObjectNode of(Group group) {
        ObjectNode n = Json.object();
        n.put("id", group.id());
        n.put("org_id", group.orgId());
        n.put("name", group.name());
        ArrayNode members = n.putArray("members");
        group.members().forEach(m -> members.addObject().put("member_id", m.memberId()).put("user_id", m.userId()));
        n.put("version", group.version());
        n.put("created_at", group.createdAt().toString());
        n.put("updated_at", group.updatedAt().toString());
        return n;
    }
}
