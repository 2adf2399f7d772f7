package dev.gatehouse.bulk;

import dev.gatehouse.access.Caller;
import dev.gatehouse.access.Principal;
import dev.gatehouse.error.ForbiddenException;
import dev.gatehouse.json.InstantText;
import dev.gatehouse.json.Json;
import dev.gatehouse.member.Member;
import dev.gatehouse.member.MemberStore;
import dev.gatehouse.model.PermissionModel;
import dev.gatehouse.model.ResourceType;
import dev.gatehouse.role.Role;
import dev.gatehouse.store.SqlTime;
import java.io.OutputStream;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongConsumer;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.transaction.TransactionIsolationLevel;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Export: an organization's custom roles, members, per-member grants, groups, group memberships, resource hierarchy
 * and assignments — and on {@code rooms} and {@code rooms_v5} the Rooms dialect's regions, offices, profiles, rooms and
 * room users ({@link RoomsExport}) — as NDJSON lines that
 * {@link ImportService} takes back (roles held named by name, members by user id), all read in one repeatable-read
 * snapshot, so the lines are the organization as of one revision — the first line, a {@code header}, names it and
 * the model. System roles come from the model and are not exported. Rows are written as they are read into a
 * {@link Spool} (memory holds the organization's roles and a bounded part of the lines, the rest goes to a temporary
 * file), and the spool goes to the client once the transaction has ended: a client that reads slowly, or not at all,
 * holds no database connection. An error of the read therefore comes before the first byte is written. A service key
 * may export any organization; a member key needs the model's management permissions for roles, members and
 * assignments. Thread-safe.
 */
public final class ExportService {

    private static final int FETCH = 1_000;

    private final BulkServices services;
    private final SpoolReads reads = new SpoolReads("exports_busy", "exports");

    public ExportService(BulkServices services) {
        this.services = services;
    }

    /**
     * Writes the organization to {@code out}; {@code atRevision} hears the snapshot's revision before the first
     * byte is written (the answer's consistency token), after the read has ended and given back its connection.
     */
    public void export(Principal principal, long orgId, LongConsumer atRevision, OutputStream out) {
        try (Spool spool = new Spool()) {
            long revision = reads.read(() -> services.access().read(principal, orgId, (h, caller) -> {
                PermissionModel model = services.orgModels().model(h, orgId);
                requireMayExport(caller, model);
                return h.inTransaction(TransactionIsolationLevel.REPEATABLE_READ, tx -> {
                    long at = snapshot(tx);
                    write(tx, orgId, model, at, spool, caller.isService());
                    return at;
                });
            }));
            atRevision.accept(revision);
            spool.copyTo(out);
        }
    }

    /**
     * Writes every organization to {@code out}, in one snapshot and in ascending order of id, each as an
     * {@code organization} line (its name and model: importing the lines creates it anew) followed by its
     * export's lines — what {@link ImportService#runDeployment} takes back. Service keys only. Spooled as
     * {@link #export} is.
     */
    public void exportDeployment(Principal principal, LongConsumer atRevision, OutputStream out) {
        try (Spool spool = new Spool()) {
            String what = "exporting the deployment";
            long revision = reads.read(() -> services.access().readDeployment(principal, what, h ->
                    h.inTransaction(TransactionIsolationLevel.REPEATABLE_READ, tx -> {
                        long at = snapshot(tx);
                        record Org(long id, String name, String modelId) {
                        }
                        List<Org> orgs = tx.createQuery("SELECT id, name, model_id FROM organizations ORDER BY id")
                                .map((rs, ctx) -> new Org(rs.getLong(1), rs.getString(2), rs.getString(3))).list();
                        for (Org org : orgs) {
                            spool.line(line("organization").put("name", org.name()).put("model", org.modelId()));
                            write(tx, org.id(), services.orgModels().model(tx, org.modelId()), at, spool, true);
                        }
                        return at;
                    })));
            atRevision.accept(revision);
            spool.copyTo(out);
        }
    }

    /** Makes {@code tx} a read-only snapshot; the revision it shows. */
    private static long snapshot(Handle tx) {
        tx.execute("SET TRANSACTION READ ONLY");
        return tx.createQuery("SELECT coalesce(max(revision), 0) FROM change_log").mapTo(Long.class).one();
    }

    /**
     * The model's three management permissions, and sight of every resource: an export is the whole organization,
     * so a caller that may not see some of its resources (a {@code rooms} member without {@code autoAccessToRooms})
     * may not export it, rather than read them here.
     */
    private void requireMayExport(Caller caller, PermissionModel model) {
        String what = "exporting an organization";
        caller.require(model.management().roles(), what);
        caller.require(model.management().members(), what);
        caller.require(model.management().assignments(), what);
        for (ResourceType type : model.resourceTypes()) {
            if (!services.assignments().seesAll(caller, model, type)) {
                throw new ForbiddenException("permission_required", what + " needs to see every " + type.key()
                        + " of it, which member " + caller.memberId() + " does not");
            }
        }
    }

    /**
     * The organization's lines; with {@code roomsObjects} (a service key's export) on a Rooms organization, its Rooms
     * objects too ({@link RoomsExport}), which only a service key's import takes back ({@link RoomsLines}).
     */
    private void write(Handle h, long orgId, PermissionModel model, long revision, Spool out, boolean roomsObjects) {
        ObjectNode header = line("header");
        header.put("model", model.id());
        header.put("org_id", orgId);
        header.put("revision", revision);
        out.line(header);
        Map<Long, String> roleNames = new HashMap<>();
        for (Role role : services.roles().all(h, orgId)) {
            roleNames.put(role.id(), role.name());
            if (!role.system()) {
                out.line(role(role));
            }
        }
        h.createQuery("SELECT " + MemberStore.COLUMNS + " FROM members WHERE org_id = :org ORDER BY id")
                .bind("org", orgId).setFetchSize(FETCH).map((rs, ctx) -> MemberStore.map(rs))
                .forEach(m -> out.line(member(m, roleNames)));
        boolean rooms = roomsObjects && RoomsLines.applies(model);
        if (rooms) {
            RoomsExport.places(h, orgId, out);
        }
        h.createQuery("SELECT name FROM groups WHERE org_id = :org ORDER BY id").bind("org", orgId)
                .setFetchSize(FETCH).mapTo(String.class).forEach(name -> out.line(line("group").put("name", name)));
        h.createQuery("SELECT g.name, m.user_id FROM group_members gm JOIN groups g ON g.id = gm.group_id "
                        + "JOIN members m ON m.id = gm.member_id WHERE g.org_id = :org ORDER BY g.id, m.id")
                .bind("org", orgId).setFetchSize(FETCH)
                .map((rs, ctx) -> line("group_member").put("group", rs.getString(1)).put("user_id", rs.getString(2)))
                .forEach(n -> out.line(n));
        h.createQuery("SELECT m.user_id, g.permissions FROM member_grants g JOIN members m ON m.id = g.member_id "
                        + "WHERE g.org_id = :org ORDER BY m.id")
                .bind("org", orgId).setFetchSize(FETCH)
                .map((rs, ctx) -> {
                    ObjectNode n = line("grants").put("user_id", rs.getString(1));
                    ArrayNode granted = n.putArray("permissions");
                    for (String permission : (String[]) rs.getArray(2).getArray()) {
                        granted.add(permission);
                    }
                    return n;
                })
                .forEach(n -> out.line(n));
        if (rooms) {
            RoomsExport.rooms(h, orgId, roleNames, out);
        }
        // the hierarchy, parents before their children (an import records a parent first)
        h.createQuery("WITH RECURSIVE placed AS (SELECT resource_type, resource_id, parent_type, parent_id, 0 AS depth "
                        + "FROM resources WHERE org_id = :org AND parent_id IS NULL UNION ALL "
                        + "SELECT r.resource_type, r.resource_id, r.parent_type, r.parent_id, p.depth + 1 FROM resources r "
                        + "JOIN placed p ON r.org_id = :org AND r.parent_type = p.resource_type "
                        + "AND r.parent_id = p.resource_id) "
                        + "SELECT resource_type, resource_id, parent_type, parent_id FROM placed "
                        + "ORDER BY depth, resource_type, resource_id")
                .bind("org", orgId).setFetchSize(FETCH)
                .map((rs, ctx) -> {
                    ObjectNode n = line("resource");
                    n.putObject("resource").put("type", rs.getString(1)).put("id", rs.getString(2));
                    if (rs.getString(3) != null) {
                        n.putObject("parent").put("type", rs.getString(3)).put("id", rs.getString(4));
                    }
                    return n;
                })
                .forEach(n -> out.line(n));
        h.createQuery("SELECT a.resource_type, a.resource_id, m.user_id, a.role_id, a.expires_at FROM assignments a "
                        + "JOIN members m ON m.id = a.member_id WHERE a.org_id = :org "
                        + "ORDER BY a.resource_type, a.resource_id, a.member_id")
                .bind("org", orgId).setFetchSize(FETCH)
                .map((rs, ctx) -> {
                    ObjectNode n = line("assignment");
                    n.putObject("resource").put("type", rs.getString(1)).put("id", rs.getString(2));
                    n.put("user_id", rs.getString(3));
                    n.put("role", roleNames.get(rs.getLong(4)));
                    Instant expiresAt = SqlTime.instant(rs, "expires_at");
                    if (expiresAt != null) {
                        n.put("expires_at", InstantText.of(expiresAt));
                    }
                    return n;
                })
                .forEach(n -> out.line(n));
    }

    private static ObjectNode role(Role role) {
        ObjectNode n = line("role");
        n.put("name", role.name());
        n.put("description", role.description());
        ArrayNode permissions = n.putArray("permissions");
        role.permissions().forEach(permissions::add);
        n.put("external", role.external());
        if (role.visibility() == null) {
            n.putNull("visibility");
        } else {
            ObjectNode v = n.putObject("visibility");
            ArrayNode fields = v.putArray("user_field_ids");
            role.visibility().userFieldIds().forEach(fields::add);
            v.put("unassigned", role.visibility().unassigned());
        }
        return n;
    }

    private static ObjectNode member(Member m, Map<Long, String> roleNames) {
        ObjectNode n = line("member");
        n.put("user_id", m.userId());
        n.put("email", m.email());
        n.put("first_name", m.firstName());
        n.put("last_name", m.lastName());
        if (m.roleId() != null) {
            n.put("role", roleNames.get(m.roleId()));
        }
        n.put("external", m.external());
        n.put("status", m.status());
        return n;
    }

    /** An export line of {@code type} ({@link RoomsExport}'s too). */
    static ObjectNode line(String type) {
        return Json.object().put("type", type);
    }
}
