package dev.gatehouse.http.v1;

import dev.gatehouse.apikey.KeySnapshot;
import dev.gatehouse.http.Auth;
import dev.gatehouse.http.Route;
import dev.gatehouse.json.Fields;
import dev.gatehouse.member.MemberRef;
import dev.gatehouse.member.MemberSnapshot;
import dev.gatehouse.org.OrgService;
import dev.gatehouse.org.OrgSnapshot;
import dev.gatehouse.org.Organization;
import io.javalin.http.Context;
import java.util.List;
import java.util.Set;
import tools.jackson.databind.node.ObjectNode;

/** {@code /v1/orgs}: organizations. */
final class OrgsResource {

    private final OrgService orgs;
    private final Auth auth;

    OrgsResource(OrgService orgs, Auth auth) {
        this.orgs = orgs;
        this.auth = auth;
    }

    List<Route> routes() {
        return List.of(
                Route.post("/v1/orgs", this::create),
                Route.get("/v1/orgs", this::list).reading(V1.PAGE),
                Route.get("/v1/orgs/{org}", this::get),
                Route.patch("/v1/orgs/{org}", this::update).readingIfMatch(),
                Route.delete("/v1/orgs/{org}", this::delete).readingIfMatch());
    }

    private void create(Context ctx) {
        var principal = auth.principal(ctx);
        Fields f = V1.body(ctx).allowOnly(Set.of("name", "model", "admin"));
        String name = f.name("name", true, 200);
        String model = f.string("model", true, 63);
        Fields admin = f.object("admin", false);
        OrgService.Admin first = null;
        if (admin != null) {
            admin.allowOnly(Set.of("user_id", "email", "first_name", "last_name"));
            first = new OrgService.Admin(admin.identifier("user_id", true, MemberRef.MAX_LENGTH), admin.email("email", true),
                    admin.nameOrEmpty("first_name", 200), admin.nameOrEmpty("last_name", 200));
        }
        f.check();
        var written = orgs.create(principal, name, model, first);
        ObjectNode body = OrgSnapshot.of(written.value().org());
        if (written.value().admin() != null) {
            body.set("admin_member", MemberSnapshot.of(written.value().admin()));
            ObjectNode key = KeySnapshot.of(written.value().adminKey().key());
            key.put("key", written.value().adminKey().token());
            body.set("admin_key", key);
        }
        V1.written(ctx, 201, written, body);
    }

    private void list(Context ctx) {
        var principal = auth.principal(ctx);
        int limit = V1.limit(ctx);
        V1.page(ctx, orgs.list(principal, V1.after(ctx), limit), limit, Organization::id, OrgSnapshot::of);
    }

    private void get(Context ctx) {
        var principal = auth.principal(ctx);
        V1.object(ctx, 200, OrgSnapshot.of(orgs.get(principal, V1.id(ctx, "org"))));
    }

    private void update(Context ctx) {
        var principal = auth.principal(ctx);
        long orgId = V1.id(ctx, "org");
        Fields f = V1.body(ctx).allowOnly(Set.of("name"));
        String name = f.name("name", true, 200);
        f.check();
        var written = orgs.rename(principal, orgId, name, V1.ifMatch(ctx));
        V1.written(ctx, 200, written, OrgSnapshot.of(written.value()));
    }

    private void delete(Context ctx) {
        var principal = auth.principal(ctx);
        V1.written(ctx, 204, orgs.delete(principal, V1.id(ctx, "org"), V1.ifMatch(ctx)), null);
    }
}
