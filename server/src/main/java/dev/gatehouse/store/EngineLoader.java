package dev.gatehouse.store;

import dev.gatehouse.engine.DecisionEngine;
import dev.gatehouse.json.Json;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.transaction.TransactionIsolationLevel;
import tools.jackson.databind.JsonNode;

/**
 * Rebuilds the engine from the tables at startup: one repeatable-read snapshot of organizations, roles,
 * members and assignments, together with the change-log revision that snapshot corresponds to. Later
 * changes then arrive through the change feed from that revision on.
 */
public final class EngineLoader {

    private EngineLoader() {
    }

    /** Loads everything and returns the revision the engine is now at. */
    public static long load(Jdbi jdbi, DecisionEngine engine) {
        return jdbi.inTransaction(TransactionIsolationLevel.REPEATABLE_READ, h -> {
            long revision = h.createQuery("SELECT coalesce(max(revision), 0) FROM change_log").mapTo(Long.class).one();
            h.createQuery("SELECT id, model_id FROM organizations").setFetchSize(10_000)
                    .map((rs, ctx) -> {
                        engine.putOrganization(rs.getLong("id"), rs.getString("model_id"));
                        return 0;
                    }).forEach(x -> { });
            h.createQuery("SELECT id, org_id, name, permissions, external, visibility FROM roles").setFetchSize(10_000)
                    .map((rs, ctx) -> {
                        String visibility = rs.getString("visibility");
                        List<String> fields = null;
                        boolean allowUnassigned = false;
                        if (visibility != null) {
                            JsonNode v = Json.readTree(visibility);
                            fields = new ArrayList<>();
                            for (JsonNode f : v.get("user_field_ids")) {
                                fields.add(f.stringValue());
                            }
                            allowUnassigned = "allow_unassigned".equals(v.get("unassigned").stringValue());
                        }
                        engine.putRole(rs.getLong("org_id"), rs.getLong("id"), rs.getString("name"),
                                Arrays.asList((String[]) rs.getArray("permissions").getArray()),
                                rs.getBoolean("external"), fields, allowUnassigned);
                        return 0;
                    }).forEach(x -> { });
            h.createQuery("SELECT id, org_id, user_id, role_id, external, status FROM members").setFetchSize(10_000)
                    .map((rs, ctx) -> {
                        engine.putMember(rs.getLong("org_id"), rs.getLong("id"), rs.getString("user_id"),
                                rs.getLong("role_id"), rs.getBoolean("external"), "active".equals(rs.getString("status")));
                        return 0;
                    }).forEach(x -> { });
            h.createQuery("SELECT org_id, resource_type, resource_id, member_id, role_id FROM assignments")
                    .setFetchSize(10_000)
                    .map((rs, ctx) -> {
                        engine.putAssignment(rs.getLong("org_id"), rs.getString("resource_type"),
                                rs.getString("resource_id"), rs.getLong("member_id"), rs.getLong("role_id"));
                        return 0;
                    }).forEach(x -> { });
            engine.markRevision(revision);
            return revision;
        });
    }
}
