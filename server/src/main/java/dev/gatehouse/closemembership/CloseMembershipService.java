package dev.gatehouse.closemembership;

import dev.gatehouse.access.Access;
import dev.gatehouse.access.Caller;
import dev.gatehouse.access.Principal;
import dev.gatehouse.changelog.Action;
import dev.gatehouse.changelog.ChangeRecord;
import dev.gatehouse.changelog.ObjectType;
import dev.gatehouse.error.ConflictException;
import dev.gatehouse.error.ForbiddenException;
import dev.gatehouse.member.Member;
import dev.gatehouse.member.MemberInput;
import dev.gatehouse.member.MemberRef;
import dev.gatehouse.member.MemberRules;
import dev.gatehouse.member.MemberService;
import dev.gatehouse.member.MemberStore;
import dev.gatehouse.model.OrgModels;
import dev.gatehouse.model.PermissionModel;
import dev.gatehouse.role.Role;
import dev.gatehouse.role.RoleReading;
import dev.gatehouse.role.RoleStore;
import dev.gatehouse.store.Tx;
import dev.gatehouse.store.Written;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jdbi.v3.core.Handle;
import tools.jackson.databind.JsonNode;

/**
 * Close's memberships: provisioning people by email, role changes together with Close's membership settings,
 * deactivation, and pinned views. Everything about the member itself goes through {@link MemberService}, inside
 * the same transaction, so its rules hold here too (the model's member gate — on Close's model
 * {@code manage_organization} —, no escalation, the last role manager stays); Close's own state is the settings
 * and pinned views, each change of which is one change record ({@code close_membership_settings},
 * {@code close_pinned_views}).
 *
 * <p>Rules of its own: a membership is added with a role that does not grant the model's role-management
 * permission (it can be given one by an update afterwards); an email that an active member already has is a 409
 * {@code membership_exists} about that member, and one a deactivated member has reactivates it; a member reads and
 * sets its own pinned views, anyone else's need the member gate. A membership that does not exist is the
 * member service's 404 {@code member_not_found}, about the {@link MemberRef} that named nobody.
 *
 * <p>Thread-safe.
 */
public final class CloseMembershipService {

    private static final String SETTING_OTHERS_PINNED_VIEWS = "setting another member's pinned views";

    private final Access access;
    private final MemberService members;
    private final OrgModels orgModels;
    private final MemberStore memberStore = new MemberStore();
    private final RoleStore roleStore = new RoleStore();
    private final MembershipSettingsStore settingsStore = new MembershipSettingsStore();

    public CloseMembershipService(Access access, MemberService members, OrgModels orgModels) {
        this.access = access;
        this.members = members;
        this.orgModels = orgModels;
    }

    /**
     * Adds the person with {@code email} and company role {@code roleId}: a new member with user id
     * {@code newUserId}, or the deactivated member with that email, reactivated.
     */
    public Written<Membership> add(Principal principal, long orgId, String email, long roleId, String newUserId) {
        return access.write(principal, orgId, (tx, caller) -> {
            Handle h = tx.handle();
            PermissionModel model = orgModels.model(h, orgId);
            members.requireMay(h, caller, model, MemberRules.Action.ADD, null, roleId, false, "adding a membership");
            Role role = roleStore.find(h, orgId, roleId).orElseThrow(() -> RoleReading.notFound(orgId, roleId));
            if (role.permissions().contains(model.management().roles())) {
                throw new ForbiddenException("role_not_allowed", "A membership created through the API cannot "
                        + "hold a role that grants " + model.management().roles() + " (\"" + role.name() + "\"); "
                        + "create it with another role and update its role_id afterwards.");
            }
            Member member = memberStore.findByEmail(h, orgId, email).orElse(null);
            if (member != null && member.active()) {
                throw ConflictException.about(member, "membership_exists", email + " is already an active member of "
                        + "organization " + orgId + " (member " + member.id() + ")");
            }
            if (member != null) {
                // activating a deactivated or invited member is changing it: gated as any change of it (no one above the caller)
                MemberService.Changeable gated = members.requireMayChange(h, caller, model, member, roleId,
                        member.external(), "activating a membership");
                member = members.update(tx, caller, model, orgId, gated,
                        new MemberInput(null, null, null, null, roleId, null, Member.ACTIVE));
            } else {
                member = members.insert(tx, caller, model, orgId,
                        new MemberInput(newUserId, email, null, null, roleId, false, null));
            }
            return new Membership(member, settingsStore.settings(h, member.id()));
        });
    }

    /** Changes a membership's role and/or settings. */
    public Written<Membership> update(Principal principal, long orgId, long memberId, MembershipUpdate update) {
        return access.write(principal, orgId, (tx, caller) -> apply(tx, caller, orgId, memberId, update));
    }

    /** The same update of several memberships, in one transaction: all or nothing. Returns how many. */
    public Written<Integer> updateAll(Principal principal, long orgId, List<Long> memberIds, MembershipUpdate update) {
        return access.write(principal, orgId, (tx, caller) -> {
            for (long memberId : memberIds) {
                apply(tx, caller, orgId, memberId, update);
            }
            return memberIds.size();
        });
    }

    /**
     * Deactivates the membership (the member stays, without access); deactivating twice changes nothing. An invited
     * member (added through the native API) is deactivated too, so that its invitation can no longer be accepted.
     */
    public Written<Member> deactivate(Principal principal, long orgId, long memberId) {
        return access.write(principal, orgId, (tx, caller) -> {
            Member member = member(tx.handle(), caller, orgId, memberId);
            PermissionModel model = orgModels.model(tx.handle(), orgId);
            MemberService.Changeable gated = members.requireMayChange(tx.handle(), caller, model, member,
                    member.roleId(), member.external(), "deactivating a membership");
            if (!Member.DEACTIVATED.equals(member.status())) {
                members.update(tx, caller, model, orgId, gated,
                        new MemberInput(null, null, null, null, null, null, Member.DEACTIVATED));
            }
            return member;
        });
    }

    /**
     * Removes a member's Close settings and pinned views inside the transaction removing the member, recording each
     * it has stored as a change (action deleted, the object as before) — their rows would otherwise vanish with the
     * member, unrecorded: part of the members' {@link dev.gatehouse.member.MemberRemoval}. A member with neither
     * stored records nothing. Close's log shows the settings' deletion by the membership's own
     * ({@link MembershipHistory}).
     */
    public static void dropAll(Tx tx, long orgId, Member member) {
        MembershipSettingsStore store = new MembershipSettingsStore();
        store.deletePinnedViews(tx.handle(), orgId, member.id()).ifPresent(ids -> tx.change(orgId,
                ObjectType.CLOSE_PINNED_VIEWS, member.id(), Action.DELETED, MembershipSnapshots.pinnedViews(member, ids),
                null));
        store.deleteSettings(tx.handle(), orgId, member.id()).ifPresent(settings -> tx.change(orgId,
                ObjectType.CLOSE_MEMBERSHIP_SETTINGS, member.id(), Action.DELETED,
                MembershipSnapshots.settings(settings, member.userId()), null));
    }

    /**
     * For each membership record among {@code records} (events already shown to the caller), by revision, the
     * other half of the membership around it ({@link MembershipHistory}), as an {@link OtherHalf}: the settings
     * beside a {@code member} record, the member beside a {@code close_membership_settings} record — before the
     * record's write and as it stood then, and whether a later record of the same write shows the change.
     */
    public Map<Long, OtherHalf> otherHalves(Principal principal, long orgId, List<ChangeRecord> records) {
        return access.read(principal, orgId, (h, caller) -> MembershipHistory.otherHalves(h, orgId, records));
    }

    /** A member's own settings (for the caller itself, or any member the caller may see). */
    public MembershipSettings settings(Principal principal, long orgId, long memberId) {
        return access.read(principal, orgId, (h, caller) -> settingsStore.settings(h, member(h, caller, orgId,
                memberId).id()));
    }

    /** The stored settings of an organization's members by member id; members with defaults are absent. */
    public Map<Long, MembershipSettings> settingsOf(Principal principal, long orgId) {
        return access.read(principal, orgId, (h, caller) -> settingsStore.settingsOf(h, orgId));
    }

    /** A member's pinned views, in order. */
    public List<String> pinnedViews(Principal principal, long orgId, long memberId) {
        return access.read(principal, orgId, (h, caller) -> {
            Member member = member(h, caller, orgId, memberId);
            if (!caller.is(memberId)) {
                requireManager(h, caller, orgId, member, "reading another member's pinned views");
            }
            return settingsStore.pinnedViews(h, memberId);
        });
    }

    /**
     * Refuses, as {@link #setPinnedViews} does, a caller that may not set {@code memberId}'s pinned views (404 for
     * a membership it does not see, 403 for another member's without the member gate): for a dialect that reads the
     * list only after it, so that who may not set them is refused whatever it sent. Writes nothing.
     */
    public void requireMaySetPinnedViews(Principal principal, long orgId, long memberId) {
        access.read(principal, orgId, (h, caller) -> {
            Member member = member(h, caller, orgId, memberId);
            if (!caller.is(memberId)) {
                requireManager(h, caller, orgId, member, SETTING_OTHERS_PINNED_VIEWS);
            }
            return null;
        });
    }

    /** Replaces a member's whole ordered list of pinned views. */
    public Written<List<String>> setPinnedViews(Principal principal, long orgId, long memberId, List<String> ids) {
        List<String> wanted = List.copyOf(ids);
        return access.write(principal, orgId, (tx, caller) -> {
            Handle h = tx.handle();
            Member member = member(h, caller, orgId, memberId);
            if (!caller.is(memberId)) {
                requireManager(h, caller, orgId, member, SETTING_OTHERS_PINNED_VIEWS);
            }
            List<String> before = settingsStore.pinnedViews(h, memberId);
            if (!before.equals(wanted)) {
                settingsStore.savePinnedViews(h, orgId, memberId, wanted, tx.now());
                tx.change(orgId, ObjectType.CLOSE_PINNED_VIEWS, memberId, Action.UPDATED,
                        MembershipSnapshots.pinnedViews(member, before), MembershipSnapshots.pinnedViews(member, wanted));
            }
            return wanted;
        });
    }

    private Membership apply(Tx tx, Caller caller, long orgId, long memberId, MembershipUpdate update) {
        Handle h = tx.handle();
        Member member = member(h, caller, orgId, memberId);
        PermissionModel model = orgModels.model(h, orgId);
        MemberService.Changeable gated = members.requireMayChange(h, caller, model, member,
                update.roleId() != null ? update.roleId() : member.roleId(), false, "updating a membership");
        if (update.roleId() != null && !Objects.equals(update.roleId(), member.roleId())) {
            member = members.update(tx, caller, model, orgId, gated,
                    new MemberInput(null, null, null, null, update.roleId(), null, null));
        }
        MembershipSettings before = settingsStore.settings(h, memberId);
        MembershipSettings after = update.applyTo(before);
        if (!after.equals(before)) {
            settingsStore.save(h, orgId, after, tx.now());
            tx.change(orgId, ObjectType.CLOSE_MEMBERSHIP_SETTINGS, memberId, Action.UPDATED,
                    MembershipSnapshots.settings(before, member.userId()),
                    MembershipSnapshots.settings(after, member.userId()));
        }
        return new Membership(member, after);
    }

    /** The member gate ({@link MemberRules}; on Close's model {@code manage_organization}); returns the model. */
    private PermissionModel requireManager(Handle h, Caller caller, long orgId, Member member, String what) {
        PermissionModel model = orgModels.model(h, orgId);
        members.requireMay(h, caller, model, MemberRules.Action.MANAGE, member, member.roleId(), member.external(),
                what);
        return model;
    }

    private Member member(Handle h, Caller caller, long orgId, long memberId) {
        return members.resolve(h, caller, orgId, MemberRef.id(memberId));
    }
}
