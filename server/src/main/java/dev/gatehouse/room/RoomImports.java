package dev.gatehouse.room;

import dev.gatehouse.access.Caller;
import dev.gatehouse.assignment.Assignment;
import dev.gatehouse.assignment.AssignmentService;
import dev.gatehouse.changelog.Action;
import dev.gatehouse.changelog.ObjectType;
import dev.gatehouse.error.ConflictException;
import dev.gatehouse.json.Json;
import dev.gatehouse.member.Member;
import dev.gatehouse.model.PermissionModel;
import dev.gatehouse.office.ClassicHierarchy;
import dev.gatehouse.store.Tx;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.jdbi.v3.core.Handle;

/**
 * Rooms, room users' rows and Rooms profiles as an import restores them ({@code bulk/}): a room created with what an
 * export read of it (status, owners, creator, dates, field data) and placed in a v5 company's hierarchy; a room
 * user's row and a profile written whole, a v5 Manager's reach moved with its profile in the same write as the Rooms
 * API moves it ({@link ClassicReach}); a room user's access revoked where its role there has ended
 * ({@link #restoreRoomUserWhoseRoleEnded}, {@link #revokeEnded}). Each write is recorded as the Rooms services record
 * theirs, and one that changes nothing writes and records nothing. Who holds which role in a room is not written
 * here: the import's assignment lines give it. What the lines are written as is not judged as the Rooms requests
 * that make them are, but no state is written that the Rooms API could not make: a room's owner is a company user
 * able to own it, keeps its access to its room (not revoked, its role there without an end), and a user whose access
 * is revoked holds no role there (409 {@link RoomsRules} gives for each).
 * The import applies its gates before it calls here, inside the organization's write. Stateless, thread-safe.
 */
public final class RoomImports {

    private final RoomStore rooms = new RoomStore();
    private final RoomUserRows roomUsers = new RoomUserRows();
    private final RoomsUserStore users = new RoomsUserStore();
    private final ClassicHierarchy hierarchy;
    private final ClassicReach reach;
    private final AssignmentService assignments;

    public RoomImports(AssignmentService assignments) {
        this.hierarchy = new ClassicHierarchy(assignments);
        this.reach = new ClassicReach(assignments);
        this.assignments = assignments;
    }

    public Optional<Room> room(Handle h, long orgId, int id) {
        return rooms.find(h, orgId, id);
    }

    /**
     * Creates {@code wanted} anew (its id ignored); its dates kept when given, else now. Its {@code owners} are the
     * members it names as owners ({@link RoomsRules#requireMayOwn}). A room beyond the organization's
     * {@code rooms_per_org} is refused (409 {@code limit_reached}), as through the Rooms API.
     */
    public Room createRoom(Tx tx, PermissionModel model, long orgId, Room wanted, List<Member> owners) {
        owners.forEach(owner -> RoomsRules.requireMayOwn(owner, "room " + wanted.id()));
        tx.limits().beforeAddingRoom(orgId);
        Instant now = tx.now();
        Room room = rooms.insert(tx.handle(), new Room(0, orgId, wanted.name(), wanted.officeId(), wanted.status(),
                wanted.ownerIds(), wanted.createdBy(), wanted.transactionSideId(), wanted.templateId(),
                wanted.listingSource(), wanted.fieldDataJson(),
                wanted.createdAt() == null ? now : wanted.createdAt(),
                wanted.updatedAt() == null ? now : wanted.updatedAt()));
        tx.change(orgId, ObjectType.ROOM, room.id(), Action.CREATED, null, RoomsSnapshots.room(room));
        if (ClassicHierarchy.applies(model)) {
            hierarchy.room(tx, orgId, room.id(), room.officeId());
        }
        return room;
    }

    /**
     * Changes a room to {@code wanted}'s name, status, owners, creator, side, template, listing source and field
     * data, as changed now (its {@code updated_at}: a reader asking for rooms changed since a time finds it); false
     * when it holds them already. A room stays in its office (409 {@code room_office}): no call moves a room, and a
     * v5 room's managers are its office's. Its {@code owners} are the members it names as owners: each one able to own
     * a room ({@link RoomsRules#requireMayOwn}), and one it makes an owner neither revoked there nor holding its role
     * there until an end (409 {@code room_owner}: an owner keeps its access to its room).
     */
    public boolean updateRoom(Tx tx, long orgId, Room current, Room wanted, List<Member> owners) {
        if (!Objects.equals(current.officeId(), wanted.officeId())) {
            throw new ConflictException("room_office", "room " + current.id() + " lies in office "
                    + current.officeId() + ", not " + wanted.officeId() + ": a room stays in the office it was "
                    + "created in");
        }
        if (sameFields(current, wanted)) {
            return false;
        }
        for (Member owner : owners) {
            RoomsRules.requireMayOwn(owner, "room " + current.id());
            if (!current.ownerIds().contains(owner.id())) {
                requireKeepsAccess(tx, orgId, current, owner.id());
            }
        }
        Room updated = rooms.replace(tx.handle(), new Room(current.id(), orgId, wanted.name(), current.officeId(),
                wanted.status(), wanted.ownerIds(), wanted.createdBy(), wanted.transactionSideId(),
                wanted.templateId(), wanted.listingSource(), wanted.fieldDataJson(), current.createdAt(), tx.now()));
        tx.change(orgId, ObjectType.ROOM, current.id(), Action.UPDATED, RoomsSnapshots.room(current),
                RoomsSnapshots.room(updated));
        return true;
    }

    /**
     * 409 {@code room_owner} when member {@code memberId}, made an owner of {@code room}, would not keep its access
     * there: its access is revoked, or its role there has an end ({@code expires_at}, at which its access is revoked
     * as a scheduled revocation is, {@link RoomsRules#expired}), which no owner's role has.
     */
    private void requireKeepsAccess(Tx tx, long orgId, Room room, long memberId) {
        String naming = "naming user " + memberId + " an owner of room " + room.id();
        if (roomUsers.revokedRole(tx.handle(), room.id(), memberId) != null) {
            throw RoomsRules.ownerKeepsAccess(naming + " while its access there is revoked", memberId, room.id());
        }
        Instant ends = assignments.find(tx, orgId, Room.RESOURCE_TYPE, room.resourceId(), memberId)
                .map(Assignment::expiresAt).orElse(null);
        if (ends != null) {
            throw RoomsRules.ownerKeepsAccess(naming + " while its role there ends at " + ends
                    + " (its access then revoked)", memberId, room.id());
        }
    }

    /** Whether {@code a} and {@code b} hold the same fields, besides id, organization, office and dates. */
    public static boolean sameFields(Room a, Room b) {
        return a.name().equals(b.name()) && a.status().equals(b.status()) && a.ownerIds().equals(b.ownerIds())
                && Objects.equals(a.createdBy(), b.createdBy())
                && Objects.equals(a.transactionSideId(), b.transactionSideId())
                && Objects.equals(a.templateId(), b.templateId())
                && Objects.equals(a.listingSource(), b.listingSource())
                && Objects.equals(json(a.fieldDataJson()), json(b.fieldDataJson()));
    }

    private static Object json(String text) {
        return text == null ? null : Json.readTree(text);
    }

    /**
     * Stores a room user's row whole: who invited it ({@code invitedBy}, a member id), its side, the role kept while
     * its access is revoked (since {@code revokedAt}). What it found and whether it changed it. A row revoking access
     * is refused where access is not revoked: for an owner of the room (409 {@code room_owner}: an owner keeps its
     * access to its room) and for a user holding a role there (409 {@code room_role_held}: a revoked user holds none,
     * its role remembered in its row; take the role away first, as {@code revoke_access} does).
     */
    public Restored restoreRoomUser(Tx tx, long orgId, Room room, long memberId, Long invitedBy, String side,
                                   Long revokedRoleId, Instant revokedAt) {
        if (revokedRoleId != null) {
            String what = "revoking user " + memberId + "'s access to room " + room.id();
            if (room.ownerIds().contains(memberId)) {
                throw RoomsRules.ownerKeepsAccess(what, memberId, room.id());
            }
            assignments.find(tx, orgId, Room.RESOURCE_TYPE, room.resourceId(), memberId).ifPresent(held -> {
                throw new ConflictException("room_role_held", what + " (its role " + revokedRoleId + " remembered) "
                        + "while it holds role " + held.roleId() + " there: a user whose access is revoked holds no "
                        + "role in the room; take its role away first");
            });
        }
        return roomUsers.restore(tx, orgId, new RoomUserRows.Row(room.id(), memberId, invitedBy, side, revokedRoleId,
                revokedRoleId == null ? null : revokedAt));
    }

    /**
     * Stores a room user's row whose user's role there, {@code roleId}, ended at {@code endedAt} (an import's
     * assignment line whose end has passed): an end of a room role is a scheduled revocation, which came in the
     * organization exported. Its inviter and side are written; a revocation the row holds stays as it is (the one that
     * end made, in the organization exported); a user holding neither a role there nor a revocation, and not an owner
     * of the room, has its access revoked as of {@code endedAt}, {@code roleId} kept for a restore, as the end revoked
     * it ({@link RoomsRules#expired}); one holding a role there keeps it, not revoked. What it found and whether it
     * changed it.
     */
    public Restored restoreRoomUserWhoseRoleEnded(Tx tx, long orgId, Room room, long memberId, Long invitedBy,
                                                  String side, long roleId, Instant endedAt) {
        Optional<RoomUser> current = rooms.roomUser(tx.handle(), orgId, room.id(), memberId);
        boolean revoking = current.isEmpty() && !room.ownerIds().contains(memberId);
        Long kept = current.filter(RoomUser::revoked).map(RoomUser::roleId).orElse(revoking ? roleId : null);
        Instant at = current.filter(RoomUser::revoked).map(RoomUser::revokedAt).orElse(revoking ? endedAt : null);
        return roomUsers.restore(tx, orgId, new RoomUserRows.Row(room.id(), memberId, invitedBy, side, kept, at));
    }

    /** Whether member {@code memberId}'s access to room {@code roomId} is revoked. */
    public boolean revoked(Handle h, long orgId, int roomId, long memberId) {
        return rooms.roomUser(h, orgId, roomId, memberId).filter(RoomUser::revoked).isPresent();
    }

    /**
     * An import's role {@code roleId} for member {@code memberId} in {@code room} whose end {@code endedAt} has passed,
     * where no {@code room_user} line before it said so ({@link #restoreRoomUserWhoseRoleEnded}): its access is revoked
     * as of that end, the role kept for a restore, as the end revoked it ({@link RoomsRules#expired}). What the member
     * holds there otherwise stays as it is: nothing is written for an owner of the room, a user holding a role there
     * or one whose access is revoked already. Whether it was revoked.
     */
    public boolean revokeEnded(Tx tx, long orgId, Room room, long memberId, long roleId, Instant endedAt) {
        if (room.ownerIds().contains(memberId) || rooms.roomUser(tx.handle(), orgId, room.id(), memberId).isPresent()) {
            return false;
        }
        roomUsers.revoked(tx, orgId, room.id(), memberId, roleId, endedAt);
        return true;
    }

    /**
     * What a restore found: whether the row was there before, and whether it changed (a row not there before, and
     * written, is created).
     */
    public record Restored(boolean existed, boolean changed) {
    }

    /** A company user's profile as it is shown (the defaults when none is stored); empty for no such user. */
    public Optional<RoomsProfile> profile(Handle h, long orgId, long memberId) {
        return users.find(h, orgId, memberId).map(RoomsUser::profile);
    }

    /**
     * Stores a company user's profile whole ({@link RoomsUserStore#save}), what it found and whether it changed it (a
     * member with no profile stored is shown the defaults: {@code before}). In a v5 company a Manager's offices and
     * regions are its reach: its roles on the hierarchy follow them in the same write, as the Rooms API's changes of a
     * profile move them ({@link ClassicReach#update}); an import's later assignment lines on those places then find
     * them held.
     */
    public Restored restoreProfile(Tx tx, Caller caller, PermissionModel model, long orgId, Member member,
                                   RoomsProfile before, RoomsProfile after) {
        boolean existed = RoomsUserStore.stored(tx.handle(), orgId, member.id());
        if (after.equals(before)) {
            return new Restored(existed, false);
        }
        users.save(tx, model, orgId, before, after);
        if (RoomsPermissions.classic(model.id())) {
            reach.update(tx, caller, model, orgId, member, before, after);
        }
        return new Restored(existed, true);
    }
}
