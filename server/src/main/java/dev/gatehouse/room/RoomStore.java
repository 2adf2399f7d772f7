package dev.gatehouse.room;

import dev.gatehouse.member.MemberStore;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.Query;

import static dev.gatehouse.store.SqlTime.instant;
import static dev.gatehouse.store.SqlTime.utc;

/**
 * SQL for rooms and room users. A room user is a member with an assignment on the room (its role there), or
 * one whose access is revoked (the role kept in {@code room_users}). Its rows are written by
 * {@link RoomUserRows}. Stateless.
 */
final class RoomStore {

    /** A room's field data with {@code :data} merged in: its properties set, those given as null removed. */
    private static final String MERGED = "jsonb_strip_nulls(coalesce(field_data, '{}'::jsonb) || CAST(:data AS jsonb))";
    private static final String COLUMNS = "id, org_id, name, office_id, status, owner_ids, created_by, "
            + "transaction_side_id, template_id, listing_source, field_data, created_at, updated_at";
    private static final String ROOM_USER_COLUMNS = Sql.MEMBER_COLUMNS + ", ro.id AS room_role_id, "
            + "ro.name AS room_role_name, a.member_id IS NULL AS revoked, ru.invited_by, ru.transaction_side_id, "
            + "ru.revoked_at, a.expires_at AS access_ends_at, p.title_id";
    /**
     * The room {@code r} and its ancestors in the resource hierarchy (a v5 company's office, region or company) as
     * {@code chain (resource_type, resource_id, depth)}, walking up its recorded parents; a room without a record is
     * its own chain.
     */
    private static final String ROOM_AND_ANCESTORS = "WITH RECURSIVE chain (resource_type, resource_id, depth) AS ("
            + "SELECT CAST('room' AS text), CAST(r.id AS text), 0 "
            + "UNION ALL SELECT p.parent_type, p.parent_id, c.depth + 1 FROM chain c JOIN resources p "
            + "ON p.org_id = r.org_id AND p.resource_type = c.resource_type AND p.resource_id = c.resource_id "
            + "WHERE p.parent_id IS NOT NULL AND c.depth < 16) ";
    /** For the room {@code r}: the viewer holds a role on it or on an ancestor ({@link #ROOM_AND_ANCESTORS}). */
    private static final String HELD_ON_ROOM_OR_ANCESTOR = ROOM_AND_ANCESTORS
            + "SELECT 1 FROM chain c JOIN assignments a ON a.org_id = r.org_id AND a.resource_type = c.resource_type "
            + "AND a.resource_id = c.resource_id AND a.member_id = :viewer";

    /** Rooms the viewer holds a role in, or on an ancestor of; {@code :viewer} null means every room. */
    private static final String VISIBLE = " FROM rooms r WHERE r.org_id = :org AND r.status = ANY (:statuses) "
            + "AND (CAST(:office AS integer) IS NULL OR r.office_id = :office) "
            + "AND (CAST(:from AS timestamptz) IS NULL OR " + Sql.shownTime("r.updated_at") + " >= :from) "
            + "AND (CAST(:to AS timestamptz) IS NULL OR " + Sql.shownTime("r.updated_at") + " <= :to) "
            + "AND (CAST(:viewer AS bigint) IS NULL OR EXISTS (" + HELD_ON_ROOM_OR_ANCESTOR + "))";


    /** Stores {@code room} as a new room of its organization, its id ignored: the room as stored, with its id. */
    Room insert(Handle h, Room room) {
        return h.createQuery("INSERT INTO rooms (org_id, name, office_id, status, owner_ids, created_by, "
                        + "transaction_side_id, template_id, listing_source, field_data, created_at, updated_at) VALUES "
                        + "(:org, :name, :office, :status, :owners, :by, :side, :template, :listing, "
                        + "CAST(:data AS jsonb), :created, :updated) RETURNING " + COLUMNS)
                .bindMap(fields(room)).map((rs, ctx) -> map(rs)).one();
    }

    /**
     * Writes {@code room}'s name, status, owners, creator, side, template, listing source, field data and
     * {@code updatedAt} over the stored room of its id; its office and creation date stay. The room as stored.
     */
    Room replace(Handle h, Room room) {
        return h.createQuery("UPDATE rooms SET name = :name, status = :status, owner_ids = :owners, created_by = :by, "
                        + "transaction_side_id = :side, template_id = :template, listing_source = :listing, "
                        + "field_data = CAST(:data AS jsonb), updated_at = :updated WHERE org_id = :org AND id = :id "
                        + "RETURNING " + COLUMNS)
                .bindMap(fields(room)).bind("id", room.id()).map((rs, ctx) -> map(rs)).one();
    }

    private static Map<String, Object> fields(Room r) {
        Map<String, Object> m = new HashMap<>();
        m.put("org", r.orgId());
        m.put("name", r.name());
        m.put("office", r.officeId());
        m.put("status", r.status());
        m.put("owners", r.ownerIds().toArray(new Long[0]));
        m.put("by", r.createdBy());
        m.put("side", r.transactionSideId());
        m.put("template", r.templateId());
        m.put("listing", r.listingSource());
        m.put("data", r.fieldDataJson());
        m.put("created", utc(r.createdAt()));
        m.put("updated", utc(r.updatedAt()));
        return m;
    }

    Optional<Room> find(Handle h, long orgId, int id) {
        return h.createQuery("SELECT " + COLUMNS + " FROM rooms WHERE org_id = :org AND id = :id")
                .bind("org", orgId).bind("id", id).map((rs, ctx) -> map(rs)).findOne();
    }

    /**
     * Which of the rooms ({@code orgIds[i]}, {@code ids[i]}) exist: one lookup by key per room (the lateral
     * {@code LIMIT 1} keeps the planner from hashing the whole table for keys it cannot estimate).
     */
    Set<Key> existing(Handle h, List<Long> orgIds, List<Integer> ids) {
        return h.createQuery("SELECT r.org_id, r.id FROM unnest(CAST(:orgs AS bigint[]), CAST(:ids AS integer[])) "
                        + "AS k(org_id, id) CROSS JOIN LATERAL (SELECT org_id, id FROM rooms "
                        + "WHERE org_id = k.org_id AND id = k.id LIMIT 1) r")
                .bind("orgs", orgIds.toArray(new Long[0])).bind("ids", ids.toArray(new Integer[0]))
                .map((rs, ctx) -> new Key(rs.getLong("org_id"), rs.getInt("id"))).collect(Collectors.toSet());
    }

    /** A room of an organization. */
    record Key(long orgId, int id) {
    }

    /** The lowest id of a room of the organization that member {@code memberId} owns, if it owns one. */
    Optional<Integer> firstOwned(Handle h, long orgId, long memberId) {
        return h.createQuery("SELECT min(id) FROM rooms WHERE org_id = :org AND :member = ANY(owner_ids)")
                .bind("org", orgId).bind("member", memberId).mapTo(Integer.class).findOne();
    }

    /**
     * The permissions of the role {@code :viewer} holds on room {@code r}, else on its nearest ancestor holding one
     * (null: none), as a caller's own permissions on a room are read ({@code Caller.permissionsOn}).
     */
    private static final String VIEWER_PERMISSIONS_ON_ROOM = ROOM_AND_ANCESTORS
            + "SELECT vr.permissions FROM chain c JOIN assignments va ON va.org_id = r.org_id "
            + "AND va.resource_type = c.resource_type AND va.resource_id = c.resource_id AND va.member_id = :viewer "
            + "JOIN roles vr ON vr.id = va.role_id ORDER BY c.depth LIMIT 1";

    /**
     * Whether {@code :member} holds in room {@code r} a role — held, or remembered while its access is revoked —
     * granting {@code :hiding}.
     */
    private static final String MEMBER_HIDDEN_IN_ROOM = "SELECT 1 FROM roles ho WHERE ho.id = coalesce("
            + "(SELECT a.role_id FROM assignments a WHERE a.org_id = r.org_id AND a.resource_type = 'room' "
            + "AND a.resource_id = CAST(r.id AS text) AND a.member_id = :member), "
            + "(SELECT ru.revoked_role_id FROM room_users ru WHERE ru.room_id = r.id AND ru.member_id = :member)) "
            + "AND :hiding = ANY(ho.permissions)";

    /**
     * The lowest id of a room of the organization that member {@code memberId} owns and member {@code viewer} sees —
     * its company role has {@code autoAccessToRooms}, it is granted {@code autoAccessToCompanyRooms}, or it holds a
     * role in the room or above it — and sees it in, if there is one: a room where {@code memberId}'s room role grants
     * {@code hiding} is left out unless the viewer is that member or its own permissions there include
     * {@code revealing} (the concealment of {@code RoomsRules}, for a write whose caller is not at hand).
     */
    Optional<Integer> firstOwnedSeenBy(Handle h, long orgId, long memberId, long viewer, String hiding,
                                       String revealing) {
        return h.createQuery("SELECT min(r.id) FROM rooms r WHERE r.org_id = :org AND :member = ANY(r.owner_ids) "
                        + "AND (EXISTS (SELECT 1 FROM members v JOIN roles ro ON ro.id = v.role_id "
                        + "WHERE v.org_id = :org AND v.id = :viewer AND ro.permissions && CAST(:all AS text[])) "
                        + "OR EXISTS (SELECT 1 FROM member_grants g WHERE g.org_id = :org AND g.member_id = :viewer "
                        + "AND g.permissions && CAST(:all AS text[])) OR EXISTS (" + HELD_ON_ROOM_OR_ANCESTOR + ")) "
                        + "AND (:member = :viewer OR NOT EXISTS (" + MEMBER_HIDDEN_IN_ROOM + ") "
                        + "OR CAST(:revealing AS text) = ANY(coalesce((" + VIEWER_PERMISSIONS_ON_ROOM + "), "
                        + "CAST('{}' AS text[]))))")
                .bind("org", orgId).bind("member", memberId).bind("viewer", viewer)
                .bind("all", new String[] {RoomsPermissions.AUTO_ACCESS_TO_ROOMS,
                        RoomsPermissions.AUTO_ACCESS_TO_COMPANY_ROOMS})
                .bind("hiding", hiding).bind("revealing", revealing)
                .mapTo(Integer.class).findOne();
    }

    /** Whether member {@code memberId} is among room {@code id}'s owners (no row read: one answer). */
    boolean owns(Handle h, long orgId, int id, long memberId) {
        return h.createQuery("SELECT 1 FROM rooms WHERE org_id = :org AND id = :id AND :member = ANY(owner_ids)")
                .bind("org", orgId).bind("id", id).bind("member", memberId).mapTo(Integer.class).findOne().isPresent();
    }

    /**
     * Merges {@code dataJson} (a JSON object) into the room's field data: the properties it names get its values,
     * a null value removes the property, the others stay; the room's {@code updated_at} moves to {@code now}.
     */
    /** The room after the merge, or empty when the merge changes nothing (then nothing is written). */
    Optional<Room> mergeFieldData(Handle h, int id, String dataJson, Instant now) {
        return h.createQuery("UPDATE rooms SET field_data = " + MERGED + ", updated_at = :now WHERE id = :id AND "
                        + MERGED + " IS DISTINCT FROM coalesce(field_data, '{}'::jsonb) RETURNING " + COLUMNS)
                .bind("id", id).bind("data", dataJson).bind("now", utc(now)).map((rs, ctx) -> map(rs)).findOne();
    }

    void delete(Handle h, int id) {
        h.createUpdate("DELETE FROM rooms WHERE id = :id").bind("id", id).execute();
    }

    /** Rooms matching the query that {@code viewer} holds a role in (every room when null), by id. */
    Slice<Room> list(Handle h, long orgId, Long viewer, RoomQuery q) {
        if (q.closedRangeGiven()) {
            return new Slice<>(List.of(), 0);
        }
        int total = bind(h.createQuery("SELECT count(*)" + VISIBLE), orgId, viewer, q).mapTo(Integer.class).one();
        List<Room> items = bind(h.createQuery("SELECT " + COLUMNS + VISIBLE + " ORDER BY r.id OFFSET :start LIMIT :count"),
                orgId, viewer, q).bind("start", q.start()).bind("count", q.count()).map((rs, ctx) -> map(rs)).list();
        return new Slice<>(items, total);
    }

    private static Query bind(Query query, long orgId, Long viewer, RoomQuery q) {
        return query.bind("org", orgId).bind("statuses", q.statuses().toArray(new String[0]))
                .bind("office", q.officeId()).bind("from", utc(q.changedFrom())).bind("to", utc(q.changedTo()))
                .bind("viewer", viewer);
    }

    /** Whether the member holds a role in the room (an assignment, so not revoked). */
    boolean holdsRole(Handle h, long orgId, int roomId, long memberId) {
        return h.createQuery("SELECT count(*) FROM assignments WHERE org_id = :org AND resource_type = 'room' "
                        + "AND resource_id = :rid AND member_id = :member")
                .bind("org", orgId).bind("rid", Room.resourceId(roomId)).bind("member", memberId)
                .mapTo(Integer.class).one() > 0;
    }

    /** A member's place in a room, with access or revoked; empty when it has none. */
    Optional<RoomUser> roomUser(Handle h, long orgId, int roomId, long memberId) {
        return h.createQuery("SELECT " + ROOM_USER_COLUMNS + " FROM members m "
                        + "LEFT JOIN assignments a ON a.org_id = m.org_id AND a.resource_type = 'room' "
                        + "AND a.resource_id = :rid AND a.member_id = m.id "
                        + "LEFT JOIN room_users ru ON ru.room_id = :room AND ru.member_id = m.id "
                        + "JOIN roles ro ON ro.id = coalesce(a.role_id, ru.revoked_role_id) "
                        + "LEFT JOIN rooms_profiles p ON p.member_id = m.id WHERE m.org_id = :org AND m.id = :member")
                .bind("org", orgId).bind("room", roomId).bind("rid", Room.resourceId(roomId)).bind("member", memberId)
                .map((rs, ctx) -> mapUser(rs, roomId)).findOne();
    }

    /**
     * Which of {@code memberIds} hold, in room {@code roomId}, a role — held, or remembered while their access is
     * revoked — granting {@code hiding}, member {@code viewer} excepted: in one statement, however many are asked.
     */
    Set<Long> holdingRoleGranting(Handle h, long orgId, int roomId, List<Long> memberIds, String hiding, long viewer) {
        return h.createQuery("SELECT k.id FROM unnest(CAST(:members AS bigint[])) AS k(id) "
                        + "LEFT JOIN assignments a ON a.org_id = :org AND a.resource_type = 'room' "
                        + "AND a.resource_id = :rid AND a.member_id = k.id "
                        + "LEFT JOIN room_users ru ON ru.room_id = :room AND ru.member_id = k.id "
                        + "JOIN roles ro ON ro.id = coalesce(a.role_id, ru.revoked_role_id) "
                        + "WHERE :hiding = ANY(ro.permissions) AND k.id <> :viewer")
                .bind("members", memberIds.toArray(new Long[0])).bind("org", orgId).bind("room", roomId)
                .bind("rid", Room.resourceId(roomId)).bind("hiding", hiding).bind("viewer", viewer)
                .mapTo(Long.class).collect(Collectors.toSet());
    }

    /**
     * The users with access to a room (revoked ones are left out), filtered by a name or email prefix. With a
     * {@code hiding} permission, users whose room role grants it are left out too, the {@code viewer} itself excepted.
     */
    Slice<RoomUser> roomUsers(Handle h, long orgId, int roomId, String filter, UserSort sort, int start, int count,
                              String hiding, Long viewer) {
        String from = " FROM assignments a JOIN members m ON m.id = a.member_id JOIN roles ro ON ro.id = a.role_id "
                + "LEFT JOIN room_users ru ON ru.room_id = :room AND ru.member_id = a.member_id "
                + "LEFT JOIN rooms_profiles p ON p.member_id = a.member_id "
                + "WHERE a.org_id = :org AND a.resource_type = 'room' AND a.resource_id = :rid";
        if (hiding != null) {
            from += " AND (NOT (:hiding = ANY(ro.permissions)) OR a.member_id = :viewer)";
        }
        if (filter != null && !filter.isEmpty()) {
            from += " AND (lower(coalesce(m.first_name, '')) LIKE lower(:p) ESCAPE '!' "
                    + "OR lower(coalesce(m.last_name, '')) LIKE lower(:p) ESCAPE '!' "
                    + "OR lower(concat_ws(' ', m.first_name, m.last_name)) LIKE lower(:p) ESCAPE '!' "
                    + "OR lower(m.email) LIKE lower(:p) ESCAPE '!')";
        }
        String pattern = filter == null || filter.isEmpty() ? null : Sql.prefixPattern(filter);
        Query countQuery = h.createQuery("SELECT count(*)" + from);
        Query pageQuery = h.createQuery("SELECT " + ROOM_USER_COLUMNS + from + " ORDER BY " + sort.orderBy()
                + " OFFSET :start LIMIT :count").bind("start", start).bind("count", count);
        for (Query q : List.of(countQuery, pageQuery)) {
            q.bind("org", orgId).bind("room", roomId).bind("rid", Room.resourceId(roomId));
            if (hiding != null) {
                q.bind("hiding", hiding).bind("viewer", viewer);
            }
            if (pattern != null) {
                q.bind("p", pattern);
            }
        }
        int total = countQuery.mapTo(Integer.class).one();
        return new Slice<>(pageQuery.map((rs, ctx) -> mapUser(rs, roomId)).list(), total);
    }

    private static RoomUser mapUser(ResultSet rs, int roomId) throws SQLException {
        return new RoomUser(roomId, MemberStore.map(rs), rs.getLong("room_role_id"), rs.getString("room_role_name"),
                rs.getBoolean("revoked"), Sql.longOrNull(rs, "invited_by"), rs.getString("transaction_side_id"),
                Sql.integer(rs, "title_id"), instant(rs, "revoked_at"), instant(rs, "access_ends_at"));
    }

    private static Room map(ResultSet rs) throws SQLException {
        return new Room(rs.getInt("id"), rs.getLong("org_id"), rs.getString("name"), Sql.integer(rs, "office_id"),
                rs.getString("status"), Sql.longs(rs, "owner_ids"), Sql.longOrNull(rs, "created_by"),
                rs.getString("transaction_side_id"), Sql.integer(rs, "template_id"), rs.getString("listing_source"),
                rs.getString("field_data"), instant(rs, "created_at"), instant(rs, "updated_at"));
    }
}
