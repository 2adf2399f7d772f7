package dev.gatehouse.grant;

import dev.gatehouse.access.Access;
import dev.gatehouse.access.Caller;
import dev.gatehouse.access.Grant;
import dev.gatehouse.access.Principal;
import dev.gatehouse.changelog.Action;
import dev.gatehouse.changelog.ObjectType;
import dev.gatehouse.error.ConflictException;
import dev.gatehouse.error.InvalidInputException;
import dev.gatehouse.error.NotFoundException;
import dev.gatehouse.member.Member;
import dev.gatehouse.member.MemberRef;
import dev.gatehouse.member.MemberRules;
import dev.gatehouse.member.MemberService;
import dev.gatehouse.model.MemberGrants;
import dev.gatehouse.model.OrgModels;
import dev.gatehouse.model.PermissionModel;
import dev.gatehouse.office.ClassicHierarchy;
import dev.gatehouse.role.Role;
import dev.gatehouse.role.RoleStore;
import dev.gatehouse.store.Tx;
import dev.gatehouse.store.Written;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jdbi.v3.core.Handle;

/**
 * Per-member grants: permissions one member holds beside its company role, within the bounds its organization's
 * model sets ({@code member_grants}: which permissions, to members of which system roles). A member's set is read
 * and replaced whole: one row and one change record ({@code member_grants}) per write, which every node's engine
 * applies; an empty set removes the row.
 *
 * <p>Rules: a member's grants are read by the member itself or with the model's {@code management.members}
 * permission, as its effective permissions are; writing them needs that permission, checked before anything else.
 * They are written only in a model that allows grants (else 400 {@code grants_not_allowed},
 * the empty set included: such a model holds none to remove); every permission must be one the
 * model lets be granted (400 naming {@code permissions}); the member's company role must be one of the model's
 * grant-taking system roles (409 {@code grants_not_taken}; a member moved to another role later keeps its row, and
 * the engine counts its grants only while the role takes them); granting needs the model's
 * {@code management.members} permission, and no escalation: a member may grant only permissions it holds itself
 * (its company role's, with its own grants where they count, as {@code Access} reads the caller), and on a v5
 * company only to a member whose reach lies where the caller manages ({@link ClassicHierarchy#requireManagesReach}:
 * a Manager's flags act wherever its reach does); revoking needs neither. An import {@link #restore restores} a
 * set as an export wrote it: for an internal member whose
 * company role takes none, as the set such a member keeps (stored, not counting until a judged move hands it out),
 * under every other rule. Thread-safe.
 */
public final class GrantService {

    private final Access access;
    private final OrgModels orgModels;
    private final MemberService members;
    private final GrantStore grants = new GrantStore();
    private final RoleStore roles = new RoleStore();

    public GrantService(Access access, OrgModels orgModels, MemberService members) {
        this.access = access;
        this.orgModels = orgModels;
        this.members = members;
    }

    /** A member and its grants (null: none). */
    public record Held(Member member, GrantSet grants) {
    }

    /**
     * The member's grants, read as its effective permissions are: by the member itself, or with the model's
     * member-management permission (else 403 {@code permission_required}); 404 when the caller does not see the
     * member. A caller without that permission is refused for any reference that does not name itself, whether it
     * names another member or nobody, so the answer tells it nothing of the directory.
     */
    public Held get(Principal principal, long orgId, MemberRef ref) {
        return access.read(principal, orgId, (h, caller) -> {
            PermissionModel model = orgModels.model(h, orgId);
            String manage = model.management().members();
            Member member;
            if (caller.has(manage)) {
                member = members.resolve(h, caller, orgId, ref);
            } else {
                try {
                    member = members.resolve(h, caller, orgId, ref);
                } catch (NotFoundException | ConflictException other) {
                    member = null;
                }
                if (member == null || !mayRead(caller, model, member)) {
                    caller.require(manage, "reading another member's grants");
                }
            }
            return new Held(member, grants.find(h, orgId, member.id()).orElse(null));
        });
    }

    /**
     * Whether {@code caller} may read {@code member}'s grants: the member itself, or a caller with {@code model}'s
     * member-management permission. The one rule for every answer that shows a member's grants, or what they make
     * of it (a Rooms v5 user's ClassicManagerPermissions), whichever API answers.
     */
    public static boolean mayRead(Caller caller, PermissionModel model, Member member) {
        return caller.is(member.id()) || caller.has(model.management().members());
    }

    /** Replaces the member's grants with {@code permissions} (empty: none). */
    public Written<Held> put(Principal principal, long orgId, MemberRef ref, List<String> permissions) {
        return access.write(principal, orgId, (tx, caller) -> {
            PermissionModel model = orgModels.model(tx.handle(), orgId);
            caller.require(model.management().members(), "changing a member's grants");
            requireGrantable(model, permissions);
            Member member = members.resolve(tx.handle(), caller, orgId, ref);
            Replaced replaced = put(tx, caller, model, orgId, member, permissions);
            return new Held(member, replaced.changed() ? replaced.after() : replaced.before());
        });
    }

    /**
     * What {@link #put(Tx, Caller, PermissionModel, long, Member, List)} or {@link #restore} found and left (null: no
     * grants); {@code kept}: it wrote a set that the member's company role takes none of, which is stored as the set
     * the member keeps and counts for nothing until a move hands it out.
     */
    public record Replaced(GrantSet before, GrantSet after, boolean changed, boolean kept) {
    }

    /**
     * Replaces {@code member}'s grants inside a running transaction of the organization (another service's write),
     * with every rule of {@link #put(Principal, long, MemberRef, List)}.
     */
    public Replaced put(Tx tx, Caller caller, PermissionModel model, long orgId, Member member,
                        List<String> permissions) {
        return replace(tx, caller, model, orgId, member, permissions, false);
    }

    /**
     * Replaces {@code member}'s grants as an import line restores them, with every rule of {@link #put(Tx, Caller,
     * PermissionModel, long, Member, List)} but one: an internal member whose company role takes no grants is not
     * refused ({@code grants_not_taken}) but has the set stored as the one it keeps ({@link Replaced#kept}). An
     * export writes every stored set, a moved member's too, and its import must give the copy the same state: the
     * grants count there exactly as in the original — not now, and again after the same judged move back
     * ({@link dev.gatehouse.access.Access#requireNoEscalationGrants}). The caller may still add only permissions it
     * holds itself, as for any set: a kept grant is handed out by whoever moves the member back, but is written by
     * this caller.
     */
    public Replaced restore(Tx tx, Caller caller, PermissionModel model, long orgId, Member member,
                            List<String> permissions) {
        return replace(tx, caller, model, orgId, member, permissions, true);
    }

    /** @param keep whether a member whose company role takes no grants keeps the set ({@link #restore}) */
    private Replaced replace(Tx tx, Caller caller, PermissionModel model, long orgId, Member member,
                             List<String> permissions, boolean keep) {
        Handle h = tx.handle();
        MemberGrants bounds = model.memberGrants();
        // the permission first, as every write of the native API: who may not change grants learns nothing of them
        caller.require(model.management().members(), "changing a member's grants");
        requireGrantable(model, permissions);
        // a member's grants are part of it (a v5 Manager's flags): changed only by who may change the member
        members.requireMay(h, caller, model, MemberRules.Action.MANAGE, member, member.roleId(), member.external(),
                "changing a member's grants");
        GrantSet before = grants.find(h, orgId, member.id()).orElse(null);
        Set<String> wanted = new LinkedHashSet<>(permissions);
        List<String> ordered = bounds.permissions().stream().filter(wanted::contains).toList();
        if (before != null && before.permissions().equals(ordered) || before == null && ordered.isEmpty()) {
            return new Replaced(before, before, false, false);
        }
        boolean kept = false;
        if (!ordered.isEmpty()) {
            Role role = member.roleId() == null ? null : roles.find(h, orgId, member.roleId()).orElse(null);
            kept = role != null && !Access.takesGrants(model, role.systemKey());
            if (role == null || kept && !keep) {
                throw grantsNotTaken(model, bounds, member, role);
            }
        }
        List<String> added = ordered.stream()
                .filter(p -> before == null || !before.permissions().contains(p)).toList();
        access.requireNoEscalation(caller, model, Access.HandedOut.GRANTS,
                new Grant(Set.copyOf(added), List.of(), false));
        if (!added.isEmpty()) {
            ClassicHierarchy.requireManagesReach(h, caller, model, member, "would act with the grants " + added);
        }
        if (before != null && before.permissions().contains(model.management().roles())) {
            requireNotLastManager(h, model, orgId, member, ordered);
        }
        GrantSet after = null;
        if (ordered.isEmpty()) {
            grants.delete(h, orgId, member.id());
        } else {
            after = grants.upsert(h, orgId, member.id(), ordered, tx.now());
        }
        tx.change(orgId, ObjectType.MEMBER_GRANTS, member.id(),
                before == null ? Action.CREATED : after == null ? Action.DELETED : Action.UPDATED,
                before == null ? null : LoggedGrants.of(before), after == null ? null : LoggedGrants.of(after));
        return new Replaced(before, after, true, kept);
    }

    /**
     * Removes a member's grants inside the transaction removing the member, recording it as a change (action
     * deleted, the grants as before) — their row would otherwise vanish with the member, unrecorded: part of the
     * members' {@link dev.gatehouse.member.MemberRemoval}.
     */
    public static void dropAll(Tx tx, long orgId, Member member) {
        GrantStore store = new GrantStore();
        GrantSet before = store.find(tx.handle(), orgId, member.id()).orElse(null);
        if (before != null) {
            store.delete(tx.handle(), orgId, member.id());
            tx.change(orgId, ObjectType.MEMBER_GRANTS, member.id(), Action.DELETED, LoggedGrants.of(before), null);
        }
    }

    /**
     * The last active member able to manage roles keeps that ability (409 {@code last_role_manager}), whether it
     * holds it through its company role or, as here, a grant: taking the grant away must leave another.
     */
    private void requireNotLastManager(Handle h, PermissionModel model, long orgId, Member member, List<String> after) {
        String manage = model.management().roles();
        if (after.contains(manage) || !member.active() || member.roleId() == null
                || roles.find(h, orgId, member.roleId()).map(r -> r.permissions().contains(manage)).orElse(false)
                || !roles.manages(h, orgId, model, member.id(), member.roleId())) {
            return;
        }
        if (roles.countManagers(h, orgId, model, member.id(), 0L) == 0) {
            throw ConflictException.about(member, "last_role_manager", "member " + member.id() + " is the last active "
                    + "member of organization " + orgId + " able to manage roles (\"" + manage + "\", through its "
                    + "grant); the grant cannot be taken away");
        }
    }

    private static void requireGrantable(PermissionModel model, List<String> permissions) {
        MemberGrants bounds = model.memberGrants();
        if (!bounds.allowed()) {
            throw new InvalidInputException("grants_not_allowed", "model " + model.id()
                    + " allows no per-member grants (it has no member_grants)",
                    Map.of("permissions", "the model allows no grants"));
        }
        List<String> beyond = permissions.stream().filter(p -> !bounds.permissions().contains(p)).toList();
        if (!beyond.isEmpty()) {
            throw InvalidInputException.field("permissions", "model " + model.id() + " does not let "
                    + beyond + " be granted; it lets " + bounds.permissions());
        }
    }

    /** 409 {@code grants_not_taken}: {@code member}'s company role ({@code role}, null: none) takes no grants. */
    private static ConflictException grantsNotTaken(PermissionModel model, MemberGrants bounds, Member member,
                                                    Role role) {
        return new ConflictException("grants_not_taken", "member " + member.id() + "'s company role "
                + (role == null ? "(none)" : "\"" + role.name() + "\"") + " takes no grants; model "
                + model.id() + " allows grants to members of the system roles " + bounds.roles(),
                Map.<String, Object>of("roles", bounds.roles()));
    }
}
