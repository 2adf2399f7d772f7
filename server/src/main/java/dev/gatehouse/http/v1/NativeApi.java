package dev.gatehouse.http.v1;

import dev.gatehouse.app.Gatehouse;
import dev.gatehouse.http.Auth;
import dev.gatehouse.http.Dialect;
import dev.gatehouse.http.Problem;
import dev.gatehouse.http.Route;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The native API under {@code /v1}: JSON in and out, errors as problem+json. */
public final class NativeApi implements Dialect {

    private final List<Route> routes;

    public NativeApi(Gatehouse.Services s, List<Route> more) {
        Auth auth = s.auth();
        List<Route> all = new ArrayList<>();
        all.addAll(new ModelsResource(s.modelService(), auth).routes());
        all.addAll(new OrgsResource(s.orgs(), auth).routes());
        all.addAll(new RolesResource(s.roles(), auth).routes());
        all.addAll(new MembersResource(s.members(), s.memberKeys(), auth).routes());
        all.addAll(new GroupsResource(s.groups(), auth).routes());
        all.addAll(new OfficesResource(s.offices(), auth).routes());
        all.addAll(new AssignmentsResource(s.assignments(), auth).routes());
        all.addAll(new DecisionsResource(s.decisions(), auth).routes());
        all.addAll(new EventsResource(s.events(), auth).routes());
        all.addAll(new WebhooksResource(s.webhooks(), auth).routes());
        all.addAll(new EngineResource(s.decisions(), auth).routes());
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
    public ErrorReply errorReply(int status, String code, String detail, Map<String, String> fieldErrors,
                                 Map<String, Object> context) {
        return Problem.reply(status, code, detail, fieldErrors, context);
    }
}
