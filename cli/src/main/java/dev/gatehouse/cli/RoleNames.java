package dev.gatehouse.cli;

import dev.gatehouse.client.Roles.Role;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The names a {@link Plan} shows for roles. A role the file names is shown as the role its reference resolves to
 * ({@link RoleIds}), not as the file spells the reference — {@code role: 30}, {@code role: editor} and
 * {@code role: σίσυφοσ} read {@code "Editor" (id 30)}, {@code "Editor"} and {@code "ΣΊΣΥΦΟΣ"}, so what a reviewer
 * approves is the role that will be written — under the name it has once the plan's roles are written: a declared
 * role's name as the file declares it (created, or renamed to the file's spelling), any other role's as stored.
 * Filled while the plan is computed; not thread-safe.
 */
final class RoleNames {

    private final Map<Long, String> stored = new HashMap<>();
    private final Map<Long, String> declared = new HashMap<>();
    private final Map<String, String> created = new HashMap<>();
    private final RoleIds roleIds;

    private RoleNames(RoleIds roleIds) {
        this.roleIds = roleIds;
    }

    /** The organization's roles as read before planning; {@code roleIds} resolves the file's references. */
    static RoleNames of(List<Role> roles, RoleIds roleIds) {
        RoleNames names = new RoleNames(roleIds);
        roles.forEach(role -> names.stored.put(role.id(), role.name()));
        return names;
    }

    /** Records a role the file declares: {@code role} when the organization has it (matched by name), else null. */
    void declare(String name, Role role) {
        if (role == null) {
            created.put(RoleIds.fold(name), name);
        } else {
            declared.put(role.id(), name);
        }
    }

    /** A role the organization holds now, by id, as the plan shows it: its stored name, quoted. */
    String now(long id) {
        return Plan.value(stored.getOrDefault(id, String.valueOf(id)));
    }

    /**
     * The role a reference of the file resolves to, as the plan shows it: its name once the plan's roles are written,
     * quoted, followed by its id when the reference named it by id ({@code "Editor" (id 30)}).
     */
    String planned(String reference) {
        Long id = roleIds.find(reference);
        if (id == null) {
            // a role the plan creates: a declared name, matched as a name is (duplicates are refused)
            return Plan.value(created.getOrDefault(RoleIds.fold(reference), reference));
        }
        String name = declared.getOrDefault(id, stored.getOrDefault(id, reference));
        return Plan.value(name) + (roleIds.byId(reference) ? " (id " + id + ")" : "");
    }
}
