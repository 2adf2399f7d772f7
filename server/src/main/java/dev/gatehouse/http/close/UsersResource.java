package dev.gatehouse.http.close;

import dev.gatehouse.closemembership.CloseMembershipService;
import dev.gatehouse.closemembership.MembershipSettings;
import dev.gatehouse.error.InvalidInputException;
import dev.gatehouse.error.NotFoundException;
import dev.gatehouse.http.close.CloseApi.Endpoint;
import dev.gatehouse.json.Fields;
import dev.gatehouse.member.Member;
import dev.gatehouse.member.MemberOrder;
import dev.gatehouse.member.MemberRef;
import dev.gatehouse.member.MemberService;
import dev.gatehouse.org.OrgService;
import dev.gatehouse.org.Organization;
import dev.gatehouse.role.RoleService;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code /me/} and {@code /user/}: members seen as Close users. Gatehouse keeps people per organization, so
 * a user belongs to exactly one organization here (the key's), and its users are the organization's active members:
 * {@code /user/} lists them and {@code /user/{id}/} finds only them, so the list and the single read agree on who
 * is a user. A deactivated or invited member is no user here (Close's inactive memberships), shown only among the
 * organization's {@code inactive_memberships}.
 *
 * <p>Thread-safe: no state of its own.
 */
final class UsersResource {

    /** Close's {@code _order_by} values for users. */
    private static final Map<String, MemberOrder> ORDER = Map.of(
            "last_name,first_name", MemberOrder.LAST_NAME_FIRST_NAME,
            "first_name,last_name", MemberOrder.FIRST_NAME_LAST_NAME,
            "date_created", MemberOrder.CREATED,
            "-date_created", MemberOrder.CREATED_DESCENDING);

    private final MemberService members;
    private final OrgService orgs;
    private final RoleService roles;
    private final CloseMembershipService memberships;

    UsersResource(MemberService members, OrgService orgs, RoleService roles, CloseMembershipService memberships) {
        this.members = members;
        this.orgs = orgs;
        this.roles = roles;
        this.memberships = memberships;
    }

    List<Endpoint> endpoints() {
        return List.of(
                Endpoint.get("/me/", this::me),
                Endpoint.get("/user/", this::list),
                Endpoint.get("/user/{id}/", this::get));
    }

    private void me(CloseRequest req) {
        Member me = members.get(req.caller(), req.orgId(), MemberRef.id(req.caller().memberId()));
        Organization org = orgs.get(req.caller(), req.orgId());
        OrgRoles roles = OrgRoles.load(this.roles, req.caller(), req.orgId());
        MembershipSettings settings = memberships.settings(req.caller(), req.orgId(), me.id());
        ObjectNode n = CloseWire.user(me);
        n.remove("organizations");
        n.remove("email_verified_at");
        n.remove("google_profile_image_url");
        n.putArray("email_accounts");
        n.putArray("phone_numbers");
        n.putArray("memberships").add(CloseWire.membership(me, roles, settings));
        n.putArray("organizations").add(CloseWire.organization(org, null, null));
        CloseReply.object(req, 200, n);
    }

    private void list(CloseRequest req) {
        int skip = req.skip();
        int limit = req.limit(CloseRequest.MAX_LIMIT);
        String orderBy = req.nonBlankParam("_order_by");
        MemberOrder order = orderBy == null ? MemberOrder.ID : ORDER.get(orderBy.replace(" ", ""));
        if (order == null) {
            throw new InvalidInputException("invalid_input", "_order_by must be one of " + ORDER.keySet().stream()
                    .sorted().toList() + ", got \"" + Fields.abbreviate(orderBy) + "\"",
                    Map.of("_order_by", "Must be one of: " + String.join(", ", ORDER.keySet().stream().sorted().toList())
                            + "."));
        }
        List<Member> page = members.listActive(req.caller(), req.orgId(), order, skip, limit + 1);
        CloseReply.list(req, page.stream().limit(limit).map(CloseWire::user).toList(), page.size() > limit);
    }

    /** A user of the organization by user id: an active member, as {@link #list} lists them; any other a 404. */
    private void get(CloseRequest req) {
        String id = req.path("id");
        Member member = members.find(req.caller(), req.orgId(), MemberRef.userId(id)).filter(Member::active)
                .orElseThrow(() -> new NotFoundException("user_not_found", "User \"" + Fields.abbreviate(id)
                        + "\" not found."));
        CloseReply.object(req, 200, CloseWire.user(member));
    }
}
