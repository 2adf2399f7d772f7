package dev.gatehouse.role;

import dev.gatehouse.json.InstantText;
import dev.gatehouse.json.Json;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** The native API's representation of a role; the change log stores {@link LoggedRole} instead. */
public final class RoleSnapshot {

    private RoleSnapshot() {
    }

    public static ObjectNode of(Role role) {
        ObjectNode n = Json.object();
        n.put("id", role.id());
        n.put("org_id", role.orgId());
        n.put("key", role.systemKey());
        n.put("name", role.name());
        n.put("description", role.description());
        ArrayNode permissions = n.putArray("permissions");
        role.permissions().forEach(permissions::add);
        n.put("system", role.system());
        n.put("editable", role.editable());
        n.put("external", role.external());
        n.put("default_for_admin", role.defaultForAdmin());
        if (role.visibility() == null) {
            n.putNull("visibility");
        } else {
            ObjectNode v = n.putObject("visibility");
            ArrayNode fields = v.putArray("user_field_ids");
            role.visibility().userFieldIds().forEach(fields::add);
            v.put("unassigned", role.visibility().unassigned());
        }
        n.put("version", role.version());
        n.put("created_at", InstantText.of(role.createdAt()));
        n.put("updated_at", InstantText.of(role.updatedAt()));
        return n;
    }
}
