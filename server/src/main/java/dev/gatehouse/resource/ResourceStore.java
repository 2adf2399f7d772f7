package dev.gatehouse.resource;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;

import static dev.gatehouse.store.SqlTime.instant;
import static dev.gatehouse.store.SqlTime.utc;

/** SQL for the resources of the hierarchy (table {@code resources}). Stateless. */
final class ResourceStore {

    private static final String COLUMNS = "org_id, resource_type, resource_id, parent_type, parent_id, created_at, "
            + "updated_at";

    /** Records a resource under a parent (both null: at the top), or moves it there; one row either way. */
    Resource upsert(Handle h, long orgId, String type, String id, String parentType, String parentId, Instant now) {
        return h.createQuery("INSERT INTO resources (" + COLUMNS + ") VALUES (:org, :type, :id, :ptype, :pid, :now, "
                        + ":now) ON CONFLICT (org_id, resource_type, resource_id) DO UPDATE SET parent_type = :ptype, "
                        + "parent_id = :pid, updated_at = :now RETURNING " + COLUMNS)
                .bind("org", orgId).bind("type", type).bind("id", id).bind("ptype", parentType).bind("pid", parentId)
                .bind("now", utc(now)).map((rs, ctx) -> map(rs)).one();
    }

    Optional<Resource> find(Handle h, long orgId, String type, String id) {
        return h.createQuery("SELECT " + COLUMNS + " FROM resources WHERE org_id = :org AND resource_type = :type "
                        + "AND resource_id = :id")
                .bind("org", orgId).bind("type", type).bind("id", id).map((rs, ctx) -> map(rs)).findOne();
    }

    /**
     * Children of one resource, ordered by (type, id) after the given position; with {@code seen}, only those of
     * its types seen whole and those its member holds a role on.
     */
    List<Resource> children(Handle h, long orgId, String type, String id, String afterType, String afterId,
                            int limit, SeenChildren seen) {
        String only = seen == null ? "" : "AND (resource_type = ANY(:whole) OR EXISTS (SELECT 1 FROM assignments a "
                + "WHERE a.org_id = :org AND a.resource_type = resources.resource_type "
                + "AND a.resource_id = resources.resource_id AND a.member_id = :member)) ";
        var query = h.createQuery("SELECT " + COLUMNS + " FROM resources WHERE org_id = :org AND parent_type = :type "
                        + "AND parent_id = :id AND (resource_type, resource_id) > (:atype, :aid) " + only
                        + "ORDER BY resource_type, resource_id LIMIT :limit")
                .bind("org", orgId).bind("type", type).bind("id", id).bind("atype", afterType).bind("aid", afterId)
                .bind("limit", limit);
        if (seen != null) {
            query.bindArray("whole", String.class, seen.wholeTypes()).bind("member", seen.memberId());
        }
        return query.map((rs, ctx) -> map(rs)).list();
    }

    /** The children a member sees of a resource it holds no role on: the types it sees whole, and its own. */
    record SeenChildren(long memberId, List<String> wholeTypes) {
    }

    int countChildren(Handle h, long orgId, String type, String id) {
        return h.createQuery("SELECT count(*) FROM resources WHERE org_id = :org AND parent_type = :type "
                        + "AND parent_id = :id")
                .bind("org", orgId).bind("type", type).bind("id", id).mapTo(Integer.class).one();
    }

    void delete(Handle h, Resource r) {
        h.createUpdate("DELETE FROM resources WHERE org_id = :org AND resource_type = :type AND resource_id = :id")
                .bind("org", r.orgId()).bind("type", r.type()).bind("id", r.id()).execute();
    }

    private static Resource map(ResultSet rs) throws SQLException {
        return new Resource(rs.getLong("org_id"), rs.getString("resource_type"), rs.getString("resource_id"),
                rs.getString("parent_type"), rs.getString("parent_id"), instant(rs, "created_at"),
                instant(rs, "updated_at"));
    }
}
