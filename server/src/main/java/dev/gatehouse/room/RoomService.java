package dev.gatehouse.room;

import dev.gatehouse.access.Access;
import dev.gatehouse.access.Caller;
import dev.gatehouse.access.Principal;
import dev.gatehouse.assignment.Assignment;
import dev.gatehouse.assignment.AssignmentService;
import dev.gatehouse.changelog.Action;
import dev.gatehouse.changelog.ObjectType;
import dev.gatehouse.error.ConflictException;
import dev.gatehouse.error.ForbiddenException;
import dev.gatehouse.error.InvalidInputException;
import dev.gatehouse.error.NotFoundException;
import dev.gatehouse.json.Json;
import dev.gatehouse.member.Member;
import dev.gatehouse.member.MemberInput;
import dev.gatehouse.member.MemberRules;
import dev.gatehouse.member.MemberService;
import dev.gatehouse.member.MemberStore;
import dev.gatehouse.model.OrgModels;
import dev.gatehouse.model.PermissionModel;
import dev.gatehouse.office.ClassicHierarchy;
import dev.gatehouse.office.OfficeService;
import dev.gatehouse.role.Role;
import dev.gatehouse.role.RoleReading;
import dev.gatehouse.role.RoleStore;
import dev.gatehouse.store.Tx;
import dev.gatehouse.store.Written;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.jdbi.v3.core.Handle;

import static dev.gatehouse.room.Room.RESOURCE_TYPE;
import static dev.gatehouse.room.RoomsPermissions.ADD_USERS_TO_ROOMS;
import static dev.gatehouse.room.RoomsPermissions.EDIT_ROOM_SIDE;
import static dev.gatehouse.room.RoomsPermissions.MANAGE_ANY_USER_ROOM_ACCESS;
import static dev.gatehouse.room.RoomsPermissions.MANAGE_INVITED_USER_ROOM_ACCESS;
import static dev.gatehouse.room.RoomsPermissions.VIEW_AND_EDIT_ROOM_DETAILS;

/**
 * Rooms and the users in them. A room is a resource of type {@code room}; a user's room role is its resource
 * assignment there, written through {@link AssignmentService} (whose rules hold: external members hold only
 * external roles, nobody hands out permissions beyond their own). What a user may do in a room is decided by
 * its room role alone, through the decision engine. Rooms' rules added here:
 *
 * <ul>
 *   <li>creating a room needs {@code canCreateRooms} (company role); its owner (the creator, or {@code ownerId}:
 *       an active company user, whom the caller may manage when it is another) gets the given room role, which must
 *       let it manage access to the room and delete it, whoever the owner is ({@link RoomsRules#requireMayGive});</li>
 *   <li>a member sees a room when it holds a role in it, or its company role has {@code autoAccessToRooms};
 *       other rooms look nonexistent (404);</li>
 *   <li>in a room, the caller's room role must grant: {@code canViewRoomDetails} or
 *       {@code canViewAndEditRoomDetails} to read its field data, the latter to change it; {@code canAddUsersToRooms}
 *       to invite; {@code canEditAnyRoomRole} (or {@code canEditInvitedRoomRole} for users it invited) to change a
 *       user's role or side, and {@code canEditRoomSide} to change a side; {@code canManageAnyUserRoomAccess} (or
 *       {@code canManageInvitedUserRoomAccess}) to revoke and restore access, the former to see the users whose room
 *       role has {@code isHiddenInRoom}; {@code canDeleteRooms}, or {@code canDeleteOwnedRooms} in a room it owns, to
 *       delete;</li>
 *   <li>an owner keeps the power to manage access to its room and to delete it ({@link RoomsRules#requireMayGive});</li>
 *   <li>revoking access removes the assignment (so every decision denies) and remembers the role;
 *       restoring gives it back; a revocation dated later ends the assignment then (a time-bound assignment).</li>
 * </ul>
 *
 * The gates themselves are {@link RoomsRules}, which the assignment and member services apply too, so that
 * the native API cannot go around them. Service keys pass every gate. Thread-safe.
 */
public final class RoomService {

    /** The most a room's field data may hold, as stored JSON text. */
    public static final int MAX_FIELD_DATA_BYTES = 64 * 1024;

    /** A room to create; see Rooms' RoomForCreate. */
    public record NewRoom(String name, long roleId, Long ownerId, Integer officeId, TransactionSide transactionSide,
                          Integer templateId, String listingSource, String fieldDataJson) {
    }

    /** Whom to invite into a room; see Rooms' RoomInvite. */
    public record Invite(String email, String firstName, String lastName, long roleId, TransactionSide transactionSide) {
        String sideId() {
            return transactionSide == null ? null : transactionSide.wire();
        }
    }

    /** The outcome of an invitation: the user in the room, and whether the invitation added it ({@code false}: it
     *  was in the room already and nothing changed). */
    public record Invited(RoomUser user, boolean added) {
    }

    private final Access access;
    private final RoomStore rooms = new RoomStore();
    private final RoomUserRows roomUsers = new RoomUserRows();
    private final RoomsUserStore users = new RoomsUserStore();
    private final MemberStore memberStore = new MemberStore();
    private final RoleStore roles = new RoleStore();
    private final MemberService members;
    private final AssignmentService assignments;
    private final OrgModels orgModels;
    private final RoomsRules rules;
    private final OfficeService offices;
    private final ClassicHierarchy hierarchy;

    public RoomService(Access access, MemberService members, AssignmentService assignments, OrgModels orgModels,
                       RoomsRules rules, OfficeService offices) {
        this.access = access;
        this.members = members;
        this.assignments = assignments;
        this.orgModels = orgModels;
        this.rules = rules;
        this.offices = offices;
        this.hierarchy = new ClassicHierarchy(assignments);
    }

    /**
     * Creates a room and gives its owner (the caller, or {@code ownerId}: an active company user) the room role
     * {@code roleId}, recorded as invited by the caller. The role must let the owner manage access to the room and
     * delete it, whoever creates the room, the owner itself included ({@link RoomsRules#requireMayGive}): it is
     * judged before the room is stored, and a refusal (409 {@code room_owner}) names no room. A service key may give
     * any role. A room beyond the organization's {@code rooms_per_org} is refused (409 {@code limit_reached}).
     */
    public Written<Room> create(Principal principal, long orgId, NewRoom in) {
        return access.write(principal, orgId, (tx, caller) -> {
            Handle h = tx.handle();
            PermissionModel model = orgModels.model(h, orgId);
            boolean classic = ClassicHierarchy.applies(model);
            rules.requireMayCreateRoom(h, caller, model);
            Long ownerId = in.ownerId() != null ? in.ownerId() : caller.memberId();
            if (ownerId == null) {
                throw InvalidInputException.field("ownerId", "is required when a service key creates a room: "
                        + "the owner gets the room role");
            }
            Member owner = owner(h, caller, model, orgId, ownerId);
            if (in.officeId() != null) {
                offices.requireOffices(h, orgId, "officeId", List.of(in.officeId()));
            }
            Integer officeId = in.officeId() != null ? in.officeId()
                    : users.find(h, orgId, owner.id()).map(u -> u.profile().defaultOfficeId()).orElse(null);
            if (classic && officeId == null) {
                throw InvalidInputException.field("officeId", "is required in a v5 (classic) company when the owner "
                        + "has no default office: a room lies in an office, whose managers manage it");
            }
            // the owner's role is judged before the room is stored, so that a refusal names no room rolled back with
            // it, in the order of the put below: what it hands out, then the owner's powers (a role not found: the put)
            Optional<Role> role = roles.find(h, orgId, in.roleId());
            if (role.isPresent()) {
                access.requireNoEscalation(caller, model, role.get().grant());
                rules.requireMayOwnWith(caller, owner, role.get(), "creating a room");
            }
            tx.limits().beforeAddingRoom(orgId);
            Instant now = tx.now();
            String side = in.transactionSide() == null ? null : in.transactionSide().wire();
            Room room = requireFieldDataSize(rooms.insert(h, new Room(0, orgId, in.name(), officeId, Room.ACTIVE,
                    List.of(owner.id()), caller.memberId(), side, in.templateId(), in.listingSource(),
                    in.fieldDataJson(), now, now)), true);
            tx.change(orgId, ObjectType.ROOM, room.id(), Action.CREATED, null, RoomsSnapshots.room(room));
            if (classic) {
                hierarchy.room(tx, orgId, room.id(), officeId);
            }
            // the room user first: the role then given finds its inviter recorded, and records one room user
            roomUsers.invited(tx, orgId, room.id(), owner.id(), caller.memberId(), side);
            assignments.put(tx, caller, model, orgId, RESOURCE_TYPE, room.resourceId(), owner, in.roleId(), null);
            return shown(h, caller, room);
        });
    }

    /**
     * The owner a new room is given: an active company user — an owner keeps its access to its room and stays in the
     * company while it owns one ({@link RoomsRules}), so a user who cannot act (Pending, locked) or an outsider would
     * leave the room to nobody able to act in it. Naming another user than oneself needs the caller's power over that
     * user: the gates of changing it ({@link MemberService#requireMay}, {@code MANAGE}: the access-level gate of the
     * model, and nothing it holds beyond the caller), since making it an owner gives it a room role and holds it in
     * the company until the room is deleted. The caller names itself freely; a service key passes every gate.
     */
    private Member owner(Handle h, Caller caller, PermissionModel model, long orgId, long ownerId) {
        // as the caller may see users: an outsider sees only itself, so others are "no user" alike
        Member owner = members.readable(h, caller, orgId, List.of(ownerId)).stream().findFirst().orElseThrow(() ->
                InvalidInputException.field("ownerId", "no user " + ownerId + " in this account"));
        if (owner.external()) {
            throw InvalidInputException.field("ownerId", "user " + ownerId + " is external; a room owner must "
                    + "be a company user");
        }
        if (!owner.active()) {
            throw InvalidInputException.field("ownerId", "user " + ownerId + (owner.invited()
                    ? " is pending (its invitation is not accepted)" : " is locked")
                    + "; a room owner must be an active company user, one able to act in its room");
        }
        if (!caller.is(ownerId)) {
            members.requireMay(h, caller, model, MemberRules.Action.MANAGE, owner, owner.roleId(), false,
                    "naming as a room's owner user " + ownerId);
        }
        return owner;
    }

    /**
     * A room the caller sees; its field data (Rooms' room details) only when the caller's room role grants
     * {@code canViewRoomDetails} or {@code canViewAndEditRoomDetails} (else the room without it, as if it had none),
     * as decisions about those permissions answer; its owners those the caller may see in it ({@link #shown}).
     */
    public Room get(Principal principal, long orgId, int roomId) {
        return access.read(principal, orgId, (h, caller) -> {
            Room room = shown(h, caller, rules.visibleRoom(h, caller, roomId));
            return rules.seesRoomDetails(h, caller, room) ? room : room.withoutFieldData();
        });
    }

    /**
     * {@code room} with the owners {@code caller} may not see in it left out: an owner whose room role hides it
     * ({@link RoomsRules#concealment}) is not in the room for such a caller, so the room does not name it
     * ({@code roomOwnerIds}) either. Its creator ({@code createdByUserId}) stays: the room's history, not its
     * membership. One query for all owners, and none for a caller that sees every user of the room.
     */
    private Room shown(Handle h, Caller caller, Room room) {
        String hiding = assignments.hiddenFrom(h, caller, room.orgId(), RESOURCE_TYPE, room.resourceId());
        if (hiding == null) {
            return room;
        }
        Set<Long> hidden = rooms.holdingRoleGranting(h, room.orgId(), room.id(), room.ownerIds(), hiding,
                caller.memberId());
        return hidden.isEmpty() ? room
                : room.withOwnerIds(room.ownerIds().stream().filter(id -> !hidden.contains(id)).toList());
    }

    /**
     * A room the caller sees, for its field data (Rooms' room details) alone: 403 {@code permission_required} unless
     * the caller's room role grants {@code canViewRoomDetails} or {@code canViewAndEditRoomDetails} — a read of the
     * details themselves, where an empty answer would say the room has none.
     */
    public Room details(Principal principal, long orgId, int roomId) {
        return access.read(principal, orgId, (h, caller) -> {
            Room room = rules.visibleRoom(h, caller, roomId);
            if (!rules.seesRoomDetails(h, caller, room)) {
                throw new ForbiddenException("permission_required", "reading room " + roomId + "'s details needs \""
                        + RoomsPermissions.VIEW_ROOM_DETAILS + "\" or \"" + RoomsPermissions.VIEW_AND_EDIT_ROOM_DETAILS
                        + "\" in the caller's room role");
            }
            return room;
        });
    }

    /**
     * Merges {@code fieldDataJson} (a JSON object: the properties to set, null removing one) into the room's field
     * data; needs {@code canViewAndEditRoomDetails} in the caller's room role. Reading it needs that or
     * {@code canViewRoomDetails} ({@link #get}).
     */
    public Written<Room> updateFieldData(Principal principal, long orgId, int roomId, String fieldDataJson) {
        return access.write(principal, orgId, (tx, caller) -> {
            Handle h = tx.handle();
            Room room = rules.visibleRoom(h, caller, roomId);
            rules.requireRoomPermission(h, caller, room, VIEW_AND_EDIT_ROOM_DETAILS, null, null,
                    "changing the field data of room " + roomId);
            Optional<Room> merged = rooms.mergeFieldData(h, roomId, fieldDataJson, tx.now());
            if (merged.isEmpty()) {
                return room; // a merge that changes nothing records nothing
            }
            Room after = requireFieldDataSize(merged.get(), false);
            tx.change(orgId, ObjectType.ROOM, roomId, Action.UPDATED, RoomsSnapshots.room(room),
                    RoomsSnapshots.room(after));
            return after;
        });
    }

    /**
     * {@code room}, unless its field data (as stored, after a merge) is over {@link #MAX_FIELD_DATA_BYTES} of compact
     * JSON, as the dialect answers it: a 400 that rolls the write back. Merging adds properties, so without a bound on
     * the whole every write could grow it by a body's worth, and every change record of the room holds all of it.
     * The stored text is PostgreSQL's, which spaces every member and element, so it is counted written compactly.
     * The refusal names the field as the request sent it: {@code fieldData.data} of a room being created
     * ({@code creating}), {@code data} of a change to its field data.
     */
    private static Room requireFieldDataSize(Room room, boolean creating) {
        int bytes = room.fieldDataJson() == null ? 0 : Json.write(Json.readTree(room.fieldDataJson())).length;
        if (bytes > MAX_FIELD_DATA_BYTES) {
            throw InvalidInputException.field(creating ? "fieldData.data" : "data", "a room's field data may hold at "
                    + "most " + MAX_FIELD_DATA_BYTES + " bytes of JSON; " + (creating ? "this room's would hold "
                    : "with this change it would hold ") + bytes);
        }
        return room;
    }

    /** Rooms the caller may see (see the class comment), by id. */
    public Slice<Room> list(Principal principal, long orgId, RoomQuery query) {
        return access.read(principal, orgId, (h, caller) -> rooms.list(h, orgId,
                rules.seesAllRooms(caller) ? null : caller.memberId(), query));
    }

    /**
     * Deletes a room with every role held in it and every room user, revoked ones included, each recorded as deleted
     * before the room.
     */
    public Written<Room> delete(Principal principal, long orgId, int roomId) {
        return access.write(principal, orgId, (tx, caller) -> {
            Handle h = tx.handle();
            Room room = rules.visibleRoom(h, caller, roomId);
            PermissionModel model = orgModels.model(h, orgId);
            boolean classic = ClassicHierarchy.applies(model);
            rules.requireMayDeleteRoom(h, caller, model, room);
            assignments.removeResource(tx, orgId, RESOURCE_TYPE, room.resourceId());
            roomUsers.deleteUsersOf(tx, orgId, roomId);
            rooms.delete(h, roomId);
            tx.change(orgId, ObjectType.ROOM, roomId, Action.DELETED, RoomsSnapshots.room(room), null);
            if (classic) {
                hierarchy.remove(tx, orgId, ClassicHierarchy.ROOM, roomId);
            }
            return room;
        });
    }

    /**
     * The users with access to a room (revoked ones are left out). Users whose room role has {@code isHiddenInRoom}
     * are listed only to themselves and to callers whose room role grants {@code canManageAnyUserRoomAccess} (service
     * keys too): the other participants do not see them ({@link RoomsRules#concealment}, left out by the query).
     */
    public Slice<RoomUser> users(Principal principal, long orgId, int roomId, String filter, UserSort sort, int start,
                                 int count) {
        return access.read(principal, orgId, (h, caller) -> {
            Room room = rules.visibleRoom(h, caller, roomId);
            String hiding = assignments.hiddenFrom(h, caller, orgId, RESOURCE_TYPE, room.resourceId());
            return rooms.roomUsers(h, orgId, roomId, filter, sort, start, count, hiding, caller.memberId());
        });
    }

    /**
     * Invites a user into a room with a room role. An email that no member has becomes a new external member
     * (an outsider), who may hold only external roles. Inviting a user already in the room changes nothing and
     * answers it as it is there ({@link Invited#added()} false: its role and side change with {@link #updateUser});
     * one whose access is revoked is a conflict (restore it). A user the caller may not see in the room
     * ({@link RoomsRules#concealment}) is invited as a user not in the room would be — the same rules, the same
     * answer, the user with the role given — and is left as it is.
     */
    public Written<Invited> invite(Principal principal, long orgId, int roomId, Invite in) {
        return access.write(principal, orgId, (tx, caller) -> {
            Handle h = tx.handle();
            PermissionModel model = orgModels.model(h, orgId);
            Room room = rules.visibleRoom(h, caller, roomId);
            rules.requireRoomPermission(h, caller, room, ADD_USERS_TO_ROOMS, null, null,
                    "inviting a user into room " + roomId);
            Member member = memberStore.findByEmail(h, orgId, in.email()).orElse(null);
            if (member == null) {
                requireOutsiderRole(h, caller, orgId, in.roleId());
                member = members.insert(tx, caller, model, orgId, new MemberInput(InviteeUserId.of(in.email()),
                        in.email(), in.firstName(), in.lastName(), null, true, null));
            } else {
                assignments.held(tx, model, orgId, RESOURCE_TYPE, room.resourceId(), member.id());
                RoomUser existing = rooms.roomUser(h, orgId, roomId, member.id()).orElse(null);
                if (existing != null && !seen(h, caller, room, existing)) {
                    Assignment given = assignments.rehearsePut(tx, caller, model, orgId, RESOURCE_TYPE,
                            room.resourceId(), member, in.roleId());
                    Role role = roles.find(h, orgId, given.roleId()).orElseThrow();
                    return new Invited(new RoomUser(roomId, member, role.id(), role.name(), false, caller.memberId(),
                            in.sideId(), existing.titleId(), null, null), true);
                }
                if (existing != null && existing.revoked()) {
                    throw new ConflictException("room_access_revoked", "user " + member.id() + "'s access to room "
                            + roomId + " is revoked; restore it instead of inviting it again");
                }
                if (existing != null) {
                    return new Invited(existing, false);
                }
            }
            // the room user first, as for a room's owner: one whose role was taken away keeps its row, now updated
            roomUsers.invited(tx, orgId, roomId, member.id(), caller.memberId(), in.sideId());
            assignments.put(tx, caller, model, orgId, RESOURCE_TYPE, room.resourceId(), member, in.roleId(), null);
            return new Invited(rooms.roomUser(h, orgId, roomId, member.id()).orElseThrow(), true);
        });
    }

    /**
     * A new invitee joins as an outsider (an external member), who may hold only external roles: a company role is
     * refused before anyone is added, in words about the invitee, who does not exist and never will by this request
     * (the assignment rules would name the member just added, then rolled back). A role that does not exist is left
     * to them, and so is a company role the caller could never give ({@link RoleReading#givableBy}: an outsider
     * inviting), which the assignment rules answer as one that does not exist.
     */
    private void requireOutsiderRole(Handle h, Caller caller, long orgId, long roleId) {
        Optional<Role> role = roles.find(h, orgId, roleId);
        if (role.isPresent() && !role.get().external() && RoleReading.givableBy(caller, role.get())) {
            throw InvalidInputException.field("roleId", "a new invitee joins as an outsider and may hold only "
                    + "external roles; role " + roleId + " (\"" + role.get().name() + "\") is internal");
        }
    }

    /**
     * Changes a room user's role and/or transaction side ({@code sideGiven}: set it, even to null); a new side needs
     * {@code canEditRoomSide} in the caller's room role as well.
     */
    public Written<RoomUser> updateUser(Principal principal, long orgId, int roomId, long memberId, Long roleId,
                                        TransactionSide transactionSide, boolean sideGiven) {
        String side = transactionSide == null ? null : transactionSide.wire();
        return access.write(principal, orgId, (tx, caller) -> {
            Handle h = tx.handle();
            PermissionModel model = orgModels.model(h, orgId);
            Room room = rules.visibleRoom(h, caller, roomId);
            RoomUser current = roomUser(tx, caller, model, room, memberId);
            // the refusal names what was asked: the role, the side, or both
            String changed = roleId == null ? (sideGiven ? "the transaction side of " : "")
                    : sideGiven ? "the role and transaction side of " : "the role of ";
            rules.requireMayChangeRoomUser(h, caller, model, room, current.invitedBy(),
                    "changing " + changed + "user " + memberId + " in room " + roomId);
            if (current.revoked()) {
                throw new ConflictException("room_access_revoked", "user " + memberId + "'s access to room " + roomId
                        + " is revoked; restore it first");
            }
            if (roleId != null) {
                // a scheduled end of its access stays scheduled
                assignments.put(tx, caller, model, orgId, RESOURCE_TYPE, room.resourceId(), current.member(), roleId,
                        current.accessEndsAt());
            }
            if (sideGiven && !Objects.equals(side, current.transactionSideId())) {
                rules.requireRoomPermission(h, caller, room, EDIT_ROOM_SIDE, null, null,
                        "changing the transaction side of user " + memberId + " in room " + roomId);
                roomUsers.side(tx, orgId, roomId, memberId, side);
            }
            return roomUser(h, orgId, roomId, memberId);
        });
    }

    /**
     * Revokes a user's access to a room as of {@code at} (null: now). Now or earlier: its room role stops counting
     * at once, and is remembered. A later date schedules the revocation: the user keeps its access until then, when
     * its room role — a time-bound assignment ending at {@code at} — ends
     * ({@link dev.gatehouse.assignment.AssignmentExpiry}) and the revocation is recorded as of that date. Revoking
     * again moves the date (or revokes at once); restoring access cancels it.
     */
    public Written<RoomUser> revoke(Principal principal, long orgId, int roomId, long memberId, Instant at) {
        return access.write(principal, orgId, (tx, caller) -> {
            Handle h = tx.handle();
            boolean scheduled = at != null && at.isAfter(tx.now());
            PermissionModel model = orgModels.model(h, orgId);
            Room room = rules.visibleRoom(h, caller, roomId);
            RoomUser current = roomUser(tx, caller, model, room, memberId);
            String what = "revoking the access of user " + memberId + " to room " + roomId;
            rules.requireRoomPermission(h, caller, room, MANAGE_ANY_USER_ROOM_ACCESS, MANAGE_INVITED_USER_ROOM_ACCESS,
                    current.invitedBy(), what);
            if (current.revoked()) {
                throw new ConflictException("room_access_revoked", "user " + memberId + "'s access to room " + roomId
                        + " is already revoked");
            }
            rules.requireNotOwner(h, caller, model, roomId, memberId, what);
            // now or at a later date, revoking takes the room role away, judged as any removal of it is: the caller
            // must hold all it grants, and what decides there once it is gone (an ancestor's role, the company role)
            Assignment held = assignments.find(tx, orgId, RESOURCE_TYPE, room.resourceId(), memberId)
                    .orElseThrow(() -> notInRoom(roomId, memberId));
            if (scheduled) {
                assignments.requireMayTakeAway(h, caller, model, held, what);
                assignments.endAt(tx, caller, model, held, at);
                return roomUser(h, orgId, roomId, memberId);
            }
            assignments.takeAway(tx, caller, model, held, what);
            roomUsers.revoked(tx, orgId, roomId, memberId, current.roleId(), at == null ? tx.now() : at);
            return roomUser(h, orgId, roomId, memberId);
        });
    }

    /**
     * Gives a revoked user its room role back; for a user whose revocation is scheduled, cancels it (its access no
     * longer ends).
     */
    public Written<RoomUser> restore(Principal principal, long orgId, int roomId, long memberId) {
        return access.write(principal, orgId, (tx, caller) -> {
            Handle h = tx.handle();
            PermissionModel model = orgModels.model(h, orgId);
            Room room = rules.visibleRoom(h, caller, roomId);
            RoomUser current = roomUser(tx, caller, model, room, memberId);
            rules.requireRoomPermission(h, caller, room, MANAGE_ANY_USER_ROOM_ACCESS, MANAGE_INVITED_USER_ROOM_ACCESS,
                    current.invitedBy(), "restoring the access of user " + memberId + " to room " + roomId);
            if (!current.revoked() && current.accessEndsAt() != null) {
                assignments.endAt(tx, caller, model, assignments.find(tx, orgId, RESOURCE_TYPE, room.resourceId(),
                        memberId).orElseThrow(), null);
                return roomUser(h, orgId, roomId, memberId);
            }
            if (!current.revoked()) {
                throw new ConflictException("room_access_not_revoked", "user " + memberId + "'s access to room "
                        + roomId + " is not revoked");
            }
            roomUsers.revoked(tx, orgId, roomId, memberId, null, null);
            assignments.put(tx, caller, model, orgId, RESOURCE_TYPE, room.resourceId(), current.member(),
                    current.roleId(), null);
            return roomUser(h, orgId, roomId, memberId);
        });
    }

    private RoomUser roomUser(Handle h, long orgId, int roomId, long memberId) {
        return rooms.roomUser(h, orgId, roomId, memberId).orElseThrow(() -> notInRoom(roomId, memberId));
    }

    /**
     * A user's place in a room as {@code caller} sees it: one it may not see there ({@link #seen}) is not in the room
     * for it, the same 404 as a user who is not.
     */
    private RoomUser roomUser(Handle h, Caller caller, Room room, long memberId) {
        RoomUser user = roomUser(h, caller.orgId(), room.id(), memberId);
        if (!seen(h, caller, room, user)) {
            throw notInRoom(room.id(), memberId);
        }
        return user;
    }

    /**
     * A user's place in a room as a write finds it ({@link #roomUser(Handle, Caller, Room, long)}): where its room
     * role's end has come, that end is carried out first ({@link AssignmentService#held}) — its access revoked as of
     * the end, as the expiry job would have — whether the job has run or not, so that no write revives, moves or
     * works on a role that has ended.
     */
    private RoomUser roomUser(Tx tx, Caller caller, PermissionModel model, Room room, long memberId) {
        assignments.held(tx, model, caller.orgId(), RESOURCE_TYPE, room.resourceId(), memberId);
        return roomUser(tx.handle(), caller, room, memberId);
    }

    /** Whether {@code caller} sees {@code user} in the room: its room role (held, or revoked) does not hide it from it. */
    private boolean seen(Handle h, Caller caller, Room room, RoomUser user) {
        return assignments.seesHolder(h, caller, room.orgId(), RESOURCE_TYPE, room.resourceId(), user.member().id(),
                user.roleId());
    }

    private static NotFoundException notInRoom(int roomId, long memberId) {
        return new NotFoundException("room_user_not_found", "user " + memberId + " is not in room " + roomId);
    }
}
