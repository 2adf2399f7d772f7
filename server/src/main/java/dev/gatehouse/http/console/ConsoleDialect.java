package dev.gatehouse.http.console;

import dev.gatehouse.error.NotFoundException;
import dev.gatehouse.http.Dialect;
import dev.gatehouse.http.Problem;
import dev.gatehouse.http.Route;
import dev.gatehouse.json.Fields;
import dev.gatehouse.json.Json;
import dev.gatehouse.oidc.OidcService;
import dev.gatehouse.oidc.OidcSettings;
import io.javalin.http.Context;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.node.ObjectNode;

/**
 * The admin console: a browser application served at {@code /console/} from the server's own class path (no
 * CDN, nothing fetched elsewhere), which calls the native API on the same origin. {@code /} and
 * {@code /console} redirect to {@code /console/}. The application routes on the URL's fragment
 * ({@code /console/#/roles}), so every other path under {@code /console/} that names no file is a 404.
 *
 * <p>Every answer carries the console's security headers: a Content-Security-Policy that allows scripts,
 * styles, images and requests only from this origin (no inline script, no style attributes, no framing),
 * {@code Referrer-Policy: no-referrer}, and {@code X-Content-Type-Options: nosniff} as every answer has it (set where
 * the edge's connections start each response). Files are revalidated on each
 * use ({@code Cache-Control: no-cache} with a strong {@code ETag}; a matching {@code If-None-Match} answers 304),
 * so a new server version is picked up at once; a file is sent gzip-encoded to a browser that accepts it, under an
 * entity tag of its own and with {@code Vary: Accept-Encoding}. The console never receives a key from the server:
 * the key is typed into the browser and sent only in the {@code Authorization} header of API calls.
 *
 * <p>Not behind the readiness gate: the console loads while the node reloads, and its API calls get the 503.
 * Immutable and thread-safe.
 */
public final class ConsoleDialect implements Dialect {

    static final String PREFIX = "/console";
    static final String SIGN_IN = "sign-in.json";
    static final String CONTENT_SECURITY_POLICY = "default-src 'self'; script-src 'self'; style-src 'self'; "
            + "img-src 'self'; connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; "
            + "form-action 'self'; frame-ancestors 'none'";

    private final ConsoleFiles files = new ConsoleFiles("/console/");
    private final OidcService oidc;

    /** A console offering sign-in with keys only. */
    public ConsoleDialect() {
        this(new OidcService(OidcSettings.OFF, null, null));
    }

    /** A console that also offers sign-in with {@code oidc}'s issuer when it is configured. */
    public ConsoleDialect(OidcService oidc) {
        this.oidc = oidc;
    }

    @Override
    public String prefix() {
        return PREFIX;
    }

    @Override
    public List<Route> routes() {
        return List.of(
                Route.get("/", this::toConsole),
                Route.get(PREFIX, this::index),
                Route.get(PREFIX + "/" + SIGN_IN, this::signIn),
                Route.get(PREFIX + "/{file}", this::file));
    }

    /**
     * {@code /console/sign-in.json}: how the console may sign people in besides keys — {@code {"oidc": null}}, or
     * the issuer, the console's client id and the issuer's authorization and token endpoints (a 503 while the issuer
     * cannot be reached). Public: it holds nothing secret.
     */
    private void signIn(Context ctx) {
        secure(ctx);
        if (ctx.path().endsWith("/")) {
            throw new NotFoundException("route_not_found", "no console file " + SIGN_IN + "/ (the console's own pages "
                    + "are under /console/#/)");
        }
        ctx.header("Cache-Control", "no-store");
        ObjectNode body = Json.object();
        oidc.console().ifPresentOrElse(c -> body.putObject("oidc").put("issuer", c.issuer())
                .put("client_id", c.clientId()).put("authorization_endpoint", c.authorizationEndpoint().toString())
                .put("token_endpoint", c.tokenEndpoint().toString()).put("scope", c.scope()), () -> body.putNull("oidc"));
        ctx.contentType("application/json").result(Json.write(body));
    }

    private void toConsole(Context ctx) {
        secure(ctx);
        ctx.header("Cache-Control", "no-cache");
        ctx.redirect(PREFIX + "/");
    }

    /** {@code /console/} serves the page; {@code /console} (the same route to Javalin) redirects there. */
    private void index(Context ctx) {
        if (!ctx.path().endsWith("/")) {
            toConsole(ctx);
            return;
        }
        serve(ctx, "index.html");
    }

    /**
     * {@code /console/{file}}. The router takes {@code /console/main.js/} for {@code /console/main.js}; a file's path
     * has no trailing slash, so that one names nothing (a 404, as every other path that names no file).
     */
    private void file(Context ctx) {
        String name = ctx.pathParam("file");
        serve(ctx, ctx.path().endsWith("/") ? name + "/" : name);
    }

    /**
     * Serves a file gzip-encoded where the request accepts gzip and that is smaller, else as it is — the server's
     * own compression is left out, so that each encoding is the representation its entity tag names ({@code Vary}
     * tells caches the answer depends on {@code Accept-Encoding}). A 304 carries the file's content type, not a
     * default.
     */
    private void serve(Context ctx, String name) {
        secure(ctx);
        ConsoleFiles.File file = files.find(name).orElseThrow(() -> new NotFoundException("route_not_found",
                "no console file " + Fields.abbreviate(name) + " (the console's own pages are under /console/#/)"));
        ctx.disableCompression();
        ConsoleFiles.Encoded chosen = file.gzip() != null && AcceptEncoding.takesGzip(ctx.header("Accept-Encoding"))
                ? file.gzip() : file.identity();
        ctx.header("Cache-Control", "no-cache");
        ctx.header("Vary", "Accept-Encoding");
        ctx.header("ETag", chosen.etag());
        ctx.contentType(file.contentType());
        String known = ctx.header("If-None-Match");
        if (known != null && List.of(known.split("\\s*,\\s*")).contains(chosen.etag())) {
            ctx.status(304);
            return;
        }
        if (chosen != file.identity()) {
            ctx.header("Content-Encoding", "gzip");
        }
        ctx.result(chosen.bytes());
    }

    /**
     * The console's policy; with an OIDC issuer, requests may also go to its token endpoint (the code exchange), at
     * the origin the discovery document names — read first when this node has not read it yet, so that the page the
     * issuer sends a user back to admits it on every node, also right after a start. While the document cannot be
     * read the policy admits no other origin (and sign-in.json answers 503: the console offers keys alone).
     */
    String contentSecurityPolicy() {
        String origin = oidc.tokenEndpointOrigin();
        return origin == null ? CONTENT_SECURITY_POLICY
                : CONTENT_SECURITY_POLICY.replace("connect-src 'self'", "connect-src 'self' " + origin);
    }

    private void secure(Context ctx) {
        headers().forEach(ctx::header);
    }

    /** The security headers of every console answer, also of errors Jetty raises below the routes. */
    @Override
    public Map<String, String> headers() {
        return Map.of("Content-Security-Policy", contentSecurityPolicy(), "Referrer-Policy", "no-referrer",
                "X-Frame-Options", "DENY", "Cross-Origin-Opener-Policy", "same-origin");
    }

    /** Errors under {@code /console} (unknown files, malformed requests) carry the security headers too. */
    @Override
    public void error(Context ctx, int status, String code, String detail, Map<String, String> fieldErrors,
                      Map<String, Object> context) {
        secure(ctx);
        Dialect.super.error(ctx, status, code, detail, fieldErrors, context);
    }

    @Override
    public ErrorReply errorReply(int status, String code, String detail, Map<String, String> fieldErrors,
                                 Map<String, Object> context) {
        return Problem.reply(status, code, detail, fieldErrors, context);
    }
}
