package dev.gatehouse.room;

import dev.gatehouse.access.Access;
import dev.gatehouse.access.Caller;
import dev.gatehouse.access.Principal;
import dev.gatehouse.assignment.AssignmentService;
import dev.gatehouse.error.ConflictException;
import dev.gatehouse.error.InvalidInputException;
import dev.gatehouse.grant.GrantService;
import dev.gatehouse.error.NotFoundException;
import dev.gatehouse.json.Fields;
import dev.gatehouse.member.Member;
import dev.gatehouse.member.MemberInput;
import dev.gatehouse.member.MemberRules;
import dev.gatehouse.member.MemberService;
import dev.gatehouse.model.OrgModels;
import dev.gatehouse.model.PermissionModel;
import dev.gatehouse.office.ClassicHierarchy;
import dev.gatehouse.office.OfficeService;
import dev.gatehouse.role.Role;
import dev.gatehouse.role.RoleStore;
import dev.gatehouse.store.Tx;
import dev.gatehouse.store.Written;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Handle;

import static dev.gatehouse.room.RoomsPermissions.ADD_MEMBER_LOWER;
import static dev.gatehouse.room.RoomsPermissions.ADD_MEMBER_SAME;

/**
 * Rooms' company users: internal members plus their Rooms profile. The member rules (unique email, an internal
 * company role, no privilege escalation, never the last member able to manage roles) stay in
 * {@link MemberService}, and so do Rooms' access-level gates ({@link RoomsRules}, applied by the member service
 * whichever API is used): inviting is gated by the level the invitee will be at (the one asked, which must be Admin
 * with the default admin role: that role's users are at Admin, and another level asked is a 400), updating, locking
 * and unlocking by {@code canManageMember…}, removing by {@code canRemoveCompanyMember…}; service keys pass every
 * gate.
 *
 * <p>{@code invite_user} adds the member {@code invited} (Rooms' Pending): it has no access until its invitation
 * is accepted (the native {@code …/members/{member}/accept}). A lock deactivates the member (its keys are revoked, every decision about it is a denial) and keeps the
 * reason; an unlock activates it again (with new keys to be issued: revoked keys stay revoked). A Pending user
 * locked stays invited (it could not act anyway), its keys revoked, and is Pending again once unlocked; either
 * unlock is judged as reactivating the member ({@link MemberService#requireMayReactivate}). Company users are read
 * by internal members; an external member (an outsider in rooms) sees none. Thread-safe.
 */
public final class RoomsUserService {

    private final Access access;
    private final RoomsUserStore users = new RoomsUserStore();
    private final MemberService members;
    private final OrgModels orgModels;
    private final RoomsRules rules;
    private final OfficeService offices;
    private final GrantService grants;
    private final ClassicReach reach;
    private final RoleStore roles = new RoleStore();

    /** Who to invite; see Rooms' UserToInvite. */
    public record Invite(String firstName, String lastName, String email, long roleId, AccessLevel accessLevel,
                         Integer defaultOfficeId, List<Integer> offices, List<Integer> regions,
                         String eSignPermissionProfileId) {
    }

    /** The three kinds of user a v5 company invites, by the system role each gets. */
    public enum ClassicKind {
        ADMIN(RoomsPermissions.ADMIN_ROLE), MANAGER(RoomsPermissions.MANAGER_ROLE), AGENT(RoomsPermissions.AGENT_ROLE);

        private final String roleKey;

        ClassicKind(String roleKey) {
            this.roleKey = roleKey;
        }

        /** The kind with its article, for messages: "an admin", "a manager". */
        String withArticle() {
            return Fields.withArticle(roleKey);
        }
    }

    /**
     * Who to invite into a v5 company; see Rooms' ClassicAdminToInvite, ClassicManagerToInvite and
     * ClassicAgentToInvite.
     *
     * @param flags the ClassicManagerPermissions flags that are on (Managers only; empty otherwise)
     */
    public record ClassicInvite(ClassicKind kind, String firstName, String lastName, String email,
                                AccessLevel accessLevel, Integer defaultOfficeId, Integer titleId, List<Integer> offices,
                                List<Integer> regions, List<String> flags, String eSignPermissionProfileId) {
        public ClassicInvite {
            offices = List.copyOf(offices);
            regions = List.copyOf(regions);
            flags = List.copyOf(flags);
        }
    }

    public RoomsUserService(Access access, MemberService members, OrgModels orgModels, RoomsRules rules,
                            OfficeService offices, AssignmentService assignments, GrantService grants) {
        this.access = access;
        this.members = members;
        this.orgModels = orgModels;
        this.rules = rules;
        this.offices = offices;
        this.grants = grants;
        this.reach = new ClassicReach(assignments);
    }

    public Slice<RoomsUser> list(Principal principal, long orgId, UserQuery query) {
        return access.read(principal, orgId, (h, caller) -> caller.external() ? new Slice<RoomsUser>(List.of(), 0)
                : users.search(h, orgId, query));
    }

    public RoomsUser get(Principal principal, long orgId, long memberId) {
        return access.read(principal, orgId, (h, caller) -> {
            return find(h, caller, orgId, memberId);
        });
    }

    public Written<RoomsUser> invite(Principal principal, long orgId, Invite in) {
        return access.write(principal, orgId, (tx, caller) -> {
            Handle h = tx.handle();
            PermissionModel model = orgModels.model(h, orgId);
            // the gate judges the level the user will be at, so asking a lower one with the default admin role
            // makes no Admin; then a level other than the one asked is refused, never answered in its place
            AccessLevel level = users.newUserLevel(h, orgId, in.roleId(), in.accessLevel());
            rules.requireLevel(h, caller, level, ADD_MEMBER_LOWER, ADD_MEMBER_SAME, "inviting a user");
            if (level != in.accessLevel()) {
                throw InvalidInputException.field("accessLevel", "must be " + level.wire() + " with role "
                        + in.roleId() + ", the default admin role, whose users are at access level " + level.wire()
                        + "; got " + in.accessLevel().wire());
            }
            requirePlaces(h, orgId, "defaultOfficeId", in.defaultOfficeId(), in.offices(), in.regions());
            Member member = members.insert(tx, caller, model, orgId, new MemberInput(InviteeUserId.of(in.email()),
                    in.email(), in.firstName(), in.lastName(), in.roleId(), false, Member.INVITED));
            RoomsProfile profile = new RoomsProfile(member.id(), in.accessLevel(), in.defaultOfficeId(), null,
                    in.offices(), in.regions(), in.eSignPermissionProfileId(), null, tx.now());
            users.save(tx, model, orgId, null, profile);
            return find(h, caller, orgId, member.id());
        });
    }

    /**
     * Invites a user into a v5 ("classic") company with one of its fixed roles: Admin, Manager (with its access level,
     * offices or regions, title and ClassicManagerPermissions, kept as per-member grants) or Agent. Gated as Rooms
     * gates it: an Admin, or a Manager granted {@code canManageCompanyMembers} (no escalation: a Manager can neither
     * make an Admin nor grant a flag it lacks). The user is Pending (invited) until accepted, and from then on manages
     * the rooms its role on the hierarchy reaches ({@link ClassicReach}).
     */
    public Written<RoomsUser> inviteClassic(Principal principal, long orgId, ClassicInvite in) {
        return access.write(principal, orgId, (tx, caller) -> {
            Handle h = tx.handle();
            PermissionModel model = orgModels.model(h, orgId);
            if (!RoomsPermissions.classic(model.id())) {
                throw new InvalidInputException("classic_company_only", "inviting a classic "
                        + in.kind().roleKey + " needs a v5 (classic) company, on the \"" + RoomsPermissions.MODEL_V5
                        + "\" model; this one uses \"" + model.id() + "\"");
            }
            rules.requireMayInvite(h, caller, model, in.accessLevel(), "inviting " + in.kind().withArticle());
            requirePlaces(h, orgId, in.kind() == ClassicKind.AGENT ? "officeId" : "defaultOfficeId",
                    in.defaultOfficeId(), in.offices(), in.regions());
            Role role = roles.findBySystemKey(h, orgId, in.kind().roleKey).orElseThrow(() -> new IllegalStateException(
                    "organization " + orgId + " on model " + model.id() + " lacks the system role " + in.kind().roleKey));
            Member member = members.insert(tx, caller, model, orgId, new MemberInput(InviteeUserId.of(in.email()),
                    in.email(), in.firstName(), in.lastName(), role.id(), false, Member.INVITED));
            RoomsProfile profile = new RoomsProfile(member.id(), in.accessLevel(), in.defaultOfficeId(), in.titleId(),
                    in.offices(), in.regions(), in.eSignPermissionProfileId(), null, tx.now());
            users.save(tx, model, orgId, null, profile);
            if (!in.flags().isEmpty()) {
                grants.put(tx, caller, model, orgId, member, in.flags());
            }
            reach.update(tx, caller, model, orgId, member, null, profile);
            return find(h, caller, orgId, member.id());
        });
    }

    /** Sets the default office, the one field Rooms lets a client change. */
    public Written<RoomsUser> updateDefaultOffice(Principal principal, long orgId, long memberId, Integer officeId) {
        return access.write(principal, orgId, (tx, caller) -> {
            Handle h = tx.handle();
            RoomsUser current = find(h, caller, orgId, memberId);
            requireMay(h, caller, orgId, MemberRules.Action.MANAGE, current, "updating a user");
            if (officeId != null) {
                offices.requireOffices(h, orgId, "defaultOfficeId", List.of(officeId));
            }
            users.save(tx, orgModels.model(h, orgId), orgId, current.profile(),
                    current.profile().withDefaultOffice(officeId));
            return find(h, caller, orgId, memberId);
        });
    }

    /**
     * Adds a user to an office of the organization ({@code member} true) or removes it from one; adding an office
     * the user is in, or removing one it is not in, changes nothing. Gated like an update. An Office-level user's
     * last office is not removed (400: {@link RoomsUserStore#save} keeps the rule for every change of a profile).
     */
    public Written<RoomsUser> setOffice(Principal principal, long orgId, long memberId, int officeId, boolean member) {
        return access.write(principal, orgId, (tx, caller) -> {
            Handle h = tx.handle();
            RoomsUser current = find(h, caller, orgId, memberId);
            requireMay(h, caller, orgId, MemberRules.Action.MANAGE, current, member ? "adding a user to an office"
                    : "removing a user from an office");
            offices.requireOffices(h, orgId, "officeId", List.of(officeId));
            RoomsProfile after = current.profile().withOffice(officeId, member);
            if (after != current.profile()) {
                users.save(tx, orgModels.model(h, orgId), orgId, current.profile(), after);
                updateReach(tx, caller, orgId, current, after);
            }
            return find(h, caller, orgId, memberId);
        });
    }

    /** Adds a user to a region or removes it from one, like {@link #setOffice}: a Region-level user keeps one. */
    public Written<RoomsUser> setRegion(Principal principal, long orgId, long memberId, int regionId, boolean member) {
        return access.write(principal, orgId, (tx, caller) -> {
            Handle h = tx.handle();
            RoomsUser current = find(h, caller, orgId, memberId);
            requireMay(h, caller, orgId, MemberRules.Action.MANAGE, current, member ? "adding a user to a region"
                    : "removing a user from a region");
            offices.requireRegions(h, orgId, "regionId", List.of(regionId));
            RoomsProfile after = current.profile().withRegion(regionId, member);
            if (after != current.profile()) {
                users.save(tx, orgModels.model(h, orgId), orgId, current.profile(), after);
                updateReach(tx, caller, orgId, current, after);
            }
            return find(h, caller, orgId, memberId);
        });
    }

    /**
     * Sends a pending user's invitation again. Gatehouse sends no e-mail: the new invitation time is recorded (a
     * {@code rooms_profile} change of {@code invited_at}), for the product to act on. Gated like inviting a user
     * of its access level, through the member gate every other write on a user passes
     * ({@link MemberService#requireMay} with {@link MemberRules.Action#ADD}): so a user holding what the caller does
     * not is a 403 {@code privilege_escalation} here as for a lock or an update, as inviting it with its role would be,
     * and so is, on a v5 company, a user whose reach is in a place the caller does not manage, as inviting it there
     * would be ({@link ClassicHierarchy#requireManagesReach}: an Office Manager re-invites a Manager of its own
     * office, not another office's); a user that has accepted its invitation is a 409 {@code user_not_pending}, and a
     * Pending user who is locked a 409 {@code user_locked}, changing nothing: its invitation could not be accepted
     * until it is unlocked.
     */
    public Written<RoomsUser> reinvite(Principal principal, long orgId, long memberId) {
        return access.write(principal, orgId, (tx, caller) -> {
            Handle h = tx.handle();
            RoomsUser current = find(h, caller, orgId, memberId);
            PermissionModel model = orgModels.model(h, orgId);
            requireMay(h, caller, orgId, MemberRules.Action.ADD, current, "re-inviting a user");
            ClassicHierarchy.requireManagesReach(h, caller, model, current.member(), "would be offered again");
            if (!current.member().invited()) {
                throw new ConflictException("user_not_pending", "user " + memberId + " is not pending: its invitation "
                        + "was accepted (or it never had one), so there is nothing to send again");
            }
            if (current.lockedOut()) {
                throw new ConflictException("user_locked", "user " + memberId + " is locked: its invitation cannot "
                        + "be accepted until it is unlocked (POST …/users/" + memberId + "/unlock); unlock it first");
            }
            users.save(tx, model, orgId, current.profile(), current.profile().withInvitedAt(tx.now()));
            return find(h, caller, orgId, memberId);
        });
    }

    /**
     * Locks a user out: deactivates the member (a Pending user stays invited, its keys revoked) and keeps the reason,
     * if any ({@code reason} null: none, kept as {@link RoomsProfile#NO_LOCK_REASON}, which marks a Pending user's
     * lock as a reason does). Locking a locked user changes nothing.
     */
    public Written<RoomsUser> lock(Principal principal, long orgId, long memberId, String reason) {
        return setLockedOut(principal, orgId, memberId, true, reason == null ? RoomsProfile.NO_LOCK_REASON : reason,
                "locking a user");
    }

    /**
     * Unlocks a user: activates the member again, or leaves a Pending user Pending. Unlocking an unlocked user changes
     * nothing.
     */
    public Written<RoomsUser> unlock(Principal principal, long orgId, long memberId) {
        return setLockedOut(principal, orgId, memberId, false, null, "unlocking a user");
    }

    private Written<RoomsUser> setLockedOut(Principal principal, long orgId, long memberId, boolean lockedOut,
                                            String reason, String doing) {
        return access.write(principal, orgId, (tx, caller) -> {
            Handle h = tx.handle();
            RoomsUser current = find(h, caller, orgId, memberId);
            PermissionModel model = orgModels.model(h, orgId);
            MemberService.Changeable gated = members.requireMayChange(h, caller, model, current.member(),
                    current.member().roleId(), false, doing);
            if (current.lockedOut() == lockedOut) {
                return current;
            }
            if (current.member().invited()) {
                // a Pending user cannot act until it accepts: a lock keeps it Pending (the reason marks the lock)
                // and takes its keys, and an unlock leaves it Pending, as in Rooms; but it lets its invitation be
                // accepted, after which its roles count again: judged as reactivating it, as unlocking an active
                // user is (by the member service)
                if (lockedOut) {
                    members.revokeKeys(tx, orgId, current.member());
                } else {
                    members.requireMayReactivate(h, caller, model, orgId, gated);
                }
            } else {
                members.update(tx, caller, model, orgId, gated, status(lockedOut ? Member.DEACTIVATED
                        : Member.ACTIVE));
            }
            users.save(tx, model, orgId, current.profile(), current.profile().withLockReason(reason));
            return find(h, caller, orgId, memberId);
        });
    }

    /** Removes a user from the company: the member, its room roles and its keys. */
    public Written<RoomsUser> remove(Principal principal, long orgId, long memberId) {
        return access.write(principal, orgId, (tx, caller) -> {
            Handle h = tx.handle();
            RoomsUser current = find(h, caller, orgId, memberId);
            requireMay(h, caller, orgId, MemberRules.Action.REMOVE, current, "removing a user");
            members.delete(tx, orgModels.model(h, orgId), orgId, current.member());
            return current;
        });
    }

    /**
     * An invitee's default office (named {@code officeField}; null: none), offices and regions are the account's:
     * else one 400 naming every field that names one that is not, with the ids (as {@link Fields#check} names every
     * bad field of a body).
     */
    private void requirePlaces(Handle h, long orgId, String officeField, Integer defaultOfficeId,
                               List<Integer> officeIds, List<Integer> regionIds) {
        Map<String, String> errors = new LinkedHashMap<>();
        if (defaultOfficeId != null) {
            offices.unknownOffices(h, orgId, List.of(defaultOfficeId)).ifPresent(why -> errors.put(officeField, why));
        }
        offices.unknownOffices(h, orgId, officeIds).ifPresent(why -> errors.put("offices", why));
        offices.unknownRegions(h, orgId, regionIds).ifPresent(why -> errors.put("regions", why));
        if (!errors.isEmpty()) {
            throw new InvalidInputException("invalid_input", Fields.detail(errors), errors);
        }
    }

    /** In a v5 company, a Manager's offices and regions are its reach: its roles on the hierarchy follow them. */
    private void updateReach(Tx tx, Caller caller, long orgId, RoomsUser current, RoomsProfile after) {
        PermissionModel model = orgModels.model(tx.handle(), orgId);
        if (RoomsPermissions.classic(model.id())) {
            reach.update(tx, caller, model, orgId, current.member(), current.profile(), after);
        }
    }

    private void requireMay(Handle h, Caller caller, long orgId, MemberRules.Action action, RoomsUser user,
                            String what) {
        members.requireMay(h, caller, orgModels.model(h, orgId), action, user.member(),
                action == MemberRules.Action.REMOVE ? null : user.member().roleId(), false, what);
    }

    private static MemberInput status(String status) {
        return new MemberInput(null, null, null, null, null, null, status);
    }

    /**
     * A company user as the caller may see it: an outsider (an external member) sees none, so every call naming one
     * — a read or a change — answers it 404 alike, whether the user exists or not. Its flags are shown only to a
     * caller that may read its grants, by the rule of the native grants read ({@link GrantService#mayRead}): every
     * answer that carries a User (a read, an invitation, an update) comes from here.
     */
    private RoomsUser find(Handle h, Caller caller, long orgId, long memberId) {
        if (caller.external()) {
            throw notFound(orgId, memberId);
        }
        RoomsUser user = counted(h, orgId, memberId);
        return user.readBy(GrantService.mayRead(caller, orgModels.model(h, orgId), user.member()));
    }

    /**
     * The user with the grants that count: one whose company role takes none (a Manager moved to Agent keeps its
     * grants, which the engine counts only while its role takes them) is answered without them, so that it shows the
     * flags that take effect ({@link RoomsUser#classicFlags}).
     */
    private RoomsUser counted(Handle h, long orgId, long memberId) {
        RoomsUser user = users.find(h, orgId, memberId).orElseThrow(() -> notFound(orgId, memberId));
        if (user.grants().isEmpty()) {
            return user;
        }
        String roleKey = user.member().roleId() == null ? null
                : roles.find(h, orgId, user.member().roleId()).map(Role::systemKey).orElse(null);
        return Access.takesGrants(orgModels.model(h, orgId), roleKey) ? user : user.withoutGrants();
    }

    private static NotFoundException notFound(long orgId, long memberId) {
        return new NotFoundException("user_not_found", "no company user " + memberId + " in account of organization "
                + orgId);
    }
}
