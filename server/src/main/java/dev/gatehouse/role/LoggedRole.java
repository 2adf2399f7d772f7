package dev.gatehouse.role;

import dev.gatehouse.json.InstantText;
import dev.gatehouse.json.Json;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * How the change log stores a role (object type {@code role}): the snapshot in a record's {@code before} and
 * {@code after}. A storage format, kept apart from the native API's rendering ({@link RoleSnapshot}) so that the
 * API can change without touching history or decisions: the events API and webhooks show these snapshots as
 * stored, Close's event log reads them, and the engine's decoder reads the fields named below. Existing rows
 * hold this shape; change it only compatibly. Stateless.
 */
public final class LoggedRole {

    /** Fields the engine's decoder reads back. */
    public static final String ID = "id";
    public static final String NAME = "name";
    /** The model's key of a system role, null for a custom role (per-member grants follow it). */
    public static final String KEY = "key";
    public static final String PERMISSIONS = "permissions";
    public static final String EXTERNAL = "external";
    /** {@code null}, or an object of {@link #USER_FIELD_IDS} and {@link #UNASSIGNED}. */
    public static final String VISIBILITY = "visibility";
    public static final String USER_FIELD_IDS = "user_field_ids";
    public static final String UNASSIGNED = "unassigned";

    private LoggedRole() {
    }

    public static ObjectNode of(Role role) {
        ObjectNode n = Json.object();
        n.put(ID, role.id());
        n.put("org_id", role.orgId());
        n.put(KEY, role.systemKey());
        n.put(NAME, role.name());
        n.put("description", role.description());
        ArrayNode permissions = n.putArray(PERMISSIONS);
        role.permissions().forEach(permissions::add);
        n.put("system", role.system());
        n.put("editable", !role.system());
        n.put(EXTERNAL, role.external());
        n.put("default_for_admin", role.defaultForAdmin());
        if (role.visibility() == null) {
            n.putNull(VISIBILITY);
        } else {
            ObjectNode v = n.putObject(VISIBILITY);
            ArrayNode fields = v.putArray(USER_FIELD_IDS);
            role.visibility().userFieldIds().forEach(fields::add);
            v.put(UNASSIGNED, role.visibility().unassigned());
        }
        n.put("version", role.version());
        n.put("created_at", InstantText.of(role.createdAt()));
        n.put("updated_at", InstantText.of(role.updatedAt()));
        return n;
    }
}
