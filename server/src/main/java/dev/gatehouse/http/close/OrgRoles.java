package dev.gatehouse.http.close;

import dev.gatehouse.access.Principal;
import dev.gatehouse.role.Role;
import dev.gatehouse.role.RoleService;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The roles of one organization, addressable by Close id: a system role by its bare key ({@code admin},
 * {@code superuser}, {@code user}, {@code restricteduser}), a custom role by {@code role_…}. Loaded once per
 * request that needs several roles. Immutable.
 */
final class OrgRoles {

    /** More than any organization has; roles are few by nature. */
    private static final int ALL = 100_000;

    private final Map<Long, Role> byId = new HashMap<>();
    private final Map<String, Role> byCloseId = new HashMap<>();

    private OrgRoles(List<Role> roles) {
        for (Role role : roles) {
            byId.put(role.id(), role);
            byCloseId.put(closeId(role), role);
        }
    }

    static OrgRoles load(RoleService roles, Principal principal, long orgId) {
        return new OrgRoles(roles.list(principal, orgId, 0L, ALL));
    }

    static String closeId(Role role) {
        return role.system() ? role.systemKey() : CloseIds.encode(CloseIds.ROLE, role.id());
    }

    /** The Close id of a role id, also for a role deleted since (custom, so {@code role_…}). */
    String closeId(long roleId) {
        Role role = byId.get(roleId);
        return role == null ? CloseIds.encode(CloseIds.ROLE, roleId) : closeId(role);
    }

    Role byId(long roleId) {
        return byId.get(roleId);
    }

    /** The role with this Close id, or null. */
    Role resolve(String closeId) {
        return closeId == null ? null : byCloseId.get(closeId);
    }
}
