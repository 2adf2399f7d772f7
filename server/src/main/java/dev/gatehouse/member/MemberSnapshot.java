package dev.gatehouse.member;

import dev.gatehouse.json.InstantText;
import dev.gatehouse.json.Json;
import tools.jackson.databind.node.ObjectNode;

/** The native API's representation of a member; the change log stores {@link LoggedMember} instead. */
public final class MemberSnapshot {

    private MemberSnapshot() {
    }

    public static ObjectNode of(Member m) {
        ObjectNode n = Json.object();
        n.put("id", m.id());
        n.put("org_id", m.orgId());
        n.put("user_id", m.userId());
        n.put("email", m.email());
        n.put("first_name", m.firstName());
        n.put("last_name", m.lastName());
        n.put("role_id", m.roleId());
        n.put("external", m.external());
        n.put("status", m.status());
        n.put("version", m.version());
        n.put("created_at", InstantText.of(m.createdAt()));
        n.put("updated_at", InstantText.of(m.updatedAt()));
        return n;
    }
}
