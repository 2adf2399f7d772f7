package dev.gatehouse.cli;

import dev.gatehouse.cli.ApplyFile.AssignmentDecl;
import dev.gatehouse.cli.ApplyFile.MemberDecl;
import dev.gatehouse.cli.Plan.Action;
import dev.gatehouse.cli.Plan.Change;
import dev.gatehouse.client.Assignments.Assignment;
import dev.gatehouse.client.Members.Member;
import dev.gatehouse.client.Members.MemberUpdate;
import dev.gatehouse.client.Members.NewMember;
import dev.gatehouse.client.Members.Status;
import dev.gatehouse.client.MemberRef;
import dev.gatehouse.client.ResourceRef;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * The part of a {@link Plan} about one declared member: the member created or its fields changed, and (when the file
 * lists its assignments) its roles on resources created, changed or, with prune, removed. Stateless.
 */
final class MemberChanges {

    /** How the subject of a change of a role on a resource begins ({@code assignment of "u-bob" on room:12}). */
    static final String ASSIGNMENT_SUBJECT = "assignment of ";

    private MemberChanges() {
    }

    static List<Change> memberChange(MemberDecl decl, Member member, RoleNames roleNames, RoleIds roleIds) {
        String subject = "member \"" + decl.userId() + "\"";
        if (member == null) {
            List<String> details = new ArrayList<>();
            details.add("email " + decl.email());
            details.add(decl.external() ? "external" : "role " + roleNames.planned(decl.role()));
            // each name on its own, as a change shows it: joined, "Zoë" and "" read "Zoë "
            if (decl.firstName() != null) {
                details.add("first_name " + Plan.value(decl.firstName()));
            }
            if (decl.lastName() != null) {
                details.add("last_name " + Plan.value(decl.lastName()));
            }
            if (decl.status() != null && decl.status() != Status.ACTIVE) {
                details.add(decl.status().name().toLowerCase(Locale.ROOT));
            }
            return List.of(new Change(Action.CREATE, subject, details, (org, ids) -> {
                NewMember added = decl.external() ? NewMember.external(decl.userId(), decl.email())
                        : NewMember.internal(decl.userId(), decl.email(), ids.get(decl.role()));
                if (decl.firstName() != null || decl.lastName() != null) {
                    added = added.withName(decl.firstName(), decl.lastName());
                }
                if (decl.status() == Status.INVITED) {
                    added = added.invited();
                }
                Member created = org.members().add(added);
                if (decl.status() == Status.DEACTIVATED) {
                    org.members().update(created.ref(), MemberUpdate.status(Status.DEACTIVATED));
                }
            }));
        }
        List<String> details = new ArrayList<>();
        String email = changed("email", member.email(), decl.email(), details);
        String firstName = changed("first_name", member.firstName(), decl.firstName(), details);
        String lastName = changed("last_name", member.lastName(), decl.lastName(), details);
        boolean roleChanges = false;
        if (!decl.external()) {
            Long target = roleIds.find(decl.role());
            if (!Objects.equals(target, member.roleId())) {
                roleChanges = true;
                details.add("role " + (member.roleId() == null ? Plan.value(null) : roleNames.now(member.roleId()))
                        + " -> " + roleNames.planned(decl.role()));
            }
        }
        Status status = null;
        if (decl.status() != null && decl.status() != member.status()) {
            status = decl.status();
            details.add("status " + member.status().name().toLowerCase(Locale.ROOT) + " -> "
                    + status.name().toLowerCase(Locale.ROOT));
        }
        if (details.isEmpty()) {
            return List.of();
        }
        boolean newRole = roleChanges;
        Status newStatus = status;
        return List.of(new Change(Action.CHANGE, subject, details, (org, ids) -> org.members().update(member.ref(),
                new MemberUpdate(email, firstName, lastName, newRole ? ids.get(decl.role()) : null, newStatus))));
    }

    static void assignmentDiff(MemberDecl decl, List<Assignment> current, boolean prune,
                               RoleNames roleNames, RoleIds roleIds, List<Change> changes,
                               List<Change> removals, List<String> kept) {
        Map<ResourceRef, Assignment> held = new LinkedHashMap<>();
        current.forEach(a -> held.put(a.resource(), a));
        MemberRef member = MemberRef.user(decl.userId());
        for (AssignmentDecl a : decl.assignments()) {
            String subject = ASSIGNMENT_SUBJECT + "\"" + decl.userId() + "\" on " + text(a.resource());
            Assignment now = held.get(a.resource());
            if (now == null) {
                List<String> details = new ArrayList<>();
                details.add("role " + roleNames.planned(a.role()));
                if (a.until() != null) {
                    details.add("until " + a.until());
                }
                changes.add(new Change(Action.CREATE, subject, details, (org, ids) -> org.assignments()
                        .assign(a.resource(), member, ids.get(a.role()), a.until())));
                continue;
            }
            held.remove(a.resource());
            // the server's write sets the whole assignment, its end included: an end the file does not manage is
            // sent as it is, so that changing the role does not make a time-bound role permanent
            Instant until = a.endManaged() ? a.until() : now.expiresAt();
            List<String> details = new ArrayList<>();
            if (!Objects.equals(roleIds.find(a.role()), now.roleId())) {
                details.add("role " + roleNames.now(now.roleId()) + " -> " + roleNames.planned(a.role()));
            }
            if (!Objects.equals(until, now.expiresAt())) {
                details.add("until " + end(now.expiresAt()) + " -> " + end(until));
            }
            if (!details.isEmpty()) {
                changes.add(new Change(Action.CHANGE, subject, details, (org, ids) -> org.assignments()
                        .assign(a.resource(), member, ids.get(a.role()), until)));
            }
        }
        for (Assignment undeclared : held.values()) {
            String subject = ASSIGNMENT_SUBJECT + "\"" + decl.userId() + "\" on " + text(undeclared.resource());
            if (prune) {
                removals.add(new Change(Action.REMOVE, subject, List.of(),
                        (org, ids) -> org.assignments().remove(undeclared.resource(), member)));
            } else {
                kept.add(subject);
            }
        }
    }

    /** The declared value when it is set and differs from the current one (noting the change), else null. */
    private static String changed(String field, String current, String declared, List<String> details) {
        if (declared == null || declared.equals(current)) {
            return null;
        }
        details.add(field + " " + Plan.value(current) + " -> " + Plan.value(declared));
        return declared;
    }

    private static String end(Instant until) {
        return until == null ? ApplyFile.NEVER : until.toString();
    }

    private static String text(ResourceRef resource) {
        return resource.type() + ":" + resource.id();
    }

}
