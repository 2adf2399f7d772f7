package dev.gatehouse.room;

import dev.gatehouse.access.Access;
import dev.gatehouse.access.Principal;
import dev.gatehouse.engine.DecisionEngine;
import dev.gatehouse.error.ForbiddenException;
import dev.gatehouse.error.NotFoundException;
import dev.gatehouse.member.Member;
import dev.gatehouse.member.MemberInput;
import dev.gatehouse.member.MemberService;
import dev.gatehouse.model.PermissionModel;
import dev.gatehouse.org.OrgModels;
import dev.gatehouse.store.SqlTime;
import dev.gatehouse.store.Store;
import dev.gatehouse.store.Tx;
import dev.gatehouse.store.Written;
import java.util.List;
import org.jdbi.v3.core.Handle;

import static dev.gatehouse.room.RoomsPermissions.ADD_MEMBER_LOWER;
import static dev.gatehouse.room.RoomsPermissions.ADD_MEMBER_SAME;
import static dev.gatehouse.room.RoomsPermissions.MANAGE_MEMBER_LOWER;
import static dev.gatehouse.room.RoomsPermissions.MANAGE_MEMBER_SAME;
import static dev.gatehouse.room.RoomsPermissions.REMOVE_MEMBER_LOWER;
import static dev.gatehouse.room.RoomsPermissions.REMOVE_MEMBER_SAME;

/**
 * Rooms' company users: internal members plus their Rooms profile. The member rules (unique email, an internal
 * company role, no privilege escalation, never the last member able to manage roles) stay in
 * {@link MemberService}; this adds Rooms' gates by access level:
 *
 * <ul>
 *   <li>acting on a user of a <em>lower</em> access level than the caller's needs the "…LowerAccessLevel" or
 *       the "…SameAccessLevel" permission of the action; on the <em>same</em> level, the "…SameAccessLevel"
 *       one; on a higher level, nothing allows it (inviting: the level asked for the new user);</li>
 *   <li>the actions are invite ({@code canAddMemberAndSetRole…}), update, lock and unlock
 *       ({@code canManageMember…}) and remove ({@code canRemoveCompanyMember…}); service keys pass every gate.</li>
 * </ul>
 *
 * A lock deactivates the member (no key of it works, every decision about it is a denial) and keeps the
 * reason; an unlock activates it again. Thread-safe.
 */
public final class RoomsUserService {

    private final Store store;
    private final RoomsUserStore users = new RoomsUserStore();
    private final MemberService members;
    private final OrgModels orgModels;
    private final Access access;
    private final DecisionEngine engine;

    /** Who to invite; see Rooms' UserToInvite. */
    public record Invite(String firstName, String lastName, String email, long roleId, AccessLevel accessLevel,
                         Integer defaultOfficeId, List<Integer> offices, List<Integer> regions,
                         String eSignPermissionProfileId) {
    }

    public RoomsUserService(Store store, MemberService members, OrgModels orgModels, Access access,
                            DecisionEngine engine) {
        this.store = store;
        this.members = members;
        this.orgModels = orgModels;
        this.access = access;
        this.engine = engine;
    }

    public Slice<RoomsUser> list(Principal principal, long orgId, UserQuery query) {
        access.requireOrg(principal, orgId);
        return store.read(h -> users.search(h, orgId, query));
    }

    public RoomsUser get(Principal principal, long orgId, long memberId) {
        access.requireOrg(principal, orgId);
        return store.read(h -> find(h, orgId, memberId));
    }

    public Written<RoomsUser> invite(Principal principal, long orgId, Invite in) {
        return store.write(Access.actor(principal), orgId, tx -> {
            Handle h = tx.handle();
            PermissionModel model = orgModels.model(h, orgId);
            requireLevel(h, principal, orgId, in.accessLevel(), ADD_MEMBER_LOWER, ADD_MEMBER_SAME, "inviting a user");
            Member member = members.insert(tx, principal, model, orgId, new MemberInput(in.email(), in.email(),
                    in.firstName(), in.lastName(), in.roleId(), false, null));
            RoomsProfile profile = new RoomsProfile(member.id(), in.accessLevel(), in.defaultOfficeId(), null,
                    in.offices(), in.regions(), in.eSignPermissionProfileId(), null);
            save(tx, orgId, null, profile);
            return find(h, orgId, member.id());
        });
    }

    /** Sets the default office, the one field Rooms lets a client change. */
    public Written<RoomsUser> updateDefaultOffice(Principal principal, long orgId, long memberId, Integer officeId) {
        return store.write(Access.actor(principal), orgId, tx -> {
            Handle h = tx.handle();
            RoomsUser current = find(h, orgId, memberId);
            requireLevel(h, principal, orgId, current.profile().accessLevel(), MANAGE_MEMBER_LOWER, MANAGE_MEMBER_SAME,
                    "updating a user");
            save(tx, orgId, current.profile(), current.profile().withDefaultOffice(officeId));
            return find(h, orgId, memberId);
        });
    }

    /** Locks a user out: deactivates the member and keeps the reason. Locking a locked user changes nothing. */
    public Written<RoomsUser> lock(Principal principal, long orgId, long memberId, String reason) {
        return setLockedOut(principal, orgId, memberId, true, reason, "locking a user");
    }

    /** Unlocks a user: activates the member again. Unlocking an unlocked user changes nothing. */
    public Written<RoomsUser> unlock(Principal principal, long orgId, long memberId) {
        return setLockedOut(principal, orgId, memberId, false, null, "unlocking a user");
    }

    private Written<RoomsUser> setLockedOut(Principal principal, long orgId, long memberId, boolean lockedOut,
                                            String reason, String doing) {
        return store.write(Access.actor(principal), orgId, tx -> {
            Handle h = tx.handle();
            RoomsUser current = find(h, orgId, memberId);
            requireLevel(h, principal, orgId, current.profile().accessLevel(), MANAGE_MEMBER_LOWER, MANAGE_MEMBER_SAME,
                    doing);
            if (current.lockedOut() == lockedOut) {
                return current;
            }
            PermissionModel model = orgModels.model(h, orgId);
            members.update(tx, principal, model, orgId, current.member(),
                    status(lockedOut ? Member.DEACTIVATED : Member.ACTIVE));
            save(tx, orgId, current.profile(), current.profile().withLockReason(reason));
            return find(h, orgId, memberId);
        });
    }

    /** Removes a user from the company: the member, its room roles and its keys. */
    public Written<RoomsUser> remove(Principal principal, long orgId, long memberId) {
        return store.write(Access.actor(principal), orgId, tx -> {
            Handle h = tx.handle();
            RoomsUser current = find(h, orgId, memberId);
            requireLevel(h, principal, orgId, current.profile().accessLevel(), REMOVE_MEMBER_LOWER, REMOVE_MEMBER_SAME,
                    "removing a user");
            members.delete(tx, orgModels.model(h, orgId), orgId, current.member());
            return current;
        });
    }

    /** The access level of a member: stored, or the default (see {@link RoomsProfile}); external: the lowest. */
    private AccessLevel level(Handle h, long orgId, long memberId) {
        return users.find(h, orgId, memberId).map(u -> u.profile().accessLevel()).orElse(AccessLevel.CONTRIBUTOR);
    }

    private static MemberInput status(String status) {
        return new MemberInput(null, null, null, null, null, null, status);
    }

    private void save(Tx tx, long orgId, RoomsProfile before, RoomsProfile after) {
        users.upsert(tx.handle(), orgId, after, SqlTime.now());
        tx.change(orgId, "rooms_profile", after.memberId(), before == null ? "created" : "updated",
                before == null ? null : RoomsSnapshots.profile(before), RoomsSnapshots.profile(after));
    }

    private RoomsUser find(Handle h, long orgId, long memberId) {
        return users.find(h, orgId, memberId).orElseThrow(() -> new NotFoundException("user_not_found",
                "no company user " + memberId + " in account of organization " + orgId));
    }

    /** Rooms' gate for acting on a user of access level {@code target}; see the class comment. */
    private void requireLevel(Handle h, Principal principal, long orgId, AccessLevel target, String lower, String same,
                              String what) {
        access.requireOrg(principal, orgId);
        if (!(principal instanceof Principal.Member m)) {
            return;
        }
        AccessLevel own = level(h, orgId, m.memberId());
        int cmp = target.compareTo(own);
        if (cmp > 0) {
            throw new ForbiddenException("access_level_too_high", what + " with access level " + target.wire()
                    + " is above the caller's own access level " + own.wire() + " (member " + m.memberId() + ")");
        }
        boolean allowed = engine.check(orgId, m.memberId(), same)
                || (cmp < 0 && engine.check(orgId, m.memberId(), lower));
        if (!allowed) {
            throw new ForbiddenException("permission_required", what + " with access level " + target.wire()
                    + " needs \"" + (cmp < 0 ? lower + "\" or \"" + same : same) + "\", which member " + m.memberId()
                    + " (access level " + own.wire() + ") does not have");
        }
    }
}
