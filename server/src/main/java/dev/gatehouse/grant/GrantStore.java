package dev.gatehouse.grant;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;

import static dev.gatehouse.store.SqlTime.instant;
import static dev.gatehouse.store.SqlTime.utc;

/** SQL for per-member grants (table {@code member_grants}, joined to {@code members} for the user id). Stateless. */
final class GrantStore {

    private static final String COLUMNS = "g.org_id, g.member_id, m.user_id, g.permissions, g.created_at, "
            + "g.updated_at";

    Optional<GrantSet> find(Handle h, long orgId, long memberId) {
        return h.createQuery("SELECT " + COLUMNS + " FROM member_grants g JOIN members m ON m.id = g.member_id "
                        + "WHERE g.org_id = :org AND g.member_id = :member")
                .bind("org", orgId).bind("member", memberId).map((rs, ctx) -> map(rs)).findOne();
    }

    /** Replaces the member's set (at least one permission); one row either way. */
    GrantSet upsert(Handle h, long orgId, long memberId, List<String> permissions, Instant now) {
        h.createUpdate("INSERT INTO member_grants (org_id, member_id, permissions, created_at, updated_at) "
                        + "VALUES (:org, :member, :permissions, :now, :now) ON CONFLICT (org_id, member_id) "
                        + "DO UPDATE SET permissions = :permissions, updated_at = :now")
                .bind("org", orgId).bind("member", memberId)
                .bind("permissions", permissions.toArray(new String[0])).bind("now", utc(now)).execute();
        return find(h, orgId, memberId).orElseThrow();
    }

    void delete(Handle h, long orgId, long memberId) {
        h.createUpdate("DELETE FROM member_grants WHERE org_id = :org AND member_id = :member")
                .bind("org", orgId).bind("member", memberId).execute();
    }

    private static GrantSet map(ResultSet rs) throws SQLException {
        return new GrantSet(rs.getLong("org_id"), rs.getLong("member_id"), rs.getString("user_id"),
                Arrays.asList((String[]) rs.getArray("permissions").getArray()), instant(rs, "created_at"),
                instant(rs, "updated_at"));
    }
}
