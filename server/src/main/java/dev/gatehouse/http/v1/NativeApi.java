package dev.gatehouse.http.v1;

import dev.gatehouse.apikey.ReplicaKeyService;
import dev.gatehouse.assignment.AssignmentService;
import dev.gatehouse.bulk.ExportService;
import dev.gatehouse.bulk.ImportService;
import dev.gatehouse.custommodel.ModelService;
import dev.gatehouse.decision.DecisionService;
import dev.gatehouse.event.EventService;
import dev.gatehouse.grant.GrantService;
import dev.gatehouse.group.GroupService;
import dev.gatehouse.http.Auth;
import dev.gatehouse.http.Dialect;
import dev.gatehouse.http.LogContext;
import dev.gatehouse.http.Problem;
import dev.gatehouse.http.QueryParameters;
import dev.gatehouse.http.Route;
import dev.gatehouse.json.Digits;
import dev.gatehouse.member.MemberKeyService;
import dev.gatehouse.member.MemberService;
import dev.gatehouse.office.OfficeService;
import dev.gatehouse.org.OrgService;
import dev.gatehouse.preview.PreviewService;
import dev.gatehouse.replication.ReplicationService;
import dev.gatehouse.resource.ResourceService;
import dev.gatehouse.role.RoleService;
import dev.gatehouse.webhook.WebhookService;
import io.javalin.http.Handler;
import io.javalin.http.HandlerType;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The native API under {@code /v1}: JSON in and out, errors as problem+json. A route under
 * {@code /v1/orgs/{org}} names its organization in the logging context ({@link LogContext}) before it runs.
 *
 * <p>A write of an object that carries a version (its answer has an {@code ETag}) declares that it reads
 * {@code If-Match} ({@link Route#readingIfMatch}) and passes the version to its service, which compares it under the
 * organization's lock; so does the read of that object, which compares it with the version it answers
 * ({@link V1#object}). Every other route refuses {@code If-Match} before it runs, and every write refuses
 * {@code If-None-Match} and {@code If-Unmodified-Since} ({@code http/Conditions}, for every dialect), never performing
 * a request whose condition it cannot evaluate. A read of one versioned object honours {@code If-None-Match}
 * ({@link V1#object}).
 *
 * <p>Every route declares the query parameters it reads ({@link Route#reading}; a route that declares none reads
 * none), so that a parameter it does not read, or a single-valued one given twice, is refused before it runs —
 * as unknown body fields are. openapi.yaml documents the same parameters for each operation ({@code OpenApiIT}).
 * Thread-safe.
 */
public final class NativeApi implements Dialect {

    /** What the native API uses: the caller's key and the service of each resource it serves. */
    public record Services(Auth auth, ModelService models, OrgService orgs, RoleService roles, MemberService members,
                           MemberKeyService memberKeys, GroupService groups, AssignmentService assignments,
                           DecisionService decisions, EventService events, WebhookService webhooks,
                           PreviewService previews, ImportService imports, ExportService exports,
                           OfficeService offices, ResourceService resources, GrantService grants,
                           ReplicationService replication, ReplicaKeyService replicaKeys) {
        public Services {
            Objects.requireNonNull(auth, "auth");
            Objects.requireNonNull(models, "models");
            Objects.requireNonNull(orgs, "orgs");
            Objects.requireNonNull(roles, "roles");
            Objects.requireNonNull(members, "members");
            Objects.requireNonNull(memberKeys, "memberKeys");
            Objects.requireNonNull(groups, "groups");
            Objects.requireNonNull(assignments, "assignments");
            Objects.requireNonNull(decisions, "decisions");
            Objects.requireNonNull(events, "events");
            Objects.requireNonNull(webhooks, "webhooks");
            Objects.requireNonNull(previews, "previews");
            Objects.requireNonNull(imports, "imports");
            Objects.requireNonNull(exports, "exports");
            Objects.requireNonNull(offices, "offices");
            Objects.requireNonNull(resources, "resources");
            Objects.requireNonNull(grants, "grants");
            Objects.requireNonNull(replication, "replication");
            Objects.requireNonNull(replicaKeys, "replicaKeys");
        }
    }

    private final List<Route> routes;

    public NativeApi(Services s) {
        Auth auth = s.auth().within(NativeApi::orgOf);
        List<Route> all = new ArrayList<>();
        all.addAll(new ModelsResource(s.models(), s.orgs(), auth).routes());
        all.addAll(new OrgsResource(s.orgs(), auth).routes());
        all.addAll(new RolesResource(s.roles(), auth).routes());
        all.addAll(new MembersResource(s.members(), s.memberKeys(), auth).routes());
        all.addAll(new GroupsResource(s.groups(), auth).routes());
        all.addAll(new OfficesResource(s.offices(), auth).routes());
        all.addAll(new AssignmentsResource(s.assignments(), auth).routes());
        all.addAll(new ResourcesResource(s.resources(), auth).routes());
        all.addAll(new GrantsResource(s.grants(), auth).routes());
        all.addAll(new DecisionsResource(s.decisions(), auth).routes());
        all.addAll(new EventsResource(s.events(), auth).routes());
        all.addAll(new WebhooksResource(s.webhooks(), auth).routes());
        all.addAll(new EngineResource(s.decisions(), auth).routes());
        all.addAll(new BulkResource(s.imports(), s.exports(), auth, s.replication()::applied).routes());
        all.addAll(new PreviewResource(s.previews(), auth).routes());
        all.addAll(new ReplicationResource(s.replication(), auth).routes());
        all.addAll(new ReplicaKeysResource(s.replicaKeys(), auth).routes());
        this.routes = readingIfMatchWhereVersioned(all).stream().map(NativeApi::readingWhatItDeclares)
                .map(NativeApi::namingTheOrg).toList();
    }

    /** The route, reading no query parameter unless it declares some. */
    private static Route readingWhatItDeclares(Route route) {
        return route.query() == null ? route.reading(QueryParameters.NONE) : route;
    }

    /**
     * The GET routes of the paths whose writes read {@code If-Match}, declared as reading it too: each answers the one
     * versioned object those writes change, with its version as the ETag, and evaluates {@code If-Match} against it
     * ({@link V1#object}); every other route refuses the header ({@code http/Conditions}).
     */
    private static List<Route> readingIfMatchWhereVersioned(List<Route> routes) {
        Set<String> versioned = new HashSet<>();
        for (Route route : routes) {
            if (route.readsIfMatch() && route.method() != HandlerType.POST) {
                versioned.add(route.path());
            }
        }
        return routes.stream().map(route -> route.method() == HandlerType.GET && versioned.contains(route.path())
                ? route.readingIfMatch() : route).toList();
    }

    /** The route, first putting the organization of its path in the logging context when it has one. */
    private static Route namingTheOrg(Route route) {
        if (!route.path().contains("{org}")) {
            return route;
        }
        Handler handler = route.handler();
        return route.wrapped(ctx -> {
            naming(ctx.pathParam("org"));
            handler.handle(ctx);
        }, direct -> exchange -> {
            naming(exchange.pathParam("org"));
            return direct.handle(exchange);
        });
    }

    private static void naming(String org) {
        long id = Digits.id(org);
        if (id > 0) {
            LogContext.org(id);
        }
    }

    /**
     * The organization of a {@code /v1/orgs/{org}/…} path, for access tokens; null for other paths. An {@code org}
     * that is no id ({@code 01}, {@code +1}, {@code 0}, beyond 64 bits) is the 400 {@code invalid_id} a key gets
     * there: it was read as no organization named, and a token got a 401 telling it to use an API key.
     */
    static Long orgOf(io.javalin.http.Context ctx) {
        String raw = ctx.pathParamMap().get("org");
        return raw == null ? null : V1.id("org", raw);
    }

    @Override
    public String prefix() {
        return "/v1";
    }

    @Override
    public List<Route> routes() {
        return routes;
    }

    @Override
    public ErrorReply errorReply(int status, String code, String detail, Map<String, String> fieldErrors,
                                 Map<String, Object> context) {
        return Problem.reply(status, code, detail, fieldErrors, context);
    }
}
