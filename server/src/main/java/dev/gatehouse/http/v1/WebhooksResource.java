package dev.gatehouse.http.v1;

import dev.gatehouse.error.InvalidInputException;
import dev.gatehouse.http.Auth;
import dev.gatehouse.http.Route;
import dev.gatehouse.json.Fields;
import dev.gatehouse.webhook.Delivery;
import dev.gatehouse.webhook.Webhook;
import dev.gatehouse.webhook.WebhookInput;
import dev.gatehouse.webhook.WebhookService;
import dev.gatehouse.webhook.WebhookSnapshot;
import io.javalin.http.Context;
import java.util.List;
import java.util.Map;
import java.util.Set;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code /v1/orgs/{org}/webhooks}: webhook subscriptions and their deliveries log. The signing secret is in
 * the response to a create, and to an update with {@code rotate_secret: true}, and nowhere else.
 */
final class WebhooksResource {

    private static final Set<String> CREATE_FIELDS = Set.of("url", "description", "object_types", "actions", "status");
    private static final Set<String> UPDATE_FIELDS = Set.of("url", "description", "object_types", "actions", "status",
            "rotate_secret");
    private static final Set<String> STATUSES = Set.of(Webhook.ACTIVE, Webhook.PAUSED);
    private static final Set<String> OUTCOMES = Set.of(Delivery.SUCCEEDED, Delivery.FAILED);

    private final WebhookService webhooks;
    private final Auth auth;

    WebhooksResource(WebhookService webhooks, Auth auth) {
        this.webhooks = webhooks;
        this.auth = auth;
    }

    List<Route> routes() {
        return List.of(
                Route.get("/v1/orgs/{org}/webhooks", this::list).reading(V1.PAGE),
                Route.post("/v1/orgs/{org}/webhooks", this::create),
                Route.get("/v1/orgs/{org}/webhooks/{webhook}", this::get),
                Route.patch("/v1/orgs/{org}/webhooks/{webhook}", this::update).readingIfMatch(),
                Route.delete("/v1/orgs/{org}/webhooks/{webhook}", this::delete).readingIfMatch(),
                Route.get("/v1/orgs/{org}/webhooks/{webhook}/deliveries", this::deliveries)
                        .reading(V1.PAGE.and("outcome")));
    }

    private void list(Context ctx) {
        var principal = auth.principal(ctx);
        int limit = V1.limit(ctx);
        V1.page(ctx, webhooks.list(principal, V1.id(ctx, "org"), V1.after(ctx), limit), limit,
                d -> d.webhook().id(), d -> WebhookSnapshot.of(d.webhook(), d.delivery()));
    }

    private void get(Context ctx) {
        var principal = auth.principal(ctx);
        var d = webhooks.get(principal, V1.id(ctx, "org"), V1.id(ctx, "webhook"));
        V1.object(ctx, 200, WebhookSnapshot.of(d.webhook(), d.delivery()));
    }

    private void create(Context ctx) {
        var principal = auth.principal(ctx);
        long orgId = V1.id(ctx, "org");
        WebhookInput input = input(V1.body(ctx), true);
        var written = webhooks.create(principal, orgId, input);
        ObjectNode body = WebhookSnapshot.of(written.value().webhook(), written.value().delivery());
        body.put("secret", written.value().secret());
        V1.written(ctx, 201, written, body);
    }

    private void update(Context ctx) {
        var principal = auth.principal(ctx);
        long orgId = V1.id(ctx, "org");
        long id = V1.id(ctx, "webhook");
        WebhookInput input = input(V1.body(ctx), false);
        var written = webhooks.update(principal, orgId, id, input, V1.ifMatch(ctx));
        ObjectNode body = WebhookSnapshot.of(written.value().webhook(), written.value().delivery());
        if (input.rotateSecret()) {
            // a format showing its secret on every read (close) does so in its own dialect only: here it is the
            // answer to a create or a rotation, as for every subscription
            body.put("secret", written.value().secret());
        }
        V1.written(ctx, 200, written, body);
    }

    private void delete(Context ctx) {
        var principal = auth.principal(ctx);
        V1.written(ctx, 204, webhooks.delete(principal, V1.id(ctx, "org"), V1.id(ctx, "webhook"), V1.ifMatch(ctx)),
                null);
    }

    private void deliveries(Context ctx) {
        var principal = auth.principal(ctx);
        long orgId = V1.id(ctx, "org");
        long id = V1.id(ctx, "webhook");
        int limit = V1.limit(ctx);
        String outcome = ctx.queryParam("outcome");
        if (outcome != null && !OUTCOMES.contains(outcome)) {
            throw new InvalidInputException("invalid_query", "outcome must be succeeded or failed, got \""
                    + Fields.abbreviate(outcome) + "\"", Map.of("outcome", "must be succeeded or failed"));
        }
        String variant = V1.variant("outcome", outcome);
        List<Delivery> items = webhooks.deliveries(principal, orgId, id, V1.after(ctx, variant), outcome, limit);
        V1.page(ctx, variant, items, limit, false, Delivery::id, WebhookSnapshot::of);
    }

    private static WebhookInput input(Fields f, boolean create) {
        f.allowOnly(create ? CREATE_FIELDS : UPDATE_FIELDS);
        if (!create) {
            f.rejectNulls("url", "description", "status", "rotate_secret");
        }
        String url = f.unstripped("url", create, 2048);
        String description = f.optionalOrEmpty("description", 500);
        List<String> objectTypes = tokens(f, "object_types", EventsResource.OBJECT_TYPES);
        List<String> actions = tokens(f, "actions", EventsResource.ACTIONS);
        String status = f.string("status", false, 16);
        if (status != null && !STATUSES.contains(status)) {
            f.error("status", "must be active or paused");
        }
        Boolean rotate = create ? null : f.bool("rotate_secret");
        f.check();
        return new WebhookInput(url, description, objectTypes, actions, status, Boolean.TRUE.equals(rotate));
    }

    /**
     * A filter's values, each one the change log knows: an unknown one would never match, silently (checked as the
     * events list checks its filters, {@link EventsResource#filterProblem}).
     */
    private static List<String> tokens(Fields f, String name, List<String> known) {
        if (f.isNull(name)) {
            return List.of(); // null, as empty: no filter (on a PATCH, the filter lifted; absent keeps it)
        }
        List<String> values = f.strings(name, false, 50, 64);
        if (values != null) {
            for (String v : values) {
                String problem = EventsResource.filterProblem(v, known);
                if (problem != null) {
                    f.error(name, problem);
                    return null;
                }
            }
            values = values.stream().distinct().toList();
        }
        return values;
    }
}
