package dev.gatehouse.http.v1;

import dev.gatehouse.apikey.KeyService;
import dev.gatehouse.event.EventService;
import dev.gatehouse.http.Auth;
import dev.gatehouse.http.Dialect;
import dev.gatehouse.http.Problem;
import dev.gatehouse.http.Route;
import dev.gatehouse.member.MemberService;
import dev.gatehouse.model.ModelService;
import dev.gatehouse.org.OrgService;
import dev.gatehouse.role.RoleService;
import dev.gatehouse.webhook.WebhookService;
import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The native API under {@code /v1}: JSON in and out, errors as problem+json. */
public final class NativeApi implements Dialect {

    private final List<Route> routes;

    public NativeApi(Auth auth, ModelService models, OrgService orgs, RoleService roles, MemberService members,
                     KeyService keys, EventService events, WebhookService webhooks, List<Route> more) {
        List<Route> all = new ArrayList<>();
        all.addAll(new ModelsResource(models, auth).routes());
        all.addAll(new OrgsResource(orgs, auth).routes());
        all.addAll(new RolesResource(roles, auth).routes());
        all.addAll(new MembersResource(members, keys, auth).routes());
        all.addAll(new EventsResource(events, auth).routes());
        all.addAll(new WebhooksResource(webhooks, auth).routes());
        all.addAll(more);
        this.routes = List.copyOf(all);
    }

    @Override
    public String prefix() {
        return "/v1";
    }

    @Override
    public List<Route> routes() {
        return routes;
    }

    @Override
    public void error(Context ctx, int status, String code, String detail, Map<String, String> fieldErrors) {
        Problem.write(ctx, status, code, detail, fieldErrors);
    }
}
