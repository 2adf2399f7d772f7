package dev.gatehouse.http.v1;

import dev.gatehouse.apikey.ApiKey;
import dev.gatehouse.apikey.KeySnapshot;
import dev.gatehouse.apikey.ReplicaKeyService;
import dev.gatehouse.http.Auth;
import dev.gatehouse.http.Route;
import dev.gatehouse.json.Fields;
import dev.gatehouse.json.Json;
import io.javalin.http.Context;
import java.util.List;
import java.util.Set;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code /v1/replica-keys} (service key): read-only keys for the snapshot and the change stream, of every
 * organization or of one ({@link ReplicaKeyService}). Created with {@code {"name", "org_id"}} (both optional); the
 * secret is shown once, in the creation's answer.
 */
final class ReplicaKeysResource {

    private final ReplicaKeyService keys;
    private final Auth auth;

    ReplicaKeysResource(ReplicaKeyService keys, Auth auth) {
        this.keys = keys;
        this.auth = auth;
    }

    List<Route> routes() {
        return List.of(Route.get("/v1/replica-keys", this::list).reading(V1.PAGE), Route.post("/v1/replica-keys", this::create),
                Route.delete("/v1/replica-keys/{key}", this::revoke));
    }

    private void list(Context ctx) {
        var principal = auth.principal(ctx);
        int limit = V1.limit(ctx);
        String after = V1.afterText(ctx);
        List<ApiKey> page = keys.list(principal, after, limit);
        ObjectNode body = Json.object();
        ArrayNode items = body.putArray("items");
        page.forEach(k -> items.add(KeySnapshot.of(k)));
        body.put("next_cursor", page.size() == limit ? V1.cursor(ctx, page.get(page.size() - 1).keyId()) : null);
        V1.ok(ctx, body);
    }

    private void create(Context ctx) {
        var principal = auth.principal(ctx);
        String name = null;
        Long orgId = null;
        if (ctx.bodyAsBytes().length > 0) {
            Fields f = V1.body(ctx).allowOnly(Set.of("name", "org_id"));
            name = f.optional("name", 200);
            orgId = f.id("org_id", false);
            f.check();
        }
        var written = keys.create(principal, orgId, name);
        ObjectNode body = KeySnapshot.of(written.value().key());
        body.put("key", written.value().token());
        V1.written(ctx, 201, written, body);
    }

    private void revoke(Context ctx) {
        var principal = auth.principal(ctx);
        V1.written(ctx, 204, keys.revoke(principal, ctx.pathParam("key")), null);
    }
}
