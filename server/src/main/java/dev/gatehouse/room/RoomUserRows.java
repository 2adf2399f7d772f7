package dev.gatehouse.room;

import dev.gatehouse.changelog.Action;
import dev.gatehouse.changelog.ObjectType;
import dev.gatehouse.store.Tx;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import tools.jackson.databind.node.ObjectNode;

import static dev.gatehouse.store.SqlTime.instant;
import static dev.gatehouse.store.SqlTime.utc;

/**
 * The rows of {@code room_users} — who invited each room user, its side, the role kept while its access is revoked —
 * and their change records: every write and deletion of a row passes here and records itself as a {@code room_user}
 * change ({@code created} the first time a row is stored, {@code updated} when it changes, {@code deleted} when it
 * goes), whatever path makes it: a Rooms invitation, a role given through {@code /v1} or an import, a revocation, the
 * deletion of a room or the removal of a member. A write that changes nothing writes and records nothing. Rows are
 * read and written inside the organization's write, under its lock. Stateless.
 */
final class RoomUserRows {

    private static final String ROW_COLUMNS = "room_id, member_id, invited_by, transaction_side_id, revoked_role_id, "
            + "revoked_at";

    /**
     * A room user's row in {@code room_users}: who invited it, its side, and the role kept while its access is revoked
     * (since {@code revokedAt}). A row outlives its user's role when that is taken away without a revocation
     * ({@code /v1}'s removal of a room role): the user is then no longer in the room, and its row remembers the
     * inviter for a role given again. What its change records show is {@link RoomsSnapshots#roomUser}.
     */
    record Row(int roomId, long memberId, Long invitedBy, String side, Long revokedRoleId, Instant revokedAt) {

        static Row of(int roomId, long memberId) {
            return new Row(roomId, memberId, null, null, null, null);
        }

        Row withInvitedBy(Long by) {
            return new Row(roomId, memberId, by, side, revokedRoleId, revokedAt);
        }

        Row withSide(String sideId) {
            return new Row(roomId, memberId, invitedBy, sideId, revokedRoleId, revokedAt);
        }

        Row withRevoked(Long roleId, Instant at) {
            return new Row(roomId, memberId, invitedBy, side, roleId, at);
        }
    }

    /** A member's row in a room, if it has one. */
    private static Optional<Row> row(Handle h, int roomId, long memberId) {
        return h.createQuery("SELECT " + ROW_COLUMNS + " FROM room_users WHERE room_id = :room AND member_id = :member")
                .bind("room", roomId).bind("member", memberId).map((rs, ctx) -> mapRow(rs)).findOne();
    }

    /** The role remembered for a member whose access to a room is revoked; null when it is not revoked there. */
    Long revokedRole(Handle h, int roomId, long memberId) {
        return row(h, roomId, memberId).map(Row::revokedRoleId).orElse(null);
    }

    /** Records who invited a member into a room and its side; clears any revocation. */
    void invited(Tx tx, long orgId, int roomId, long memberId, Long invitedBy, String side) {
        Row before = row(tx.handle(), roomId, memberId).orElse(null);
        Row base = before == null ? Row.of(roomId, memberId) : before;
        write(tx, orgId, before, base.withInvitedBy(invitedBy).withSide(side).withRevoked(null, null));
    }

    /**
     * Records {@code invitedBy} (null: nobody) as the inviter of a user just given a role in a room, unless one is
     * recorded already: a user whose access is restored keeps its inviter. Every role given where none was held passes
     * here (an import's lines too), so it is one statement: the row's absence read in the same snapshot as the write.
     */
    void invitedUnlessKnown(Tx tx, long orgId, int roomId, long memberId, Long invitedBy) {
        tx.handle().createQuery("WITH old AS (SELECT 1 FROM room_users WHERE room_id = :room AND member_id = :member) "
                        + "INSERT INTO room_users (room_id, member_id, org_id, invited_by, created_at, updated_at) "
                        + "VALUES (:room, :member, :org, :by, :now, :now) ON CONFLICT (room_id, member_id) "
                        + "DO UPDATE SET invited_by = :by, updated_at = :now "
                        + "WHERE room_users.invited_by IS NULL AND CAST(:by AS bigint) IS NOT NULL "
                        + "RETURNING " + ROW_COLUMNS + ", EXISTS (SELECT 1 FROM old) AS existed")
                .bind("room", roomId).bind("member", memberId).bind("org", orgId).bind("by", invitedBy)
                .bind("now", utc(tx.now()))
                .map((rs, ctx) -> new Upserted(mapRow(rs), rs.getBoolean("existed"))).findOne()
                // a row updated had no inviter, and changed in nothing else
                .ifPresent(u -> record(tx, orgId, u.existed() ? u.row().withInvitedBy(null) : null, u.row()));
    }

    /**
     * Who {@link #invitedUnlessKnown} records as the inviter of a user holding no role in a room once {@code givenBy}
     * gives it one: the inviter its row remembers (its role taken away through {@code /v1}), else {@code givenBy}
     * (null for a service key) — read before the write, so that the write's own gates judge the user as invited by
     * whoever it is about to be.
     */
    Long inviterOnceGiven(Handle h, int roomId, long memberId, Long givenBy) {
        Long remembered = row(h, roomId, memberId).map(Row::invitedBy).orElse(null);
        return remembered != null ? remembered : givenBy;
    }

    /** A row an upsert wrote, and whether it was stored before. */
    private record Upserted(Row row, boolean existed) {
    }

    void side(Tx tx, long orgId, int roomId, long memberId, String side) {
        Row before = row(tx.handle(), roomId, memberId).orElse(null);
        write(tx, orgId, before, (before == null ? Row.of(roomId, memberId) : before).withSide(side));
    }

    /**
     * Stores a room user's row as an import restores it: {@code after} whole (inviter, side, revocation). What it
     * found and whether it changed it.
     */
    RoomImports.Restored restore(Tx tx, long orgId, Row after) {
        Row before = row(tx.handle(), after.roomId(), after.memberId()).orElse(null);
        write(tx, orgId, before, after);
        return new RoomImports.Restored(before != null, !after.equals(before));
    }

    /** Remembers the role of a member whose access is revoked as of {@code at} ({@code roleId} null: restored). */
    void revoked(Tx tx, long orgId, int roomId, long memberId, Long roleId, Instant at) {
        Row before = row(tx.handle(), roomId, memberId).orElse(null);
        write(tx, orgId, before, (before == null ? Row.of(roomId, memberId) : before).withRevoked(roleId,
                roleId == null ? null : at));
    }

    /**
     * Deletes the rows of a room's users, revoked ones included, recording each as deleted, by member: inside the
     * transaction deleting the room, before the room goes (its rows would otherwise vanish with it, unrecorded).
     */
    void deleteUsersOf(Tx tx, long orgId, int roomId) {
        recordDeleted(tx, orgId, tx.handle().createQuery("DELETE FROM room_users WHERE room_id = :room RETURNING "
                + ROW_COLUMNS).bind("room", roomId).map((rs, ctx) -> mapRow(rs)).list());
    }

    /**
     * Deletes a member's rows in every room, recording each as deleted, by room: inside the transaction removing the
     * member, before its own record ({@link RoomsRules#removing}).
     */
    void deleteRowsOf(Tx tx, long orgId, long memberId) {
        recordDeleted(tx, orgId, tx.handle().createQuery("DELETE FROM room_users WHERE member_id = :member "
                        + "AND org_id = :org RETURNING " + ROW_COLUMNS)
                .bind("member", memberId).bind("org", orgId).map((rs, ctx) -> mapRow(rs)).list());
    }

    /**
     * The write of a room user's row: stores {@code after} and records it ({@link #record}) unless it changes nothing,
     * when nothing is written or recorded. Every path that stores a row passes here or through {@link #record}, so
     * none stores one unrecorded.
     */
    private static void write(Tx tx, long orgId, Row before, Row after) {
        if (after.equals(before)) {
            return;
        }
        tx.handle().createUpdate("INSERT INTO room_users (room_id, member_id, org_id, invited_by, transaction_side_id, "
                        + "revoked_role_id, revoked_at, created_at, updated_at) VALUES (:room, :member, :org, :by, :side, "
                        + ":role, :at, :now, :now) ON CONFLICT (room_id, member_id) DO UPDATE SET invited_by = :by, "
                        + "transaction_side_id = :side, revoked_role_id = :role, revoked_at = :at, updated_at = :now")
                .bind("room", after.roomId()).bind("member", after.memberId()).bind("org", orgId)
                .bind("by", after.invitedBy()).bind("side", after.side()).bind("role", after.revokedRoleId())
                .bind("at", utc(after.revokedAt())).bind("now", utc(tx.now())).execute();
        record(tx, orgId, before, after);
    }

    /** The change record of a row stored: {@code created} where there was none ({@code before} null), else updated. */
    private static void record(Tx tx, long orgId, Row before, Row after) {
        tx.change(orgId, ObjectType.ROOM_USER, objectId(after), before == null ? Action.CREATED : Action.UPDATED,
                before == null ? null : snapshot(before), snapshot(after));
    }

    private static void recordDeleted(Tx tx, long orgId, List<Row> deleted) {
        deleted.stream().sorted(Comparator.comparing(Row::roomId).thenComparing(Row::memberId)).forEach(row ->
                tx.change(orgId, ObjectType.ROOM_USER, objectId(row), Action.DELETED, snapshot(row), null));
    }

    private static String objectId(Row row) {
        return row.roomId() + "/" + row.memberId();
    }

    private static ObjectNode snapshot(Row row) {
        return RoomsSnapshots.roomUser(row.roomId(), row.memberId(), row.invitedBy(), row.side(), row.revokedRoleId());
    }

    private static Row mapRow(ResultSet rs) throws SQLException {
        return new Row(rs.getInt("room_id"), rs.getLong("member_id"), Sql.longOrNull(rs, "invited_by"),
                rs.getString("transaction_side_id"), Sql.longOrNull(rs, "revoked_role_id"), instant(rs, "revoked_at"));
    }
}
