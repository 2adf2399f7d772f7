package dev.gatehouse.http.v1;

import dev.gatehouse.assignment.Assignment;
import dev.gatehouse.assignment.AssignmentService;
import dev.gatehouse.assignment.AssignmentSnapshot;
import dev.gatehouse.http.Auth;
import dev.gatehouse.http.Route;
import dev.gatehouse.json.Fields;
import dev.gatehouse.json.Json;
import io.javalin.http.Context;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** Resource assignments under {@code /v1/orgs/{org}/resources/{type}/{id}/assignments} and per member. */
final class AssignmentsResource {

    private static final String BASE = "/v1/orgs/{org}/resources/{type}/{id}/assignments";

    private final AssignmentService assignments;
    private final Auth auth;

    AssignmentsResource(AssignmentService assignments, Auth auth) {
        this.assignments = assignments;
        this.auth = auth;
    }

    List<Route> routes() {
        return List.of(
                Route.get(BASE, this::listByResource).reading(V1.PAGE),
                Route.delete(BASE, this::removeResource),
                Route.get(BASE + "/{member}", this::get),
                Route.put(BASE + "/{member}", this::put),
                Route.delete(BASE + "/{member}", this::remove),
                Route.get("/v1/orgs/{org}/members/{member}/assignments", this::listByMember).reading(V1.PAGE),
                Route.delete("/v1/orgs/{org}/members/{member}/assignments", this::removeMember));
    }

    private void put(Context ctx) {
        var principal = auth.principal(ctx);
        long orgId = V1.id(ctx, "org");
        Fields f = V1.body(ctx).allowOnly(Set.of("role_id", "expires_at"));
        Long roleId = f.id("role_id", true);
        Instant expiresAt = f.instant("expires_at");
        f.check();
        var written = assignments.put(principal, orgId, ctx.pathParam("type"), V1.recordedResourceId(ctx),
                MembersResource.ref(ctx), roleId, expiresAt);
        V1.written(ctx, 200, written, AssignmentSnapshot.of(written.value()));
    }


    private void get(Context ctx) {
        var principal = auth.principal(ctx);
        V1.ok(ctx, AssignmentSnapshot.of(assignments.get(principal, V1.id(ctx, "org"), ctx.pathParam("type"),
                ctx.pathParam("id"), MembersResource.ref(ctx))));
    }

    private void remove(Context ctx) {
        var principal = auth.principal(ctx);
        V1.written(ctx, 204, assignments.remove(principal, V1.id(ctx, "org"), ctx.pathParam("type"),
                ctx.pathParam("id"), MembersResource.ref(ctx)), null);
    }

    private void listByResource(Context ctx) {
        var principal = auth.principal(ctx);
        int limit = V1.limit(ctx);
        V1.page(ctx, assignments.listByResource(principal, V1.id(ctx, "org"), ctx.pathParam("type"),
                ctx.pathParam("id"), V1.after(ctx), limit), limit, Assignment::memberId, AssignmentSnapshot::of);
    }

    private void removeResource(Context ctx) {
        var principal = auth.principal(ctx);
        var written = assignments.removeResource(principal, V1.id(ctx, "org"), ctx.pathParam("type"), ctx.pathParam("id"));
        V1.written(ctx, 200, written, Json.object().put("removed", written.value()));
    }

    private void removeMember(Context ctx) {
        var principal = auth.principal(ctx);
        var written = assignments.removeMember(principal, V1.id(ctx, "org"), MembersResource.ref(ctx));
        V1.written(ctx, 200, written, Json.object().put("removed", written.value()));
    }

    /** A member's assignments, ordered by (type, resource id); the cursor carries that position. */
    private void listByMember(Context ctx) {
        var principal = auth.principal(ctx);
        int limit = V1.limit(ctx);
        V1.ResourcePosition after = V1.afterResource(ctx);
        List<Assignment> page = assignments.listByMember(principal, V1.id(ctx, "org"), MembersResource.ref(ctx),
                after.type(), after.id(), limit);
        ObjectNode body = Json.object();
        ArrayNode items = body.putArray("items");
        page.forEach(a -> items.add(AssignmentSnapshot.of(a)));
        Assignment last = page.isEmpty() ? null : page.get(page.size() - 1);
        body.put("next_cursor", page.size() == limit && last != null
                ? new V1.ResourcePosition(last.resourceType(), last.resourceId()).cursor(ctx) : null);
        V1.ok(ctx, body);
    }

}
