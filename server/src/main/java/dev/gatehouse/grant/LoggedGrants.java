package dev.gatehouse.grant;

import dev.gatehouse.json.InstantText;
import dev.gatehouse.json.Json;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * How the change log stores a member's per-member grants (object type {@code member_grants}): the snapshot in a
 * record's {@code before} and {@code after} (null: the member holds none). A storage format, kept apart from the
 * native API's rendering ({@link GrantsSnapshot}); the engine's decoder reads the fields named below. Existing
 * rows hold this shape; change it only compatibly. Stateless.
 */
public final class LoggedGrants {

    /** Fields the engine's decoder reads back: the member and its grants. */
    public static final String MEMBER_ID = "member_id";
    public static final String PERMISSIONS = "permissions";

    private LoggedGrants() {
    }

    public static ObjectNode of(GrantSet g) {
        ObjectNode n = Json.object();
        n.put("org_id", g.orgId());
        n.put(MEMBER_ID, g.memberId());
        n.put("user_id", g.userId());
        ArrayNode permissions = n.putArray(PERMISSIONS);
        g.permissions().forEach(permissions::add);
        n.put("created_at", InstantText.of(g.createdAt()));
        n.put("updated_at", InstantText.of(g.updatedAt()));
        return n;
    }
}
