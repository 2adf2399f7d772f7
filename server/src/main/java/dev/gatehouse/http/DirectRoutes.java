package dev.gatehouse.http;

import dev.gatehouse.error.GatehouseException;
import dev.gatehouse.http.edge.Edge;
import io.javalin.http.HttpResponseException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.http.HttpURI;
import org.eclipse.jetty.http.PreEncodedHttpField;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * Offers requests to the routes that have a {@link DirectHandler}, on the server's core API, before the web
 * framework: the framework's per-request work (its request and response objects, the servlet layer, routing by
 * pattern) costs more than a check itself. A request is offered only when it is a plain one — the route's method
 * and template, no query, a path that is its own canonical form in printable ASCII (so its parameters are what the
 * framework would decode), a body the edge has read, of at most {@link #MAX_BODY_BYTES}, no header only a
 * browser sends ({@code Sec-Fetch-Site}, {@code Origin}: the framework path judges such a write with {@code
 * CrossSite}) and no conditional header ({@link Conditions}, which the framework path judges); every other request,
 * and every one a direct handler declines, goes on to the framework unchanged.
 *
 * <p>Direct handlers do not block ({@link DirectHandler}): they answer on the network thread that read the request,
 * which saves handing each request to another thread. Every other request is handed to a thread of the pool
 * before the framework sees it.
 *
 * <p>What the framework path does around a route, this does too: the same checks of the body's {@code Content-Type}
 * ({@link HttpServer#requireKnownCharset}, {@link HttpServer#requireDeclaredBody}), the logging context cleared
 * before and after, errors in the dialect's shape with the same status and headers ({@link HttpServer#errorHeaders}),
 * unexpected exceptions logged with an error id and answered 500, and the request's timer and DEBUG line
 * ({@link HttpServer#record}). Thread-safe (immutable).
 */
final class DirectRoutes extends Handler.Wrapper {

    /**
     * The largest body offered to a direct handler: a plain check is far smaller; a larger body would hold the
     * network thread longer than handing it over costs.
     */
    static final int MAX_BODY_BYTES = 8 * 1024;

    /** What the framework path sets on every answer ({@link HttpServer}): one caller's view, never to be kept. */
    private static final HttpField NO_STORE = new PreEncodedHttpField(HttpHeader.CACHE_CONTROL, "no-store");

    private final List<Route> routes;
    private final HttpServer server;

    /** @param routes the routes with a direct handler */
    DirectRoutes(List<Route> routes, HttpServer server) {
        this.routes = List.copyOf(routes);
        this.server = server;
    }

    /** Answers on the network thread that read the request, without handing it to another thread. */
    @Override
    public InvocationType getInvocationType() {
        return InvocationType.NON_BLOCKING;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        Route route = routeOf(request);
        ByteBuffer body = route == null ? null : Edge.body(request);
        if (body == null || body.remaining() > MAX_BODY_BYTES || fromBrowser(request.getHeaders())
                || Conditions.any(request.getHeaders())) {
            return onward(request, response, callback);
        }
        long started = System.nanoTime();
        String path = request.getHttpURI().getPath();
        Exchange exchange = new Exchange(request, route, path, body);
        LogContext.clear();
        Dialect.ErrorReply error = null;
        try {
            // the checks of the head the framework path makes before every route (HttpServer.handle), by the same code
            String type = exchange.contentType();
            HttpServer.requireKnownCharset(type);
            HttpServer.requireDeclaredBody(type, true, route);
            if (!route.direct().handle(exchange)) {
                LogContext.clear();
                return onward(request, response, callback);
            }
        } catch (GatehouseException e) {
            int status = HttpServer.status(e);
            HttpServer.errorHeaders(e, exchange::header);
            error = server.dialect(path).errorReply(status, e.code(), e.detail(), e.fieldErrors(), e.context());
        } catch (HttpResponseException e) {
            error = server.dialect(path).errorReply(e.getStatus(), HttpServer.codeFor(e.getStatus()), e.getMessage(),
                    Map.of(), Map.of());
        } catch (Exception e) {
            String errorId = server.logUnexpected(e, request.getMethod(), route.path());
            error = server.dialect(path).errorReply(500, "internal_error", HttpServer.unexpectedDetail(errorId),
                    Map.of(), Map.of());
        }
        int status = error == null ? 200 : error.status();
        server.record(request.getMethod(), route.path(), status, System.nanoTime() - started);
        LogContext.clear();
        response.setStatus(status);
        HttpFields.Mutable headers = response.getHeaders();
        headers.put(HttpHeader.CONTENT_TYPE, error == null ? "application/json" : error.contentType());
        headers.put(NO_STORE);
        List<String> set = exchange.headers();
        for (int i = 0; i < set.size(); i += 2) {
            headers.put(set.get(i), set.get(i + 1));
        }
        response.write(true, ByteBuffer.wrap(error == null ? exchange.answer() : error.body()), callback);
        return true;
    }

    /**
     * Whether a browser sent the request ({@code Sec-Fetch-Site} or {@code Origin}, which API clients do not send):
     * such a request may be a write another site made, which {@code CrossSite} judges on the framework's path. Two
     * header lookups.
     */
    private static boolean fromBrowser(HttpFields headers) {
        return headers.contains("Sec-Fetch-Site") || headers.contains(HttpHeader.ORIGIN);
    }

    /** Hands the request to the framework, which may block: on a thread of the pool. */
    private boolean onward(Request request, Response response, Callback callback) {
        request.getContext().execute(() -> {
            try {
                if (!super.handle(request, response, callback)) {
                    Response.writeError(request, response, callback, HttpStatus.NOT_FOUND_404);
                }
            } catch (Throwable t) {
                Response.writeError(request, response, callback, t);
            }
        });
        return true;
    }

    /** The direct route a plain request addresses, or null. */
    private Route routeOf(Request request) {
        HttpURI uri = request.getHttpURI();
        if (uri.getQuery() != null) {
            return null;
        }
        String path = uri.getPath();
        if (path == null || !path.equals(uri.getCanonicalPath()) || !printable(path)) {
            return null;
        }
        String method = request.getMethod();
        for (Route route : routes) {
            if (route.matches(method, path)) {
                return route;
            }
        }
        return null;
    }

    private static boolean printable(String path) {
        for (int i = 0; i < path.length(); i++) {
            char c = path.charAt(i);
            if (c <= ' ' || c >= 0x7f) {
                return false;
            }
        }
        return true;
    }
}
