package dev.gatehouse.access;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.jdbi.v3.core.Handle;

/** SQL for a caller's own state: its key, its member and its roles. Stateless. */
final class CallerStore {

    /** A member key's state: whether the key is revoked, the member's status and its company role's grant. */
    /**
     * @param grant what the company role grants
     * @param roleKey the company role's system key (null for a custom role or none)
     * @param granted the member's per-member grants as stored (empty for none); they count only where the model
     *                lets the role take them
     */
    record KeyState(boolean revoked, boolean active, boolean external, Long roleId, Grant grant, String roleKey,
                    String modelId, List<String> granted) {
    }

    /** The member's own grants, the role's system key and the organization's model, for {@link KeyState}. */
    private static final String GRANTS = "r.system_key, (SELECT o.model_id FROM organizations o WHERE o.id = m.org_id) "
            + "AS model_id, (SELECT g.permissions FROM member_grants g WHERE g.org_id = m.org_id "
            + "AND g.member_id = m.id) AS granted, ";

    private CallerStore() {
    }

    /** The state behind a member key; empty when the key or its member no longer exists. */
    static Optional<KeyState> keyState(Handle h, String keyId, long orgId, long memberId) {
        return h.createQuery("SELECT k.revoked_at IS NOT NULL AS revoked, m.status, m.external, m.role_id, "
                        + "r.permissions, r.visibility IS NULL AS sees_all, " + GRANTS
                        + "ARRAY(SELECT jsonb_array_elements_text(r.visibility -> 'user_field_ids')) AS fields, "
                        + "r.visibility ->> 'unassigned' = 'allow_unassigned' AS allow_unassigned "
                        + "FROM api_keys k JOIN members m ON m.id = k.member_id AND m.org_id = :org "
                        + "LEFT JOIN roles r ON r.id = m.role_id WHERE k.key_id = :key AND k.member_id = :member")
                .bind("key", keyId).bind("org", orgId).bind("member", memberId)
                .map((rs, ctx) -> keyState(rs)).findOne();
    }

    /** The state of a member acting through an access token (no key): as {@link #keyState}, never revoked. */
    static Optional<KeyState> memberState(Handle h, long orgId, long memberId) {
        return h.createQuery("SELECT false AS revoked, m.status, m.external, m.role_id, "
                        + "r.permissions, r.visibility IS NULL AS sees_all, " + GRANTS
                        + "ARRAY(SELECT jsonb_array_elements_text(r.visibility -> 'user_field_ids')) AS fields, "
                        + "r.visibility ->> 'unassigned' = 'allow_unassigned' AS allow_unassigned "
                        + "FROM members m LEFT JOIN roles r ON r.id = m.role_id "
                        + "WHERE m.id = :member AND m.org_id = :org")
                .bind("org", orgId).bind("member", memberId)
                .map((rs, ctx) -> keyState(rs)).findOne();
    }

    private static KeyState keyState(ResultSet rs) throws SQLException {
        long role = rs.getLong("role_id");
        Long roleId = rs.wasNull() ? null : role;
        Grant grant = Grant.NONE;
        if (roleId != null) {
            grant = new Grant(Set.copyOf(strings(rs, "permissions")),
                    rs.getBoolean("sees_all") ? null : strings(rs, "fields"), rs.getBoolean("allow_unassigned"));
        }
        java.sql.Array granted = rs.getArray("granted");
        return new KeyState(rs.getBoolean("revoked"), "active".equals(rs.getString("status")),
                rs.getBoolean("external"), roleId, grant, rs.getString("system_key"), rs.getString("model_id"),
                granted == null ? List.of() : Arrays.asList((String[]) granted.getArray()));
    }

    /**
     * The permissions of the member's role on one resource — its own there, else its role on the nearest ancestor
     * holding one (the resource hierarchy, table {@code resources}), as the engine's rule reads it; null when it
     * holds none there or above. One statement: the chain of parents (at most {@link #MAX_DEPTH} levels; a model's
     * parent types have no cycle) joined with the member's assignments, nearest first.
     */
    static Set<String> assignedPermissions(Handle h, long orgId, long memberId, String type, String resourceId) {
        return h.createQuery("WITH RECURSIVE chain (resource_type, resource_id, depth) AS ("
                        + "SELECT CAST(:type AS text), CAST(:rid AS text), 0 "
                        + "UNION ALL SELECT p.parent_type, p.parent_id, c.depth + 1 FROM chain c JOIN resources p "
                        + "ON p.org_id = :org AND p.resource_type = c.resource_type AND p.resource_id = c.resource_id "
                        + "WHERE p.parent_id IS NOT NULL AND c.depth < " + MAX_DEPTH + ") "
                        + "SELECT r.permissions FROM chain c JOIN assignments a ON a.org_id = :org "
                        + "AND a.resource_type = c.resource_type AND a.resource_id = c.resource_id "
                        + "AND a.member_id = :member JOIN roles r ON r.id = a.role_id ORDER BY c.depth LIMIT 1")
                .bind("org", orgId).bind("type", type).bind("rid", resourceId).bind("member", memberId)
                .map((rs, ctx) -> Set.copyOf(strings(rs, "permissions"))).findOne().orElse(null);
    }

    /** More levels than any model has resource types (a model declares at most 50). */
    private static final int MAX_DEPTH = 64;

    private static List<String> strings(ResultSet rs, String column) throws SQLException {
        java.sql.Array array = rs.getArray(column);
        return array == null ? List.of() : Arrays.asList((String[]) array.getArray());
    }
}
