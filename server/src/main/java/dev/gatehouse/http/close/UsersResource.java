package dev.gatehouse.http.close;

import dev.gatehouse.app.Gatehouse;
import dev.gatehouse.error.InvalidInputException;
import dev.gatehouse.error.NotFoundException;
import dev.gatehouse.http.close.CloseApi.Endpoint;
import dev.gatehouse.json.Fields;
import dev.gatehouse.member.Member;
import dev.gatehouse.member.MemberRef;
import dev.gatehouse.member.MemberStore;
import dev.gatehouse.org.Organization;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code /me/} and {@code /user/}: members seen as Close users. Gatehouse keeps people per organization, so
 * a user belongs to exactly one organization here (the key's); {@code /user/} lists the organization's
 * active members.
 *
 * <p>Thread-safe: no state of its own.
 */
final class UsersResource {

    /** Close's {@code _order_by} values for users, as SQL. */
    private static final Map<String, String> ORDER = Map.of(
            "last_name,first_name", "lower(last_name) NULLS LAST, lower(first_name) NULLS LAST, id",
            "first_name,last_name", "lower(first_name) NULLS LAST, lower(last_name) NULLS LAST, id",
            "date_created", "created_at, id",
            "-date_created", "created_at DESC, id DESC");

    private final Gatehouse.Services services;
    private final CloseMembershipStore closeStore = new CloseMembershipStore();

    UsersResource(Gatehouse.Services services) {
        this.services = services;
    }

    List<Endpoint> endpoints() {
        return List.of(
                Endpoint.get("/me/", this::me),
                Endpoint.get("/user/", this::list),
                Endpoint.get("/user/{id}/", this::get));
    }

    private void me(CloseRequest req) {
        Member me = services.members().get(req.caller(), req.orgId(), MemberRef.id(req.caller().memberId()));
        Organization org = services.orgs().get(req.caller(), req.orgId());
        OrgRoles roles = OrgRoles.load(services.roles(), req.caller(), req.orgId());
        MembershipSettings settings = services.store().read(h -> closeStore.settings(h, me.id()));
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
        String orderBy = req.param("_order_by");
        String order = orderBy == null || orderBy.isBlank() ? "id" : ORDER.get(orderBy.replace(" ", ""));
        if (order == null) {
            throw new InvalidInputException("invalid_input", "_order_by must be one of " + ORDER.keySet().stream()
                    .sorted().toList() + ", got \"" + Fields.abbreviate(orderBy) + "\"",
                    Map.of("_order_by", "Must be last_name,first_name or first_name,last_name."));
        }
        List<Member> page = services.store().read(h -> h.createQuery("SELECT " + MemberStore.COLUMNS
                        + " FROM members WHERE org_id = :org AND status = 'active' ORDER BY " + order
                        + " OFFSET :skip LIMIT :limit")
                .bind("org", req.orgId()).bind("skip", skip).bind("limit", limit + 1)
                .map((rs, ctx) -> MemberStore.map(rs)).list());
        CloseReply.list(req, page.stream().limit(limit).map(CloseWire::user).toList(), page.size() > limit);
    }

    private void get(CloseRequest req) {
        String id = req.path("id");
        Member member = services.members().find(req.caller(), req.orgId(), MemberRef.userId(id)).orElseThrow(() ->
                new NotFoundException("user_not_found", "User \"" + Fields.abbreviate(id) + "\" not found."));
        CloseReply.object(req, 200, CloseWire.user(member));
    }
}
