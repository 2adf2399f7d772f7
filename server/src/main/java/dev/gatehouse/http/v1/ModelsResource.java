package dev.gatehouse.http.v1;

import dev.gatehouse.http.Auth;
import dev.gatehouse.http.Route;
import dev.gatehouse.json.Json;
import dev.gatehouse.custommodel.ModelService;
import dev.gatehouse.model.ModelDefinition;
import dev.gatehouse.model.PermissionModel;
import dev.gatehouse.org.OrgService;
import io.javalin.http.Context;
import java.util.List;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** {@code /v1/models}: the permission models, in the same JSON form a custom model is registered in. */
final class ModelsResource {

    private final ModelService models;
    private final OrgService orgs;
    private final Auth auth;

    ModelsResource(ModelService models, OrgService orgs, Auth auth) {
        this.models = models;
        this.orgs = orgs;
        this.auth = auth;
    }

    List<Route> routes() {
        return List.of(
                Route.get("/v1/models", this::list).reading(V1.PAGE),
                Route.post("/v1/models", this::register),
                Route.get("/v1/models/{model}", this::get),
                Route.get("/v1/orgs/{org}/model", this::ofOrganization));
    }

    /**
     * The model an organization uses, for whoever may read the organization — also an access token, which acts in
     * the organization its path names and so cannot read {@code /v1/models/{model}}.
     */
    private void ofOrganization(Context ctx) {
        var principal = auth.principal(ctx);
        V1.ok(ctx, json(models.get(principal, orgs.get(principal, V1.id(ctx, "org")).modelId())));
    }

    /** The models the caller may read, in id order, paginated like every list. */
    private void list(Context ctx) {
        var principal = auth.principal(ctx);
        int limit = V1.limit(ctx);
        String after = V1.afterText(ctx);
        List<PermissionModel> page = models.list(principal).stream()
                .filter(m -> after == null || m.id().compareTo(after) > 0).limit(limit).toList();
        ObjectNode body = Json.object();
        ArrayNode items = body.putArray("items");
        page.forEach(m -> items.add(json(m)));
        body.put("next_cursor", page.size() == limit ? V1.cursor(ctx, page.get(page.size() - 1).id()) : null);
        V1.ok(ctx, body);
    }

    private void get(Context ctx) {
        V1.ok(ctx, json(models.get(auth.principal(ctx), ctx.pathParam("model"))));
    }

    private void register(Context ctx) {
        var principal = auth.principal(ctx);
        var written = models.register(principal, V1.body(ctx).node());
        V1.written(ctx, 201, written, json(written.value()));
    }

    static ObjectNode json(PermissionModel m) {
        // the definition a model is registered and stored in, with the answer's read-only built_in after its
        // description (setAll keeps the place of the fields already put)
        ObjectNode n = Json.object().put("id", m.id()).put("name", m.name()).put("description", m.description())
                .put("built_in", m.builtIn());
        n.setAll(ModelDefinition.of(m));
        return n;
    }
}
