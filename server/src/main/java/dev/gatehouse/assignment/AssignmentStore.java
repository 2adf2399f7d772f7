package dev.gatehouse.assignment;

import dev.gatehouse.json.InstantText;
import dev.gatehouse.sql.CopyRows;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import dev.gatehouse.role.Role;
import dev.gatehouse.role.RoleStore;
import org.jdbi.v3.core.Handle;

import static dev.gatehouse.store.SqlTime.instant;
import static dev.gatehouse.store.SqlTime.utc;

/** SQL for resource assignments. Stateless. */
final class AssignmentStore {

    private static final String COLUMNS = "org_id, resource_type, resource_id, member_id, role_id, created_at, updated_at, "
            + "expires_at";

    /** Gives the member the role on the resource until {@code expiresAt} (null: no end), replacing its role there. */
    public Assignment upsert(Handle h, long orgId, String type, String resourceId, long memberId, long roleId,
                             Instant expiresAt, Instant now) {
        return h.createQuery("INSERT INTO assignments (" + COLUMNS + ") VALUES (:org, :type, :rid, :member, :role, :now, "
                        + ":now, :expires) ON CONFLICT (org_id, resource_type, resource_id, member_id) DO UPDATE SET "
                        + "role_id = :role, expires_at = :expires, updated_at = :now RETURNING " + COLUMNS)
                .bind("org", orgId).bind("type", type).bind("rid", resourceId).bind("member", memberId)
                .bind("role", roleId).bind("expires", utc(expiresAt)).bind("now", utc(now))
                .map((rs, ctx) -> map(rs)).one();
    }

    /**
     * The organizations of the {@code limit} assignments that ended first among those whose end has come by
     * {@code now}, each once. Read in order of {@code expires_at} so that the walk is one of the partial index
     * {@code assignments_expiry} (which holds only time-bound assignments) whatever the table's statistics say: a
     * {@code DISTINCT} without that order was planned as a scan of the whole table whenever the statistics were
     * stale — after a bulk import, say — and the expiry job runs it every second on every node.
     */
    List<Long> organizationsWithExpired(Handle h, Instant now, int limit) {
        return List.copyOf(new LinkedHashSet<>(h.createQuery(ORGANIZATIONS_WITH_EXPIRED)
                .bind("now", utc(now)).bind("limit", limit).mapTo(Long.class).list()));
    }

    static final String ORGANIZATIONS_WITH_EXPIRED =
            "SELECT org_id FROM assignments WHERE expires_at <= :now ORDER BY expires_at LIMIT :limit";

    static final String DELETE_EXPIRED =
            "DELETE FROM assignments WHERE org_id = :org AND expires_at <= :now RETURNING " + COLUMNS;

    /** Deletes the organization's assignments whose end has come by {@code now}; returns them. */
    List<Assignment> deleteExpired(Handle h, long orgId, Instant now) {
        return h.createQuery(DELETE_EXPIRED)
                .bind("org", orgId).bind("now", utc(now)).map((rs, ctx) -> map(rs)).list();
    }

    /**
     * Inserts or updates many assignments, of one organization or several, in one statement; each keeps the given
     * {@code created_at} on insert and gets its role, {@code updated_at} and {@code expires_at} on update. Keys must be
     * distinct.
     */
    public void upsertAll(Handle h, List<Assignment> rows) {
        int n = rows.size();
        Long[] orgs = new Long[n];
        String[] types = new String[n];
        String[] rids = new String[n];
        Long[] members = new Long[n];
        Long[] roles = new Long[n];
        String[] created = new String[n];
        String[] updated = new String[n];
        String[] expires = new String[n];
        for (int i = 0; i < n; i++) {
            Assignment a = rows.get(i);
            orgs[i] = a.orgId();
            types[i] = a.resourceType();
            rids[i] = a.resourceId();
            members[i] = a.memberId();
            roles[i] = a.roleId();
            created[i] = InstantText.of(a.createdAt());
            updated[i] = InstantText.of(a.updatedAt());
            expires[i] = InstantText.of(a.expiresAt());
        }
        h.createUpdate("INSERT INTO assignments (" + COLUMNS + ") SELECT * FROM unnest(CAST(:orgs AS bigint[]), "
                        + "CAST(:types AS text[]), CAST(:rids AS text[]), CAST(:members AS bigint[]), CAST(:roles AS bigint[]), "
                        + "CAST(:created AS timestamptz[]), CAST(:updated AS timestamptz[]), "
                        + "CAST(:expires AS timestamptz[])) "
                        + "ON CONFLICT (org_id, resource_type, resource_id, member_id) DO UPDATE SET "
                        + "role_id = EXCLUDED.role_id, updated_at = EXCLUDED.updated_at, expires_at = EXCLUDED.expires_at")
                .bind("orgs", orgs).bind("types", types).bind("rids", rids)
                .bind("members", members).bind("roles", roles).bind("created", created).bind("updated", updated)
                .bind("expires", expires).execute();
    }

    /**
     * Inserts many new assignments of one organization with {@code COPY … FROM STDIN} in PostgreSQL's binary format,
     * the cheapest way into the table for PostgreSQL: one statement, no per-row planning or conflict check, no text
     * to parse (its times, above all). The keys must be distinct and absent from the table (a duplicate fails the
     * whole statement, as an insert would).
     */
    public void insertAll(Handle h, List<Assignment> rows) {
        if (rows.isEmpty()) {
            return;
        }
        CopyRows copy = new CopyRows("assignments (" + COLUMNS + ")", 8, rows.size());
        for (Assignment a : rows) {
            copy.row().bigint(a.orgId()).text(a.resourceType()).text(a.resourceId()).bigint(a.memberId())
                    .bigint(a.roleId()).time(a.createdAt()).time(a.updatedAt()).time(a.expiresAt());
        }
        copy.copyInto(h);
    }

    /**
     * The assignments among the given keys ({@code types[i]}, {@code rids[i]}, {@code members[i]}) that exist: one
     * primary-key lookup per key, whatever the organization's size. (A plain join of the keys with the table lets
     * the planner, which cannot estimate the keys, hash the organization's whole table, or walk a member's
     * assignments through {@code assignments_member}; the {@code LIMIT 1} of the lateral lookup keeps it to the
     * key.)
     */
    public List<Assignment> findAll(Handle h, long orgId, List<String> types, List<String> rids, List<Long> members) {
        return h.createQuery("SELECT a." + COLUMNS.replace(", ", ", a.") + " FROM unnest(CAST(:types AS text[]), "
                        + "CAST(:rids AS text[]), CAST(:members AS bigint[])) AS k(resource_type, resource_id, member_id) "
                        + "CROSS JOIN LATERAL (SELECT " + COLUMNS + " FROM assignments WHERE org_id = :org "
                        + "AND resource_type = k.resource_type AND resource_id = k.resource_id "
                        + "AND member_id = k.member_id LIMIT 1) a")
                .bind("org", orgId).bind("types", types.toArray(new String[0])).bind("rids", rids.toArray(new String[0]))
                .bind("members", members.toArray(new Long[0])).map((rs, ctx) -> map(rs)).list();
    }

    /** A member's assignment on a resource (null: none) and a role of the organization (null: no such role). */
    record Current(Assignment assignment, Role role) {
    }

    /**
     * A member's current assignment on a resource and the role a write is about to give it there, read in one
     * statement (one round trip inside the organization's lock instead of two).
     */
    Current findWithRole(Handle h, long orgId, String type, String resourceId, long memberId, long roleId) {
        return h.createQuery("SELECT a.member_id IS NOT NULL AS a_held, a.role_id AS a_role_id, "
                        + "a.created_at AS a_created_at, a.updated_at AS a_updated_at, a.expires_at AS a_expires_at, r.* "
                        + "FROM (SELECT 1) k LEFT JOIN assignments a ON a.org_id = :org AND a.resource_type = :type "
                        + "AND a.resource_id = :rid AND a.member_id = :member "
                        + "LEFT JOIN roles r ON r.org_id = :org AND r.id = :role")
                .bind("org", orgId).bind("type", type).bind("rid", resourceId).bind("member", memberId)
                .bind("role", roleId)
                .map((rs, ctx) -> current(rs, orgId, type, resourceId, memberId)).one();
    }

    /** A row of {@link #findWithRole}'s or {@link #findAllWithRole}'s query. */
    private static Current current(ResultSet rs, long orgId, String type, String resourceId, long memberId)
            throws SQLException {
        Assignment a = rs.getBoolean("a_held") ? new Assignment(orgId, type, resourceId, memberId,
                rs.getLong("a_role_id"), instant(rs, "a_created_at"), instant(rs, "a_updated_at"),
                instant(rs, "a_expires_at")) : null;
        rs.getLong("id");
        Role role = rs.wasNull() ? null : RoleStore.map(rs);
        return new Current(a, role);
    }

    /** One member's assignment on one resource asked about, with the role a write is about to give there. */
    record Wanted(long orgId, String type, String resourceId, long memberId, long roleId) {
    }

    /**
     * {@link #findWithRole} for many at once, of one organization or several, in one statement: for each of
     * {@code wanted}, in order, its current assignment and role (one lookup by key each, as {@link #findAll}'s).
     */
    List<Current> findAllWithRole(Handle h, List<Wanted> wanted) {
        int n = wanted.size();
        Long[] orgs = new Long[n];
        String[] types = new String[n];
        String[] rids = new String[n];
        Long[] members = new Long[n];
        Long[] roles = new Long[n];
        for (int i = 0; i < n; i++) {
            Wanted w = wanted.get(i);
            orgs[i] = w.orgId();
            types[i] = w.type();
            rids[i] = w.resourceId();
            members[i] = w.memberId();
            roles[i] = w.roleId();
        }
        Current[] found = new Current[n];
        h.createQuery("SELECT k.i, a.member_id IS NOT NULL AS a_held, a.role_id AS a_role_id, "
                        + "a.created_at AS a_created_at, a.updated_at AS a_updated_at, a.expires_at AS a_expires_at, r.* "
                        + "FROM unnest(CAST(:orgs AS bigint[]), CAST(:types AS text[]), CAST(:rids AS text[]), "
                        + "CAST(:members AS bigint[]), CAST(:roles AS bigint[])) WITH ORDINALITY "
                        + "AS k(org_id, resource_type, resource_id, member_id, role_id, i) "
                        + "LEFT JOIN LATERAL (SELECT member_id, role_id, created_at, updated_at, expires_at FROM assignments "
                        + "WHERE org_id = k.org_id AND resource_type = k.resource_type AND resource_id = k.resource_id "
                        + "AND member_id = k.member_id LIMIT 1) a ON true "
                        + "LEFT JOIN LATERAL (SELECT * FROM roles WHERE org_id = k.org_id AND id = k.role_id LIMIT 1) r ON true")
                .bind("orgs", orgs).bind("types", types).bind("rids", rids).bind("members", members).bind("roles", roles)
                .map((rs, ctx) -> {
                    int i = (int) rs.getLong("i") - 1;
                    found[i] = current(rs, wanted.get(i).orgId(), wanted.get(i).type(), wanted.get(i).resourceId(),
                            wanted.get(i).memberId());
                    return i;
                }).list();
        return List.of(found);
    }

    public Optional<Assignment> find(Handle h, long orgId, String type, String resourceId, long memberId) {
        return h.createQuery("SELECT " + COLUMNS + " FROM assignments WHERE org_id = :org AND resource_type = :type "
                        + "AND resource_id = :rid AND member_id = :member")
                .bind("org", orgId).bind("type", type).bind("rid", resourceId).bind("member", memberId)
                .map((rs, ctx) -> map(rs)).findOne();
    }

    /** Assignments on one resource, by member id after {@code afterMember}. */
    public List<Assignment> listByResource(Handle h, long orgId, String type, String resourceId, long afterMember, int limit) {
        return listByResource(h, orgId, type, resourceId, afterMember, limit, null);
    }

    /**
     * Assignments on one resource, by member id after {@code afterMember}, those {@code hidden} leaves out (null:
     * none) left out in the same statement: whether a role hides its holder is read with the page, not per holder.
     */
    List<Assignment> listByResource(Handle h, long orgId, String type, String resourceId, long afterMember, int limit,
                                    HolderVisibility.Hidden hidden) {
        return h.createQuery("SELECT " + COLUMNS + " FROM assignments a WHERE org_id = :org AND resource_type = :type "
                        + "AND resource_id = :rid AND member_id > :after AND (CAST(:hiding AS text) IS NULL "
                        + "OR member_id = :viewer OR NOT EXISTS (SELECT 1 FROM roles ro WHERE ro.id = a.role_id "
                        + "AND :hiding = ANY(ro.permissions))) ORDER BY member_id LIMIT :limit")
                .bind("org", orgId).bind("type", type).bind("rid", resourceId).bind("after", afterMember)
                .bind("hiding", hidden == null ? null : hidden.hiding())
                .bind("viewer", hidden == null ? 0L : hidden.viewer())
                .bind("limit", limit).map((rs, ctx) -> map(rs)).list();
    }

    /**
     * Assignments of one member, ordered by (type, resource id) after the given position. When {@code viewer} is
     * not null, those on resources of the {@code partlySeen} types are left out unless the viewer holds a role on
     * the same resource or one of its ancestors — what it sees of each one by one.
     */
    public List<Assignment> listByMember(Handle h, long orgId, long memberId, String afterType, String afterId, int limit,
                                         Long viewer, List<String> partlySeen) {
        return listByMember(h, orgId, memberId, afterType, afterId, limit, viewer, partlySeen, null);
    }

    /**
     * {@link #listByMember(Handle, long, long, String, String, int, Long, List)}, leaving out as well the roles
     * {@code hidden} hides from its viewer (null: none): on a resource of one of its types, a role granting that
     * type's hiding permission unless the viewer's permissions there — its role on the resource or the nearest
     * ancestor holding one, else the company role's answer given — include the revealing one. Read in the same
     * statement, for the rows whose role hides them only.
     */
    List<Assignment> listByMember(Handle h, long orgId, long memberId, String afterType, String afterId, int limit,
                                  Long viewer, List<String> partlySeen, HolderVisibility.HiddenByType hidden) {
        return h.createQuery("SELECT " + COLUMNS + " FROM assignments a WHERE org_id = :org AND member_id = :member "
                        + "AND (resource_type, resource_id) > (:type, :rid) "
                        + "AND (CAST(:viewer AS bigint) IS NULL OR resource_type <> ALL (:partly) OR EXISTS ("
                        + chain("a") + "SELECT 1 FROM chain c JOIN assignments v ON v.org_id = a.org_id "
                        + "AND v.resource_type = c.resource_type AND v.resource_id = c.resource_id "
                        + "AND v.member_id = :viewer)) "
                        + "AND NOT EXISTS (SELECT 1 FROM unnest(CAST(:htypes AS text[]), CAST(:hiding AS text[]), "
                        + "CAST(:revealing AS text[]), CAST(:company AS boolean[])) AS x(resource_type, hiding, "
                        + "revealing, company) JOIN roles ro ON ro.id = a.role_id WHERE x.resource_type = a.resource_type "
                        + "AND x.hiding = ANY(ro.permissions) AND NOT coalesce((" + chain("a")
                        + "SELECT x.revealing = ANY(vr.permissions) FROM chain c JOIN assignments v "
                        + "ON v.org_id = a.org_id AND v.resource_type = c.resource_type AND v.resource_id = c.resource_id "
                        + "AND v.member_id = :hviewer JOIN roles vr ON vr.id = v.role_id ORDER BY c.depth LIMIT 1), "
                        + "x.company)) "
                        + "ORDER BY resource_type, resource_id LIMIT :limit")
                .bind("org", orgId).bind("member", memberId).bind("type", afterType).bind("rid", afterId)
                .bind("viewer", viewer).bind("partly", partlySeen.toArray(new String[0]))
                .bind("htypes", hidden == null ? new String[0] : hidden.types())
                .bind("hiding", hidden == null ? new String[0] : hidden.hiding())
                .bind("revealing", hidden == null ? new String[0] : hidden.revealing())
                .bind("company", hidden == null ? new Boolean[0] : hidden.company())
                .bind("hviewer", hidden == null ? 0L : hidden.viewer())
                .bind("limit", limit).map((rs, ctx) -> map(rs)).list();
    }

    /**
     * A recursive {@code WITH} naming {@code chain} the resource of the assignment {@code alias} and its ancestors
     * (table {@code resources}), with their depth; the statement that reads it follows.
     */
    private static String chain(String alias) {
        return "WITH RECURSIVE chain (resource_type, resource_id, depth) AS ("
                + "SELECT " + alias + ".resource_type, " + alias + ".resource_id, 0 "
                + "UNION ALL SELECT p.parent_type, p.parent_id, c.depth + 1 FROM chain c JOIN resources p "
                + "ON p.org_id = " + alias + ".org_id AND p.resource_type = c.resource_type "
                + "AND p.resource_id = c.resource_id WHERE p.parent_id IS NOT NULL AND c.depth < 64) ";
    }

    public void delete(Handle h, Assignment a) {
        h.createUpdate("DELETE FROM assignments WHERE org_id = :org AND resource_type = :type AND resource_id = :rid "
                        + "AND member_id = :member")
                .bind("org", a.orgId()).bind("type", a.resourceType()).bind("rid", a.resourceId())
                .bind("member", a.memberId()).execute();
    }

    public List<Assignment> deleteByResource(Handle h, long orgId, String type, String resourceId) {
        return h.createQuery("DELETE FROM assignments WHERE org_id = :org AND resource_type = :type AND resource_id = :rid "
                        + "RETURNING " + COLUMNS)
                .bind("org", orgId).bind("type", type).bind("rid", resourceId).map((rs, ctx) -> map(rs)).list();
    }

    /** Deletes every assignment of a member, and returns them (for their change records). */
    public List<Assignment> deleteByMember(Handle h, long orgId, long memberId) {
        return h.createQuery("DELETE FROM assignments WHERE org_id = :org AND member_id = :member RETURNING " + COLUMNS)
                .bind("org", orgId).bind("member", memberId).map((rs, ctx) -> map(rs)).list();
    }

    /** A member's roles on resources of the given types, by type and resource id. */
    public List<Assignment> findHeld(Handle h, long orgId, long memberId, List<String> types) {
        return h.createQuery("SELECT " + COLUMNS + " FROM assignments WHERE org_id = :org AND member_id = :member "
                        + "AND resource_type = ANY(:types) ORDER BY resource_type, resource_id")
                .bind("org", orgId).bind("member", memberId).bind("types", types.toArray(new String[0]))
                .map((rs, ctx) -> map(rs)).list();
    }

    /** Deletes a member's roles {@code roleId} on resources of the given types, and returns them. */
    public List<Assignment> deleteHeld(Handle h, long orgId, long memberId, long roleId, List<String> types) {
        return h.createQuery("DELETE FROM assignments WHERE org_id = :org AND member_id = :member AND role_id = :role "
                        + "AND resource_type = ANY(:types) RETURNING " + COLUMNS)
                .bind("org", orgId).bind("member", memberId).bind("role", roleId)
                .bind("types", types.toArray(new String[0])).map((rs, ctx) -> map(rs)).list();
    }

    static Assignment map(ResultSet rs) throws SQLException {
        return new Assignment(rs.getLong("org_id"), rs.getString("resource_type"), rs.getString("resource_id"),
                rs.getLong("member_id"), rs.getLong("role_id"), instant(rs, "created_at"), instant(rs, "updated_at"),
                instant(rs, "expires_at"));
    }
}
