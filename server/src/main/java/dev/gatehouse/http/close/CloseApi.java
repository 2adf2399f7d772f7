package dev.gatehouse.http.close;

import dev.gatehouse.access.Principal;
import dev.gatehouse.closemembership.CloseMembershipService;
import dev.gatehouse.error.ForbiddenException;
import dev.gatehouse.error.GatehouseException;
import dev.gatehouse.error.UnauthenticatedException;
import dev.gatehouse.event.EventService;
import dev.gatehouse.group.GroupService;
import dev.gatehouse.http.Auth;
import dev.gatehouse.http.Dialect;
import dev.gatehouse.http.Route;
import dev.gatehouse.json.Fields;
import dev.gatehouse.json.Json;
import dev.gatehouse.member.MemberService;
import dev.gatehouse.model.ModelRegistry;
import dev.gatehouse.org.OrgService;
import dev.gatehouse.role.RoleService;
import dev.gatehouse.webhook.WebhookService;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.javalin.http.HandlerType;
import io.javalin.http.HttpResponseException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.databind.node.ObjectNode;

/**
 * The Close-compatible dialect under {@code /api/v1}: roles, memberships, users, {@code /me/}, the
 * organization, groups, the event log and webhook subscriptions, with Close's conventions (reference: close-api.md; choices where
 * Close is silent: docs/dialects/close.md).
 *
 * <p>Every request passes the same gate, in this order: the API key is read (HTTP Basic with the key as
 * user name, or Bearer); the caller's budget for the endpoint group is taken — per member, whichever of its
 * keys is used ({@code RateLimit} header on
 * every response the dialect writes — not on the errors the web server answers before any route runs, such as a
 * malformed request or a body over the limit —, 429 when spent, counted in {@code gatehouse_rate_limit_rejections_total{api="close"}}); the key must be a member key (a Close key acts as one user of one
 * organization); the organization must use the {@code close} model; a write that needs a permission of every
 * caller ({@link Endpoint#needs}: all but setting one's own pinned views) refuses one without it, 403, before its
 * body, path ids or parameters are read; what a write asks of the ids in its path ({@link Endpoint#admitting}) follows,
 * still before any parameter or the body. Then the resource runs, calling the
 * same services as the native API, so the same rules hold. Errors take Close's shapes:
 * {@code {"errors": [...], "field-errors": {...}}} for invalid input (400), {@code {"error": "..."}}
 * otherwise; conflicts, which Close has no status for, are 400.
 *
 * <p>Paths end with {@code /} as in Close and are accepted without it. A POST with
 * {@code x-http-method-override: GET} runs the GET of its path, with parameters from {@code _params}; no other
 * override is honoured (the edge refuses a POST carrying any other value, 400, and removes the header from any
 * other request).
 *
 * <p>Thread-safe.
 */
public final class CloseApi implements Dialect {

    public static final String PREFIX = "/api/v1";
    public static final String MODEL = "close";
    static final String OVERRIDE_HEADER = "x-http-method-override";
    static final String RATE_LIMIT_HEADER = "RateLimit";
    /** What the budget of requests that fail before any route runs counts, as a 429 says it. */
    private static final String UNMATCHED = "for this client address, one budget for every request that fails "
            + "before a route runs (an unknown path, a method the path does not take)";
    /** The request attribute holding the member a request acts as, once the gate has passed. */
    private static final String CALLER_ATTRIBUTE = "gatehouse.close.caller";

    /** A resource's handler, called after the gate. */
    @FunctionalInterface
    interface CloseHandler {
        void handle(CloseRequest req) throws Exception;
    }

    /**
     * What a write — or a read of what only its writers may see, a webhook subscription — asks of its caller before
     * anything of the request is read: {@link #MANAGE_ORGANIZATION}, the
     * model's role-management permission (on Close's model {@code manage_organization}, which is also its member
     * gate), or {@link #READ_HISTORY}, being a reader of the organization's whole history
     * ({@link EventService#requireReader}), which webhook subscriptions deliver.
     */
    enum Permission { MANAGE_ORGANIZATION, READ_HISTORY }

    /**
     * One endpoint of a resource: method, Close path (relative to the prefix, ending with /), handler, and the
     * {@link Permission} the gate asks before the handler runs ({@code what} names the request in the refusal, and
     * a write's failures), or null when the handler decides alone (reads anyone may make, and writes some callers
     * may make on their own things). With
     * {@code ownMembershipExempt}, a caller whose own membership id the path's {@code {id}} is, as written, is not
     * asked the permission. {@code admission}, when not null, is what the handler asks of the caller and of the ids
     * in its path, run by the gate after the permission and before any parameter or the body is read.
     */
    record Endpoint(HandlerType method, String path, CloseHandler handler, Permission permission, String what,
                    boolean ownMembershipExempt, CloseHandler admission) {
        static Endpoint get(String path, CloseHandler h) {
            return new Endpoint(HandlerType.GET, path, h, null, null, false, null);
        }

        static Endpoint post(String path, CloseHandler h) {
            return new Endpoint(HandlerType.POST, path, h, null, null, false, null);
        }

        static Endpoint put(String path, CloseHandler h) {
            return new Endpoint(HandlerType.PUT, path, h, null, null, false, null);
        }

        static Endpoint delete(String path, CloseHandler h) {
            return new Endpoint(HandlerType.DELETE, path, h, null, null, false, null);
        }

        /** This endpoint, its caller refused 403 without {@code needed} before anything of the request is read. */
        Endpoint needs(Permission needed, String write) {
            return new Endpoint(method, path, handler, Objects.requireNonNull(needed, "needed"),
                    Objects.requireNonNull(write, "write"), ownMembershipExempt, admission);
        }

        /**
         * This endpoint, its permission not asked of a caller whose own membership the path's {@code {id}} names:
         * judged on the id as written (Close ids have one spelling), so that nothing else of the request is read.
         */
        Endpoint exceptOnOwnMembership() {
            return new Endpoint(method, path, handler, permission, what, true, admission);
        }

        /** This endpoint, {@code check} run after its permission and before any parameter or the body is read. */
        Endpoint admitting(CloseHandler check) {
            return new Endpoint(method, path, handler, permission, what, ownMembershipExempt,
                    Objects.requireNonNull(check, "check"));
        }
    }

    /** Field names of the services' errors, as Close's clients know them. */
    private static final Map<String, String> FIELD_NAMES = Map.of(
            "visibility", "visibility_user_lcf_ids",
            "visibility.user_field_ids", "visibility_user_lcf_ids",
            "visibility.unassigned", "visibility_user_lcf_behavior");

    /** A field error's name that points into a list: the list, the item's index, and what follows in the item. */
    private static final Pattern LIST_ITEM = Pattern.compile("([^\\[]+)\\[(\\d{1,9})](?:\\.?(.+))?");

    /**
     * The count of the fields or parameters an invalid input's detail does not name
     * ({@code "…; and 70 more fields"}, {@code "…; and 3 more parameters; this route reads …"}: {@link Fields#detail},
     * {@code QueryParameters#check}).
     */
    private static final Pattern MORE_UNNAMED = Pattern.compile("(?:^|; )(and \\d+ more (?:field|parameter)s?)(?=;|$)");

    /** What the Close dialect uses: the caller's key, Close's model, and the services its resources call. */
    public record Services(Auth auth, ModelRegistry models, OrgService orgs, RoleService roles,
                           MemberService members, CloseMembershipService memberships, GroupService groups,
                           EventService events, WebhookService webhooks) {
        public Services {
            Objects.requireNonNull(auth, "auth");
            Objects.requireNonNull(models, "models");
            Objects.requireNonNull(orgs, "orgs");
            Objects.requireNonNull(roles, "roles");
            Objects.requireNonNull(members, "members");
            Objects.requireNonNull(memberships, "memberships");
            Objects.requireNonNull(groups, "groups");
            Objects.requireNonNull(events, "events");
            Objects.requireNonNull(webhooks, "webhooks");
        }
    }

    private final Auth auth;
    private final OrgService orgs;
    private final RoleService roles;
    private final EventService events;
    private final RateLimiter limiter;
    private final Counter rejections;
    private final CloseErrors errors;
    private final List<Route> routes;

    /**
     * @param clock   the node's clock, which the rate limit's windows follow
     * @param metrics where requests refused by the rate limit are counted
     */
    public CloseApi(Services s, RateLimit rateLimit, InstantSource clock, MeterRegistry metrics) {
        this.auth = s.auth();
        this.orgs = s.orgs();
        this.roles = s.roles();
        this.events = s.events();
        this.limiter = new RateLimiter(rateLimit, clock::millis);
        this.rejections = Counter.builder("gatehouse.rate.limit.rejections").tag("api", "close")
                .description("requests refused because the caller's rate limit was spent (429)").register(metrics);
        this.errors = new CloseErrors(s.roles());
        List<Endpoint> endpoints = new ArrayList<>();
        endpoints.addAll(new RolesResource(s.roles(), s.models()).endpoints());
        endpoints.addAll(new MembershipsResource(s.memberships(), s.roles()).endpoints());
        endpoints.addAll(new UsersResource(s.members(), s.orgs(), s.roles(), s.memberships()).endpoints());
        endpoints.addAll(new OrganizationResource(s.orgs(), s.members(), s.roles(), s.memberships()).endpoints());
        endpoints.addAll(new GroupsResource(s.groups(), s.members()).endpoints());
        endpoints.addAll(new EventsResource(s.events(), s.roles(), s.memberships()).endpoints());
        endpoints.addAll(new WebhooksResource(s.webhooks(), s.events()).endpoints());
        this.routes = List.copyOf(routes(endpoints));
    }

    private List<Route> routes(List<Endpoint> endpoints) {
        Map<String, Map<HandlerType, Handler>> byPath = new LinkedHashMap<>();
        for (Endpoint e : endpoints) {
            byPath.computeIfAbsent(e.path(), p -> new LinkedHashMap<>()).put(e.method(), gated(e));
        }
        List<Route> out = new ArrayList<>();
        byPath.forEach((path, handlers) -> {
            handlers.forEach((method, handler) -> {
                if (method != HandlerType.POST) {
                    out.add(new Route(method, PREFIX + path, handler));
                }
            });
            Handler get = handlers.get(HandlerType.GET);
            Handler post = handlers.get(HandlerType.POST);
            if (get != null || post != null) {
                Handler carrier = ctx -> {
                    boolean override = "GET".equals(ctx.header(OVERRIDE_HEADER));
                    Handler h = override ? get : post;
                    if (h == null) {
                        // a 405's Allow names what the path takes, as the router's own 405 does (HttpServer)
                        throw new HttpResponseException(405, "method " + (override ? "GET" : "POST")
                                + " is not allowed on " + Fields.abbreviate(ctx.path()));
                    }
                    h.handle(ctx);
                };
                // without a POST of its own the path takes POST only to carry a GET: its Allow names no POST
                out.add(post == null ? Route.postCarrying(PREFIX + path, carrier) : Route.post(PREFIX + path, carrier));
            }
        });
        return out;
    }

    /** The gate of every request (see the class comment), then the resource's handler. */
    private Handler gated(Endpoint endpoint) {
        String group = endpoint.method() + " " + endpoint.path();
        CloseHandler handler = endpoint.handler();
        return ctx -> {
            Principal principal = null;
            UnauthenticatedException unauthenticated = null;
            try {
                principal = auth.principal(ctx);
            } catch (UnauthenticatedException e) {
                unauthenticated = e;
            }
            String caller = budgetOwner(principal, ctx);
            RateLimiter.Outcome budget = limiter.acquire(caller, group);
            ctx.header(RATE_LIMIT_HEADER, budget.header());
            if (!budget.allowed()) {
                rejections.increment();
                rateLimited(ctx, budget, counted(principal));
                return;
            }
            if (unauthenticated != null) {
                throw unauthenticated;
            }
            if (!(principal instanceof Principal.Member member)) {
                throw new ForbiddenException("member_key_required", "The Close API acts as one user of one "
                        + "organization: use a member's API key, not a service key.");
            }
            String model = orgs.modelId(member, member.orgId());
            if (!MODEL.equals(model)) {
                throw new ForbiddenException("not_a_close_organization", "Organization "
                        + CloseWire.orgId(member.orgId()) + " uses the \"" + model + "\" permission model; the Close "
                        + "API serves only organizations using the \"close\" model.");
            }
            ctx.attribute(CALLER_ATTRIBUTE, member);
            boolean asked = endpoint.permission() != null
                    && !(endpoint.ownMembershipExempt() && ownMembership(member, ctx.pathParam("id")));
            if (asked) {
                require(member, endpoint.permission(), endpoint.what());
            }
            CloseRequest request = new CloseRequest(ctx, member);
            if (asked && endpoint.method() != HandlerType.GET) {
                request.writing(CloseErrors.Write.of(endpoint.what()));
            }
            if (endpoint.admission() != null) {
                endpoint.admission().handle(request);
            }
            // read before the handler runs, so that a bad _fields is refused before a write changes anything
            request.fieldsWanted();
            handler.handle(request);
        };
    }

    /**
     * Refuses 403 {@code permission_required} a caller without {@code permission}, before its body, path ids or
     * parameters are read: as Close does, who may not make a write is told so whatever it sent. The service asks
     * again (with the rest of its rules) when the write runs.
     */
    private void require(Principal.Member caller, Permission permission, String what) {
        switch (permission) {
            case MANAGE_ORGANIZATION -> roles.requireMayManage(caller, caller.orgId(), what);
            case READ_HISTORY -> events.requireReader(caller, caller.orgId(), what);
        }
    }

    /** Whether {@code pathId}, as written, is the Close id of {@code caller}'s own membership. */
    private static boolean ownMembership(Principal.Member caller, String pathId) {
        return CloseWire.membershipId(caller.memberId()).equals(pathId);
    }

    /**
     * Whose budget a request spends: a member's, shared by all of its keys (so minting more keys buys nothing);
     * a service key's own; the client address's before a key is known.
     */
    static String budgetOwner(Principal principal, Context ctx) {
        if (principal instanceof Principal.Member m) {
            return "member:" + m.orgId() + "/" + m.memberId();
        }
        return principal != null ? "key:" + principal.keyId() : "ip:" + ctx.ip();
    }

    /** What the budget of {@link #budgetOwner} counts, as a 429 says it. */
    private static String counted(Principal principal) {
        if (principal instanceof Principal.Member) {
            return "for this user and endpoint, whichever of its keys is used";
        }
        return principal != null ? "for this key and endpoint"
                : "for this client address and endpoint, counting requests without a valid key";
    }

    /** A 429: the budget, what it counts ({@link #counted}, {@link #UNMATCHED}), and when it is renewed. */
    private static void rateLimited(Context ctx, RateLimiter.Outcome budget, String counted) {
        ObjectNode body = Json.object();
        ObjectNode error = body.putObject("error");
        error.put("message", "API call limit reached (" + budget.limit() + " requests per window " + counted
                + "); retry in " + budget.resetSeconds() + (budget.resetSeconds() == 1 ? " second." : " seconds."));
        error.put("rate_reset", budget.resetSeconds());
        error.put("rate_limit", budget.limit());
        ctx.header("Retry-After", String.valueOf(budget.resetSeconds()));
        ctx.status(429).contentType("application/json").result(Json.write(body));
    }

    @Override
    public String prefix() {
        return PREFIX;
    }

    @Override
    public boolean runsGetSentAsPost() {
        return true;
    }

    @Override
    public List<Route> routes() {
        return routes;
    }

    /**
     * A service's failure, phrased with Close ids and named after the write the request makes ({@link CloseErrors}),
     * in Close's shape.
     */
    @Override
    public void error(Context ctx, int status, GatehouseException e) {
        Principal.Member caller = ctx.attribute(CALLER_ATTRIBUTE);
        CloseErrors.Write write = CloseRequest.writing(ctx);
        error(ctx, status, e.code(), errors.detail(e, caller, write), errors.fieldErrors(e, write), e.context());
    }

    /**
     * Close's error shapes. A request that failed before the gate (an unknown route, an unsupported method, a
     * parameter the server refuses before any route runs) is counted against the client address, as a request
     * without a valid key is, and answered 429 instead once that budget is spent; either way it carries a
     * {@code RateLimit} header.
     */
    @Override
    public void error(Context ctx, int status, String code, String detail, Map<String, String> fieldErrors,
                      Map<String, Object> context) {
        if (ctx.res().getHeader(RATE_LIMIT_HEADER) == null) {
            RateLimiter.Outcome budget = limiter.acquire("ip:" + ctx.ip(), "unmatched");
            ctx.header(RATE_LIMIT_HEADER, budget.header());
            if (!budget.allowed()) {
                rejections.increment();
                rateLimited(ctx, budget, UNMATCHED);
                return;
            }
        }
        Dialect.super.error(ctx, status, code, detail, fieldErrors, context);
    }

    /**
     * {@code {"errors": [...], "field-errors": {...}}} for invalid input, {@code {"error": "..."}} otherwise;
     * conflicts and failed preconditions, which Close has no status for, are 400. Field errors beyond the ones named
     * are counted in {@code errors} ({@link #unnamed}).
     */
    @Override
    public ErrorReply errorReply(int status, String code, String detail, Map<String, String> fieldErrors,
                                 Map<String, Object> context) {
        ObjectNode body = Json.object();
        int closeStatus = status;
        if (status == 400) {
            var errors = body.putArray("errors");
            ObjectNode fields = body.putObject("field-errors");
            if (fieldErrors.isEmpty()) {
                errors.add(detail);
            } else {
                closeFieldErrors(fieldErrors).forEach(fields::put);
                String unnamed = unnamed(detail, fieldErrors);
                if (unnamed != null) {
                    errors.add(unnamed);
                }
            }
        } else {
            if (status == 409 || status == 412) {
                closeStatus = 400;
            }
            body.put("error", detail);
        }
        context.forEach((name, value) -> body.set(name, Json.MAPPER.valueToTree(value)));
        return new ErrorReply(closeStatus, "application/json", Json.write(body));
    }

    /**
     * How many more fields (or parameters) were refused than {@code fieldErrors} names ({@code "and 70 more fields"}),
     * or null when it names them all. An answer names at most {@link Fields#MAX_NAMED}; the count of the rest is only
     * in the detail, which Close's shape of field errors does not show, so it becomes an entry of {@code errors}. Read
     * from the detail's last such clause, and only when as many as can be are named: the count follows every name
     * the detail shows, so a field named like the clause does not hide it.
     */
    private static String unnamed(String detail, Map<String, String> fieldErrors) {
        if (fieldErrors.size() < Fields.MAX_NAMED) {
            return null;
        }
        String count = null;
        Matcher more = MORE_UNNAMED.matcher(detail);
        while (more.find()) {
            count = more.group(1);
        }
        return count;
    }

    /**
     * Field errors keyed as Close keys them, by the body's field name: a problem with one item of a list
     * ({@code permissions[1]}, {@code events[0]}) is reported on the list, its reason starting with the item
     * ({@code "Item 1: …"}); problems with several items of one list share the key, their reasons joined with
     * "; " in the items' order (the services' maps have none), a reason's closing period dropped before the "; ".
     * The services' names are translated to Close's ({@link #FIELD_NAMES}), and a missing field's reason to Close's
     * words ({@link CloseFields#reason}).
     */
    static Map<String, String> closeFieldErrors(Map<String, String> fieldErrors) {
        List<FieldError> located = new ArrayList<>();
        fieldErrors.forEach((field, raw) -> {
            String reason = CloseFields.reason(raw);
            Matcher item = LIST_ITEM.matcher(field);
            located.add(item.matches()
                    ? new FieldError(item.group(1), Integer.parseInt(item.group(2)), "Item " + item.group(2)
                            + (item.group(3) == null ? "" : ", " + item.group(3)) + ": " + reason)
                    : new FieldError(field, -1, reason));
        });
        located.sort(Comparator.comparing(FieldError::name).thenComparingInt(FieldError::item));
        Map<String, String> out = new LinkedHashMap<>();
        for (FieldError e : located) {
            out.merge(FIELD_NAMES.getOrDefault(e.name(), e.name()), e.reason(),
                    (first, next) -> (first.endsWith(".") ? first.substring(0, first.length() - 1) : first)
                            + "; " + next);
        }
        return out;
    }

    /** A field error on {@code name}, on its item {@code item} when that is not negative. */
    private record FieldError(String name, int item, String reason) {
    }
}
