package dev.gatehouse.cli;

import dev.gatehouse.cli.ApplyFile.MemberDecl;
import dev.gatehouse.cli.ApplyFile.RoleDecl;
import dev.gatehouse.client.Assignments.Assignment;
import dev.gatehouse.client.Members.Member;
import dev.gatehouse.client.MemberRef;
import dev.gatehouse.client.OrgClient;
import dev.gatehouse.client.Roles.Role;
import dev.gatehouse.client.Roles.RoleInput;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import tools.jackson.databind.JsonNode;

/**
 * What {@code gatehouse apply} would change to make an organization match an {@link ApplyFile}: each change with
 * what it changes, in the order it is applied — roles created and changed, then members, then resource roles, then
 * removals (resource roles, members, roles), so that what is referenced exists first and is removed last. Computed
 * from one read of the organization; every reference of the file (role names, permissions) is checked against it
 * before anything is applied. Custom roles are matched by name, members by user id; system roles are never changed.
 * Not thread-safe.
 */
final class Plan {

    /** What a change does. */
    enum Action {
        CREATE("+"), CHANGE("~"), REMOVE("-");

        final String sign;

        Action(String sign) {
            this.sign = sign;
        }
    }

    /** One change: a subject ({@code role "Agent"}), what changes, and how it is made. */
    record Change(Action action, String subject, List<String> details, Step step) {
    }

    /** Makes one change; {@code roleIds} maps every role name (and system role key) to its id, new roles included. */
    interface Step {
        void apply(OrgClient org, Map<String, Long> roleIds);
    }

    private final List<Change> changes;
    private final List<String> kept;
    private final Map<String, Long> roleIds;

    private Plan(List<Change> changes, List<String> kept, Map<String, Long> roleIds) {
        this.changes = List.copyOf(changes);
        this.kept = List.copyOf(kept);
        this.roleIds = roleIds;
    }

    List<Change> changes() {
        return changes;
    }

    long count(Action action) {
        return changes.stream().filter(c -> c.action() == action).count();
    }

    /** Compares {@code file} with the organization as it is now. */
    static Plan compute(OrgClient org, ApplyFile file, boolean prune) {
        List<Role> roles = org.roles().list().toList();
        Map<Long, String> roleNames = new HashMap<>();
        Map<String, Long> roleIds = new HashMap<>();
        Map<String, Role> custom = new LinkedHashMap<>();
        Set<String> systemNames = new TreeSet<>();
        for (Role role : roles) {
            roleNames.put(role.id(), role.name());
            roleIds.putIfAbsent(role.name(), role.id());
            if (role.system()) {
                systemNames.add(role.name());
                if (role.key() != null) {
                    roleIds.putIfAbsent(role.key(), role.id());
                    systemNames.add(role.key());
                }
            } else {
                custom.put(role.name(), role);
            }
        }
        Set<String> permissions = permissionsOf(org.model().definition());

        List<Change> roleChanges = new ArrayList<>();
        Set<String> declaredRoles = new LinkedHashSet<>();
        for (RoleDecl decl : file.roles()) {
            if (systemNames.contains(decl.name())) {
                throw new CliException("role \"" + decl.name() + "\" is a system role of the model: it cannot be "
                        + "declared (members may still hold it)");
            }
            if (decl.permissions() != null) {
                for (String permission : decl.permissions()) {
                    if (!permissions.isEmpty() && !permissions.contains(permission)) {
                        throw new CliException("role \"" + decl.name() + "\": unknown permission \"" + permission
                                + "\" (not in the organization's model)");
                    }
                }
            }
            declaredRoles.add(decl.name());
            roleChanges.addAll(roleChange(decl, custom.get(decl.name())));
        }
        Set<String> pruned = new TreeSet<>();
        List<Change> roleRemovals = new ArrayList<>();
        List<String> kept = new ArrayList<>();
        for (Role role : custom.values()) {
            if (!declaredRoles.contains(role.name())) {
                if (prune) {
                    pruned.add(role.name());
                    roleRemovals.add(new Change(Action.REMOVE, "role \"" + role.name() + "\"", List.of(),
                            (o, ids) -> o.roles().delete(role.id())));
                } else {
                    kept.add("role \"" + role.name() + "\"");
                }
            }
        }

        List<Change> memberChanges = new ArrayList<>();
        List<Change> assignmentChanges = new ArrayList<>();
        List<Change> assignmentRemovals = new ArrayList<>();
        Map<String, Member> existing = new LinkedHashMap<>();
        org.members().list().forEach(m -> existing.put(m.userId(), m));
        for (MemberDecl decl : file.members()) {
            checkRole(decl.role(), "member \"" + decl.userId() + "\"", declaredRoles, roleIds, pruned);
            Member member = existing.get(decl.userId());
            memberChanges.addAll(MemberChanges.memberChange(decl, member, roleNames, roleIds));
            if (decl.assignments() != null) {
                List<Assignment> current = member == null ? List.of()
                        : org.assignments().ofMember(member.ref()).toList();
                MemberChanges.assignmentDiff(decl, current, prune, roleNames, roleIds, declaredRoles, pruned, assignmentChanges,
                        assignmentRemovals, kept);
            }
        }
        List<Change> memberRemovals = new ArrayList<>();
        Set<String> declaredMembers = new LinkedHashSet<>();
        file.members().forEach(m -> declaredMembers.add(m.userId()));
        for (Member member : existing.values()) {
            if (!declaredMembers.contains(member.userId())) {
                if (prune) {
                    memberRemovals.add(new Change(Action.REMOVE, "member \"" + member.userId() + "\"", List.of(),
                            (o, ids) -> o.members().remove(MemberRef.id(member.id()))));
                } else {
                    kept.add("member \"" + member.userId() + "\"");
                }
            }
        }

        List<Change> all = new ArrayList<>(roleChanges);
        all.addAll(memberChanges);
        all.addAll(assignmentChanges);
        all.addAll(assignmentRemovals);
        all.addAll(memberRemovals);
        all.addAll(roleRemovals);
        return new Plan(all, kept, roleIds);
    }

    private static List<Change> roleChange(RoleDecl decl, Role role) {
        String subject = "role \"" + decl.name() + "\"";
        if (role == null) {
            List<String> details = new ArrayList<>();
            details.add("permissions " + (decl.permissions() == null || decl.permissions().isEmpty() ? "(none)"
                    : String.join(", ", decl.permissions())));
            if (decl.description() != null) {
                details.add("description \"" + decl.description() + "\"");
            }
            if (Boolean.TRUE.equals(decl.external())) {
                details.add("external");
            }
            return List.of(new Change(Action.CREATE, subject, details, (org, ids) -> {
                RoleInput input = new RoleInput(decl.name(), decl.description(),
                        decl.permissions() == null ? List.of() : decl.permissions(), decl.external(), null);
                ids.put(decl.name(), org.roles().create(input).id());
            }));
        }
        if (decl.external() != null && decl.external() != role.external()) {
            throw new CliException(subject + ": external cannot change once a role exists (it is "
                    + role.external() + ")");
        }
        List<String> details = new ArrayList<>();
        String description = null;
        if (decl.description() != null && !decl.description().equals(Objects.toString(role.description(), ""))) {
            description = decl.description();
            details.add("description \"" + Objects.toString(role.description(), "") + "\" -> \"" + description + "\"");
        }
        List<String> permissions = null;
        if (decl.permissions() != null && !Set.copyOf(decl.permissions()).equals(Set.copyOf(role.permissions()))) {
            permissions = decl.permissions();
            List<String> delta = new ArrayList<>();
            decl.permissions().stream().filter(p -> !role.permissions().contains(p)).forEach(p -> delta.add("+" + p));
            role.permissions().stream().filter(p -> !decl.permissions().contains(p)).forEach(p -> delta.add("-" + p));
            details.add("permissions " + String.join(" ", delta));
        }
        if (details.isEmpty()) {
            return List.of();
        }
        RoleInput changes = new RoleInput(null, description, permissions, null, null);
        return List.of(new Change(Action.CHANGE, subject, details, (org, ids) -> org.roles().update(role.id(),
                changes)));
    }

    /** A role reference must name a declared role or one the organization has and keeps. */
    static void checkRole(String role, String where, Set<String> declared, Map<String, Long> existing,
                                  Set<String> pruned) {
        if (role == null || declared.contains(role)) {
            return;
        }
        if (pruned.contains(role)) {
            throw new CliException(where + ": role \"" + role + "\" is not declared, so prune would remove it");
        }
        if (!existing.containsKey(role) && !role.chars().allMatch(Character::isDigit)) {
            throw new CliException(where + ": no role \"" + role + "\" is declared or exists in the organization");
        }
    }

    private static Set<String> permissionsOf(JsonNode model) {
        Set<String> keys = new java.util.HashSet<>();
        if (model != null) {
            for (JsonNode permission : model.path("permissions")) {
                if (permission.path("key").isString()) {
                    keys.add(permission.get("key").stringValue());
                }
            }
        }
        return keys;
    }

    /** The plan for people: a line per change, then the totals (and what stays because prune is off). */
    void print(PrintWriter out, String organization) {
        if (changes.isEmpty()) {
            out.println("No changes: organization " + organization + " matches the file.");
        } else {
            out.println("Plan for organization " + organization + ":");
            for (Change change : changes) {
                out.println("  " + change.action().sign + " " + change.subject()
                        + (change.details().isEmpty() ? "" : ": " + String.join("; ", change.details())));
            }
            out.println(count(Action.CREATE) + " to create, " + count(Action.CHANGE) + " to change, "
                    + count(Action.REMOVE) + " to remove.");
        }
        if (!kept.isEmpty()) {
            out.println(kept.size() + " not declared and kept (prune: true or --prune removes them): "
                    + String.join(", ", kept));
        }
        out.flush();
    }

    /** Makes the changes in order, telling {@code applied} after each; the first failure stops it (and is thrown). */
    void apply(OrgClient org, java.util.function.Consumer<Change> applied) {
        Map<String, Long> ids = new HashMap<>(roleIds);
        for (Change change : changes) {
            change.step().apply(org, ids);
            applied.accept(change);
        }
    }
}
