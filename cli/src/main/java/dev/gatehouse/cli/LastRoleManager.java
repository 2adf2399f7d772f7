package dev.gatehouse.cli;

import dev.gatehouse.cli.ApplyFile.MemberDecl;
import dev.gatehouse.cli.ApplyFile.RoleDecl;
import dev.gatehouse.client.Members.Member;
import dev.gatehouse.client.Members.Status;
import dev.gatehouse.client.Roles.Role;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * The server's last-manager rule, played through an apply plan's writes before any is made: an organization that has
 * an active member able to manage roles (the model's {@code management.roles} permission, through its company role
 * or, where the model lets that permission be granted, a grant) keeps one after every write — a role losing the
 * permission, a member demoted, deactivated or removed is refused otherwise (409 {@code last_role_manager}), which
 * would stop a plan halfway. The writes are taken in the plan's order: roles changed, members written
 * ({@link MemberOrder}), members removed by prune. A member's count changes by its own write alone; a role's change
 * counts every member again (roles are few). Not thread-safe: one per check.
 */
final class LastRoleManager {

    /** A member as the plan leaves it: its company role (an id, or a role the file creates) and whether active. */
    private record State(Long roleId, RoleDecl newRole, boolean active) {
    }

    private final String manage;
    private final Set<String> takers;
    private final Map<Long, Role> byId = new HashMap<>();
    /** Whether each role grants the permission: as it is now, and once the plan changed the roles. */
    private final Map<Long, Boolean> rolesNow = new HashMap<>();
    private final Map<Long, Boolean> rolesAfter = new HashMap<>();
    private final List<RoleDecl> roleDecls;
    private final Map<String, RoleDecl> declared = new HashMap<>();
    private final Map<String, Role> custom = new HashMap<>();
    private final RoleIds ids;
    private final Function<Member, List<String>> grants;
    private final Map<Long, Boolean> granted = new HashMap<>();

    /**
     * @param grants a member's grants as they are now (read only where the model lets the permission be granted,
     *               for members of a role that takes it)
     */
    LastRoleManager(ApplyFile file, List<Role> roles, RoleIds ids, ModelRules model,
                    Function<Member, List<String>> grants) {
        this.manage = model.manageRoles();
        this.takers = model.manageRolesGrantedTo();
        this.ids = ids;
        this.grants = grants;
        this.roleDecls = file.roles();
        for (Role role : roles) {
            byId.put(role.id(), role);
            rolesNow.put(role.id(), manage != null && role.permissions().contains(manage));
            if (!role.system()) {
                custom.put(RoleIds.fold(role.name()), role);
            }
        }
        rolesAfter.putAll(rolesNow);
        for (RoleDecl decl : roleDecls) {
            declared.put(RoleIds.fold(decl.name()), decl);
            Role role = custom.get(RoleIds.fold(decl.name()));
            if (role != null && decl.permissions() != null) {
                rolesAfter.put(role.id(), decl.permissions().contains(manage));
            }
        }
    }

    /** Whether writing {@code decl} takes the ability to manage roles from its member (after the roles' changes). */
    boolean loses(MemberDecl decl, Member member) {
        return manage != null && member != null && manages(member, now(member), rolesAfter)
                && !manages(member, after(decl, member), rolesAfter);
    }

    /**
     * Fails, naming the write, when a write of the plan would leave no active member able to manage roles where one
     * was.
     *
     * @param order   the declared members in the order the plan writes them
     * @param members the organization's members by user id
     * @param removed the members prune removes, in the order it removes them
     */
    void check(List<MemberDecl> order, Map<String, Member> members, List<Member> removed) {
        if (manage == null) {
            return;
        }
        Map<String, State> states = new HashMap<>();
        members.values().forEach(m -> states.put(m.userId(), now(m)));
        Map<Long, Boolean> roles = new HashMap<>(rolesNow);
        long managers = count(members, states, roles);
        for (RoleDecl decl : roleDecls) {
            Role role = custom.get(RoleIds.fold(decl.name()));
            if (role == null || decl.permissions() == null) {
                continue;
            }
            roles.put(role.id(), decl.permissions().contains(manage));
            long after = count(members, states, roles);
            if (managers > 0 && after == 0) {
                throw new CliException("role \"" + decl.name() + "\": taking \"" + manage + "\" from it would leave "
                        + "no active member able to manage roles, which the server refuses (last_role_manager): "
                        + "keep it, or first give another member a role that has it");
            }
            managers = after;
        }
        for (MemberDecl decl : order) {
            Member member = members.get(decl.userId());
            if (member == null) {
                managers += manages(null, after(decl, null), roles) ? 1 : 0;
                continue;
            }
            State now = states.get(member.userId());
            State next = after(decl, member);
            states.put(member.userId(), next);
            boolean managed = manages(member, now, roles);
            managers += (manages(member, next, roles) ? 1 : 0) - (managed ? 1 : 0);
            if (managers == 0 && managed) {
                throw new CliException("member \"" + decl.userId() + "\" is the last active member able to manage "
                        + "roles (\"" + manage + "\") when the plan " + (next.active() ? "changes its role"
                        : "deactivates it") + ", which the server refuses (last_role_manager): keep it able to, "
                        + "or declare another member who is");
            }
        }
        for (Member member : removed) {
            if (manages(member, states.get(member.userId()), roles) && --managers == 0) {
                throw new CliException("member \"" + member.userId() + "\" is the last active member able to "
                        + "manage roles (\"" + manage + "\"), and prune would remove it, which the server refuses "
                        + "(last_role_manager): declare it, or another member who is able to");
            }
        }
    }

    private long count(Map<String, Member> members, Map<String, State> states, Map<Long, Boolean> roles) {
        return members.values().stream().filter(m -> manages(m, states.get(m.userId()), roles)).count();
    }

    private static State now(Member member) {
        return new State(member.roleId(), null, member.status() == Status.ACTIVE);
    }

    /** The member as the plan's write leaves it ({@code member} null: one the plan creates). */
    private State after(MemberDecl decl, Member member) {
        boolean active = decl.status() != null ? decl.status() == Status.ACTIVE
                : member == null || member.status() == Status.ACTIVE;
        if (decl.role() == null) {
            return new State(member == null ? null : member.roleId(), null, active);
        }
        RoleDecl declaredRole = declared.get(RoleIds.fold(decl.role()));
        Role existing = declaredRole == null ? null : custom.get(RoleIds.fold(declaredRole.name()));
        if (declaredRole != null && existing == null) {
            return new State(null, declaredRole, active);
        }
        return new State(existing != null ? existing.id() : ids.find(decl.role()), null, active);
    }

    /**
     * Whether {@code member} (null: a new one, which holds no grant) in {@code state} may manage roles, its roles
     * granting the permission as {@code roles} says.
     */
    private boolean manages(Member member, State state, Map<Long, Boolean> roles) {
        if (state == null || !state.active()) {
            return false;
        }
        if (state.newRole() != null) {
            return state.newRole().permissions() != null && state.newRole().permissions().contains(manage);
        }
        if (state.roleId() == null) {
            return false;
        }
        if (roles.getOrDefault(state.roleId(), false)) {
            return true;
        }
        Role role = byId.get(state.roleId());
        return member != null && role != null && role.key() != null && takers.contains(role.key())
                && granted.computeIfAbsent(member.id(), id -> grants.apply(member).contains(manage));
    }
}
