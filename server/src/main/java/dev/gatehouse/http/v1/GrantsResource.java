package dev.gatehouse.http.v1;

import dev.gatehouse.grant.GrantService;
import dev.gatehouse.grant.GrantsSnapshot;
import dev.gatehouse.http.Auth;
import dev.gatehouse.http.Route;
import dev.gatehouse.json.Fields;
import io.javalin.http.Context;
import java.util.List;
import java.util.Set;
import tools.jackson.databind.node.ObjectNode;

/**
 * A member's per-member grants under {@code /v1/orgs/{org}/members/{member}/grants}: read them, or replace the
 * whole set with {@code PUT {permissions: [...]}} (an empty list removes them all).
 */
final class GrantsResource {

    private static final String BASE = "/v1/orgs/{org}/members/{member}/grants";

    private final GrantService grants;
    private final Auth auth;

    GrantsResource(GrantService grants, Auth auth) {
        this.grants = grants;
        this.auth = auth;
    }

    List<Route> routes() {
        return List.of(Route.get(BASE, this::get), Route.put(BASE, this::put));
    }

    private void get(Context ctx) {
        var principal = auth.principal(ctx);
        long orgId = V1.id(ctx, "org");
        V1.ok(ctx, render(orgId, grants.get(principal, orgId, MembersResource.ref(ctx))));
    }

    private void put(Context ctx) {
        var principal = auth.principal(ctx);
        long orgId = V1.id(ctx, "org");
        Fields f = V1.body(ctx).allowOnly(Set.of("permissions"));
        List<String> permissions = f.strings("permissions", true, 4096, 128);
        f.check();
        var written = grants.put(principal, orgId, MembersResource.ref(ctx), permissions);
        V1.written(ctx, 200, written, render(orgId, written.value()));
    }

    private static ObjectNode render(long orgId, GrantService.Held held) {
        return GrantsSnapshot.of(orgId, held.member().id(), held.member().userId(), held.grants());
    }
}
