package dev.gatehouse.cli;

import dev.gatehouse.cli.ApplyFile.MemberDecl;
import dev.gatehouse.cli.ApplyFile.RoleDecl;
import dev.gatehouse.client.Assignments.Assignment;
import dev.gatehouse.client.Members.Member;
import dev.gatehouse.client.MemberRef;
import dev.gatehouse.client.OrgClient;
import dev.gatehouse.client.Roles.Role;
import dev.gatehouse.client.Roles.RoleInput;
import dev.gatehouse.client.Roles.Visibility;
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
import java.util.function.Function;

/**
 * What {@code gatehouse apply} would change to make an organization match an {@link ApplyFile}: each change with
 * what it changes, in the order it is applied — roles created and changed, then members (in {@link MemberOrder}'s
 * order: an email given up before it is taken), then resource roles, then removals (resource roles, members, roles),
 * so that what is referenced exists first and is removed last. Computed
 * from one read of the organization, against which {@link ApplyRules} checks the whole file before anything is
 * applied. Custom roles are matched by name — exactly, else ignoring case as the server compares names
 * ({@link RoleIds#fold}) — members by user id; system roles are never changed. A role the file names is shown as the
 * role it resolves to ({@link RoleNames}).
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

        /** Whether it changes a member's role on a resource ({@link MemberChanges#assignmentDiff}). */
        boolean assignment() {
            return subject.startsWith(MemberChanges.ASSIGNMENT_SUBJECT);
        }
    }

    /** Makes one change; {@code roleIds} resolves the file's role references, the roles it created included. */
    interface Step {
        void apply(OrgClient org, RoleIds roleIds);
    }

    private final List<Change> changes;
    private final List<String> kept;
    private final RoleIds roleIds;

    private Plan(List<Change> changes, List<String> kept, RoleIds roleIds) {
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

    /** Compares {@code file} with the organization as it is now, once {@link ApplyRules} found it acceptable. */
    static Plan compute(OrgClient org, ApplyFile file, boolean prune) {
        List<Role> roles = org.roles().list().toList();
        Map<String, Role> custom = new LinkedHashMap<>();
        Map<String, Role> customFolded = new HashMap<>();
        for (Role role : roles) {
            if (!role.system()) {
                custom.put(role.name(), role);
                customFolded.putIfAbsent(RoleIds.fold(role.name()), role);
            }
        }
        RoleIds roleIds = RoleIds.of(roles);
        RoleNames roleNames = RoleNames.of(roles, roleIds);
        ModelRules model = ModelRules.of(org);
        Map<String, Member> existing = new LinkedHashMap<>();
        org.members().list().forEach(m -> existing.put(m.userId(), m));
        Map<Long, List<Assignment>> read = new HashMap<>();
        Function<Member, List<Assignment>> assignments = member -> read.computeIfAbsent(member.id(),
                id -> org.assignments().ofMember(member.ref()).toList());

        Set<String> declaredRoles = new LinkedHashSet<>();
        file.roles().forEach(r -> declaredRoles.add(RoleIds.fold(r.name())));
        Set<String> pruned = new TreeSet<>();
        if (prune) {
            custom.keySet().stream().map(RoleIds::fold).filter(name -> !declaredRoles.contains(name))
                    .forEach(pruned::add);
        }
        Set<String> declaredMembers = new LinkedHashSet<>();
        file.members().forEach(m -> declaredMembers.add(m.userId()));
        List<Member> removed = prune ? existing.values().stream()
                .filter(m -> !declaredMembers.contains(m.userId())).toList() : List.of();
        List<MemberDecl> order = ApplyRules.check(file, roles, roleIds, model, existing, pruned, removed,
                assignments, member -> org.members().grants(member.ref()));

        List<Change> roleChanges = new ArrayList<>();
        for (RoleDecl decl : file.roles()) {
            Role role = custom.containsKey(decl.name()) ? custom.get(decl.name())
                    : customFolded.get(RoleIds.fold(decl.name()));
            if (role == null) {
                roleIds.declare(decl.name());
            }
            roleNames.declare(decl.name(), role);
            roleChanges.addAll(roleChange(decl, role));
        }
        List<Change> roleRemovals = new ArrayList<>();
        List<String> kept = new ArrayList<>();
        for (Role role : custom.values()) {
            if (pruned.contains(RoleIds.fold(role.name()))) {
                roleRemovals.add(new Change(Action.REMOVE, "role \"" + role.name() + "\"", List.of(),
                        (o, ids) -> o.roles().delete(role.id())));
            } else if (!declaredRoles.contains(RoleIds.fold(role.name()))) {
                kept.add("role \"" + role.name() + "\"");
            }
        }

        List<Change> memberChanges = new ArrayList<>();
        List<Change> assignmentChanges = new ArrayList<>();
        List<Change> assignmentRemovals = new ArrayList<>();
        for (MemberDecl decl : order) {
            Member member = existing.get(decl.userId());
            memberChanges.addAll(MemberChanges.memberChange(decl, member, roleNames, roleIds));
            if (decl.assignments() != null) {
                List<Assignment> current = member == null ? List.of() : assignments.apply(member);
                MemberChanges.assignmentDiff(decl, current, prune, roleNames, roleIds, assignmentChanges,
                        assignmentRemovals, kept);
            }
        }
        List<Change> memberRemovals = new ArrayList<>();
        for (Member member : removed) {
            memberRemovals.add(new Change(Action.REMOVE, "member \"" + member.userId() + "\"", List.of(),
                    (o, ids) -> o.members().remove(MemberRef.id(member.id()))));
        }
        if (!prune) {
            existing.values().stream().filter(m -> !declaredMembers.contains(m.userId()))
                    .forEach(m -> kept.add("member \"" + m.userId() + "\""));
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
            if (decl.visibility() != null) {
                details.add("visibility " + VisibilityRule.describe(decl.visibility()));
            }
            return List.of(new Change(Action.CREATE, subject, details, (org, ids) -> {
                RoleInput input = new RoleInput(decl.name(), decl.description(),
                        decl.permissions() == null ? List.of() : decl.permissions(), decl.external(),
                        decl.visibility());
                ids.name(decl.name(), org.roles().create(input).id());
            }));
        }
        List<String> details = new ArrayList<>();
        String name = null;
        if (!decl.name().equals(role.name())) {
            // the same role to the server, which compares names ignoring case: the file's spelling is applied
            name = decl.name();
            details.add("name \"" + role.name() + "\" -> \"" + name + "\"");
        }
        String description = null;
        if (decl.description() != null && !decl.description().equals(Objects.toString(role.description(), ""))) {
            description = decl.description();
            details.add("description " + value(role.description()) + " -> " + value(description));
        }
        List<String> permissions = null;
        if (decl.permissions() != null && !Set.copyOf(decl.permissions()).equals(Set.copyOf(role.permissions()))) {
            permissions = decl.permissions();
            List<String> delta = new ArrayList<>();
            decl.permissions().stream().filter(p -> !role.permissions().contains(p)).forEach(p -> delta.add("+" + p));
            role.permissions().stream().filter(p -> !decl.permissions().contains(p)).forEach(p -> delta.add("-" + p));
            details.add("permissions " + String.join(" ", delta));
        }
        // the file always states the visibility (none when it leaves it out), as the server's rule ties it to
        // the permissions: any difference is a change, none is none
        Visibility visibility = null;
        boolean clearVisibility = false;
        if (!Objects.equals(decl.visibility(), role.visibility())) {
            visibility = decl.visibility();
            clearVisibility = visibility == null;
            details.add("visibility " + VisibilityRule.describe(role.visibility()) + " -> "
                    + VisibilityRule.describe(decl.visibility()));
        }
        if (details.isEmpty()) {
            return List.of();
        }
        RoleInput changes = new RoleInput(name, description, permissions, null, visibility);
        boolean clear = clearVisibility;
        return List.of(new Change(Action.CHANGE, subject, details, (org, ids) -> RoleWrites.update(org, role,
                changes, clear, null)));
    }

    /**
     * The plan for people: a line per change, then the totals (and what stays because prune is off). Each line is
     * {@link Display#escaped}: names, descriptions and emails come from the file and the server, and a line feed in
     * one would print as a line of the plan.
     */
    void print(PrintWriter out, String organization) {
        if (changes.isEmpty()) {
            out.println(Display.escaped("No changes: organization " + organization + " matches the file."));
        } else {
            out.println(Display.escaped("Plan for organization " + organization + ":"));
            for (Change change : changes) {
                out.println(Display.escaped("  " + change.action().sign + " " + change.subject()
                        + (change.details().isEmpty() ? "" : ": " + String.join("; ", change.details()))));
            }
            out.println(count(Action.CREATE) + " to create, " + count(Action.CHANGE) + " to change, "
                    + count(Action.REMOVE) + " to remove.");
        }
        if (!kept.isEmpty()) {
            out.println(Display.escaped(kept.size() + " not declared and kept (prune: true or --prune removes them): "
                    + String.join(", ", kept)));
        }
        out.flush();
    }

    /**
     * A stored or declared value as the plan shows it: quoted, or {@code (none)} for a null — never as an empty text,
     * which is a value of its own: a null changed to {@code ""} is a change, and must not read as one from {@code ""}
     * to {@code ""}.
     */
    static String value(String text) {
        return text == null ? "(none)" : "\"" + text + "\"";
    }

    /** Makes the changes in order, telling {@code applied} after each; the first failure stops it (and is thrown). */
    void apply(OrgClient org, java.util.function.Consumer<Change> applied) {
        RoleIds ids = roleIds.copy();
        for (Change change : changes) {
            change.step().apply(org, ids);
            applied.accept(change);
        }
    }
}
