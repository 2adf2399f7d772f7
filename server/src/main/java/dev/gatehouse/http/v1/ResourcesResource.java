package dev.gatehouse.http.v1;

import dev.gatehouse.http.Auth;
import dev.gatehouse.http.Route;
import dev.gatehouse.json.Fields;
import dev.gatehouse.json.Json;
import dev.gatehouse.resource.Resource;
import dev.gatehouse.resource.ResourceService;
import dev.gatehouse.resource.ResourceSnapshot;
import io.javalin.http.Context;
import java.util.List;
import java.util.Set;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The resource hierarchy under {@code /v1/orgs/{org}/resources/{type}/{id}}: record or move a resource
 * ({@code PUT} with {@code parent}), read it, take it out, list its children.
 */
final class ResourcesResource {

    private static final String BASE = "/v1/orgs/{org}/resources/{type}/{id}";

    private final ResourceService resources;
    private final Auth auth;

    ResourcesResource(ResourceService resources, Auth auth) {
        this.resources = resources;
        this.auth = auth;
    }

    List<Route> routes() {
        return List.of(
                Route.put(BASE, this::put),
                Route.get(BASE, this::get),
                Route.delete(BASE, this::delete),
                Route.get(BASE + "/children", this::children).reading(V1.PAGE));
    }

    private void put(Context ctx) {
        var principal = auth.principal(ctx);
        long orgId = V1.id(ctx, "org");
        Fields f = V1.body(ctx).allowOnly(Set.of("parent"));
        ResourceService.ParentRef parent = null;
        Fields p = f.object("parent", false);
        if (p != null) {
            p.allowOnly(Set.of("type", "id"));
            String type = p.string("type", true, 128);
            String id = p.string("id", true, Integer.MAX_VALUE); // its length is the service's, as every id's
            if (type != null && id != null) {
                parent = new ResourceService.ParentRef(type, id);
            }
        }
        f.check();
        var written = resources.put(principal, orgId, ctx.pathParam("type"), V1.recordedResourceId(ctx), parent);
        V1.written(ctx, written.value().created() ? 201 : 200, written,
                ResourceSnapshot.of(written.value().resource()));
    }

    private void get(Context ctx) {
        var principal = auth.principal(ctx);
        V1.ok(ctx, ResourceSnapshot.of(resources.get(principal, V1.id(ctx, "org"), ctx.pathParam("type"),
                ctx.pathParam("id"))));
    }

    private void delete(Context ctx) {
        var principal = auth.principal(ctx);
        V1.written(ctx, 204, resources.delete(principal, V1.id(ctx, "org"), ctx.pathParam("type"),
                ctx.pathParam("id")), null);
    }

    /** Children ordered by (type, id); the cursor carries that position. */
    private void children(Context ctx) {
        var principal = auth.principal(ctx);
        int limit = V1.limit(ctx);
        V1.ResourcePosition after = V1.afterResource(ctx);
        ResourceService.Children page = resources.children(principal, V1.id(ctx, "org"), ctx.pathParam("type"),
                ctx.pathParam("id"), after.type(), after.id(), limit);
        ObjectNode body = Json.object();
        ArrayNode items = body.putArray("items");
        page.items().forEach(r -> items.add(ResourceSnapshot.of(r)));
        Resource last = page.lastRead();
        body.put("next_cursor", last != null ? new V1.ResourcePosition(last.type(), last.id()).cursor(ctx) : null);
        V1.ok(ctx, body);
    }
}
