package dev.gatehouse.http.v1;

import dev.gatehouse.http.Auth;
import dev.gatehouse.http.Route;
import dev.gatehouse.json.Fields;
import dev.gatehouse.role.Role;
import dev.gatehouse.role.RoleInput;
import dev.gatehouse.role.RoleService;
import dev.gatehouse.role.RoleSnapshot;
import dev.gatehouse.role.RoleVisibility;
import io.javalin.http.Context;
import java.util.List;
import java.util.Set;

/** {@code /v1/orgs/{org}/roles}: roles. */
final class RolesResource {

    private static final Set<String> FIELDS = Set.of("name", "description", "permissions", "external", "visibility");

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
                Route.patch("/v1/orgs/{org}/roles/{role}", this::update),
                Route.delete("/v1/orgs/{org}/roles/{role}", this::delete));
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
        RoleInput input = input(V1.body(ctx), false);
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
        f.allowOnly(more.isEmpty() ? FIELDS : union(FIELDS, more));
        String name = f.text("name", create, 100);
        String description = f.string("description", false, 2000);
        List<String> permissions = f.strings("permissions", create, 4096, 128);
        Boolean external = f.bool("external");
        RoleVisibility visibility = null;
        Fields v = f.object("visibility", false);
        if (v != null) {
            v.allowOnly(Set.of("user_field_ids", "unassigned"));
            List<String> fields = v.strings("user_field_ids", true, 100, 128);
            String unassigned = v.string("unassigned", true, 64);
            if (unassigned != null && !RoleVisibility.BEHAVIOURS.contains(unassigned)) {
                v.error("unassigned", "must be one of " + RoleVisibility.BEHAVIOURS);
            } else if (fields != null && unassigned != null) {
                visibility = new RoleVisibility(fields, unassigned);
            }
        }
        f.check();
        return new RoleInput(name, description, permissions, external, visibility, f.has("visibility"));
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        Set<String> all = new java.util.HashSet<>(a);
        all.addAll(b);
        return all;
    }
}
