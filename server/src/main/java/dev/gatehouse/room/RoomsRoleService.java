package dev.gatehouse.room;

import dev.gatehouse.access.Access;
import dev.gatehouse.access.Caller;
import dev.gatehouse.access.Principal;
import dev.gatehouse.member.Member;
import dev.gatehouse.member.MemberStore;
import dev.gatehouse.model.OrgModels;
import dev.gatehouse.model.Permission;
import dev.gatehouse.model.PermissionModel;
import dev.gatehouse.role.Role;
import dev.gatehouse.role.RoleService;
import dev.gatehouse.role.RoleStore;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Rooms' views of roles: which roles a caller may assign, whether a role is in use, and a room's assignable
 * roles. Roles themselves are created, changed and deleted through {@code RoleService}, whose holders count the room
 * users whose access is revoked, who keep their room role for a restore. An organization has few roles, so lists
 * are filtered in memory. Thread-safe.
 */
public final class RoomsRoleService {

    /** Rooms' role filter contexts. */
    public enum Context {
        /** Every role. */
        ALL_ROLES,
        /** Roles whose company permissions the caller all holds (Rooms' {@code onlyAssignable=true}). */
        ASSIGNABLE_BY_COMPANY_PERMISSIONS,
        /** Roles whose permissions the caller all holds. */
        ASSIGNABLE_BY_ALL_PERMISSIONS
    }

    /** A room's assignable (external) roles and, where it applies, the invitee's current company role. */
    public record Assignable(Slice<Role> roles, Long currentRoleId) {
    }

    private static final int MAX_ROLES = 100_000;

    private final Access access;
    private final RoleStore roles = new RoleStore();
    private final MemberStore members = new MemberStore();
    private final RoleService roleService;
    private final RoomsRules rules;
    private final OrgModels orgModels;

    public RoomsRoleService(Access access, RoleService roleService, RoomsRules rules, OrgModels orgModels) {
        this.access = access;
        this.roleService = roleService;
        this.rules = rules;
        this.orgModels = orgModels;
    }

    /**
     * The roles the caller may read (see {@link RoleService}) in the context, whose name starts with
     * {@code namePrefix} (ignoring case), by id.
     */
    public List<Role> list(Principal principal, long orgId, Context context, String namePrefix) {
        return access.read(principal, orgId, (h, caller) -> {
            PermissionModel model = orgModels.model(h, orgId);
            Predicate<Role> assignable = assignable(caller, model, context);
            return roleService.readable(h, caller, orgId, 0L, MAX_ROLES).stream().filter(assignable)
                    .filter(r -> startsWith(r.name(), namePrefix)).toList();
        });
    }

    /** Whether a role is held: as a company role, a room role, or remembered for a revoked room user. */
    public boolean isAssigned(Principal principal, long orgId, long roleId) {
        return access.read(principal, orgId, (h, caller) -> {
            return roles.holders(h, orgId, roleId).any();
        });
    }

    /**
     * The external roles assignable in a room the caller sees, by id, whose name starts with {@code namePrefix};
     * with the company role of the invitee {@code assigneeEmail} when the caller and the invitee are both internal.
     */
    public Assignable assignable(Principal principal, long orgId, int roomId, String assigneeEmail, String namePrefix,
                                 int start, int count) {
        return access.read(principal, orgId, (h, caller) -> {
            rules.visibleRoom(h, caller, roomId);
            List<Role> external = roles.list(h, orgId, 0L, MAX_ROLES, null).stream().filter(Role::external)
                    .filter(r -> startsWith(r.name(), namePrefix)).toList();
            List<Role> page = external.subList(Math.min(start, external.size()),
                    Math.min(start + count, external.size()));
            Long current = null;
            if (assigneeEmail != null && !caller.external()) {
                current = members.findByEmail(h, orgId, assigneeEmail).filter(x -> !x.external())
                        .map(Member::roleId).orElse(null);
            }
            return new Assignable(new Slice<>(page, external.size()), current);
        });
    }

    private static Predicate<Role> assignable(Caller caller, PermissionModel model, Context context) {
        if (context == Context.ALL_ROLES || caller.isService()) {
            return r -> true;
        }
        if (context == Context.ASSIGNABLE_BY_ALL_PERMISSIONS) {
            return r -> r.permissions().stream().allMatch(caller::has);
        }
        Set<String> company = new HashSet<>();
        for (Permission p : model.permissions()) {
            if (RoomsPermissions.COMPANY_CATEGORIES.contains(p.category())) {
                company.add(p.key());
            }
        }
        return r -> r.permissions().stream().filter(company::contains).allMatch(caller::has);
    }

    private static boolean startsWith(String name, String prefix) {
        return prefix == null || prefix.isEmpty()
                || name.toLowerCase(Locale.ROOT).startsWith(prefix.toLowerCase(Locale.ROOT));
    }
}
