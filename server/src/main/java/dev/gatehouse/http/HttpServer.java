package dev.gatehouse.http;

import dev.gatehouse.error.ConflictException;
import dev.gatehouse.error.ForbiddenException;
import dev.gatehouse.error.GatehouseException;
import dev.gatehouse.error.InternalErrorException;
import dev.gatehouse.error.InvalidInputException;
import dev.gatehouse.error.NotFoundException;
import dev.gatehouse.error.PreconditionFailedException;
import dev.gatehouse.error.RequestTimeoutException;
import dev.gatehouse.error.TooLargeException;
import dev.gatehouse.error.UnauthenticatedException;
import dev.gatehouse.error.UnavailableException;
import dev.gatehouse.error.UnsupportedMediaTypeException;
import dev.gatehouse.http.edge.Edge;
import dev.gatehouse.http.tls.TlsKeys;
import dev.gatehouse.json.Fields;
import dev.gatehouse.json.Json;
import dev.gatehouse.json.Text;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.javalin.http.MethodNotAllowedResponse;
import io.javalin.json.JavalinJackson3;
import io.javalin.router.Endpoint;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.net.URLDecoder;
import java.nio.charset.Charset;
import java.nio.charset.IllegalCharsetNameException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.eclipse.jetty.ee10.servlet.ServletContextRequest;
import org.eclipse.jetty.http.MimeTypes;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP server: every dialect's routes in one table, errors rendered in the shape of the dialect that
 * owns the path (Jetty's own errors included), a timer per route template and status. Unexpected exceptions
 * become a logged 500 with an opaque error id; they are bugs. Slow and greedy clients are contained at the
 * {@link Edge}. Before any route runs, its path and query parameters are checked for bad text, and its query against
 * the parameters the route declares, if it declares them ({@link QueryParameters}).
 *
 * <p>Every request starts with an empty logging context and ends by clearing it ({@link LogContext}): lines logged
 * while serving it carry its organization, and no other. At DEBUG, logger {@value #REQUEST_LOGGER} writes one line
 * per request (method, route template, status, milliseconds).
 */
public final class HttpServer {

    private static final Logger LOG = LoggerFactory.getLogger(HttpServer.class);
    /** The logger of the one line per request, at DEBUG. */
    public static final String REQUEST_LOGGER = "dev.gatehouse.http.requests";
    private static final Logger REQUESTS = LoggerFactory.getLogger(REQUEST_LOGGER);
    /**
     * The methods HTTP defines (RFC 9110, and PATCH): the request timer's {@code method} label takes these and
     * {@code OTHER}. A method is any token a client cares to send, so labelling by it would let an anonymous client
     * add a time series per request, kept for good.
     */
    private static final Set<String> METHODS = Set.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS",
            "TRACE", "CONNECT");
    /**
     * How long {@link #stop} lets the requests in flight finish their answers, once no new connection is accepted;
     * those still running then are cut off. An open connection is closed once idle for a second (Jetty's stop), so
     * a request arriving on one meanwhile is answered 503 {@code node_stopping}, and a body that stalls that long is
     * answered the same (the edge's error handler).
     */
    public static final Duration STOP_GRACE = Duration.ofSeconds(5);
    /** The methods whose routes take a request body; every other route takes none ({@link #requireNoBody}). */
    private static final Set<String> BODY_METHODS = Set.of("POST", "PUT", "PATCH");
    /** The methods a 405's {@code Allow} names, in this order. */
    private static final List<String> ALLOW_ORDER = List.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE");
    public static final long MAX_BODY_BYTES = 1024 * 1024;
    /** The request attribute holding a streamed body's deadline ({@link #bodyTimeout}). */
    private static final String BODY_TIMEOUT = "gatehouse.body-timeout";

    /** HTTPS beside HTTP: its port (0 for a random one) and the key and certificate it serves. */
    public record Tls(int port, TlsKeys keys) {
        public Tls {
            java.util.Objects.requireNonNull(keys, "keys");
        }
    }

    private final Javalin app;
    private volatile int httpPort;
    private volatile ServerConnector tlsConnector;
    private volatile ServerConnector managementConnector;
    private final ConcurrentHashMap<String, Timer> timers = new ConcurrentHashMap<>();
    private final List<Route> routes;
    private final UnreadBody unreadBodies = new UnreadBody();
    private final List<Dialect> dialects;
    private final MeterRegistry metrics;

    public HttpServer(List<Dialect> dialects, MeterRegistry metrics, String host, Consumer<Server> jetty) {
        this(dialects, metrics, host, jetty, null, HttpSettings.DEFAULTS);
    }

    /**
     * @param tls      also listen with HTTPS, or null
     * @param settings the edge's deadlines and limits, and the management port
     */
    public HttpServer(List<Dialect> dialects, MeterRegistry metrics, String host, Consumer<Server> jetty, Tls tls,
                      HttpSettings settings) {
        this.metrics = metrics;
        this.dialects = dialects.stream().sorted(Comparator.comparing((Dialect d) -> d.prefix().length()).reversed())
                .toList();
        List<Route> all = new ArrayList<>();
        dialects.forEach(d -> all.addAll(d.routes()));
        this.routes = List.copyOf(all);
        List<Route> streamed = routes.stream().filter(Route::streamsBody).toList();
        Edge edge = new Edge(settings, MAX_BODY_BYTES, this::dialect,
                (method, path) -> streamed.stream().anyMatch(r -> r.matches(method, path)), this::pathRefusal);
        this.app = Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            config.startup.showOldJavalinVersionWarning = false;
            config.http.maxRequestSize = MAX_BODY_BYTES;
            config.jsonMapper(new JavalinJackson3(Json.MAPPER, false));
            config.http.prefer405over404 = true;
            config.jetty.host = host;
            List<Route> direct = routes.stream().filter(route -> route.direct() != null).toList();
            config.jetty.modifyServer(server -> {
                edge.install(server, direct.isEmpty() ? null : new DirectRoutes(direct, this));
                // outermost, so that it counts every request: stopping waits for those in flight (stop())
                server.insertHandler(new GracefulHandler());
                server.setStopTimeout(STOP_GRACE.toMillis());
            });
            if (jetty != null) {
                config.jetty.modifyServer(jetty);
            }
            // with any connector configured Javalin adds none of its own: HTTP first (port() reads it)
            config.jetty.addConnector((server, http) -> edge.connector(server, http, host, httpPort));
            if (tls != null) {
                config.jetty.addConnector((server, http) -> tlsConnector = edge.secureConnector(server,
                        secured(http), host, tls.port(), sslContext(tls)));
            }
            if (settings.managementPort() != null) {
                config.jetty.addConnector((server, http) -> managementConnector = edge.managementConnector(server,
                        http, host, settings.managementPort()));
            }
            // the router decodes a route's path parameters before its handler runs, and an escape it cannot decode
            // (%u0041, which the server lets through) made that a 500: refused first, whatever the route
            // answers are one caller's view, some with secrets (a key, a webhook's signing key): never kept by a cache
            // on the way, errors included, whatever renders them; a route that can be cached says so itself (the
            // console's files)
            config.routes.before(ctx -> ctx.header("Cache-Control", "no-store"));
            config.routes.before(HttpServer::requireDecodablePath);
            for (Route route : registrationOrder(routes)) {
                config.routes.addHttpHandler(route.method(), route.path(), ctx -> {
                    try {
                        if (route.streamsBody()) {
                            ctx.attribute(BODY_TIMEOUT, settings.bodyTimeout());
                        }
                        handle(route, ctx);
                    } finally {
                        if (route.streamsBody()) {
                            unreadBodies.drain(ctx); // before the answer, refusal or not, goes out
                        }
                    }
                });
            }
            config.routes.exception(GatehouseException.class, (e, ctx) -> render(ctx, e));
            // the router's own 405 (no route of the path takes the method) is answered by the error handler below
            config.routes.exception(MethodNotAllowedResponse.class, (e, ctx) -> ctx.status(405));
            // the router's own 404 ("Endpoint GET /… not found") quoted the whole path: answered as the one below
            config.routes.exception(HttpResponseException.class, (e, ctx) ->
                    dialect(ctx).error(ctx, e.getStatus(), codeFor(e.getStatus()),
                            e.getStatus() == 404 ? noRoute(ctx) : e.getMessage(), Map.of()));
            config.routes.exception(Exception.class, this::unexpected);
            config.routes.error(404, ctx -> {
                ctx.header("Cache-Control", "no-store");
                if (ctx.result() == null || ctx.result().isEmpty()) {
                    dialect(ctx).error(ctx, 404, "route_not_found", noRoute(ctx), Map.of());
                }
            });
            config.routes.error(405, ctx -> {
                ctx.header("Cache-Control", "no-store");
                ctx.header("Allow", allowed(ctx.path()));
                // a route refusing a method it is reached by has answered in its dialect's shape: kept, as a 404's is
                if (ctx.result() == null || ctx.result().isEmpty()) {
                    // named as the request was routed, by the method it stands for: a POST carrying
                    // X-HTTP-Method-Override: GET (the one override the edge lets through) asked for the GET. A method
                    // is any token a client sends, of any length: quoted as a header's value is
                    dialect(ctx).error(ctx, 405, "method_not_allowed", "method "
                            + HeaderValues.shown(ctx.method().name()) + " is not allowed on " + Fields.abbreviate(ctx.path()), Map.of());
                }
            });
            config.requestLogger.http((ctx, ms) -> {
                Endpoint endpoint = ctx.endpoints().matchedHttpEndpoint();
                record(ctx.method().name(), endpoint == null ? "unmatched" : endpoint.path, ctx.statusCode(),
                        (long) (ms * 1_000_000L));
                LogContext.clear();
            });
        });
    }

    /** One request to {@code route}: the checks every route's requests pass, then its handler. */
    private static void handle(Route route, Context ctx) throws Exception {
        LogContext.clear();
        // answers are one caller's view, some with secrets (a key, a webhook's signing key): never kept by a cache
        // on the way; a route that can be cached says so itself (the console's files)
        ctx.header("Cache-Control", "no-store");
        requireNoBody(ctx, route);
        requireKnownCharset(ctx.header("Content-Type"));
        checkParameters(ctx);
        if (route.query() != null) {
            route.query().check(ctx.queryParamMap());
        }
        requireDeclaredBody(ctx.contentType(),
                ctx.contentLength() > 0 || "chunked".equalsIgnoreCase(ctx.header("Transfer-Encoding")), route);
        CrossSite.check(ctx);
        Conditions.refuseUnread(ctx, route);
        route.handler().handle(ctx);
        if (ctx.statusCode() == 204 || ctx.statusCode() == 304) {
            // no content, so no Content-Type: the server's default type, which every response starts with, taken back
            ctx.res().setContentType(null);
        }
    }

    /** The detail of a 404 {@code route_not_found}: the method and the path, each abbreviated as an error quotes it. */
    private static String noRoute(Context ctx) {
        return "no route " + HeaderValues.shown(ctx.req().getMethod()) + " " + Fields.abbreviate(ctx.path());
    }

    /**
     * The methods the routes of {@code path} take, for a 405's {@code Allow}, the same whichever method was refused: a
     * route that only carries another method's requests ({@link Route#carryOnly}) takes none of its own. A path with
     * trailing slashes is the path without them, as Javalin routes it ({@code /console/} reaches {@code /console}): an
     * {@code Allow} names the methods of the route that refused, never none.
     */
    private String allowed(String path) {
        String routed = path;
        while (routed.length() > 1 && routed.endsWith("/")) {
            routed = routed.substring(0, routed.length() - 1);
        }
        Set<String> methods = new HashSet<>();
        for (Route route : routes) {
            String method = route.method().name();
            if (!route.carryOnly() && (route.matches(method, path) || route.matches(method, routed))) {
                methods.add(method);
            }
        }
        return allow(methods);
    }

    /** An {@code Allow} value for {@code methods} (as HTTP spells them): in one order, with HEAD wherever GET is. */
    public static String allow(Collection<String> methods) {
        return ALLOW_ORDER.stream().filter(m -> methods.contains(m) || m.equals("HEAD") && methods.contains("GET"))
                .collect(Collectors.joining(", "));
    }

    /**
     * A request served: its timer (method — {@code OTHER} for one HTTP does not define —, route template, status)
     * and, at DEBUG, its line.
     */
    void record(String sentMethod, String template, int status, long nanos) {
        String method = METHODS.contains(sentMethod) ? sentMethod : "OTHER";
        timers.computeIfAbsent(method + ' ' + status + ' ' + template, k -> Timer.builder("http.server.requests")
                        .tag("method", method).tag("route", template).tag("status", String.valueOf(status))
                        .register(metrics))
                .record(nanos, TimeUnit.NANOSECONDS);
        if (REQUESTS.isDebugEnabled()) {
            REQUESTS.debug("{} {} {} {} ms", method, template, status,
                    String.format(Locale.ROOT, "%.1f", nanos / 1_000_000.0));
        }
    }

    /**
     * The routes {@link Route#triedFirst} first (the router tries templates in the order they were added), then
     * the others, each group in table order; refused when a moved route could be shadowed by one it passes.
     */
    static List<Route> registrationOrder(List<Route> routes) {
        List<Route> first = new ArrayList<>();
        List<Route> rest = new ArrayList<>();
        for (Route route : routes) {
            if (route.triedFirst()) {
                for (Route passed : rest) {
                    if (passed.overlaps(route)) {
                        throw new IllegalStateException("route " + route.method() + " " + route.path()
                                + " cannot be tried first: " + passed.path() + " before it matches the same paths");
                    }
                }
                first.add(route);
            } else {
                rest.add(route);
            }
        }
        first.addAll(rest);
        return first;
    }

    /**
     * Path and query parameters, names and values, hold no control character and no unpaired surrogate
     * ({@link Text#problem}): one check for every route of every dialect, before any of them reads a parameter.
     */
    private static void checkParameters(Context ctx) {
        for (Map.Entry<String, String> param : ctx.pathParamMap().entrySet()) {
            rejectParameter("path parameter", param.getKey(), Text.problem(param.getValue(), false));
        }
        String query = ctx.queryString();
        if (query != null && query.indexOf('%') >= 0) {
            // escapes decoded by the server lose what they cannot decode (U+FFFD for bytes that are not UTF-8, the
            // whole parameter for a % that begins none): each parameter is read again as sent
            for (String pair : query.split("&")) {
                if (pair.indexOf('%') >= 0) {
                    rejectParameter("query parameter", pair.split("=", 2)[0], Text.encodingProblem(pair));
                }
            }
        }
        for (Map.Entry<String, List<String>> param : ctx.queryParamMap().entrySet()) {
            rejectParameter("query parameter", param.getKey(), Text.problem(param.getKey(), false));
            for (String value : param.getValue()) {
                rejectParameter("query parameter", param.getKey(), Text.problem(value, false));
            }
        }
    }

    /**
     * A path whose escapes do not decode to UTF-8 ({@link Text#encodingProblem}) is a 400 {@code invalid_path} in
     * the dialect's shape, before the router reads a path parameter from it.
     */
    private static void requireDecodablePath(Context ctx) {
        String raw = ctx.req().getRequestURI();
        requireNoTrailingSlash(raw);
        if (raw != null && raw.indexOf('%') >= 0) {
            InvalidInputException undecodable = undecodable(raw);
            if (undecodable != null) {
                throw undecodable;
            }
            requireLettersAndDigitsAsThemselves(raw);
        }
    }

    /**
     * The refusal the routes give a path as sent (percent-encoded), for one the HTTP parser refuses before any route
     * runs ({@code http/edge/DialectErrorHandler}): {@code /v1/orgs/1%zz} and {@code …/members/a%00} are answered as
     * the routes answer the same text where the parser lets it through ({@code %01}): a {@code %} that begins no
     * escape is 400 {@code invalid_path} ({@link #requireDecodablePath}); a control character or unpaired surrogate
     * is 400 {@code invalid_parameter} naming the path parameter of a route whose template the path matches
     * ({@link #checkParameters}), or {@code invalid_path} where no route's parameter holds it. Null for a path with
     * neither: the parser's own answer stands.
     */
    GatehouseException pathRefusal(String raw) {
        InvalidInputException undecodable = undecodable(raw);
        if (undecodable != null) {
            return undecodable;
        }
        String[] segments = raw.split("/", -1);
        for (int i = 0; i < segments.length; i++) {
            String wrong = Text.problem(decoded(segments[i]), false);
            if (wrong == null) {
                continue;
            }
            for (Route route : routes) {
                String[] template = route.path().split("/", -1);
                String name = template.length == segments.length ? template[i] : "";
                if (name.startsWith("{") && name.endsWith("}") && route.matches(route.method().name(), raw)) {
                    return parameterRefusal("path parameter", name.substring(1, name.length() - 1), wrong);
                }
            }
            return new InvalidInputException("invalid_path", "the path " + Text.problem(decoded(raw), false));
        }
        return null;
    }

    /** A 400 {@code invalid_path} for a path whose escapes do not decode to UTF-8 ({@link Text#encodingProblem}). */
    private static InvalidInputException undecodable(String raw) {
        String problem = Text.encodingProblem(raw);
        return problem == null ? null : new InvalidInputException("invalid_path", "the path " + problem);
    }

    /** A path's text as sent, its escapes decoded ({@code +} is itself in a path, not a space). */
    private static String decoded(String raw) {
        return URLDecoder.decode(raw.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    /**
     * A native path ending with {@code /} ({@code /v1/orgs/4/}) is a 400 {@code invalid_path}: the router would take it
     * for the path without it, giving each object a second path, and a gateway's rule for {@code /v1/orgs/4} (a
     * {@code DELETE} refused there) could be walked around. The dialects keep the trailing slash their APIs accept
     * (Close writes its paths with one).
     */
    private static void requireNoTrailingSlash(String raw) {
        if (raw != null && raw.startsWith("/v1/") && raw.endsWith("/")) {
            throw new InvalidInputException("invalid_path", "the path ends with '/': native paths are written without "
                    + "one, so that each object has one path");
        }
    }

    /**
     * A letter or digit written as an escape ({@code /v1/orgs/%34}) is a 400 {@code invalid_path}: decoded, it would
     * give an object a second path, and a gateway's rule for {@code /v1/orgs/4/…} could be walked around.
     */
    private static void requireLettersAndDigitsAsThemselves(String raw) {
        for (int i = raw.indexOf('%'); i >= 0 && i + 2 < raw.length(); i = raw.indexOf('%', i + 1)) {
            int hi = Character.digit(raw.charAt(i + 1), 16);
            int lo = Character.digit(raw.charAt(i + 2), 16);
            char c = (char) (hi << 4 | lo);
            if (hi >= 0 && lo >= 0 && (c >= '0' && c <= '9' || c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z')) {
                throw new InvalidInputException("invalid_path", "the path writes '" + c + "' as the escape "
                        + raw.substring(i, i + 3) + ": letters and digits are written as themselves, so that each "
                        + "object has one path");
            }
        }
    }

    /**
     * A {@code charset} the JVM does not know, a parameter without a value ({@code ; charset}) or a quoted value left
     * open ({@code ; charset="utf-8}) or a charset named twice, as two {@code Content-Type} headers are
     * ({@code http/edge/SingleHeaders}; {@link MediaTypes#declared}), is refused before anything reads the
     * request (the servlet layer, and the web framework reading the query, would throw: a 500); so is a type whose
     * charset the servlet layer, which reads quotes without their escapes, reads otherwise than RFC 9110 does. Also
     * asked of the requests answered directly ({@link DirectRoutes}).
     */
    static void requireKnownCharset(String contentType) {
        MediaTypes.Declared declared = MediaTypes.declared(contentType);
        if (declared.problem() != null) {
            throw new HttpResponseException(415, declared.problem());
        }
        String name = declared.charset();
        String servlets = contentType == null ? null : MimeTypes.getCharsetFromContentType(contentType);
        if (servlets != null && !sameCharset(servlets, name)) {
            // the servlet layer reads quotes without their escapes: x="\"; charset=utf-8" names a charset "utf-8\""
            // to it, none to RFC 9110, and asking it for the type then threw (a 500 on every route, before a key)
            throw new HttpResponseException(415, "the Content-Type's parameters read two ways (a quoted value "
                    + "escaping a quote, around a charset); send them without escapes");
        }
        if (name == null) {
            return;
        }
        boolean known;
        try {
            known = Charset.isSupported(name);
        } catch (IllegalCharsetNameException e) {
            known = false;
        }
        if (!known) {
            throw new HttpResponseException(415, "charset \"" + HeaderValues.shown(name)
                    + "\" is not one this server reads; send UTF-8");
        }
    }

    /** Whether two charset names (the second null: none) name one charset ({@code utf8}, {@code UTF-8}). */
    private static boolean sameCharset(String one, String other) {
        if (other == null || one.equalsIgnoreCase(other)) {
            return other != null;
        }
        try {
            return Charset.forName(one).equals(Charset.forName(other));
        } catch (IllegalArgumentException e) { // an illegal or unknown name
            return false;
        }
    }

    /**
     * A route that takes no body (any method but POST, PUT and PATCH; a GET sent as a POST, where a dialect runs one,
     * takes its parameters in its body) refuses a request carrying one, before anything is done: 400, in the
     * dialect's shape, whatever its {@code Content-Type} says or does not. A body of no bytes is no body, whatever
     * the headers; so is an empty JSON object ({@code {}}) declared as JSON, which generated clients send with a
     * request that has nothing to send (the Rooms SDKs with a {@code DELETE}). Taken silently, a body the route
     * ignored was one the client meant something by: a {@code DELETE} with a malformed body deleted.
     */
    private static void requireNoBody(Context ctx, Route route) {
        boolean takesBody = BODY_METHODS.contains(route.method().name()) || "POST".equals(ctx.req().getMethod());
        if (takesBody || ctx.contentLength() <= 0 && !"chunked".equalsIgnoreCase(ctx.header("Transfer-Encoding"))) {
            return;
        }
        byte[] body = ctx.bodyAsBytes();
        if (body.length > 0 && !(MediaTypes.json(ctx.contentType()) && emptyObject(body))) {
            throw new HttpResponseException(400, route.method().name() + " " + route.path()
                    + " takes no request body; send it without one");
        }
    }

    /** Whether {@code body} is a JSON object without members, {@code {}}, around which white space may stand. */
    private static boolean emptyObject(byte[] body) {
        String text = new String(body, StandardCharsets.ISO_8859_1).strip();
        return text.length() >= 2 && text.charAt(0) == '{' && text.charAt(text.length() - 1) == '}'
                && text.substring(1, text.length() - 1).isBlank();
    }

    /**
     * A request carrying a body must say what the body is. A browser lets any page send a body without a
     * Content-Type to any site, with whatever credentials it holds for that site and without asking it first; read
     * as JSON, such a body would let a page write through a user's remembered login (cross-site request forgery),
     * which the routes' own refusal of form and text bodies otherwise prevents. Also asked of the requests answered
     * directly ({@link DirectRoutes}), which all carry a body.
     */
    static void requireDeclaredBody(String type, boolean body, Route route) {
        if (body && (type == null || type.isBlank())) {
            throw new HttpResponseException(415, "a request body needs a Content-Type naming what it is: "
                    + (route.streamsBody() ? "application/x-ndjson" : "application/json"));
        }
    }

    private static void rejectParameter(String kind, String name, String problem) {
        if (problem != null) {
            throw parameterRefusal(kind, name, problem);
        }
    }

    /** The 400 {@code invalid_parameter} for {@code problem} with a parameter of {@code kind} named {@code name}. */
    private static InvalidInputException parameterRefusal(String kind, String name, String problem) {
        String shown = Text.printable(name);
        return new InvalidInputException("invalid_parameter", kind + " " + shown + " " + problem,
                Map.of(shown, problem));
    }

    private void render(Context ctx, GatehouseException e) {
        int status = status(e);
        errorHeaders(e, ctx::header);
        dialect(ctx).error(ctx, status, e);
    }

    /**
     * The headers an error carries in every dialect: a 401 its challenges — one saying the credential sent was
     * refused (a key or an access token: revoked, expired, unknown, its member inactive), as RFC 6750 asks, unless
     * none was sent (code {@code unauthenticated}) —, a 503 when to retry.
     */
    public static void errorHeaders(GatehouseException e, BiConsumer<String, String> header) {
        int status = status(e);
        if (status == 401) {
            header.accept("WWW-Authenticate", "Bearer realm=\"gatehouse\""
                    + ("unauthenticated".equals(e.code()) ? "" : ", error=\"invalid_token\"")
                    + ", Basic realm=\"gatehouse\"");
        }
        if (status == 503) {
            int seconds = e instanceof UnavailableException unavailable ? unavailable.retryAfterSeconds() : 1;
            header.accept("Retry-After", String.valueOf(seconds));
        }
    }

    /** The HTTP status of each kind of failure, the same in every dialect. */
    /**
     * How long a part of the body of a route that streams it ({@link Route#streamsBody}) may take to arrive:
     * {@link HttpSettings#bodyTimeout()}, which the edge cannot apply to a body it does not read whole. The route
     * says what a part is (a bulk import: a chunk of its lines) and refuses one that arrives later.
     */
    public static Duration bodyTimeout(Context ctx) {
        Duration timeout = ctx.attribute(BODY_TIMEOUT);
        return timeout != null ? timeout : HttpSettings.DEFAULT_BODY_TIMEOUT;
    }

    public static int status(GatehouseException e) {
        if (e instanceof NotFoundException) {
            return 404;
        } else if (e instanceof ConflictException) {
            return 409;
        } else if (e instanceof InvalidInputException) {
            return 400;
        } else if (e instanceof UnauthenticatedException) {
            return 401;
        } else if (e instanceof ForbiddenException) {
            return 403;
        } else if (e instanceof PreconditionFailedException) {
            return 412;
        } else if (e instanceof TooLargeException) {
            return 413;
        } else if (e instanceof RequestTimeoutException) {
            return 408;
        } else if (e instanceof UnsupportedMediaTypeException) {
            return 415;
        } else if (e instanceof InternalErrorException) {
            return 500;
        }
        return 503;
    }

    private void unexpected(Exception e, Context ctx) {
        Endpoint endpoint = ctx.endpoints().matchedHttpEndpoint();
        String errorId = logUnexpected(e, ctx.method().name(), endpoint == null ? "(no route)" : endpoint.path);
        dialect(ctx).error(ctx, 500, "internal_error", unexpectedDetail(errorId), Map.of());
    }

    /**
     * Logs an unexpected exception (a bug) under a new error id, with the route template — not the path: a path may
     * name a person (a user id can be an email address). Returns the id.
     */
    String logUnexpected(Exception e, String method, String template) {
        return InternalErrorException.log(LOG, e, "on " + method + " " + template);
    }

    /** The detail of a 500: the error id under which it was logged, nothing else. */
    static String unexpectedDetail(String errorId) {
        return InternalErrorException.detail(errorId);
    }

    private Dialect dialect(Context ctx) {
        return dialect(ctx.path());
    }

    /** The dialect owning a path: the longest matching prefix. */
    Dialect dialect(String path) {
        for (Dialect d : dialects) {
            if (path.startsWith(d.prefix())) {
                return d;
            }
        }
        return dialects.get(dialects.size() - 1);
    }

    /** The stable error code of an HTTP status the routes did not choose themselves (Javalin's and Jetty's). */
    public static String codeFor(int status) {
        return switch (status) {
            case 400 -> "bad_request";
            case 404 -> "route_not_found";
            case 405 -> "method_not_allowed";
            case 408 -> "request_timeout";
            case 413 -> "body_too_large";
            case 414 -> "uri_too_long";
            case 415 -> "unsupported_media_type";
            case 417 -> "expectation_failed";
            case 431 -> "headers_too_large";
            case 500 -> "internal_error";
            case 501 -> "not_implemented";
            case 503 -> "unavailable";
            case 505 -> "http_version_not_supported";
            default -> "http_" + status;
        };
    }

    /** SNI host checks are off: a self-signed certificate is reached by whatever name or address the client uses. */
    private static HttpConfiguration secured(HttpConfiguration http) {
        HttpConfiguration https = new HttpConfiguration(http);
        https.addCustomizer(new SecureRequestCustomizer(false, false, -1, false));
        return https;
    }

    private static SslContextFactory.Server sslContext(Tls tls) {
        SslContextFactory.Server ssl = new SslContextFactory.Server();
        ssl.setKeyStore(tls.keys().keyStore());
        ssl.setKeyStorePassword(new String(tls.keys().password()));
        ssl.setKeyManagerPassword(new String(tls.keys().password()));
        return ssl;
    }

    public HttpServer start(int port) {
        httpPort = port;
        app.start(port);
        return this;
    }

    public int port() {
        return app.port();
    }

    /** The HTTPS port, or 0 when HTTPS is off. */
    public int tlsPort() {
        ServerConnector connector = tlsConnector;
        return connector == null ? 0 : connector.getLocalPort();
    }

    /** The management port, or 0 when there is none. */
    public int managementPort() {
        ServerConnector connector = managementConnector;
        return connector == null ? 0 : connector.getLocalPort();
    }

    public List<Route> routes() {
        return routes;
    }

    /**
     * Runs {@code done} once the request's response is complete — its last byte written, or the exchange failed —
     * whatever the handler wrote and the web framework writes after it. False when the request is not the server's
     * own (nothing registered).
     */
    public static boolean whenComplete(Context ctx, Runnable done) {
        ServletContextRequest request = ServletContextRequest.getServletContextRequest(ctx.req());
        if (request == null) {
            return false;
        }
        Request.addCompletionListener(request, failure -> done.run());
        return true;
    }

    /**
     * Stops serving gracefully: the server stops accepting connections, requests that arrive meanwhile on open ones are
     * answered 503 {@code node_stopping}, and those in flight are let finish their answers for up to
     * {@link #STOP_GRACE}; then every connection is closed.
     */
    public void stop() {
        app.stop();
    }
}
