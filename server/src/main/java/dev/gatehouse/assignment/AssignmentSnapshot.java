package dev.gatehouse.assignment;

import dev.gatehouse.json.InstantText;
import dev.gatehouse.json.Json;
import tools.jackson.databind.node.ObjectNode;

/** The native API's representation of an assignment; the change log stores {@link LoggedAssignment} instead. */
public final class AssignmentSnapshot {

    private AssignmentSnapshot() {
    }

    public static ObjectNode of(Assignment a) {
        ObjectNode n = Json.object();
        n.put("org_id", a.orgId());
        n.putObject("resource").put("type", a.resourceType()).put("id", a.resourceId());
        n.put("member_id", a.memberId());
        n.put("role_id", a.roleId());
        n.put("created_at", InstantText.of(a.createdAt()));
        n.put("updated_at", InstantText.of(a.updatedAt()));
        n.put("expires_at", InstantText.of(a.expiresAt()));
        return n;
    }
}
