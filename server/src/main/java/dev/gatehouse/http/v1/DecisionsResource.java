package dev.gatehouse.http.v1;

import dev.gatehouse.access.Access;
import dev.gatehouse.access.Principal;
import dev.gatehouse.changelog.ChangeFeed;
import dev.gatehouse.engine.Decision;
import dev.gatehouse.engine.DecisionEngine;
import dev.gatehouse.engine.Page;
import dev.gatehouse.engine.VisibilityFilter;
import dev.gatehouse.error.ForbiddenException;
import dev.gatehouse.error.GatehouseException;
import dev.gatehouse.error.InvalidInputException;
import dev.gatehouse.http.Auth;
import dev.gatehouse.http.HttpServer;
import dev.gatehouse.http.Route;
import dev.gatehouse.json.Fields;
import dev.gatehouse.json.Json;
import dev.gatehouse.member.MemberRef;
import dev.gatehouse.member.MemberService;
import dev.gatehouse.member.MemberSnapshot;
import dev.gatehouse.model.ModelRegistry;
import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The decision API: check, batch check, lookups, effective permissions and record visibility, all answered
 * from the in-memory engine. A request may carry {@code min_revision} (the {@code Gatehouse-Revision} of a
 * write): it is answered only once this node has applied that revision, or fails with a retryable 503.
 *
 * <p>Service keys may ask about any member; a member key may ask about itself, and about others only with
 * the model's member-management permission.
 */
final class DecisionsResource {

    static final int MAX_BATCH = 1000;
    static final long REVISION_WAIT_MILLIS = 2000;
    private static final Set<String> CHECK_FIELDS = Set.of("member_id", "user_id", "permission", "resource", "explain",
            "min_revision");

    private final DecisionEngine engine;
    private final ChangeFeed feed;
    private final Access access;
    private final MemberService members;
    private final ModelRegistry models;
    private final Auth auth;

    DecisionsResource(DecisionEngine engine, ChangeFeed feed, Access access, MemberService members,
                      ModelRegistry models, Auth auth) {
        this.engine = engine;
        this.feed = feed;
        this.access = access;
        this.members = members;
        this.models = models;
        this.auth = auth;
    }

    List<Route> routes() {
        return List.of(
                Route.post("/v1/orgs/{org}/check", this::check),
                Route.post("/v1/orgs/{org}/check/batch", this::batch),
                Route.post("/v1/orgs/{org}/lookup/resources", this::lookupResources),
                Route.post("/v1/orgs/{org}/lookup/members", this::lookupMembers),
                Route.post("/v1/orgs/{org}/visibility/check", this::visibilityCheck),
                Route.get("/v1/orgs/{org}/members/{member}/visibility-filter", this::visibilityFilter),
                Route.get("/v1/orgs/{org}/members/{member}/permissions", this::permissions));
    }

    /** A parsed check request. */
    private record CheckRequest(Long memberId, String userId, String permission, String type, String resourceId,
                                boolean explain) {
    }

    private void check(Context ctx) {
        Principal principal = auth.principal(ctx);
        long orgId = V1.id(ctx, "org");
        access.requireOrg(principal, orgId);
        Fields f = V1.body(ctx);
        CheckRequest request = parseCheck(f);
        Long minRevision = f.integer("min_revision", false, 0, Long.MAX_VALUE);
        f.check();
        awaitRevision(minRevision);
        V1.ok(ctx, decide(principal, orgId, request));
    }

    private void batch(Context ctx) {
        Principal principal = auth.principal(ctx);
        long orgId = V1.id(ctx, "org");
        access.requireOrg(principal, orgId);
        Fields f = V1.body(ctx).allowOnly(Set.of("checks", "min_revision"));
        List<Fields> items = f.objects("checks", true, MAX_BATCH);
        Long minRevision = f.integer("min_revision", false, 0, Long.MAX_VALUE);
        List<CheckRequest> requests = new ArrayList<>(items.size());
        for (Fields item : items) {
            requests.add(parseCheck(item));
        }
        f.check();
        awaitRevision(minRevision);
        ObjectNode body = Json.object();
        ArrayNode results = body.putArray("results");
        for (CheckRequest request : requests) {
            try {
                results.add(decide(principal, orgId, request));
            } catch (GatehouseException e) {
                ObjectNode error = results.addObject().putObject("error");
                error.put("status", HttpServer.status(e)).put("code", e.code()).put("detail", e.detail());
            }
        }
        body.put("revision", engine.revision());
        V1.ok(ctx, body);
    }

    private CheckRequest parseCheck(Fields f) {
        f.allowOnly(CHECK_FIELDS);
        Long memberId = f.id("member_id", false);
        String userId = f.string("user_id", false, 200);
        requireOneMember(f, memberId, userId);
        String permission = f.string("permission", true, 128);
        ResourceRef resource = resource(f);
        boolean explain = Boolean.TRUE.equals(f.bool("explain"));
        return new CheckRequest(memberId, userId, permission, resource.type(), resource.id(), explain);
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

    /** A body names its member by exactly one of member_id and user_id (reported only when all else is well). */
    private static void requireOneMember(Fields f, Long memberId, String userId) {
        if ((memberId == null) == (userId == null) && !f.hasErrors()) {
            f.error("member_id", "give exactly one of member_id and user_id");
        }
    }

    private static String resourceId(Fields resource) {
        JsonNode id = resource.node().get("id");
        if (id != null && id.isIntegralNumber()) {
            return id.asString();
        }
        String text = resource.string("id", true, 200);
        if (text != null && text.isEmpty()) {
            resource.error("id", "must not be empty");
        }
        return text;
    }

    private ObjectNode decide(Principal principal, long orgId, CheckRequest r) {
        long memberId = askedMember(principal, orgId, r.memberId(), r.userId());
        ObjectNode out = Json.object();
        if (r.explain()) {
            Decision d = engine.explain(orgId, memberId, r.permission(), r.type(), r.resourceId());
            out.put("allowed", d.allowed());
            out.put("revision", d.revision());
            ObjectNode e = out.putObject("explanation");
            e.put("path", d.path().wire());
            e.put("role_id", d.roleId());
            e.put("reason", d.reason());
            e.put("member_id", memberId);
        } else {
            long revision = engine.revision();
            out.put("allowed", engine.check(orgId, memberId, r.permission(), r.type(), r.resourceId()));
            out.put("revision", revision);
        }
        return out;
    }

    private void lookupResources(Context ctx) {
        Principal principal = auth.principal(ctx);
        long orgId = V1.id(ctx, "org");
        access.requireOrg(principal, orgId);
        Fields f = V1.body(ctx).allowOnly(Set.of("member_id", "user_id", "permission", "type", "limit", "cursor",
                "min_revision"));
        Long memberRef = f.id("member_id", false);
        String userId = f.string("user_id", false, 200);
        String permission = f.string("permission", true, 128);
        String type = f.string("type", true, 64);
        Long limit = f.integer("limit", false, 1, V1.MAX_LIMIT);
        String cursor = f.string("cursor", false, 400);
        Long minRevision = f.integer("min_revision", false, 0, Long.MAX_VALUE);
        requireOneMember(f, memberRef, userId);
        f.check();
        awaitRevision(minRevision);
        long memberId = askedMember(principal, orgId, memberRef, userId);
        String after = cursor == null ? null : V1.decodeCursorText(cursor);
        Page<String> page = engine.lookupResources(orgId, memberId, permission, type, after,
                limit == null ? V1.DEFAULT_LIMIT : limit.intValue());
        ObjectNode body = Json.object();
        ArrayNode items = body.putArray("items");
        page.items().forEach(items::add);
        body.put("next_cursor", page.nextCursor() == null ? null : V1.cursor(page.nextCursor()));
        body.put("all_unassigned", engine.inheritsOnUnassigned(orgId, memberId, permission, type));
        body.put("revision", engine.revision());
        V1.ok(ctx, body);
    }

    private void lookupMembers(Context ctx) {
        Principal principal = auth.principal(ctx);
        long orgId = V1.id(ctx, "org");
        access.requireOrg(principal, orgId);
        requireMemberManager(principal, orgId);
        Fields f = V1.body(ctx).allowOnly(Set.of("permission", "resource", "limit", "cursor", "min_revision"));
        String permission = f.string("permission", true, 128);
        ResourceRef resource = resource(f);
        Long limit = f.integer("limit", false, 1, V1.MAX_LIMIT);
        String cursor = f.string("cursor", false, 400);
        Long minRevision = f.integer("min_revision", false, 0, Long.MAX_VALUE);
        f.check();
        awaitRevision(minRevision);
        Long after = cursor == null ? null : Long.parseLong(V1.decodeCursor(cursor));
        Page<Long> page = engine.lookupMembers(orgId, permission, resource.type(), resource.id(), after,
                limit == null ? V1.DEFAULT_LIMIT : limit.intValue());
        ObjectNode body = Json.object();
        ArrayNode items = body.putArray("items");
        members.getAll(principal, orgId, page.items()).forEach(m -> items.add(MemberSnapshot.of(m)));
        body.put("next_cursor", page.nextCursor() == null ? null : V1.cursor(page.nextCursor()));
        body.put("revision", engine.revision());
        V1.ok(ctx, body);
    }

    private void visibilityCheck(Context ctx) {
        Principal principal = auth.principal(ctx);
        long orgId = V1.id(ctx, "org");
        access.requireOrg(principal, orgId);
        Fields f = V1.body(ctx).allowOnly(Set.of("member_id", "user_id", "record", "min_revision"));
        Long memberRef = f.id("member_id", false);
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
        Long minRevision = f.integer("min_revision", false, 0, Long.MAX_VALUE);
        requireOneMember(f, memberRef, userId);
        f.check();
        awaitRevision(minRevision);
        long memberId = askedMember(principal, orgId, memberRef, userId);
        ObjectNode body = Json.object();
        body.put("visible", engine.visible(orgId, memberId, values));
        body.set("filter", filterJson(engine.visibilityFilter(orgId, memberId)));
        body.put("revision", engine.revision());
        V1.ok(ctx, body);
    }

    private void visibilityFilter(Context ctx) {
        Principal principal = auth.principal(ctx);
        long orgId = V1.id(ctx, "org");
        access.requireOrg(principal, orgId);
        long memberId = askedMember(principal, orgId, MembersResource.ref(ctx));
        ObjectNode body = filterJson(engine.visibilityFilter(orgId, memberId));
        body.put("revision", engine.revision());
        V1.ok(ctx, body);
    }

    private void permissions(Context ctx) {
        Principal principal = auth.principal(ctx);
        long orgId = V1.id(ctx, "org");
        access.requireOrg(principal, orgId);
        long memberId = askedMember(principal, orgId, MembersResource.ref(ctx));
        String type = ctx.queryParam("resource_type");
        String resourceId = ctx.queryParam("resource_id");
        if ((type == null) != (resourceId == null)) {
            throw new InvalidInputException("invalid_input", "give both resource_type and resource_id, or neither",
                    Map.of(type == null ? "resource_type" : "resource_id", "is required with the other"));
        }
        ObjectNode body = Json.object();
        body.put("member_id", memberId);
        if (type != null) {
            body.putObject("resource").put("type", type).put("id", resourceId);
        }
        ArrayNode granted = body.putArray("permissions");
        engine.permissions(orgId, memberId, type, resourceId).forEach(granted::add);
        body.put("revision", engine.revision());
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

    /** The member a request's body asks about, by member id or user id, once the caller may ask about it. */
    private long askedMember(Principal principal, long orgId, Long memberId, String userId) {
        return askedMember(principal, orgId, memberId != null ? MemberRef.id(memberId) : MemberRef.userId(userId));
    }

    /** The member a request asks about (resolved from the engine by {@link MemberRef}), once the caller may ask. */
    private long askedMember(Principal principal, long orgId, MemberRef ref) {
        long memberId = ref.resolve(orgId, id -> engine.hasMember(orgId, id) ? Optional.of(id) : Optional.empty(),
                userId -> Optional.ofNullable(engine.findMemberId(orgId, userId)), Long::longValue);
        requireMayAsk(principal, orgId, memberId);
        return memberId;
    }

    private void requireMayAsk(Principal principal, long orgId, long memberId) {
        if (principal instanceof Principal.Member m && m.memberId() != memberId) {
            requireMemberManager(principal, orgId);
        }
    }

    private void requireMemberManager(Principal principal, long orgId) {
        if (principal instanceof Principal.Member m) {
            String manage = engineModelManagement(orgId);
            if (!engine.check(orgId, m.memberId(), manage)) {
                throw new ForbiddenException("permission_required", "asking about other members needs \"" + manage
                        + "\", which member " + m.memberId() + " does not have");
            }
        }
    }

    private String engineModelManagement(long orgId) {
        return models.require(engine.modelOf(orgId)).management().members();
    }

    private void awaitRevision(Long minRevision) {
        if (minRevision != null) {
            feed.awaitRevision(minRevision, REVISION_WAIT_MILLIS);
        }
    }
}
