package dev.gatehouse.cli;

import dev.gatehouse.cli.ApplyFile.AssignmentDecl;
import dev.gatehouse.cli.ApplyFile.MemberDecl;
import dev.gatehouse.cli.ApplyFile.RoleDecl;
import dev.gatehouse.client.Assignments.Assignment;
import dev.gatehouse.client.Members.Member;
import dev.gatehouse.client.Members.Status;
import dev.gatehouse.client.Roles.Role;
import dev.gatehouse.sql.NameKey;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * The server's rules that an apply file must meet against the organization as it is, checked in one place before a
 * plan makes its first write — so that a file the server would refuse halfway is refused whole (exit 2, nothing
 * changed), naming the member or role and the reason. What the file alone shows ({@link ApplyFile}) is checked
 * there; this checks what needs the organization too:
 * <ul>
 *   <li>a declared role is no system role, takes no name another role holds by the server's rule for names
 *       ({@link NameKey}), holds only the model's permissions, is external only where the model
 *       has external roles, keeps the {@code external} it was created with, and has a {@code visibility} exactly
 *       when the model's visibility rule requires one (without its "sees all" permission), within the rule's
 *       bounds;</li>
 *   <li>every role a member or assignment names is declared or exists, and prune does not remove it;</li>
 *   <li>every assignment is on a resource of one of the model's resource types;</li>
 *   <li>a company role is internal; an external member holds only external roles on resources, in a model that
 *       has external members; a member keeps its {@code external};</li>
 *   <li>only a new (or still invited) member is {@code invited}: no member goes back to invited;</li>
 *   <li>no declared email is held by a member the file does not declare (ignoring case): adds come before
 *       prune's removals; emails moved between declared members are written in an order that frees each first,
 *       and emails passed round in a circle are refused ({@link MemberOrder});</li>
 *   <li>prune removes no role that a kept member still holds on a resource;</li>
 *   <li>no write leaves the organization without an active member able to manage roles, where it had one
 *       ({@link LastRoleManager}).</li>
 * </ul>
 * Changes the server refuses for reasons this cannot see (limits, another writer, a missing resource) still stop
 * the plan midway; the command then says what was applied. Stateless apart from its inputs; not thread-safe.
 */
final class ApplyRules {

    private final ApplyFile file;
    private final Map<String, Role> custom;
    private final Map<String, Role> systemByName;
    private final Map<Long, Role> byId;
    /** Every role by its name's key ({@link NameKey}), and the custom roles' names as they are spelled. */
    private final Map<String, List<Role>> byNameKey = new HashMap<>();
    private final Set<String> customNames = new HashSet<>();
    private final RoleIds ids;
    private final Set<String> permissions;
    private final Set<String> resourceTypes;
    private final boolean externalAllowed;
    private final VisibilityRule visibility;
    private final Map<String, RoleDecl> declared = new HashMap<>();

    private ApplyRules(ApplyFile file, List<Role> roles, RoleIds ids, ModelRules model) {
        this.file = file;
        this.ids = ids;
        this.permissions = model.permissions();
        this.resourceTypes = model.resourceTypes();
        this.externalAllowed = model.externalRoles();
        this.visibility = model.visibility();
        this.custom = new HashMap<>();
        this.systemByName = new HashMap<>();
        this.byId = new HashMap<>();
        for (Role role : roles) {
            byId.put(role.id(), role);
            byNameKey.computeIfAbsent(NameKey.of(role.name()), key -> new ArrayList<>()).add(role);
            if (role.system()) {
                systemByName.put(RoleIds.fold(role.name()), role);
            } else {
                custom.put(RoleIds.fold(role.name()), role);
                customNames.add(role.name());
            }
        }
        file.roles().forEach(r -> declared.put(RoleIds.fold(r.name()), r));
    }

    /**
     * Fails with the first broken rule; else answers the order in which the plan writes the declared members.
     *
     * @param members     the organization's members by user id
     * @param pruned      the folded names of the custom roles prune removes (empty without prune)
     * @param removed     the members prune removes, in the order the plan removes them (empty without prune)
     * @param assignments a member's resource roles as they are now (read once per member, shared with the plan)
     * @param grants      a member's grants as they are now (read only where a grant may let it manage roles)
     */
    static List<MemberDecl> check(ApplyFile file, List<Role> roles, RoleIds ids, ModelRules model,
                                  Map<String, Member> members, Set<String> pruned, List<Member> removed,
                                  Function<Member, List<Assignment>> assignments,
                                  Function<Member, List<String>> grants) {
        ApplyRules rules = new ApplyRules(file, roles, ids, model);
        rules.roles();
        rules.members(members, pruned);
        if (!pruned.isEmpty()) {
            rules.pruneKeepsHeldRoles(members, pruned, assignments);
        }
        LastRoleManager managers = new LastRoleManager(file, roles, ids, model, grants);
        List<MemberDecl> order = MemberOrder.of(file.members(), members,
                decl -> managers.loses(decl, members.get(decl.userId())));
        managers.check(order, members, removed);
        return order;
    }

    private void roles() {
        for (RoleDecl decl : file.roles()) {
            String subject = "role \"" + decl.name() + "\"";
            // a system role is matched by its name, as every role is: its key is no name, and a custom role
            // may be named like it (default_admin), which the file then declares
            if (systemByName.containsKey(RoleIds.fold(decl.name()))) {
                throw new CliException(subject + " is a system role of the model: it cannot be declared (members "
                        + "may still hold it)");
            }
            nameTaken(decl, subject);
            if (decl.permissions() != null && !permissions.isEmpty()) {
                for (String permission : decl.permissions()) {
                    if (!permissions.contains(permission)) {
                        throw new CliException(subject + ": unknown permission \"" + permission + "\" (not in the "
                                + "organization's model)");
                    }
                }
            }
            if (Boolean.TRUE.equals(decl.external()) && !externalAllowed) {
                throw new CliException(subject + ": the organization's model has no external roles");
            }
            Role existing = custom.get(RoleIds.fold(decl.name()));
            if (existing != null && decl.external() != null && decl.external() != existing.external()) {
                throw new CliException(subject + ": external cannot change once a role exists (it is "
                        + existing.external() + ")");
            }
            visibility(decl, existing, subject);
        }
    }

    /**
     * Refuses a declared role that the plan would create or rename (no role is spelled as it is) into a name the
     * server holds taken: one whose key ({@link NameKey}) another role's name has, though {@code lower()} tells the
     * two apart ({@code σίσυφος} beside {@code ΣΊΣΥΦΟΣ}, {@code STRASSE} beside {@code Straße}). A role {@code lower()}
     * calls equal is the one the declaration changes ({@link RoleIds}); prune removes roles only after the others are
     * written, so one it would remove still holds the name.
     */
    private void nameTaken(RoleDecl decl, String subject) {
        if (customNames.contains(decl.name())) {
            return;
        }
        for (Role holder : byNameKey.getOrDefault(NameKey.of(decl.name()), List.of())) {
            if (!RoleIds.fold(holder.name()).equals(RoleIds.fold(decl.name()))) {
                throw new CliException(subject + ": the name is taken by the organization's role \"" + holder.name()
                        + "\" (id " + holder.id() + "), the same name ignoring case as the server compares names "
                        + "(docs/api.md, \"Names\"); spell the file's role as the organization does");
            }
        }
    }

    /** The model's visibility rule, for the permissions the role will grant (its own when the file leaves them). */
    private void visibility(RoleDecl decl, Role existing, String subject) {
        if (visibility == null) {
            if (decl.visibility() != null) {
                throw new CliException(subject + ": the organization's model has no record visibility; remove the "
                        + "role's visibility");
            }
            return;
        }
        List<String> granted = decl.permissions() != null ? decl.permissions()
                : existing != null ? existing.permissions() : List.of();
        visibility.problem(granted, decl.visibility()).ifPresent(problem -> {
            throw new CliException(subject + ": " + problem);
        });
    }

    private void members(Map<String, Member> members, Set<String> pruned) {
        Map<String, Member> undeclaredEmails = new HashMap<>();
        Set<String> declaredIds = new HashSet<>();
        file.members().forEach(m -> declaredIds.add(m.userId()));
        members.values().stream().filter(m -> !declaredIds.contains(m.userId()))
                .forEach(m -> undeclaredEmails.put(RoleIds.fold(m.email()), m));
        for (MemberDecl decl : file.members()) {
            String subject = "member \"" + decl.userId() + "\"";
            Member member = members.get(decl.userId());
            if (decl.external() && !externalAllowed) {
                throw new CliException(subject + ": the organization's model has no external members");
            }
            if (member != null && decl.external() != member.external()) {
                throw new CliException(subject + " is " + (member.external() ? "external" : "internal")
                        + " in the organization: remove it to add it as " + (decl.external() ? "external"
                        : "internal"));
            }
            if (decl.role() != null) {
                requireRole(decl.role(), subject, pruned);
                if (external(decl.role())) {
                    throw new CliException(subject + ": role \"" + decl.role() + "\" is external; a company role "
                            + "must be internal");
                }
            }
            if (decl.status() == Status.INVITED && member != null && member.status() != Status.INVITED) {
                throw new CliException(subject + " is " + member.status().name().toLowerCase(Locale.ROOT)
                        + ": only a new member is invited (status: active or deactivated)");
            }
            Member holder = undeclaredEmails.get(RoleIds.fold(decl.email()));
            if (holder != null) {
                throw new CliException(subject + ": email \"" + decl.email() + "\" is held by member \""
                        + holder.userId() + "\", which the file does not declare (emails are compared ignoring "
                        + "case)");
            }
            if (decl.assignments() != null) {
                for (AssignmentDecl a : decl.assignments()) {
                    String where = "assignment of \"" + decl.userId() + "\" on " + a.resource().type() + ":"
                            + a.resource().id();
                    if (!resourceTypes.contains(a.resource().type())) {
                        throw new CliException(where + ": the organization's model has no resource type \""
                                + a.resource().type() + "\"; it has " + resourceTypes);
                    }
                    requireRole(a.role(), where, pruned);
                    if (decl.external() && !external(a.role())) {
                        throw new CliException(where + ": role \"" + a.role() + "\" is internal; an external member "
                                + "may hold only external roles");
                    }
                }
            }
        }
    }

    /** A role reference must name a declared role or one the organization has and keeps. */
    private void requireRole(String role, String where, Set<String> pruned) {
        if (declared.containsKey(RoleIds.fold(role))) {
            return;
        }
        if (pruned.contains(RoleIds.fold(role))) {
            throw new CliException(where + ": role \"" + role + "\" is not declared, so prune would remove it");
        }
        if (ids.find(role) == null) {
            throw new CliException(where + ": no role \"" + role + "\" is declared or exists in the organization");
        }
    }

    /** Whether the role a checked reference names is (or, declared, will be) external. */
    private boolean external(String role) {
        RoleDecl decl = declared.get(RoleIds.fold(role));
        if (decl != null) {
            Role existing = custom.get(RoleIds.fold(decl.name()));
            return decl.external() != null ? decl.external() : existing != null && existing.external();
        }
        Role existing = byId.get(ids.get(role));
        return existing != null && existing.external();
    }

    /**
     * The server refuses to delete a role held on a resource. Members the file does not declare are removed
     * before roles, and so are the undeclared resource roles of members with an {@code assignments} list; what
     * remains are the resource roles of declared members whose assignments the file leaves alone.
     */
    private void pruneKeepsHeldRoles(Map<String, Member> members, Set<String> pruned,
                                     Function<Member, List<Assignment>> assignments) {
        Map<Long, String> prunedIds = new HashMap<>();
        custom.values().stream().filter(r -> pruned.contains(RoleIds.fold(r.name())))
                .forEach(r -> prunedIds.put(r.id(), r.name()));
        for (MemberDecl decl : file.members()) {
            Member member = members.get(decl.userId());
            if (member == null || decl.assignments() != null) {
                continue;
            }
            for (Assignment held : assignments.apply(member)) {
                String role = prunedIds.get(held.roleId());
                if (role != null) {
                    throw new CliException("role \"" + role + "\" is not declared, so prune would remove it, but "
                            + "member \"" + decl.userId() + "\" holds it on " + held.resource().type() + ":"
                            + held.resource().id() + " (declare the role, or the member's assignments)");
                }
            }
        }
    }
}
