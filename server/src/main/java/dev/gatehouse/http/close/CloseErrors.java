package dev.gatehouse.http.close;

import dev.gatehouse.access.MissingPermission;
import dev.gatehouse.access.Outranked;
import dev.gatehouse.access.Principal;
import dev.gatehouse.access.Redefining;
import dev.gatehouse.error.GatehouseException;
import dev.gatehouse.error.NotFoundException;
import dev.gatehouse.group.Group;
import dev.gatehouse.member.Member;
import dev.gatehouse.member.MemberRef;
import dev.gatehouse.role.Role;
import dev.gatehouse.role.RoleHolders;
import dev.gatehouse.role.RoleService;
import dev.gatehouse.webhook.WebhookService;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The Close dialect's wording of the services' failures: every failure that names an object names it by its
 * Close id ({@code role_…} or a built-in role's key, {@code memb_…}, {@code user_…},
 * {@code group_…}), never by Gatehouse's internal numbers. Phrased from the failure's code and typed
 * {@link GatehouseException#subject subject}, never by parsing the service's message. A failure without such a
 * subject keeps its detail unless the detail names an internal number (the services' "role 12 not found in
 * organization 3"), which is replaced by a plain sentence without it ({@link #PLAIN}); failures the dialect's
 * resources phrased themselves already use Close ids and stay as they are.
 *
 * <p>Thread-safe: no state but the role service, used to name a role still held.
 */
final class CloseErrors {

    /** Codes whose service messages carry internal ids, with the sentence that replaces them when no subject helps. */
    private static final Map<String, String> PLAIN = Map.ofEntries(
            Map.entry("role_not_found", "Role not found."),
            Map.entry("group_not_found", "Group not found."),
            Map.entry("webhook_not_found", "Webhook subscription not found."),
            Map.entry("webhook_limit", "This organization already has as many webhook subscriptions as allowed ("
                    + WebhookService.MAX_PER_ORG + ")."),
            Map.entry("organization_not_found", "Organization not found."),
            Map.entry("member_not_found", "Membership not found."),
            Map.entry("key_member_inactive", "The API key's membership is not active (deactivated, or invited and not "
                    + "yet accepted)."),
            Map.entry("member_exists", "A membership with this email address or user id already exists."),
            Map.entry("membership_exists", "This email address already has an active membership in this organization."),
            Map.entry("role_name_taken", "This organization already has a role with this name."),
            Map.entry("group_name_taken", "This organization already has a group with this name."),
            Map.entry("last_role_manager", "This would leave the organization without an active member able to manage roles."),
            Map.entry("role_in_use", "The role is assigned to users; move all users off this role first by updating their "
                    + "role_id."));

    /** How the services name objects by internal number ("organization 12", "role 7", "(id 31)"). */
    private static final Pattern INTERNAL_ID = Pattern.compile(
            "\\b(organization|account|role|member|group|key|id|revision) \\d+\\b");

    /**
     * A write as a refusal to hand out a role beyond the caller's own names it: what the write does ("creating a
     * role", "updating membership memb_… to role user"), the rule the caller's role did not meet, and the Close id of
     * the role it gives a membership ({@code role_…} or a built-in role's key), or null when it gives none: a
     * service that no longer finds that role (deleted meanwhile) is answered with that id. Immutable.
     */
    record Write(String what, String rule, String role) {

        /** The rule of every write that creates a role or gives one to a membership. */
        static final String HANDING_OUT = "a member may create a role, or give one to a membership, only when its "
                + "own role holds everything the role grants";

        Write {
            Objects.requireNonNull(what, "what");
            Objects.requireNonNull(rule, "rule");
        }

        /** A write that creates a role or gives one to a membership ({@link #HANDING_OUT}). */
        static Write of(String what) {
            return new Write(what, HANDING_OUT, null);
        }

        /** A write that gives memberships the role with Close id {@code role}. */
        static Write giving(String what, String role) {
            return new Write(what, HANDING_OUT, Objects.requireNonNull(role, "role"));
        }
    }

    private final RoleService roles;

    CloseErrors(RoleService roles) {
        this.roles = roles;
    }

    /** The detail of a failure outside any write ({@link #detail(GatehouseException, Principal.Member, Write)}). */
    String detail(GatehouseException e, Principal.Member caller) {
        return detail(e, caller, null);
    }

    /**
     * The detail Close clients see for {@code e}; {@code caller} is the member the request acted as, or null when
     * the failure came before the gate; {@code write} what the request writes, or null for a read.
     */
    String detail(GatehouseException e, Principal.Member caller, Write write) {
        if (e.getCause() instanceof GatehouseException) {
            return e.detail();
        }
        String phrased = switch (e.code()) {
            case "member_not_found" -> e.subject(MemberRef.ById.class)
                    .map(ref -> "Membership \"" + CloseWire.membershipId(ref.id()) + "\" not found.").orElse(null);
            case "member_exists" -> e.subject(Member.class)
                    .map(m -> "A membership with this email address or user id already exists: "
                            + CloseWire.membershipId(m.id()) + " (user " + m.userId() + ").").orElse(null);
            case "membership_exists" -> e.subject(Member.class)
                    .map(m -> m.email() + " is already an active member of this organization (membership "
                            + CloseWire.membershipId(m.id()) + ").").orElse(null);
            case "role_name_taken" -> e.subject(Role.class)
                    .map(r -> "This organization already has a role named \"" + r.name() + "\" ("
                            + OrgRoles.closeId(r) + ").").orElse(null);
            case "group_name_taken" -> e.subject(Group.class)
                    .map(g -> "This organization already has a group named \"" + g.name() + "\" ("
                            + CloseWire.groupId(g.id()) + ").").orElse(null);
            case "last_role_manager" -> lastManager(e);
            case "permission_required" -> e.subject(MissingPermission.class).map(CloseErrors::missing).orElse(null);
            case "privilege_escalation" -> e.subject(Outranked.class).map(CloseErrors::outranked)
                    .or(() -> e.subject(Redefining.class).map(CloseErrors::redefining))
                    .orElseGet(() -> handingOut(e, write));
            case "role_in_use" -> e.subject(RoleHolders.class).map(held -> roleInUse(held, caller)).orElse(null);
            case "limit_reached" -> limitReached(e);
            default -> null;
        };
        if (phrased != null) {
            return phrased;
        }
        if (!INTERNAL_ID.matcher(e.detail()).find()) {
            return e.detail();
        }
        return PLAIN.getOrDefault(e.code(), "The request was refused (" + e.code() + ").");
    }

    /**
     * The field errors Close clients see for {@code e}, keyed as the service keyed them: a reason that names an
     * internal number is phrased from its field instead ({@link #fieldReason}), as {@link #detail} phrases
     * the detail; every other reason stays as it is. {@code write} is what the request writes, or null for a read.
     */
    Map<String, String> fieldErrors(GatehouseException e, Write write) {
        if (e.getCause() instanceof GatehouseException) {
            return e.fieldErrors();
        }
        Map<String, String> out = new LinkedHashMap<>();
        e.fieldErrors().forEach((field, reason) -> out.put(field,
                INTERNAL_ID.matcher(reason).find() ? fieldReason(field, write) : reason));
        return out;
    }

    /**
     * A field's reason from the field: the role a write gives, refused by a service in internal numbers, is one the
     * services no longer find — deleted after the request named it, so the dialect's own check let it through (Close
     * has no external roles, the field's one other such refusal) — named by the Close id the write gave
     * ({@link Write#role}), in the words of a role never found ({@code Unknown role "role_…".}).
     */
    private static String fieldReason(String field, Write write) {
        if (field.equals("role_id")) {
            return write == null || write.role() == null ? "Unknown role."
                    : "Unknown role \"" + write.role() + "\".";
        }
        return "Not a valid value.";
    }

    /**
     * A per-organization limit, from the facts its context carries (the limit's name, maximum and current count);
     * null without them.
     */
    private static String limitReached(GatehouseException e) {
        Object limit = e.context().get("limit");
        Object maximum = e.context().get("maximum");
        Object current = e.context().get("current");
        if (limit == null || maximum == null || current == null) {
            return null;
        }
        return "Limit reached: " + limit + " allows " + maximum + " and there are " + current + "; remove one first "
                + "or ask the operator to raise --max-" + limit.toString().replace('_', '-') + ".";
    }

    private static String missing(MissingPermission m) {
        return capitalized(m.what()) + " needs the permission \"" + m.permission() + "\""
                + (m.memberId() == null ? "." : ", which membership " + CloseWire.membershipId(m.memberId())
                + " does not have.");
    }

    /**
     * A refusal to act on a membership holding more than the caller: the permissions it holds that the caller's role
     * lacks, and the records its role sees beyond the caller's ({@link #yours}), in one sentence.
     */
    private static String outranked(Outranked o) {
        List<String> beyond = new ArrayList<>();
        if (!o.permissions().isEmpty()) {
            beyond.add("the permissions " + o.permissions() + ", which your role does not");
        }
        if (o.sees() != null) {
            beyond.add("a role that sees " + yours(o.sees()));
        }
        return capitalized(o.what()) + " is refused: membership " + CloseWire.membershipId(o.memberId()) + " holds "
                + String.join(", and ", beyond) + ".";
    }

    /**
     * A refusal to create a role, or give one to a membership, that grants more than the caller's own: the services'
     * {@code privilege_escalation} without a subject ({@code Access.requireNoEscalation}), named after the write that
     * was refused, with the rule it broke; the service's reason follows in brackets unless it names an internal
     * number. Null outside a write, and for a refusal with a subject of another kind.
     */
    private static String handingOut(GatehouseException e, Write write) {
        if (write == null || e.subject(Object.class).isPresent()) {
            return null;
        }
        String reason = INTERNAL_ID.matcher(e.detail()).find() ? "" : " (" + e.detail() + ")";
        return capitalized(write.what()) + " is refused: " + write.rule() + reason + ".";
    }

    /**
     * What a role sees beyond the caller's, as the services phrase it ({@code Grant.visibilityBeyond}: "all records,
     * while the caller's role sees only …"), addressed to the caller as every Close refusal is ("your role").
     */
    private static String yours(String sees) {
        return sees.replace("the caller's role", "your role").replace("the caller's", "your role's");
    }

    /**
     * A refusal to change or delete a role beyond the caller's own; a change is one of the permissions, of the lead
     * visibility or both, which the refusal does not tell apart.
     */
    private static String redefining(Redefining r) {
        String role = CloseIds.encode(CloseIds.ROLE, r.roleId());
        List<String> beyond = new ArrayList<>();
        if (!r.permissions().isEmpty()) {
            beyond.add("grants " + r.permissions() + " beyond your role");
        }
        if (r.sees() != null) {
            beyond.add("sees " + yours(r.sees()));
        }
        return (r.deleting() ? "Deleting role " : "Changing the permissions or lead visibility of role ") + role
                + " is refused: it " + String.join(" and ", beyond) + ". Only a member whose role holds all the role "
                + "grants may " + (r.deleting() ? "delete it." : "change them: the role's members would otherwise lose "
                + "what you could not give them.");
    }

    private static String capitalized(String what) {
        return what.isEmpty() ? what : Character.toUpperCase(what.charAt(0)) + what.substring(1);
    }

    private static String lastManager(GatehouseException e) {
        String member = e.subject(Member.class).map(m -> "Membership " + CloseWire.membershipId(m.id()) + " (user "
                + m.userId() + ") is the last active membership able to manage roles; give another active "
                + "membership such a role first.").orElse(null);
        return member != null ? member : e.subject(Role.class).map(r -> "Role " + OrgRoles.closeId(r) + " (\""
                + r.name() + "\") is the only role of an active member able to manage roles; it must keep that "
                + "permission.").orElse(null);
    }

    private String roleInUse(RoleHolders held, Principal.Member caller) {
        String id = CloseIds.encode(CloseIds.ROLE, held.roleId());
        String named = id;
        if (caller != null) {
            try {
                Role role = roles.get(caller, caller.orgId(), held.roleId());
                named = OrgRoles.closeId(role) + " (\"" + role.name() + "\")";
            } catch (NotFoundException gone) {
                // deleted meanwhile: its id alone
            }
        }
        return "Role " + named + " is assigned to " + RoleHolders.counted(held.members(), "user")
                + "; move all users off this role first by updating their role_id.";
    }
}
