package dev.gatehouse.group;

import dev.gatehouse.sql.NameKey;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Handle;

import static dev.gatehouse.store.SqlTime.instant;
import static dev.gatehouse.store.SqlTime.utc;

/** SQL for groups and their members. Stateless. */
final class GroupStore {

    private static final String COLUMNS = "id, org_id, name, version, created_at, updated_at";


    /** Inserts a group, with its name's key ({@link NameKey}). */
    public Group insert(Handle h, long orgId, String name, Instant now) {
        GroupHeader row = h.createQuery("INSERT INTO groups (org_id, name, name_key, version, created_at, updated_at) "
                        + "VALUES (:org, :name, :nameKey, 1, :now, :now) RETURNING " + COLUMNS)
                .bind("org", orgId).bind("name", name).bind("nameKey", NameKey.of(name)).bind("now", utc(now))
                .map((rs, ctx) -> row(rs)).one();
        return new Group(row.id(), row.orgId(), row.name(), List.of(), row.version(), row.createdAt(), row.updatedAt());
    }

    public Optional<Group> find(Handle h, long orgId, long id) {
        return h.createQuery("SELECT " + COLUMNS + " FROM groups WHERE org_id = :org AND id = :id")
                .bind("org", orgId).bind("id", id).map((rs, ctx) -> row(rs)).findOne()
                .map(row -> withMembers(h, List.of(row)).get(0));
    }

    /**
     * The groups whose names are the same as {@code name} ignoring case, the one {@code lower()} calls equal first
     * ({@link NameKey#sameNames}): what a reference by name may mean.
     */
    public List<Group> sameNames(Handle h, long orgId, String name) {
        return withMembers(h, NameKey.sameNames(h, "groups", COLUMNS, orgId, name, 0L, null, (rs, ctx) -> row(rs)));
    }

    /**
     * A group other than {@code self} (named {@code current}; 0 and null for a new group) whose name is the same as
     * {@code name} ignoring case ({@link NameKey#findSameName}).
     */
    public Optional<Group> findSameName(Handle h, long orgId, String name, long self, String current) {
        return NameKey.findSameName(h, "groups", COLUMNS, orgId, name, self, current, (rs, ctx) -> row(rs))
                .map(row -> withMembers(h, List.of(row)).get(0));
    }

    /**
     * Groups with id greater than {@code after}, ascending, with their members: at most {@code limit}, and no more
     * once the members they hold would pass {@code maxMembers} — the first group always, whatever its size, so a
     * reader makes progress. The database counts each group's members and sums the counts in id order, and only the
     * members of the groups kept are read; {@link GroupPage#cutShort} tells a page ended by members from one that ran
     * out of groups. A page so holds at most {@code maxMembers} members, or one group's when that group alone holds
     * more.
     */
    public GroupPage page(Handle h, long orgId, long after, int limit, int maxMembers) {
        if (limit < 1 || maxMembers < 1) {
            throw new IllegalArgumentException("limit and maxMembers must be positive, got " + limit + " and "
                    + maxMembers);
        }
        long[] fetched = {0};
        List<GroupHeader> rows = h.createQuery("SELECT " + COLUMNS + ", fetched FROM ("
                        + " SELECT q.*, row_number() OVER w AS n, sum(q.member_count) OVER w AS running,"
                        + " count(*) OVER () AS fetched FROM ("
                        + "  SELECT " + COLUMNS + ", (SELECT count(*) FROM group_members gm WHERE gm.group_id = g.id)"
                        + "  AS member_count FROM groups g WHERE org_id = :org AND id > :after ORDER BY id LIMIT :limit) q"
                        + " WINDOW w AS (ORDER BY id)) p"
                        + " WHERE n = 1 OR running <= :budget ORDER BY id")
                .bind("org", orgId).bind("after", after).bind("limit", limit).bind("budget", maxMembers)
                .map((rs, ctx) -> {
                    fetched[0] = rs.getLong("fetched");
                    return row(rs);
                }).list();
        return new GroupPage(withMembers(h, rows), rows.size() < fetched[0]);
    }

    /** Groups with id greater than {@code after}, ascending, without their members. */
    public List<GroupHeader> headers(Handle h, long orgId, long after, int limit) {
        return h.createQuery("SELECT " + COLUMNS + " FROM groups WHERE org_id = :org AND id > :after ORDER BY id "
                        + "LIMIT :limit")
                .bind("org", orgId).bind("after", after).bind("limit", limit).map((rs, ctx) -> row(rs)).list();
    }

    /** A group without its members (the change log records groups so). */
    public Optional<GroupHeader> findHeader(Handle h, long orgId, long id) {
        return h.createQuery("SELECT " + COLUMNS + " FROM groups WHERE org_id = :org AND id = :id")
                .bind("org", orgId).bind("id", id).map((rs, ctx) -> row(rs)).findOne();
    }

    /** A group whose members changed, as it was before its version was bumped and after. */
    public record Touched(GroupHeader before, GroupHeader after) {
    }

    /**
     * Bumps the version of a group whose members changed: the row as it was comes from the database with it, never
     * from a caller's copy, which an import keeps for a whole chunk of lines changing that group.
     */
    public Touched touch(Handle h, long id, Instant now) {
        return h.createQuery("UPDATE groups g SET version = g.version + 1, updated_at = :now FROM groups o "
                        + "WHERE g.id = :id AND o.id = g.id RETURNING g.id, g.org_id, g.name, g.version, g.created_at, "
                        + "g.updated_at, o.name AS before_name, o.version AS before_version, "
                        + "o.updated_at AS before_updated_at")
                .bind("id", id).bind("now", utc(now))
                .map((rs, ctx) -> new Touched(new GroupHeader(rs.getLong("id"), rs.getLong("org_id"),
                        rs.getString("before_name"), rs.getInt("before_version"), instant(rs, "created_at"),
                        instant(rs, "before_updated_at")), row(rs)))
                .one();
    }

    public boolean isMember(Handle h, long groupId, long memberId) {
        return h.createQuery("SELECT EXISTS (SELECT 1 FROM group_members WHERE group_id = :g AND member_id = :m)")
                .bind("g", groupId).bind("m", memberId).mapTo(Boolean.class).one();
    }

    /** The groups of an organization that hold a member, ascending by id. */
    public List<GroupHeader> groupsOf(Handle h, long orgId, long memberId) {
        return h.createQuery("SELECT " + COLUMNS + " FROM groups WHERE org_id = :org AND id IN "
                        + "(SELECT group_id FROM group_members WHERE member_id = :m) ORDER BY id")
                .bind("org", orgId).bind("m", memberId).map((rs, ctx) -> row(rs)).list();
    }

    /**
     * Renames and/or bumps the version (a member change is a change of the group); a new name takes its key
     * ({@link NameKey}) unless another group holds that key, an unchanged one keeps the key it has (a row without one
     * takes its name's key when no other group holds it: {@link NameKey#storeKey}).
     */
    public Group update(Handle h, long id, String name, Instant now) {
        // a renamed row is left keyless here, as the statement of a build that knows no key leaves it (V21_4)
        boolean[] keyless = {false};
        GroupHeader row = h.createQuery("UPDATE groups SET name = :name, name_key = CASE WHEN name = :name "
                        + "THEN name_key END, version = version + 1, updated_at = :now "
                        + "WHERE id = :id RETURNING " + COLUMNS + ", name_key IS NULL AS keyless")
                .bind("id", id).bind("name", name).bind("now", utc(now))
                .map((rs, ctx) -> {
                    keyless[0] = rs.getBoolean("keyless");
                    return row(rs);
                }).one();
        if (keyless[0]) {
            NameKey.storeKey(h, "groups", id, name);
        }
        return withMembers(h, List.of(row)).get(0);
    }

    public void delete(Handle h, long id) {
        h.createUpdate("DELETE FROM groups WHERE id = :id").bind("id", id).execute();
    }

    /** Adds a member; false when it already was one. */
    public boolean addMember(Handle h, long groupId, long memberId, Instant now) {
        return h.createUpdate("INSERT INTO group_members (group_id, member_id, created_at) VALUES (:g, :m, :now) "
                        + "ON CONFLICT DO NOTHING")
                .bind("g", groupId).bind("m", memberId).bind("now", utc(now)).execute() == 1;
    }

    /** Removes a member; false when it was not one. */
    public boolean removeMember(Handle h, long groupId, long memberId) {
        return h.createUpdate("DELETE FROM group_members WHERE group_id = :g AND member_id = :m")
                .bind("g", groupId).bind("m", memberId).execute() == 1;
    }

    public int memberCount(Handle h, long groupId) {
        return h.createQuery("SELECT count(*) FROM group_members WHERE group_id = :g").bind("g", groupId)
                .mapTo(Integer.class).one();
    }

    private static List<Group> withMembers(Handle h, List<GroupHeader> rows) {
        if (rows.isEmpty()) {
            return List.of();
        }
        Map<Long, List<GroupMember>> members = new HashMap<>();
        h.createQuery("SELECT gm.group_id, m.id, m.user_id FROM group_members gm JOIN members m ON m.id = gm.member_id "
                        + "WHERE gm.group_id = ANY (:ids) ORDER BY gm.group_id, m.id")
                .bind("ids", rows.stream().mapToLong(GroupHeader::id).boxed().toArray(Long[]::new))
                .map((rs, ctx) -> {
                    members.computeIfAbsent(rs.getLong("group_id"), k -> new ArrayList<>())
                            .add(new GroupMember(rs.getLong("id"), rs.getString("user_id")));
                    return 0;
                }).forEach(x -> { });
        List<Group> groups = new ArrayList<>(rows.size());
        for (GroupHeader r : rows) {
            groups.add(new Group(r.id(), r.orgId(), r.name(), members.getOrDefault(r.id(), List.of()), r.version(),
                    r.createdAt(), r.updatedAt()));
        }
        return groups;
    }

    private static GroupHeader row(ResultSet rs) throws SQLException {
        return new GroupHeader(rs.getLong("id"), rs.getLong("org_id"), rs.getString("name"), rs.getInt("version"),
                instant(rs, "created_at"), instant(rs, "updated_at"));
    }
}
