package dev.gatehouse.group;

import dev.gatehouse.json.InstantText;
import dev.gatehouse.json.Json;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** The native API's representation of a group, with its members; the change log stores {@link LoggedGroup} instead. */
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
        n.put("created_at", InstantText.of(group.createdAt()));
        n.put("updated_at", InstantText.of(group.updatedAt()));
        return n;
    }
}
