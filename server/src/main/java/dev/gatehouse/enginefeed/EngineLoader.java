package dev.gatehouse.enginefeed;

import dev.gatehouse.engine.EngineOp;
import dev.gatehouse.engine.EngineWriter;
import dev.gatehouse.member.MemberStatus;
import dev.gatehouse.role.RoleStore;
import java.util.Arrays;
import java.util.function.Consumer;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.transaction.TransactionIsolationLevel;

/**
 * Fills an engine from the tables, at startup and when a node reloads its state: one repeatable-read snapshot of
 * organizations, roles, members, resources (their parents) and assignments, together with the change-log
 * revision that snapshot corresponds to. Later changes then arrive through the change feed from that revision on.
 *
 * <p>Each row becomes the same engine operation the change record of that object would decode to (both are built
 * by {@link EngineOps}), so an engine rebuilt from the tables and one kept up to date change by change hold the
 * same state. Reads only the columns that decide, streamed; each row is applied as it arrives.
 *
 * <p>Rows are read only where their organization exists. Members and assignments have no foreign key to it (V16_3,
 * V17_2): the services delete them before the organization's row, and a trigger does for a node of a previous build
 * that deletes the row alone (V18_2); rows of a missing organization left all the same (a database restored in part,
 * rows written around the services or with triggers off) would each be an operation on an organization the engine
 * or a replica does not hold, which fails the whole load and so every start. The check is a semi-join on the
 * organizations (a hash of their ids) beside each table's scan, which the load makes anyway.
 */
public final class EngineLoader {

    private static final int FETCH = 10_000;

    private EngineLoader() {
    }

    /** Loads everything into {@code writer}'s engine and returns the revision it is now at. */
    public static long load(Jdbi jdbi, EngineWriter writer) {
        return jdbi.inTransaction(TransactionIsolationLevel.REPEATABLE_READ, h -> {
            long revision = h.createQuery("SELECT coalesce(max(revision), 0) FROM change_log").mapTo(Long.class).one();
            read(h, null, writer::apply);
            writer.markRevision(revision);
            return revision;
        });
    }

    /**
     * Hands every row of the tables that decide to {@code sink} as the operation its change record would decode to,
     * organizations first, then roles, members, resources (parents before children do not matter: a parent link
     * names an id), assignments and grants; only organization {@code orgId}'s when it is not null, and never a row
     * of an organization that does not exist. Runs in the caller's transaction (repeatable read, for a consistent
     * snapshot), streamed: rows are handed over as they arrive, never held.
     */
    public static void read(Handle h, Long orgId, Consumer<EngineOp> sink) {
        String inExistingOrg = (orgId == null ? " t WHERE" : " t WHERE t.org_id = :org AND")
                + " EXISTS (SELECT 1 FROM organizations o WHERE o.id = t.org_id)";
        query(h, "SELECT id, model_id FROM organizations" + (orgId == null ? "" : " WHERE id = :org"), orgId)
                .map((rs, ctx) -> EngineOps.organization(rs.getLong("id"), rs.getString("model_id")))
                .forEach(sink);
        query(h, "SELECT id, org_id, system_key, name, permissions, external, visibility FROM roles" + inExistingOrg,
                orgId)
                .map((rs, ctx) -> EngineOps.role(rs.getLong("org_id"), rs.getLong("id"),
                        rs.getString("system_key"), rs.getString("name"),
                        Arrays.asList((String[]) rs.getArray("permissions").getArray()), rs.getBoolean("external"),
                        RoleStore.visibility(rs.getString("visibility"))))
                .forEach(sink);
        query(h, "SELECT id, org_id, user_id, role_id, external, status FROM members" + inExistingOrg, orgId)
                .map((rs, ctx) -> {
                    long roleId = rs.getLong("role_id");
                    Long companyRole = rs.wasNull() ? null : roleId;
                    return EngineOps.member(rs.getLong("org_id"), rs.getLong("id"), rs.getString("user_id"),
                            companyRole, rs.getBoolean("external"), MemberStatus.of(rs.getString("status")));
                })
                .forEach(sink);
        query(h, "SELECT org_id, resource_type, resource_id, parent_id FROM resources" + inExistingOrg, orgId)
                .map((rs, ctx) -> EngineOps.resource(rs.getLong("org_id"), rs.getString("resource_type"),
                        rs.getString("resource_id"), rs.getString("parent_id")))
                .forEach(sink);
        query(h, "SELECT org_id, resource_type, resource_id, member_id, role_id FROM assignments"
                        + inExistingOrg, orgId)
                .map((rs, ctx) -> EngineOps.assignment(rs.getLong("org_id"), rs.getString("resource_type"),
                        rs.getString("resource_id"), rs.getLong("member_id"), rs.getLong("role_id")))
                .forEach(sink);
        query(h, "SELECT org_id, member_id, permissions FROM member_grants" + inExistingOrg, orgId)
                .map((rs, ctx) -> EngineOps.grants(rs.getLong("org_id"), rs.getLong("member_id"),
                        Arrays.asList((String[]) rs.getArray("permissions").getArray())))
                .forEach(sink);
    }

    private static org.jdbi.v3.core.statement.Query query(Handle h, String sql, Long orgId) {
        org.jdbi.v3.core.statement.Query query = h.createQuery(sql).setFetchSize(FETCH);
        return orgId == null ? query : query.bind("org", orgId.longValue());
    }
}
