package dev.gatehouse.http.v1;

import dev.gatehouse.access.Principal;
import dev.gatehouse.decision.DecisionService;
import dev.gatehouse.decision.OrgDecisions;
import dev.gatehouse.decision.OrgDecisions.CheckRequest;
import dev.gatehouse.engine.Decision;
import dev.gatehouse.engine.VisibilityFilter;
import dev.gatehouse.error.GatehouseException;
import dev.gatehouse.error.InvalidInputException;
import dev.gatehouse.error.UnauthenticatedException;
import dev.gatehouse.http.Auth;
import dev.gatehouse.http.Exchange;
import dev.gatehouse.http.HttpServer;
import dev.gatehouse.http.Route;
import dev.gatehouse.json.Fields;
import dev.gatehouse.json.Json;
import dev.gatehouse.member.MemberRef;
import dev.gatehouse.member.MemberSnapshot;
import dev.gatehouse.model.ResourceType;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The decision API: check, batch check, lookups, effective permissions and record visibility, answered by
 * {@link DecisionService} from the in-memory engine. A request may carry {@code min_revision} (the
 * {@code Gatehouse-Revision} of a write; in the body, or as a query parameter of the two {@code GET} routes): it is
 * answered only once this node has applied that revision, or fails
 * with a retryable 503. Who may ask about whom is the service's rule; this class reads requests and writes
 * answers. The caller's right to address the organization is checked before the body is read, and again after a
 * {@code min_revision} wait, by the state it waited for ({@link Admission}): a caller this node does not know yet (a
 * key or member made on another node) is refused at once unless its request names a revision, which it is then
 * judged by.
 *
 * <p>Thread-safe: no state of its own.
 */
final class DecisionsResource {

    static final int MAX_BATCH = 1000;
    private static final Set<String> CHECK_FIELDS = Set.of("member_id", "user_id", "permission", "resource", "explain",
            "min_revision");

    /**
     * The longest cursor {@code lookup/resources} answers: {@link V1#cursorLength} of a resource id of the most
     * characters, each of four bytes in UTF-8 — so every cursor it answers is one it reads back.
     */
    private static final int MAX_RESOURCE_CURSOR = V1.cursorLength(4 * ResourceType.MAX_ID_LENGTH);

    private final DecisionService decisions;
    private final Auth auth;

    DecisionsResource(DecisionService decisions, Auth auth) {
        this.decisions = decisions;
        this.auth = auth;
    }

    List<Route> routes() {
        return List.of(
                Route.postFirst("/v1/orgs/{org}/check", admitting(this::check), this::checkDirect),
                Route.postFirst("/v1/orgs/{org}/check/batch", admitting(this::batch)),
                Route.post("/v1/orgs/{org}/lookup/resources", admitting(this::lookupResources)),
                Route.post("/v1/orgs/{org}/lookup/members", admitting(this::lookupMembers)),
                Route.post("/v1/orgs/{org}/visibility/check", admitting(this::visibilityCheck)),
                Route.get("/v1/orgs/{org}/members/{member}/visibility-filter", admitting(this::visibilityFilter))
                        .reading(V1.AT_REVISION),
                Route.get("/v1/orgs/{org}/members/{member}/permissions", admitting(this::permissions))
                        .reading(V1.AT_REVISION.and("resource_type", "resource_id")));
    }

    /** The decisions the request's caller may ask in the organization of its path. */
    private OrgDecisions decisions(Context ctx) {
        return decisions.in(auth.principal(ctx), V1.id(ctx, "org"));
    }

    /** A decision route, given how the state this node holds judged its caller ({@link Admission}). */
    @FunctionalInterface
    private interface AdmittedRoute {
        void handle(Context ctx, Admission admission);
    }

    /**
     * How the state this node held before a request was read judged its caller: admitted ({@code org}), or refused
     * by what a newer state may lift — a genuine key whose member was created on another node that this one has not
     * applied yet ({@code refused}). A refused caller's request is read only to find the revision it names: any failure to read
     * it, or a request naming none, gets the refusal, exactly as when the caller was refused before the body was read;
     * one naming a revision waits for it and is judged by the state it waited for. Lives for one request.
     */
    private static final class Admission {
        final OrgDecisions org;
        final UnauthenticatedException refused;
        /** Set once a refused caller waits: what fails from then on fails for itself. */
        boolean judgedAgain;

        Admission(OrgDecisions org, UnauthenticatedException refused) {
            this.org = org;
            this.refused = refused;
        }
    }

    /**
     * Refusals of a caller that a revision this node has not applied yet may lift: a genuine key (its secret verified)
     * whose member this node does not know as active yet. A key that does not verify is refused at once, so that no
     * caller without a genuine key can make a request wait or have its body read.
     */
    private static boolean mayBeLiftedLater(UnauthenticatedException refusal) {
        return refusal.code().equals("key_member_inactive");
    }

    /** {@code route}, told how this node's state judges the caller before anything of the request is read. */
    private Handler admitting(AdmittedRoute route) {
        return ctx -> {
            Admission admission;
            try {
                admission = new Admission(decisions(ctx), null);
            } catch (UnauthenticatedException e) {
                if (!mayBeLiftedLater(e)) {
                    throw e;
                }
                admission = new Admission(null, e);
            }
            try {
                route.handle(ctx, admission);
            } catch (RuntimeException e) {
                throw admission.refused != null && !admission.judgedAgain ? admission.refused : e;
            }
        };
    }

    /**
     * The caller's decisions once this node has applied {@code minRevision} (null: at once). The caller is judged
     * again by the state it waited for: a key revoked, a member deactivated or an organization deleted at or before
     * that revision is refused, and a key or member created by then admitted, exactly as by a node that held the
     * revision already. A caller refused before the wait is refused at once when the request names no revision.
     */
    private OrgDecisions atRevision(Context ctx, Admission admission, Long minRevision) {
        if (admission.refused != null) {
            if (minRevision == null) {
                throw admission.refused;
            }
            admission.judgedAgain = true;
            decisions.awaitRevision(minRevision);
            return decisions(ctx);
        }
        if (minRevision == null) {
            return admission.org;
        }
        admission.org.atRevision(minRevision);
        return decisions(ctx);
    }

    /**
     * A plain body ({@link PlainCheckBody}: the common case) is read from the token stream and a plain answer
     * written as bytes; any other body is read, and any explanation written, the general way. Both give the same
     * answers: the fast path only skips building and walking JSON trees.
     */
    private void check(Context ctx, Admission admission) {
        byte[] body = checkBody(ctx);
        CheckRequest request = PlainCheckBody.read(body);
        Long minRevision = null;
        if (request == null) {
            Fields f = Fields.of(body);
            request = parseCheck(f);
            minRevision = minRevision(f);
            f.check();
        }
        OrgDecisions.CheckResult result = atRevision(ctx, admission, minRevision).check(request);
        if (result.explanation() == null) {
            ctx.status(200).contentType("application/json").result(plainAnswer(result.allowed(), result.revision()));
        } else {
            V1.ok(ctx, checkJson(result));
        }
    }

    /**
     * A check with a plain body ({@link PlainCheckBody}) by a caller known in memory, answered directly
     * ({@link Exchange}): the same steps, in the same order, as {@link #check} takes for it — the caller, the
     * organization, the content type, the answer. Any other body or caller is left to {@link #check}, before
     * anything is done.
     */
    private boolean checkDirect(Exchange exchange) {
        CheckRequest request = PlainCheckBody.read(exchange.body());
        if (request == null) {
            return false;
        }
        Principal caller = auth.principalFromMemory(exchange.header("Authorization"));
        if (caller == null) {
            return false;
        }
        OrgDecisions org = decisions.in(caller, V1.id("org", exchange.pathParam("org")));
        V1.requireJson(exchange.contentType());
        OrgDecisions.CheckResult result = org.atRevision(null).check(request);
        exchange.json(plainAnswer(result.allowed(), result.revision()));
        return true;
    }

    /**
     * The check's body: read straight from the request when its length is declared — the edge has read it in full
     * already, within the size limit — else as every route reads it.
     */
    private static byte[] checkBody(Context ctx) {
        V1.requireJson(ctx);
        long length = ctx.req().getContentLengthLong();
        if (length < 0 || length > HttpServer.MAX_BODY_BYTES) {
            return ctx.bodyAsBytes();
        }
        try {
            return ctx.req().getInputStream().readNBytes((int) length);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code {"allowed":…,"revision":…}}, byte for byte what {@link #checkJson} writes for an answer without explanation. */
    static byte[] plainAnswer(boolean allowed, long revision) {
        return ((allowed ? "{\"allowed\":true,\"revision\":" : "{\"allowed\":false,\"revision\":") + revision + "}")
                .getBytes(StandardCharsets.US_ASCII);
    }

    private void batch(Context ctx, Admission admission) {
        Fields f = V1.body(ctx).allowOnly(Set.of("checks", "min_revision"));
        List<Fields> items = f.objects("checks", true, MAX_BATCH);
        Long minRevision = minRevision(f);
        // the field asking for it, which a refusal of that revision names (an item's own: checks[i].min_revision)
        String asking = "min_revision";
        List<CheckRequest> requests = new ArrayList<>(items.size());
        for (int i = 0; i < items.size(); i++) {
            Fields item = items.get(i);
            // one state answers the whole batch: the newest any item asks for (an item's own was once read by nothing)
            Long own = minRevision(item);
            if (own != null && (minRevision == null || own > minRevision)) {
                minRevision = own;
                asking = "checks[" + i + "].min_revision";
            }
            requests.add(parseCheck(item));
        }
        f.check();
        OrgDecisions decided;
        try {
            decided = atRevision(ctx, admission, minRevision);
        } catch (InvalidInputException e) {
            String reason = e.fieldErrors().get("min_revision");
            if (reason == null || asking.equals("min_revision")) {
                throw e;
            }
            throw InvalidInputException.field(asking, reason, e.context());
        }
        OrgDecisions.BatchResult answered = decided.checkAll(requests);
        ObjectNode body = Json.object();
        ArrayNode results = body.putArray("results");
        for (OrgDecisions.BatchItem item : answered.items()) {
            if (item.failure() == null) {
                results.add(checkJson(item.result()));
            } else {
                GatehouseException e = item.failure();
                ObjectNode error = results.addObject().putObject("error");
                error.put("status", HttpServer.status(e)).put("code", e.code()).put("detail", e.detail());
            }
        }
        body.put("revision", answered.revision());
        V1.ok(ctx, body);
    }

    static CheckRequest parseCheck(Fields f) {
        f.allowOnly(CHECK_FIELDS);
        MemberRef member = member(f);
        String permission = f.string("permission", true, 128);
        ResourceRef resource = resource(f);
        boolean explain = Boolean.TRUE.equals(f.bool("explain"));
        return new CheckRequest(member, permission, resource.type(), resource.id(), explain);
    }

    private static ObjectNode checkJson(OrgDecisions.CheckResult result) {
        ObjectNode out = Json.object();
        out.put("allowed", result.allowed());
        out.put("revision", result.revision());
        Decision d = result.explanation();
        if (d != null) {
            ObjectNode e = out.putObject("explanation");
            e.put("path", d.path().wire());
            e.put("role_id", d.roleId());
            if (d.ancestor() != null) {
                e.putObject("ancestor").put("type", d.ancestor().type()).put("id", d.ancestor().id());
            }
            e.put("reason", d.reason());
            e.put("member_id", result.memberId());
        }
        return out;
    }

    /** A resource named in a request body; both null when the body names none. */
    private record ResourceRef(String type, String id) {
    }

    /** The optional {@code resource: {type, id}} of a request body. */
    private static ResourceRef resource(Fields f) {
        Fields resource = f.object("resource", false);
        if (resource == null) {
            return new ResourceRef(null, null);
        }
        resource.allowOnly(Set.of("type", "id"));
        String type = resource.string("type", true, 64);
        return new ResourceRef(type, resourceId(resource));
    }

    /** The member a check names by exactly one of {@code member_id} and {@code user_id}. */
    private static MemberRef member(Fields f) {
        Long memberId = f.id("member_id", false);
        String userId = f.string("user_id", false, 200);
        return oneMember(f, memberId, userId);
    }

    private static Long minRevision(Fields f) {
        return f.integer("min_revision", false, 0, Long.MAX_VALUE);
    }

    static String resourceId(Fields resource) {
        JsonNode id = resource.node().get("id");
        String text = id != null && id.isIntegralNumber() ? id.asString()
                : resource.string("id", true, Integer.MAX_VALUE);
        String problem = text == null ? null : ResourceType.idProblem(text);
        if (problem != null) {
            resource.error("id", problem);
        }
        return text;
    }

    private void lookupResources(Context ctx, Admission admission) {
        Fields f = V1.body(ctx).allowOnly(Set.of("member_id", "user_id", "permission", "type", "limit", "cursor",
                "min_revision"));
        Long memberId = f.id("member_id", false);
        String userId = f.string("user_id", false, 200);
        String permission = f.string("permission", true, 128);
        String type = f.string("type", true, 64);
        Long limit = f.integer("limit", false, 1, V1.MAX_LIMIT);
        String cursor = f.string("cursor", false, MAX_RESOURCE_CURSOR);
        Long minRevision = minRevision(f);
        MemberRef member = oneMember(f, memberId, userId);
        f.check();
        // the member, the permission and the type are the list's variant: a cursor of one type's ids would start
        // another type's page anywhere, and a position among one member's or permission's resources another's
        String variant = V1.variant("member_id", memberId, "user_id", userId, "permission", permission, "type", type);
        OrgDecisions asked = atRevision(ctx, admission, minRevision);
        OrgDecisions.ResourceLookup found = V1.typeIn("type", () -> asked.lookupResources(member, permission, type,
                V1.afterResourceId(ctx, variant, cursor), limit == null ? V1.DEFAULT_LIMIT : limit.intValue()));
        ObjectNode body = Json.object();
        ArrayNode items = body.putArray("items");
        found.page().items().forEach(items::add);
        String next = found.page().nextCursor();
        body.put("next_cursor", next == null ? null : V1.cursor(ctx, variant, next));
        body.put("all_unassigned", found.allUnassigned());
        body.put("revision", found.revision());
        V1.ok(ctx, body);
    }

    private void lookupMembers(Context ctx, Admission admission) {
        if (admission.org != null) {
            // before the body is read: whether the caller may ask about others at all
            admission.org.aboutOthers();
        }
        Fields f = V1.body(ctx).allowOnly(Set.of("permission", "resource", "limit", "cursor", "min_revision"));
        String permission = f.string("permission", true, 128);
        ResourceRef resource = resource(f);
        Long limit = f.integer("limit", false, 1, V1.MAX_LIMIT);
        String cursor = f.string("cursor", false, 400);
        Long minRevision = minRevision(f);
        f.check();
        // admitted again after a wait, so asked again whether it may ask about others
        OrgDecisions asked = atRevision(ctx, admission, minRevision).aboutOthers();
        // the permission and the resource are the list's variant: a position among the members of one would start
        // another's page
        String variant = V1.variant("permission", permission, "resource.type", resource.type(), "resource.id",
                resource.id());
        OrgDecisions.MemberLookup found = asked.lookupMembers(permission, resource.type(),
                resource.id(), cursor == null ? null : Long.parseLong(V1.decodeCursor(ctx, variant, cursor)),
                limit == null ? V1.DEFAULT_LIMIT : limit.intValue());
        ObjectNode body = Json.object();
        ArrayNode items = body.putArray("items");
        found.members().forEach(m -> items.add(MemberSnapshot.of(m)));
        body.put("next_cursor", found.nextCursor() == null ? null : V1.cursor(ctx, variant, found.nextCursor()));
        body.put("revision", found.revision());
        V1.ok(ctx, body);
    }

    private void visibilityCheck(Context ctx, Admission admission) {
        Fields f = V1.body(ctx).allowOnly(Set.of("member_id", "user_id", "record", "min_revision"));
        Long memberId = f.id("member_id", false);
        String userId = f.string("user_id", false, 200);
        Fields record = f.object("record", true);
        Map<String, List<String>> values = new HashMap<>();
        if (record != null) {
            record.allowOnly(Set.of("fields"));
            Fields fields = record.object("fields", true);
            if (fields != null) {
                for (String name : fields.node().propertyNames()) {
                    List<String> users = fields.strings(name, true, 1000, 200);
                    if (users != null) {
                        values.put(name, users);
                    }
                }
            }
        }
        Long minRevision = minRevision(f);
        MemberRef member = oneMember(f, memberId, userId);
        f.check();
        OrgDecisions.Visibility answer = atRevision(ctx, admission, minRevision).visibility(member, values);
        ObjectNode body = Json.object();
        body.put("visible", answer.visible());
        body.set("filter", filterJson(answer.filter()));
        body.put("revision", answer.revision());
        V1.ok(ctx, body);
    }

    private void visibilityFilter(Context ctx, Admission admission) {
        OrgDecisions.Filter answer = atRevision(ctx, admission, V1.minRevision(ctx))
                .visibilityFilter(MembersResource.ref(ctx));
        ObjectNode body = filterJson(answer.filter());
        body.put("revision", answer.revision());
        V1.ok(ctx, body);
    }

    private void permissions(Context ctx, Admission admission) {
        OrgDecisions org = atRevision(ctx, admission, V1.minRevision(ctx));
        String resourceId = ctx.queryParam("resource_id");
        String problem = resourceId == null ? null : ResourceType.idProblem(resourceId);
        if (problem != null) {
            throw InvalidInputException.field("resource_id", problem);
        }
        OrgDecisions.Permissions answer = V1.typeIn("resource_type", () -> org.permissions(MembersResource.ref(ctx),
                ctx.queryParam("resource_type"), resourceId));
        ObjectNode body = Json.object();
        body.put("member_id", answer.memberId());
        if (ctx.queryParam("resource_type") != null) {
            body.putObject("resource").put("type", ctx.queryParam("resource_type"))
                    .put("id", ctx.queryParam("resource_id"));
        }
        ArrayNode granted = body.putArray("permissions");
        answer.permissions().forEach(granted::add);
        body.put("revision", answer.revision());
        V1.ok(ctx, body);
    }

    private static ObjectNode filterJson(VisibilityFilter filter) {
        ObjectNode n = Json.object();
        n.put("sees_all", filter.seesAll());
        n.put("sees_none", filter.seesNone());
        n.put("user_id", filter.userId());
        ArrayNode fields = n.putArray("user_field_ids");
        filter.userFieldIds().forEach(fields::add);
        n.put("unassigned_visible", filter.unassignedVisible());
        n.put("role_id", filter.roleId());
        return n;
    }

    /**
     * The member a body names by exactly one of {@code member_id} and {@code user_id} (a missing or doubled one is
     * reported only when all else is well); null when it names none.
     */
    static MemberRef oneMember(Fields f, Long memberId, String userId) {
        if ((memberId == null) == (userId == null) && !f.hasErrors()) {
            f.error("member_id", "give exactly one of member_id and user_id");
        }
        return memberId != null ? MemberRef.id(memberId) : userId != null ? MemberRef.userId(userId) : null;
    }
}
