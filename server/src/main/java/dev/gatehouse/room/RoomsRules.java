package dev.gatehouse.room;

import dev.gatehouse.access.Caller;
import dev.gatehouse.assignment.Assignment;
import dev.gatehouse.assignment.AssignmentRules;
import dev.gatehouse.assignment.AssignmentService;
import dev.gatehouse.assignment.EndChange;
import dev.gatehouse.assignment.HolderVisibility;
import dev.gatehouse.error.ConflictException;
import dev.gatehouse.error.ForbiddenException;
import dev.gatehouse.error.NotFoundException;
import dev.gatehouse.member.Member;
import dev.gatehouse.member.MemberRules;
import dev.gatehouse.member.RevivedRole;
import dev.gatehouse.model.PermissionModel;
import dev.gatehouse.model.ResourceType;
import dev.gatehouse.office.ClassicHierarchy;
import dev.gatehouse.role.Role;
import dev.gatehouse.role.RoleChangeRules;
import dev.gatehouse.role.RoleStore;
import dev.gatehouse.store.Tx;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.jdbi.v3.core.Handle;

import static dev.gatehouse.room.RoomsPermissions.ADD_MEMBER_LOWER;
import static dev.gatehouse.room.RoomsPermissions.ADD_MEMBER_SAME;
import static dev.gatehouse.room.RoomsPermissions.ADD_USERS_TO_ROOMS;
import static dev.gatehouse.room.RoomsPermissions.AUTO_ACCESS_TO_ROOMS;
import static dev.gatehouse.room.RoomsPermissions.CHANGE_ROLE_LOWER;
import static dev.gatehouse.room.RoomsPermissions.CHANGE_ROLE_SAME;
import static dev.gatehouse.room.RoomsPermissions.EDIT_ANY_ROOM_ROLE;
import static dev.gatehouse.room.RoomsPermissions.EDIT_INVITED_ROOM_ROLE;
import static dev.gatehouse.room.RoomsPermissions.MANAGE_ANY_USER_ROOM_ACCESS;
import static dev.gatehouse.room.RoomsPermissions.MANAGE_INVITED_USER_ROOM_ACCESS;
import static dev.gatehouse.room.RoomsPermissions.MANAGE_MEMBER_LOWER;
import static dev.gatehouse.room.RoomsPermissions.MANAGE_MEMBER_SAME;
import static dev.gatehouse.room.RoomsPermissions.REMOVE_MEMBER_LOWER;
import static dev.gatehouse.room.RoomsPermissions.REMOVE_MEMBER_SAME;
import static dev.gatehouse.room.RoomsPermissions.VIEW_AND_EDIT_ROOM_DETAILS;

/**
 * The {@code rooms} model's rules, held once and applied by the member and assignment services (so through
 * the native API too) and by the Rooms dialect's services:
 *
 * <ul>
 *   <li><b>Access levels</b> ({@link MemberRules}): acting on a company user (internal member) whose level is
 *       lower than the caller's needs the action's "…LowerAccessLevel" or "…SameAccessLevel" permission, on the
 *       same level the "…SameAccessLevel" one, on a higher level nothing (403 {@code access_level_too_high});
 *       adding is {@code canAddMemberAndSetRole…}, changing (role, status, profile, keys) {@code canManageMember…},
 *       and a change of company role {@code canChangeMemberRole…} as well, removing
 *       {@code canRemoveCompanyMember…}. A change of company role is judged at the higher of the levels before and
 *       after it. External members (outsiders) need the model's member-management permission.</li>
 *   <li><b>Rooms exist and are seen</b> ({@link AssignmentRules}): a room role can be held only in a room that
 *       exists (no roles handed out for a future room id), and in a v5 company a role on a region or office only on
 *       one that exists, on the company only on {@code company/company}; a member sees a room when it holds a
 *       role in it or its company role has {@code autoAccessToRooms}; other rooms answer exactly like rooms that do not exist.</li>
 *   <li><b>Room-role gates</b>: in a room, the caller's room role must grant {@code canAddUsersToRooms} to add
 *       someone, {@code canEditAnyRoomRole} (or {@code canEditInvitedRoomRole} for users it invited) to change a
 *       role, {@code canManageAnyUserRoomAccess} (or {@code canManageInvitedUserRoomAccess}) to take one away, and
 *       to give one an end, move or lift it ({@link EndChange}: the end of a room role is a revocation of access, one
 *       set or brought nearer revoking, one postponed or lifted restoring, as Rooms' revoke_access and
 *       restore_access); a user whose access is revoked is restored, not re-assigned (409), its role remembered
 *       ({@link #keptRole}) hiding it as the role held did.</li>
 *   <li><b>A room keeps its owners</b> ({@link #requireNotOwner}): an owner's access to its room is not taken
 *       away, by anyone, service keys included (409 {@code room_owner}); nor is its power to manage access to the
 *       room and to delete it withheld from it, by the role its room is created with, or taken from it, by replacing
 *       its role ({@link #requireMayGive}) or narrowing the role it holds ({@link #requireMayChangePermissions}); a
 *       service key may. An owner the caller may not see in its room ({@link #concealment}) is, to that caller, a
 *       user not in the room ({@link #seesOwner}): a write on it is judged as one on such a user, and a refusal
 *       protecting it names neither it nor that room.</li>
 *   <li><b>A room user's inviter</b> is whoever gave it its role there, whatever the route ({@link #given}).</li>
 * </ul>
 *
 * On a v5 ("classic") company ({@code rooms_v5}) the 2021 specification's rules replace some of these: member
 * management needs {@code canManageCompanyMembers}; a Manager creates rooms with {@code canManageCompanyRooms} and
 * deletes the rooms it manages with {@code canDeleteCompanyRooms}; a room user is changed by its inviter, a room
 * owner or a Manager of the room with {@code canManageCompanyRooms} (see docs/dialects/rooms.md, "v5 companies").
 *
 * <p>Everything about the caller — its company role, its access level, its room role — is read through the handle
 * of the request's transaction, never from the engine. Service keys pass every gate. Stateless, thread-safe.
 */
public final class RoomsRules implements MemberRules, AssignmentRules, RoleChangeRules {

    /** The model's room type: only a role held in the room counts there, never the company role. */
    private static final ResourceType ROOM = new ResourceType(Room.RESOURCE_TYPE, "Room", false);

    /** What a room owner keeps the power of in its room, each by either permission ({@link #requireMayGive}). */
    private static final List<List<String>> OWNER_POWERS = List.of(
            List.of(MANAGE_INVITED_USER_ROOM_ACCESS, MANAGE_ANY_USER_ROOM_ACCESS),
            List.of(RoomsPermissions.DELETE_OWNED_ROOMS, RoomsPermissions.DELETE_ROOMS));

    private final RoomStore rooms = new RoomStore();
    private final RoomUserRows roomUsers = new RoomUserRows();
    private final RoomsUserStore users = new RoomsUserStore();
    private final RoleStore roles = new RoleStore();
    /** Whom {@link #concealment} hides, for the gates here that read a room user themselves. */
    private final HolderVisibility holders = new HolderVisibility(this);

    // ---------------------------------------------------------------- members (access levels)

    /** A Pending user locked out stays out until unlocked: accepting its invitation is a 409 {@code member_locked}. */
    @Override
    public void requireMayAccept(Handle h, PermissionModel model, Member invited) {
        if (users.find(h, invited.orgId(), invited.id()).map(RoomsUser::lockedOut).orElse(false)) {
            throw new ConflictException("member_locked", "member " + invited.id() + " is a locked Rooms user: "
                    + "unlock it before accepting its invitation");
        }
    }

    /**
     * A v5 user moved to another company role loses the reach its old role gave — that role held on the company,
     * regions and offices — and is left at access level Contributor (Admin under the Admin role): where a user added
     * with its new role through {@code /v1} starts. A Manager made an Agent no longer manages its offices' rooms.
     * Narrowing reach needs no gate beyond the role change's own.
     */
    @Override
    public void roleChanged(Tx tx, PermissionModel model, Member before, Member after) {
        if (!RoomsPermissions.classic(model.id()) || before.roleId() == null) {
            return;
        }
        Handle h = tx.handle();
        AssignmentService.dropHeld(tx, after.orgId(), after, before.roleId(), ClassicHierarchy.PLACES);
        if (users.level(h, after.orgId(), null, after.roleId()) != AccessLevel.ADMIN) {
            users.find(h, after.orgId(), after.id()).map(RoomsUser::profile)
                    .filter(p -> p.accessLevel() != AccessLevel.CONTRIBUTOR)
                    .ifPresent(p -> users.save(tx, model, after.orgId(), p,
                            p.withAccessLevel(AccessLevel.CONTRIBUTOR)));
        }
    }

    /**
     * A v5 user unlocked (reactivated, or a Pending one let accept its invitation) has its reach count again — the
     * roles it holds on the company, regions and offices — which is giving each out again in its place: only a caller
     * that manages that place may, as only one may place a user there ({@link ClassicHierarchy#manages}:
     * {@code add_to_office}, an invitation), so an Office Manager granted {@code canManageCompanyMembers} unlocks a
     * Manager of its own offices, not another office's. Its room roles are not judged by the room's gates: Rooms gates
     * an unlock by member management alone.
     */
    @Override
    public void requireMayReactivate(Handle h, Caller caller, PermissionModel model, Member member) {
        ClassicHierarchy.requireManagesReach(h, caller, model, member, RevivedRole.effect(member));
    }

    /**
     * Whether {@code caller} sees {@code member} holding {@code role} on a resource, for a refusal that would name it:
     * on a room, one the caller sees ({@link #seesRoom}) in which the role does not hide the member from it
     * ({@link #concealment}); elsewhere (a v5 company's company, regions and offices) as resources are seen.
     */
    @Override
    public boolean seesHolding(Handle h, Caller caller, PermissionModel model, String type, String resourceId,
                               Member member, Role role) {
        ResourceType resourceType = model.resourceType(type).orElse(null);
        return resourceType != null && sees(h, caller, model, resourceType, resourceId)
                && holders.sees(h, caller, model, resourceType, resourceId, member.id(), () -> role);
    }

    /**
     * A member removed leaves its rooms' records with it: its room users (revoked ones, and their kept roles,
     * included) and its Rooms profile are deleted and each recorded as deleted, before the member's own record (the
     * rows would otherwise vanish with the member, unrecorded). Its room roles go with its other assignments.
     */
    @Override
    public void removing(Tx tx, PermissionModel model, Member member) {
        roomUsers.deleteRowsOf(tx, member.orgId(), member.id());
        users.delete(tx, member.orgId(), member.id());
    }

    @Override
    public void requireMay(Handle h, Caller caller, PermissionModel model, Action action, Member current,
                           Long roleAfter, boolean external, String what) {
        if (caller.isService()) {
            return;
        }
        if (external) {
            MemberRules.GENERIC.requireMay(h, caller, model, action, current, roleAfter, true, what);
            return;
        }
        AccessLevel target = current == null ? null : users.level(h, caller.orgId(), current.id(), current.roleId());
        if (action != Action.REMOVE) {
            AccessLevel after = users.level(h, caller.orgId(), current == null ? null : current.id(), roleAfter);
            target = target == null || after.compareTo(target) > 0 ? after : target;
        }
        if (RoomsPermissions.classic(model.id())) {
            requireClassic(h, caller, target, what);
            return;
        }
        switch (action) {
            case ADD -> requireLevel(h, caller, target, ADD_MEMBER_LOWER, ADD_MEMBER_SAME, what);
            case MANAGE -> {
                requireLevel(h, caller, target, MANAGE_MEMBER_LOWER, MANAGE_MEMBER_SAME, what);
                if (roleAfter != null && !roleAfter.equals(current.roleId())) {
                    requireLevel(h, caller, target, CHANGE_ROLE_LOWER, CHANGE_ROLE_SAME, what);
                }
            }
            case REMOVE -> requireLevel(h, caller, target, REMOVE_MEMBER_LOWER, REMOVE_MEMBER_SAME, what);
            default -> throw new IllegalStateException("unknown action " + action);
        }
    }

    /** Inviting a company user of access level {@code level}: v6's or v5's gate by the model. */
    void requireMayInvite(Handle h, Caller caller, PermissionModel model, AccessLevel level, String what) {
        if (RoomsPermissions.classic(model.id())) {
            requireClassic(h, caller, level, what);
        } else {
            requireLevel(h, caller, level, ADD_MEMBER_LOWER, ADD_MEMBER_SAME, what);
        }
    }

    /**
     * A v5 company's gate for managing members (the 2021 specification: {@code canManageCompanyMembers}, which the
     * Admin role holds and a Manager may be granted), for adding, changing and removing alike; nobody acts on a user
     * above its own access level.
     */
    private void requireClassic(Handle h, Caller caller, AccessLevel target, String what) {
        if (caller.isService()) {
            return;
        }
        caller.require(RoomsPermissions.MANAGE_COMPANY_MEMBERS, what);
        AccessLevel own = users.level(h, caller.orgId(), caller.memberId(), caller.roleId());
        if (target != null && target.compareTo(own) > 0) {
            throw new ForbiddenException("access_level_too_high", what + ": the user's access level " + target.wire()
                    + " is above the caller's own access level " + own.wire() + " (member " + caller.memberId() + ")");
        }
    }

    /** Rooms' gate for acting on a company user of access level {@code target}; see the class comment. */
    void requireLevel(Handle h, Caller caller, AccessLevel target, String lower, String same, String what) {
        if (caller.isService()) {
            return;
        }
        AccessLevel own = users.level(h, caller.orgId(), caller.memberId(), caller.roleId());
        int cmp = target.compareTo(own);
        if (cmp > 0) {
            throw new ForbiddenException("access_level_too_high", what + ": the user's access level " + target.wire()
                    + " is above the caller's own access level " + own.wire() + " (member " + caller.memberId() + ")");
        }
        if (!caller.has(same) && !(cmp < 0 && caller.has(lower))) {
            throw new ForbiddenException("permission_required", what + " (the user's access level: " + target.wire()
                    + ") needs \"" + (cmp < 0 ? lower + "\" or \"" + same : same) + "\", which member "
                    + caller.memberId() + " (access level " + own.wire() + ") does not have");
        }
    }

    // ---------------------------------------------------------------- rooms (existence, visibility, room roles)

    /** A room the caller may see; 404 for rooms that do not exist and rooms it may not see alike. */
    Room visibleRoom(Handle h, Caller caller, int roomId) {
        Room room = rooms.find(h, caller.orgId(), roomId).orElse(null);
        if (room == null || !seesRoom(h, caller, room.resourceId())) {
            throw roomNotFound(String.valueOf(roomId));
        }
        return room;
    }

    /**
     * Whether the caller sees every room (else only those it holds a role in, on the room or an ancestor): its company
     * role has {@code autoAccessToRooms}, or — a v5 company's Manager — it is granted {@code autoAccessToCompanyRooms}.
     */
    boolean seesAllRooms(Caller caller) {
        return caller.has(AUTO_ACCESS_TO_ROOMS) || caller.has(RoomsPermissions.AUTO_ACCESS_TO_COMPANY_ROOMS);
    }

    /** The system key of the caller's company role ({@code admin}, {@code manager}, {@code agent} on v5); null if none. */
    String companyRoleKey(Handle h, Caller caller) {
        return caller.roleId() == null ? null
                : roles.find(h, caller.orgId(), caller.roleId()).map(Role::systemKey).orElse(null);
    }

    /**
     * Creating a room: {@code canCreateRooms}; in a v5 company a Manager needs {@code canManageCompanyRooms} instead
     * (the 2021 specification: an Admin, an Agent, or a Manager with that flag).
     */
    void requireMayCreateRoom(Handle h, Caller caller, PermissionModel model) {
        if (RoomsPermissions.classic(model.id()) && !caller.isService()
                && RoomsPermissions.MANAGER_ROLE.equals(companyRoleKey(h, caller))) {
            caller.require(RoomsPermissions.MANAGE_COMPANY_ROOMS, "creating a room as a manager of a v5 company");
        } else {
            caller.require(RoomsPermissions.CREATE_ROOMS, "creating a room");
        }
    }

    /**
     * Deleting a room. v6: the caller's room role grants {@code canDeleteRooms}, or {@code canDeleteOwnedRooms} in a
     * room it owns. v5 (the 2021 specification): an Admin (whose role grants {@code canDeleteRooms}), a Manager of the
     * room granted {@code canDeleteCompanyRooms}, or an Agent owning the room (the Agent role's "agents can delete
     * rooms" is {@code canDeleteOwnedRooms}, on).
     */
    void requireMayDeleteRoom(Handle h, Caller caller, PermissionModel model, Room room) {
        if (caller.isService() || roomGrants(h, caller, room, RoomsPermissions.DELETE_ROOMS)) {
            return;
        }
        boolean owner = room.ownerIds().contains(caller.memberId());
        if (RoomsPermissions.classic(model.id())) {
            String key = companyRoleKey(h, caller);
            if (RoomsPermissions.MANAGER_ROLE.equals(key) && caller.has(RoomsPermissions.DELETE_COMPANY_ROOMS)
                    && managesRoom(h, caller, room)
                    || RoomsPermissions.AGENT_ROLE.equals(key) && owner
                    && roomGrants(h, caller, room, RoomsPermissions.DELETE_OWNED_ROOMS)) {
                return;
            }
            throw new ForbiddenException("permission_required", "deleting room " + room.id() + " in a v5 company "
                    + "needs an Admin, a manager of the room granted \"" + RoomsPermissions.DELETE_COMPANY_ROOMS
                    + "\", or the agent owning it; " + noneOfThese(h, caller, key));
        }
        boolean ownedGranted = roomGrants(h, caller, room, RoomsPermissions.DELETE_OWNED_ROOMS);
        if (owner && ownedGranted) {
            return;
        }
        throw new ForbiddenException("permission_required", "deleting room " + room.id() + " needs \""
                + RoomsPermissions.DELETE_ROOMS + "\", or \"" + RoomsPermissions.DELETE_OWNED_ROOMS + "\" in a room "
                + "the caller owns, in the caller's room role; member " + caller.memberId()
                + (ownedGranted ? " holds \"" + RoomsPermissions.DELETE_OWNED_ROOMS + "\" but does not own the room"
                : " has neither"));
    }

    /**
     * In a v5 company, whether the caller manages the room: the role deciding there for it (its own, or a Manager's or
     * Admin's on the room's office, region or company) is one that edits any room role, which the Manager and Admin
     * roles do and the Agent role does not. Service keys manage every room.
     */
    boolean managesRoom(Handle h, Caller caller, Room room) {
        Set<String> own = caller.permissionsOn(h, ROOM, room.resourceId());
        return own == null || own.contains(EDIT_ANY_ROOM_ROLE);
    }

    /**
     * The caller's room role grants {@code any}, or grants {@code invited} and the caller invited the user
     * concerned ({@code invitedBy}); service keys always pass.
     */
    void requireRoomPermission(Handle h, Caller caller, Room room, String any, String invited, Long invitedBy,
                               String what) {
        requireRoomPermission(h, caller, room.resourceId(), any, invited, invitedBy, what);
    }

    private void requireRoomPermission(Handle h, Caller caller, String roomResourceId, String any, String invited,
                                       Long invitedBy, String what) {
        if (caller.isService()) {
            return;
        }
        Set<String> own = caller.permissionsOn(h, ROOM, roomResourceId);
        if (own.contains(any)) {
            return;
        }
        if (invited != null && invitedBy != null && caller.is(invitedBy) && own.contains(invited)) {
            return;
        }
        throw new ForbiddenException("permission_required", what + " needs \"" + any + "\""
                + (invited == null ? "" : ", or \"" + invited + "\" for users the caller invited,")
                + " in the caller's room role; member " + caller.memberId() + " does not have it");
    }

    /**
     * Reading a room's details (its field data): the caller's room role grants {@code canViewRoomDetails} or
     * {@code canViewAndEditRoomDetails}, as a decision about it answers; service keys always.
     */
    boolean seesRoomDetails(Handle h, Caller caller, Room room) {
        Set<String> own = caller.permissionsOn(h, ROOM, room.resourceId());
        return own == null || own.contains(RoomsPermissions.VIEW_ROOM_DETAILS)
                || own.contains(VIEW_AND_EDIT_ROOM_DETAILS);
    }

    /**
     * Changing a room user's role or side (PutRoomUser): on v6 the caller's room role grants
     * {@code canEditAnyRoomRole}, or {@code canEditInvitedRoomRole} for a user it invited; on v5 the 2021
     * specification's rule ({@link #requireClassicRoomUserChange}).
     */
    void requireMayChangeRoomUser(Handle h, Caller caller, PermissionModel model, Room room, Long invitedBy,
                                  String what) {
        if (RoomsPermissions.classic(model.id())) {
            requireClassicRoomUserChange(h, caller, room.id(), invitedBy, what);
        } else {
            requireRoomPermission(h, caller, room, EDIT_ANY_ROOM_ROLE, EDIT_INVITED_ROOM_ROLE, invitedBy, what);
        }
    }

    /** Whether the caller's room role in the room grants {@code permission} (service keys: always). */
    boolean roomGrants(Handle h, Caller caller, Room room, String permission) {
        Set<String> own = caller.permissionsOn(h, ROOM, room.resourceId());
        return own == null || own.contains(permission);
    }

    @Override
    public void requireExists(Handle h, long orgId, PermissionModel model, ResourceType type, String resourceId) {
        if (RoomsPermissions.classic(model.id()) && !ClassicHierarchy.holdsRoles(h, orgId, type.key(), resourceId)) {
            throw notFound(model, type, resourceId);
        }
        if (isRoom(type)) {
            int roomId = Room.parseResourceId(resourceId);
            if (roomId <= 0 || rooms.find(h, orgId, roomId).isEmpty()) {
                throw roomNotFound(resourceId);
            }
        }
    }

    /** Rooms of a {@code rooms} organization in one query; anything else (a v5 company's hierarchy) one by one. */
    @Override
    public List<NotFoundException> missing(Handle h, List<Addressed> resources) {
        List<Integer> asked = new ArrayList<>();
        List<Long> orgIds = new ArrayList<>();
        List<Integer> roomIds = new ArrayList<>();
        List<NotFoundException> missing = new ArrayList<>(resources.size());
        for (int i = 0; i < resources.size(); i++) {
            Addressed r = resources.get(i);
            int roomId = isRoom(r.type()) ? Room.parseResourceId(r.resourceId()) : -1;
            if (RoomsPermissions.classic(r.model().id()) || !isRoom(r.type())) {
                missing.addAll(AssignmentRules.super.missing(h, List.of(r)));
            } else if (roomId <= 0) {
                missing.add(roomNotFound(r.resourceId()));
            } else {
                missing.add(null);
                asked.add(i);
                orgIds.add(r.orgId());
                roomIds.add(roomId);
            }
        }
        if (!asked.isEmpty()) {
            Set<RoomStore.Key> found = rooms.existing(h, orgIds, roomIds);
            for (int j = 0; j < asked.size(); j++) {
                if (!found.contains(new RoomStore.Key(orgIds.get(j), roomIds.get(j)))) {
                    missing.set(asked.get(j), roomNotFound(resources.get(asked.get(j)).resourceId()));
                }
            }
        }
        return missing;
    }

    @Override
    public NotFoundException notFound(PermissionModel model, ResourceType type, String resourceId) {
        return isRoom(type) ? roomNotFound(resourceId) : AssignmentRules.super.notFound(model, type, resourceId);
    }

    @Override
    public boolean seesAll(Caller caller, PermissionModel model, ResourceType type) {
        return isRoom(type) ? seesAllRooms(caller) : AssignmentRules.super.seesAll(caller, model, type);
    }

    @Override
    public void requireMayManage(Caller caller, PermissionModel model, String what) {
        // Room roles are gated by the caller's role in each room, not by a company permission.
    }

    @Override
    public void requireMayAssign(Handle h, Caller caller, PermissionModel model, ResourceType type, String resourceId,
                                 Member member, boolean replacing, Instant endsAt, String what) {
        if (!isRoom(type)) {
            caller.require(model.management().assignments(), what);
            return;
        }
        // The room exists and the caller sees it (the contract of this method): it is not read again. A role being
        // replaced is held, so the member's access is not revoked, and a service key passes every gate below.
        int roomId = Room.parseResourceId(resourceId);
        if (endsAt != null) {
            requireNotOwner(h, caller, model, roomId, member.id(), what + " with an end");
        }
        if (replacing && caller.isService()) {
            return;
        }
        RoomUser current = rooms.roomUser(h, caller.orgId(), roomId, member.id()).orElse(null);
        RoomUser held = current;
        boolean concealed = current != null && !holders.sees(h, caller, model, type, resourceId, member.id(),
                () -> roles.find(h, caller.orgId(), held.roleId()).orElse(null));
        if (concealed) {
            // a user the caller may not see (holding its role, or revoked) is not in the room for it (concealment):
            // judged as adding one, neither its revocation, its end nor its inviter read
            current = null;
        }
        if (current != null && current.revoked()) {
            throw new ConflictException("room_access_revoked", "user " + member.id() + "'s access to room "
                    + roomId + " is revoked; restore it instead");
        }
        Instant heldEnd = current == null ? null : current.accessEndsAt();
        EndChange change = EndChange.of(heldEnd, endsAt);
        // read once a gate asks for it: a user new to the room, given no end, needs none
        Long inviter = change != EndChange.NONE || replacing
                ? inviter(h, caller, roomId, member.id(), current, concealed) : null;
        if (change != EndChange.NONE) {
            // the end of a room role is a revocation of the user's access, whatever the route: an end set or brought
            // nearer revokes it (at that date), one lifted or postponed restores it; Rooms gates both alike
            requireRoomPermission(h, caller, resourceId, MANAGE_ANY_USER_ROOM_ACCESS, MANAGE_INVITED_USER_ROOM_ACCESS,
                    inviter, what + (change == EndChange.SOONER
                            ? " with an end " + endsAt + (heldEnd == null ? "" : ", nearer than " + heldEnd)
                                    + " (ending a role in a room is revoking access to it)"
                            : " (its access to the room is to end " + heldEnd + "; "
                                    + (endsAt == null ? "lifting" : "postponing") + " that is restoring access)"));
        }
        if (replacing && RoomsPermissions.classic(model.id())) {
            requireClassicRoomUserChange(h, caller, roomId, inviter, what);
        } else if (replacing) {
            requireRoomPermission(h, caller, resourceId, EDIT_ANY_ROOM_ROLE, EDIT_INVITED_ROOM_ROLE, inviter, what);
        } else {
            requireRoomPermission(h, caller, resourceId, ADD_USERS_TO_ROOMS, null, null, what);
        }
    }

    /**
     * The inviter a write giving {@code memberId} a role in the room judges it by: the one it has ({@code current});
     * for a user holding no role there, the one the write records ({@link #given}) — the caller, unless its row
     * remembers one — so that a new room user is the caller's invitee for every gate of the write that adds it, an
     * end given with its role included, as it is for the next write; a user the caller may not see there is judged
     * as a new one without a row (the write leaves it as it is).
     */
    private Long inviter(Handle h, Caller caller, int roomId, long memberId, RoomUser current, boolean concealed) {
        if (current != null) {
            return current.invitedBy();
        }
        return concealed ? caller.memberId() : roomUsers.inviterOnceGiven(h, roomId, memberId, caller.memberId());
    }

    /**
     * A v5 company's PutRoomUser (the 2021 specification): the inviter, any room owner, or a Manager granted
     * {@code canManageCompanyRooms} who manages the room (Admins hold every flag).
     */
    private void requireClassicRoomUserChange(Handle h, Caller caller, int roomId, Long invitedBy, String what) {
        if (caller.isService() || invitedBy != null && caller.is(invitedBy)) {
            return;
        }
        Room room = rooms.find(h, caller.orgId(), roomId).orElseThrow(() -> roomNotFound(String.valueOf(roomId)));
        if (room.ownerIds().contains(caller.memberId())) {
            return;
        }
        if (caller.has(RoomsPermissions.MANAGE_COMPANY_ROOMS) && managesRoom(h, caller, room)) {
            return;
        }
        throw new ForbiddenException("permission_required", what + " needs, in a v5 company, the user's inviter, a "
                + "room owner, or a manager of the room granted \"" + RoomsPermissions.MANAGE_COMPANY_ROOMS
                + "\"; " + noneOfThese(h, caller, companyRoleKey(h, caller)));
    }

    /**
     * The end of a v5 gate's refusal: that the caller is none of those it names — or, for a member whose company role
     * ({@code roleKey}) is Admin but which does not hold the Admin role on the company (an Admin added through
     * {@code /v1}, whose role there is given only by assigning it), that it lacks that role there, and the route that
     * gives it: its Admin role reaches rooms through the company.
     */
    private static String noneOfThese(Handle h, Caller caller, String roleKey) {
        if (RoomsPermissions.ADMIN_ROLE.equals(roleKey) && AssignmentService.heldOn(h, caller.orgId(),
                caller.memberId(), List.of(ClassicHierarchy.COMPANY)).stream()
                .noneMatch(held -> held.roleId() == caller.roleId())) {
            return "member " + caller.memberId() + " holds the Admin company role, but an Admin acts on rooms through "
                    + "the Admin role held on the company, which it does not hold (assign it: PUT /v1/orgs/{org}/"
                    + "resources/" + ClassicHierarchy.COMPANY + "/" + ClassicHierarchy.COMPANY_ID + "/assignments/"
                    + caller.memberId() + " {\"role_id\": " + caller.roleId() + "})";
        }
        return "member " + caller.memberId() + " is none of these";
    }

    /**
     * A room owner stays able to act in its room and to get out of it: to manage access to the room
     * ({@code canManageInvitedUserRoomAccess} or {@code canManageAnyUserRoomAccess}) and to delete it
     * ({@code canDeleteOwnedRooms} or {@code canDeleteRooms}). Replacing an owner's room role — by itself, by a room
     * user editing any role, through Rooms, {@code /v1} or an import — with one lacking a power of these two that the
     * replaced role has is refused; so is giving an owner that holds no role in its room one lacking either, whoever
     * gives it, the owner itself included (a room's creation is judged before the room exists:
     * {@link #requireMayOwnWith}). An owner left powerless could neither delete its room nor manage who is in it, nor
     * could anyone without a role there, and it is not removed from the company while it owns the room
     * ({@link #requireOwnsNoRoom}): the room would be left to nobody. 409 {@code room_owner}; a service key, which
     * passes every gate, may (to repair a room, or set one up). An owner the caller may not see in the room
     * ({@link #seesOwner}) is judged as a user not in it, whom the write, answered as such, leaves as it is.
     */
    @Override
    public void requireMayGive(Handle h, Caller caller, PermissionModel model, String type, String resourceId,
                               Member member, Role replaced, Role role, String what) {
        if (caller.isService() || !Room.RESOURCE_TYPE.equals(type)) {
            return;
        }
        int roomId = Room.parseResourceId(resourceId);
        if (roomId <= 0 || !seesOwner(h, caller, model, roomId, member.id())) {
            return;
        }
        requireOwnerPowers(member, replaced, role, "which owns room " + roomId, what);
    }

    /**
     * A room being created gives its owner its first role there: the rule of {@link #requireMayGive}, judged before
     * the room is stored, so that a refusal names no room (the room it would name is rolled back with the refusal).
     * 409 {@code room_owner}; a service key may.
     */
    void requireMayOwnWith(Caller caller, Member owner, Role role, String what) {
        if (!caller.isService()) {
            requireOwnerPowers(owner, null, role, "the room's owner", what);
        }
    }

    /**
     * 409 {@code room_owner} when {@code role}, given to a room's {@code owner} in place of {@code replaced} (null:
     * none), lacks a power of {@link #OWNER_POWERS} that the replaced role has (every power, when none is replaced);
     * {@code owning} says which room the owner owns, for the refusal.
     */
    private static void requireOwnerPowers(Member owner, Role replaced, Role role, String owning, String what) {
        List<String> lacking = new ArrayList<>(2);
        for (List<String> power : OWNER_POWERS) {
            if (!grantsAny(role, power) && (replaced == null || grantsAny(replaced, power))) {
                lacking.add("\"" + power.get(0) + "\" (or \"" + power.get(1) + "\")");
            }
        }
        if (!lacking.isEmpty()) {
            throw new ConflictException("room_owner", what + " would give user " + owner.id() + ", " + owning
                    + ", role " + role.id() + " (\"" + role.name() + "\") there, which lacks "
                    + String.join(" and ", lacking) + (replaced == null ? "" : ", which its role has")
                    + "; a room owner stays able to manage access to its room and to delete it");
        }
    }

    private static boolean grantsAny(Role role, List<String> permissions) {
        return permissions.stream().anyMatch(role.permissions()::contains);
    }

    /**
     * A user given a role in a room where it held none was invited by the caller, whatever the route ({@code /v1},
     * an import's line): recorded so, as Rooms' invitation records it, the caller may then manage it with
     * {@code canEditInvitedRoomRole} and {@code canManageInvitedUserRoomAccess}. A user whose access is restored keeps
     * the inviter it had.
     */
    @Override
    public void given(Tx tx, Caller caller, PermissionModel model, Assignment given) {
        if (!Room.RESOURCE_TYPE.equals(given.resourceType())) {
            return;
        }
        int roomId = Room.parseResourceId(given.resourceId());
        if (roomId > 0) {
            roomUsers.invitedUnlessKnown(tx, given.orgId(), roomId, given.memberId(), caller.memberId());
        }
    }

    @Override
    public void requireMayUnassign(Handle h, Caller caller, PermissionModel model, ResourceType type,
                                   String resourceId, Member member, String what) {
        if (!isRoom(type)) {
            caller.require(model.management().assignments(), what);
            return;
        }
        // The room exists and the caller sees it (the contract of this method): it is not read again.
        requireNotOwner(h, caller, model, Room.parseResourceId(resourceId), member == null ? null : member.id(), what);
        Long invitedBy = member == null ? null : rooms.roomUser(h, caller.orgId(), Room.parseResourceId(resourceId),
                member.id()).map(RoomUser::invitedBy).orElse(null);
        requireRoomPermission(h, caller, resourceId, MANAGE_ANY_USER_ROOM_ACCESS,
                member == null ? null : MANAGE_INVITED_USER_ROOM_ACCESS, invitedBy, what);
    }

    /**
     * A room keeps its owners: an owner's access to its room (its room role) is not revoked, now or at a later date,
     * nor taken away through the native API ({@code memberId} null: every role in the room), whoever asks, service
     * keys included. Rooms names the owners of each room ({@code roomOwnerIds}); without this an owner could leave its
     * room to nobody — acting in a room needs a role there, so not even an Admin could restore it. 409
     * {@code room_owner}; deleting the room is the way out (nor is an owner removed from the company:
     * {@link #requireOwnsNoRoom}). An owner the caller may not see in the room ({@link #seesOwner}) is, for it, a user
     * not in the room: a write on it is judged as such, and leaves it as it is.
     */
    void requireNotOwner(Handle h, Caller caller, PermissionModel model, int roomId, Long memberId, String what) {
        long orgId = caller.orgId();
        if (memberId != null) {
            // one member's access: asked of the room's owners without reading the room again
            if (seesOwner(h, caller, model, roomId, memberId)) {
                throw ownerKeepsAccess(what, memberId, roomId);
            }
            return;
        }
        Room room = rooms.find(h, orgId, roomId).orElse(null);
        if (room == null) {
            return;
        }
        for (long owner : room.ownerIds()) {
            RoomUser user = rooms.roomUser(h, orgId, roomId, owner).filter(u -> !u.revoked()).orElse(null);
            if (user != null && seen(h, caller, model, user)) {
                throw ownerKeepsAccess(what, owner, roomId);
            }
        }
    }

    /**
     * Whether member {@code memberId} owns room {@code roomId}, one the caller sees, as far as the caller may know: an
     * owner whose room role (held, or remembered while its access is revoked) hides it from the caller there
     * ({@link #concealment}) is, for the caller, a user not in the room, and so no owner of it. Every owner check
     * of a write on a room user asks this; those protecting an owner from a write on something else (its role, its
     * membership) refuse all the same, naming neither it nor that room ({@link #requireMayChangePermissions},
     * {@link #requireOwnsNoRoom}). The owner's role is read only for an owner, and only where the caller may not see
     * every user of the room.
     */
    private boolean seesOwner(Handle h, Caller caller, PermissionModel model, int roomId, long memberId) {
        return rooms.owns(h, caller.orgId(), roomId, memberId) && holders.sees(h, caller, model, ROOM,
                Room.resourceId(roomId), memberId, () -> rooms.roomUser(h, caller.orgId(), roomId, memberId)
                        .flatMap(u -> roles.find(h, caller.orgId(), u.roleId())).orElse(null));
    }

    /** Whether the caller sees {@code user} in its room: its room role (held, or revoked) does not hide it from it. */
    private boolean seen(Handle h, Caller caller, PermissionModel model, RoomUser user) {
        return holders.sees(h, caller, model, ROOM, Room.resourceId(user.roomId()), user.member().id(),
                () -> roles.find(h, caller.orgId(), user.roleId()).orElse(null));
    }

    /**
     * A room keeps its owners when one would leave the company too: removing a member that owns a room is a 409
     * {@code room_owner}, whatever API removes it (part of the members' removal hook). The room would otherwise be
     * left to nobody who could act in it, its owner gone and no Admin able to get back in; deleting the room first,
     * or locking the user instead, is the way. The refusal names the lowest such room the write's actor sees the
     * member in (a service key: any), and none when there is none: every other answer about a room it does not see
     * is the 404 of a room that does not exist, and one about a user hidden from it in a room ({@link #concealment})
     * the answer for a user not in the room.
     */
    public static void requireOwnsNoRoom(Tx tx, long orgId, Member member) {
        RoomStore rooms = new RoomStore();
        Optional<Integer> owned = rooms.firstOwned(tx.handle(), orgId, member.id());
        if (owned.isEmpty()) {
            return;
        }
        Long viewer = tx.actor().id(); // the acting member; null for a service key
        Optional<Integer> named = viewer == null ? owned
                : rooms.firstOwnedSeenBy(tx.handle(), orgId, member.id(), viewer, HIDDEN_IN_ROOM.hiding(),
                        HIDDEN_IN_ROOM.revealing());
        throw new ConflictException("room_owner", "removing user " + member.id() + " would leave "
                + named.map(id -> "room " + id + ", which it owns,").orElse("a room it owns")
                + " to nobody who could act in it; delete the room first, or lock the user instead");
    }

    /**
     * 409 {@code room_owner} when {@code owner} could not own a room: an outsider (an external member), or a Pending
     * user. A room is created with an active company user as its owner ({@code ownerId}), who stays in the company and
     * in the room while it owns it, and a user that has accepted its invitation is never Pending again; so no call
     * makes either an owner, and an outsider owning a room would hold the owner's powers there. A locked owner is a
     * room's state (locking, not removing, is the way out for an owner), so it is not refused. {@code what} names the
     * room for the refusal.
     */
    static void requireMayOwn(Member owner, String what) {
        if (owner.external() || owner.invited()) {
            throw new ConflictException("room_owner", "user " + owner.id() + " is " + (owner.external()
                    ? "external (an outsider)" : "pending (its invitation is not accepted)") + " and cannot own "
                    + what + ": a room owner is a company user that has joined, as creating a room requires");
        }
    }

    static ConflictException ownerKeepsAccess(String what, long owner, int roomId) {
        return new ConflictException("room_owner", what + " would take away the access of user " + owner
                + " to room " + roomId + ", which it owns; a room owner keeps its access to its room");
    }

    /** In a v5 company the hierarchy follows its records ({@link ClassicHierarchy#requireAgrees}). */
    @Override
    public void requireMayPlace(Handle h, long orgId, PermissionModel model, ResourceType type, String resourceId,
                                boolean unplace, String parentType, String parentId) {
        if (RoomsPermissions.classic(model.id())) {
            ClassicHierarchy.requireAgrees(h, orgId, type.key(), resourceId, unplace, parentType, parentId);
        }
    }

    /**
     * A room role whose end has come (a revocation scheduled for a later date): the user's access to the room is now
     * revoked like an immediate revocation — its role remembered for a restore, as of the scheduled date.
     */
    @Override
    public void expired(Tx tx, PermissionModel model, Assignment assignment) {
        if (!Room.RESOURCE_TYPE.equals(assignment.resourceType())) {
            return;
        }
        int roomId = Room.parseResourceId(assignment.resourceId());
        if (roomId <= 0 || rooms.find(tx.handle(), assignment.orgId(), roomId).isEmpty()) {
            return;
        }
        roomUsers.revoked(tx, assignment.orgId(), roomId, assignment.memberId(), assignment.roleId(),
                assignment.expiresAt());
    }

    private boolean seesRoom(Handle h, Caller caller, String resourceId) {
        return seesAllRooms(caller) || caller.holdsRoleOn(h, Room.RESOURCE_TYPE, resourceId);
    }

    private static boolean isRoom(ResourceType type) {
        return Room.RESOURCE_TYPE.equals(type.key());
    }

    private static NotFoundException roomNotFound(String roomId) {
        return new NotFoundException("room_not_found", "room " + roomId + " not found");
    }

    // ---------------------------------------------------------------- roles (a room owner's powers)

    /**
     * A room owner keeps its powers in its room when the role it holds there changes, not only when it is replaced
     * ({@link #requireMayGive}): taking from a role, through Rooms' PUT role, {@code /v1} or an import's role line, a
     * power of {@link #OWNER_POWERS} it grants — managing access to a room, deleting it — while a room owner holds the
     * role in a room it owns would leave that owner, and so the room, as powerless as replacing its role would. 409
     * {@code room_owner}, naming one such owner and room to a caller that sees the room and the owner in it (an
     * owner the role hides there, {@link #concealment}, is named to no other: the refusal then names neither); a
     * service key may, as it may replace the role. One query answers for every owner of every room of the
     * organization, only when a power would be taken.
     */
    @Override
    public void requireMayChangePermissions(Handle h, Caller caller, PermissionModel model, Role current,
                                            List<String> permissions) {
        if (caller.isService()) {
            return;
        }
        List<String> lacking = new ArrayList<>(2);
        for (List<String> power : OWNER_POWERS) {
            if (grantsAny(current, power) && power.stream().noneMatch(permissions::contains)) {
                lacking.add("\"" + power.get(0) + "\" (or \"" + power.get(1) + "\")");
            }
        }
        if (lacking.isEmpty()) {
            return;
        }
        ownerHolding(h, current.orgId(), current.id()).ifPresent(held -> {
            // owner and room are named only to a caller that sees the owner in the room, as on a member's removal;
            // the owner holds the role being changed there, which is what may hide it
            String roomResource = Room.resourceId(held.roomId());
            boolean seen = sees(h, caller, model, ROOM, roomResource)
                    && holders.sees(h, caller, model, ROOM, roomResource, held.memberId(), () -> current);
            throw new ConflictException("room_owner", "updating role " + current.id() + " (\"" + current.name()
                    + "\") would take " + String.join(" and ", lacking) + " from "
                    + (seen ? "user " + held.memberId() + ", which owns room " + held.roomId() + " and holds the role "
                    + "there" : "a room owner holding it in a room it owns") + "; a room owner stays able to manage "
                    + "access to its room and to delete it");
        });
    }

    /** A room owner holding a role in a room it owns. */
    private record OwnerHolding(int roomId, long memberId) {
    }

    /**
     * The first room of the organization (by id, then owner) one of whose owners holds role {@code roleId} there, if
     * any: each owner's room role looked up by the assignments' primary key, all in one statement.
     */
    private static Optional<OwnerHolding> ownerHolding(Handle h, long orgId, long roleId) {
        return h.createQuery("SELECT r.id, o.owner FROM rooms r CROSS JOIN LATERAL unnest(r.owner_ids) AS o(owner) "
                        + "JOIN assignments a ON a.org_id = r.org_id AND a.resource_type = :type "
                        + "AND a.resource_id = CAST(r.id AS text) AND a.member_id = o.owner "
                        + "WHERE r.org_id = :org AND a.role_id = :role ORDER BY r.id, o.owner LIMIT 1")
                .bind("type", Room.RESOURCE_TYPE).bind("org", orgId).bind("role", roleId)
                .map((rs, ctx) -> new OwnerHolding(rs.getInt("id"), rs.getLong("owner"))).findOne();
    }

    // ---------------------------------------------------------------- room users hidden in the room

    /** A room user whose room role has {@code isHiddenInRoom}, seen by those managing anyone's access to the room. */
    private static final Concealment HIDDEN_IN_ROOM = new Concealment(RoomsPermissions.HIDDEN_IN_ROOM,
            MANAGE_ANY_USER_ROOM_ACCESS);

    /** The role of a user whose access to the room is revoked, remembered for restoring it: it still hides the user. */
    @Override
    public Long keptRole(Handle h, PermissionModel model, long orgId, ResourceType type, String resourceId,
                         long memberId) {
        return isRoom(type) ? rooms.roomUser(h, orgId, Room.parseResourceId(resourceId), memberId)
                .filter(RoomUser::revoked).map(RoomUser::roleId).orElse(null) : null;
    }

    /**
     * A room user whose room role has {@code isHiddenInRoom} is seen in the room only by itself and by callers whose
     * room role grants {@code canManageAnyUserRoomAccess} (service keys: every user): to any other caller it answers,
     * through {@code /v1} and Rooms alike, as a user not in the room does ({@link AssignmentService}'s reads and writes,
     * Rooms' room users).
     */
    @Override
    public Concealment concealment(Caller caller, PermissionModel model, ResourceType type) {
        return isRoom(type) && !caller.isService() ? HIDDEN_IN_ROOM : null;
    }
}
