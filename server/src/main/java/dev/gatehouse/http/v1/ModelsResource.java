package dev.gatehouse.http.v1;

import dev.gatehouse.http.Auth;
import dev.gatehouse.http.Route;
import dev.gatehouse.json.Json;
import dev.gatehouse.custommodel.ModelService;
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
        ObjectNode n = Json.object();
        n.put("id", m.id());
        n.put("name", m.name());
        n.put("description", m.description());
        n.put("built_in", m.builtIn());
        n.put("external_roles", m.externalRoles());
        ArrayNode categories = n.putArray("categories");
        m.categories().forEach(c -> categories.addObject().put("key", c.key()).put("name", c.name()));
        ArrayNode permissions = n.putArray("permissions");
        m.permissions().forEach(p -> {
            ObjectNode o = permissions.addObject().put("key", p.key()).put("category", p.category())
                    .put("description", p.description());
            ArrayNode scopes = o.putArray("scopes");
            p.scopes().forEach(scopes::add);
        });
        ArrayNode types = n.putArray("resource_types");
        m.resourceTypes().forEach(t -> types.addObject().put("key", t.key()).put("name", t.name())
                .put("inherits_company_role", t.inheritsCompanyRole()).put("parent_type", t.parentType()));
        ArrayNode roles = n.putArray("system_roles");
        m.systemRoles().forEach(r -> {
            ObjectNode o = roles.addObject().put("key", r.key()).put("name", r.name())
                    .put("description", r.description()).put("external", r.external())
                    .put("default_for_admin", r.defaultForAdmin());
            ArrayNode granted = o.putArray("permissions");
            r.permissions().forEach(granted::add);
        });
        n.putObject("management").put("roles", m.management().roles()).put("members", m.management().members())
                .put("assignments", m.management().assignments());
        m.visibility().ifPresentOrElse(v -> n.putObject("visibility").put("sees_all_permission", v.seesAllPermission())
                .put("max_fields", v.maxFields()), () -> n.putNull("visibility"));
        if (m.memberGrants().allowed()) {
            ObjectNode grants = n.putObject("member_grants");
            ArrayNode grantable = grants.putArray("permissions");
            m.memberGrants().permissions().forEach(grantable::add);
            ArrayNode takers = grants.putArray("roles");
            m.memberGrants().roles().forEach(takers::add);
        } else {
            n.putNull("member_grants");
        }
        return n;
    }
}
