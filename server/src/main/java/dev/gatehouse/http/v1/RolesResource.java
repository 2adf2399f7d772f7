package dev.gatehouse.http.v1;

import dev.gatehouse.http.Auth;
import dev.gatehouse.http.Route;
import dev.gatehouse.json.Fields;
import dev.gatehouse.role.Role;
import dev.gatehouse.role.RoleInput;
import dev.gatehouse.role.RoleService;
import dev.gatehouse.role.RoleSnapshot;
import io.javalin.http.Context;
import java.util.List;
import java.util.Set;

/** {@code /v1/orgs/{org}/roles}: roles. */
final class RolesResource {


    private final RoleService roles;
    private final Auth auth;

    RolesResource(RoleService roles, Auth auth) {
        this.roles = roles;
        this.auth = auth;
    }

    List<Route> routes() {
        return List.of(
                Route.get("/v1/orgs/{org}/roles", this::list).reading(V1.PAGE),
                Route.post("/v1/orgs/{org}/roles", this::create),
                Route.get("/v1/orgs/{org}/roles/{role}", this::get),
                Route.patch("/v1/orgs/{org}/roles/{role}", this::update).readingIfMatch(),
                Route.delete("/v1/orgs/{org}/roles/{role}", this::delete).readingIfMatch());
    }

    private void list(Context ctx) {
        var principal = auth.principal(ctx);
        int limit = V1.limit(ctx);
        V1.page(ctx, roles.list(principal, V1.id(ctx, "org"), V1.after(ctx), limit), limit, Role::id, RoleSnapshot::of);
    }

    private void get(Context ctx) {
        var principal = auth.principal(ctx);
        V1.object(ctx, 200, RoleSnapshot.of(roles.get(principal, V1.id(ctx, "org"), V1.id(ctx, "role"))));
    }

    private void create(Context ctx) {
        var principal = auth.principal(ctx);
        long orgId = V1.id(ctx, "org");
        RoleInput input = input(V1.body(ctx), true);
        var written = roles.create(principal, orgId, input);
        V1.written(ctx, 201, written, RoleSnapshot.of(written.value()));
    }

    private void update(Context ctx) {
        var principal = auth.principal(ctx);
        long orgId = V1.id(ctx, "org");
        long roleId = V1.id(ctx, "role");
        RoleInput input = input(V1.body(ctx).rejectNulls("name", "description", "permissions", "external"), false);
        var written = roles.update(principal, orgId, roleId, input, V1.ifMatch(ctx));
        V1.written(ctx, 200, written, RoleSnapshot.of(written.value()));
    }

    private void delete(Context ctx) {
        var principal = auth.principal(ctx);
        V1.written(ctx, 204, roles.delete(principal, V1.id(ctx, "org"), V1.id(ctx, "role"), V1.ifMatch(ctx)), null);
    }

    private static RoleInput input(Fields f, boolean create) {
        return input(f, create, Set.of());
    }

    /** A role's fields; {@code more} are further fields the caller reads itself (a preview's role id and version). */
    static RoleInput input(Fields f, boolean create, Set<String> more) {
        f.allowOnly(more.isEmpty() ? RoleInput.FIELDS : union(RoleInput.FIELDS, more));
        RoleInput input = RoleInput.read(f, create);
        f.check();
        return input;
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        Set<String> all = new java.util.HashSet<>(a);
        all.addAll(b);
        return all;
    }
}
