package dev.gatehouse.assignment;

import dev.gatehouse.json.InstantText;
import dev.gatehouse.json.Json;
import tools.jackson.databind.node.ObjectNode;

/**
 * How the change log stores an assignment (object type {@code assignment}): the snapshot in a record's
 * {@code before} and {@code after}. A storage format, kept apart from the native API's rendering
 * ({@link AssignmentSnapshot}) so that the API can change without touching history or decisions: the events API
 * and webhooks show these snapshots as stored, and the engine's decoder reads the fields named below (of a
 * removed assignment, from {@code before}). Existing rows hold this shape; change it only compatibly. Stateless.
 */
public final class LoggedAssignment {

    /** Fields the engine's decoder reads back: {@code resource: {type, id}}, the member and the role. */
    public static final String RESOURCE = "resource";
    public static final String RESOURCE_TYPE = "type";
    public static final String RESOURCE_ID = "id";
    public static final String MEMBER_ID = "member_id";
    public static final String ROLE_ID = "role_id";
    /** When the role ends by itself (null: it does not); shown, not decoded: its end is a change of its own. */
    public static final String EXPIRES_AT = "expires_at";

    private LoggedAssignment() {
    }

    public static ObjectNode of(Assignment a) {
        ObjectNode n = Json.object();
        n.put("org_id", a.orgId());
        n.putObject(RESOURCE).put(RESOURCE_TYPE, a.resourceType()).put(RESOURCE_ID, a.resourceId());
        n.put(MEMBER_ID, a.memberId());
        n.put(ROLE_ID, a.roleId());
        n.put("created_at", InstantText.of(a.createdAt()));
        n.put("updated_at", InstantText.of(a.updatedAt()));
        n.put(EXPIRES_AT, InstantText.of(a.expiresAt()));
        return n;
    }
}
