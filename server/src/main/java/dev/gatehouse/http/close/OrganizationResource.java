package dev.gatehouse.http.close;

import dev.gatehouse.closemembership.CloseMembershipService;
import dev.gatehouse.closemembership.MembershipSettings;
import dev.gatehouse.error.InvalidInputException;
import dev.gatehouse.error.NotFoundException;
import dev.gatehouse.http.close.CloseApi.Endpoint;
import dev.gatehouse.http.close.CloseApi.Permission;
import dev.gatehouse.json.Fields;
import dev.gatehouse.member.Member;
import dev.gatehouse.member.MemberService;
import dev.gatehouse.org.OrgService;
import dev.gatehouse.org.Organization;
import dev.gatehouse.role.RoleService;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code /organization/{id}/}: the key's own organization (any other id is a 404) with its active and
 * inactive memberships; PUT renames it (through {@link dev.gatehouse.org.OrgService}, so it needs
 * {@code manage_organization}). Close's other organization settings do not exist here and are refused.
 *
 * <p>Thread-safe: no state of its own.
 */
final class OrganizationResource {

    private static final int PAGE = 1000;
    /** What {@code _expand} may name: a membership list whose entries then nest their {@code user}. */
    private static final List<String> EXPANDABLE = List.of("inactive_memberships__user", "memberships__user");
    private static final Set<String> UNSUPPORTED = Set.of("currency", "lead_statuses", "enable_unsubscribe_link",
            "require_unsubscribe_link");

    private final OrgService orgs;
    private final MemberService members;
    private final RoleService roles;
    private final CloseMembershipService memberships;

    OrganizationResource(OrgService orgs, MemberService members, RoleService roles, CloseMembershipService memberships) {
        this.orgs = orgs;
        this.members = members;
        this.roles = roles;
        this.memberships = memberships;
    }

    List<Endpoint> endpoints() {
        return List.of(
                Endpoint.get("/organization/{id}/", this::get),
                Endpoint.put("/organization/{id}/", this::update)
                        .needs(Permission.MANAGE_ORGANIZATION, "renaming the organization"));
    }

    private void get(CloseRequest req) {
        requireOwn(req);
        Set<String> expand = expand(req);
        CloseReply.object(req, 200, render(req, orgs.get(req.caller(), req.orgId()), expand));
    }

    private void update(CloseRequest req) {
        requireOwn(req);
        Fields f = req.fields();
        for (String name : f.node().propertyNames()) {
            if (UNSUPPORTED.contains(name)) {
                f.error(name, "Not supported by this server: it keeps only the organization's name.");
            } else if (!name.equals("name")) {
                f.error(name, "Unknown field.");
            }
        }
        CloseFields.notNull(f, "name");
        String name = f.name("name", false, 200);
        f.check();
        Set<String> expand = expand(req);
        Organization org = name == null ? orgs.get(req.caller(), req.orgId())
                : orgs.rename(req.caller(), req.orgId(), name, null).value();
        ObjectNode body = render(req, org, expand);
        body.put("currency_symbol", "$");
        CloseReply.object(req, 200, body);
    }

    /**
     * The membership lists {@code _expand} asks to show with their users, read before a rename so that a refusal
     * comes before anything changes. Given without a value, or naming no value ({@code _expand=,}), a 400
     * ({@link CloseRequest#nonBlankParam}); a value other than {@link #EXPANDABLE}'s is a 400 naming it and those:
     * a misspelt {@code membership__user} would otherwise answer the flat entries as if nothing had been asked.
     */
    private static Set<String> expand(CloseRequest req) {
        Set<String> expand = new HashSet<>();
        String raw = req.nonBlankParam("_expand");
        if (raw == null) {
            return expand;
        }
        List<String> unknown = new ArrayList<>();
        for (String part : raw.split(",")) {
            String value = Fields.stripSpaces(part);
            if (EXPANDABLE.contains(value)) {
                expand.add(value);
            } else if (!value.isEmpty()) {
                unknown.add(value);
            }
        }
        if (!unknown.isEmpty()) {
            String quoted = unknown.stream().map(v -> "\"" + Fields.abbreviate(v) + "\"")
                    .collect(Collectors.joining(", "));
            String allowed = String.join(", ", EXPANDABLE);
            throw new InvalidInputException("invalid_input", "_expand cannot expand " + quoted + "; it takes "
                    + allowed, Map.of("_expand", "Unknown value " + quoted + "; must be one of: " + allowed + "."));
        }
        if (expand.isEmpty()) {
            throw new InvalidInputException("invalid_input", "_expand names no value: \"" + Fields.abbreviate(raw)
                    + "\"", Map.of("_expand", CloseFields.NOT_BLANK));
        }
        return expand;
    }

    private ObjectNode render(CloseRequest req, Organization org, Set<String> expand) {
        OrgRoles roles = OrgRoles.load(this.roles, req.caller(), req.orgId());
        Map<Long, MembershipSettings> settings = memberships.settingsOf(req.caller(),
                req.orgId());
        List<ObjectNode> active = new ArrayList<>();
        List<ObjectNode> inactive = new ArrayList<>();
        long after = 0L;
        while (true) {
            List<Member> page = members.list(req.caller(), req.orgId(), after, PAGE, null, null);
            for (Member m : page) {
                MembershipSettings s = settings.getOrDefault(m.id(), MembershipSettings.defaults(m.id()));
                if (m.active()) {
                    active.add(CloseWire.orgMembership(m, roles, s, expand.contains("memberships__user")));
                } else {
                    inactive.add(CloseWire.orgMembership(m, roles, s, expand.contains("inactive_memberships__user")));
                }
            }
            if (page.size() < PAGE) {
                break;
            }
            after = page.get(page.size() - 1).id();
        }
        return CloseWire.organization(org, active, inactive);
    }

    private static void requireOwn(CloseRequest req) {
        String id = req.path("id");
        if (CloseIds.decode(CloseIds.ORGANIZATION, id) != req.orgId()) {
            throw new NotFoundException("organization_not_found", "Organization \"" + Fields.abbreviate(id)
                    + "\" not found.");
        }
    }
}
