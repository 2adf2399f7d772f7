package dev.gatehouse.member;

import dev.gatehouse.json.InstantText;
import dev.gatehouse.json.Json;
import tools.jackson.databind.node.ObjectNode;

/**
 * How the change log stores a member (object type {@code member}): the snapshot in a record's {@code before} and
 * {@code after}. A storage format, kept apart from the native API's rendering ({@link MemberSnapshot}) so that the
 * API can change without touching history or decisions: the events API and webhooks show these snapshots as
 * stored, Close's event log reads them, and the engine's decoder reads the fields named below. Existing rows
 * hold this shape; change it only compatibly. Stateless.
 */
public final class LoggedMember {

    /** Fields the engine's decoder reads back. */
    public static final String ID = "id";
    public static final String USER_ID = "user_id";
    /** The company role's id, {@code null} for an external member. */
    public static final String ROLE_ID = "role_id";
    public static final String EXTERNAL = "external";
    /** {@link MemberStatus#wire()}. */
    public static final String STATUS = "status";

    private LoggedMember() {
    }

    public static ObjectNode of(Member m) {
        ObjectNode n = Json.object();
        n.put(ID, m.id());
        n.put("org_id", m.orgId());
        n.put(USER_ID, m.userId());
        n.put("email", m.email());
        n.put("first_name", m.firstName());
        n.put("last_name", m.lastName());
        n.put(ROLE_ID, m.roleId());
        n.put(EXTERNAL, m.external());
        n.put(STATUS, m.status());
        n.put("version", m.version());
        n.put("created_at", InstantText.of(m.createdAt()));
        n.put("updated_at", InstantText.of(m.updatedAt()));
        return n;
    }
}
