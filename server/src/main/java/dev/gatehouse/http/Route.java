package dev.gatehouse.http;

import io.javalin.http.Handler;
import io.javalin.http.HandlerType;
import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * One entry of the route table: method, path template (Javalin syntax, {@code {name}}) and handler. A route
 * that {@code streamsBody} reads its request body itself, as it arrives and of any size (a bulk import); every
 * other route gets its body read in full, within the edge's deadline and size limit, before it runs.
 *
 * <p>A route {@code triedFirst} is matched before all others of its method: the router tries templates one
 * after the other, and a route asked far more often than the rest (a check) should not pay for trying them.
 * {@link HttpServer} refuses to start when a route it would move could be shadowed by one it passes
 * ({@link #overlaps}).
 *
 * <p>A route may also have a {@code direct} handler ({@link DirectHandler}): it answers the requests it recognises
 * before the web framework sees them, exactly as {@code handler} would, and leaves the others to it. A wrapper
 * that knows nothing of it drops it ({@link #withHandler}), so nothing it adds is ever bypassed; a wrapper that
 * does the same work on both paths keeps it ({@link #wrapped}).
 *
 * <p>A route may declare the {@code query} parameters it reads ({@link #reading}): a request with any other, or with
 * a single-valued one given twice, is refused before the route runs ({@link QueryParameters#check}). A route without
 * a declaration (null) takes any query, as the dialects' originals do. Wrappers keep the declaration.
 *
 * <p>A route may declare that it {@code readsIfMatch} ({@link #readingIfMatch}): it changes an object that carries a
 * version and performs the request only when {@code If-Match} names that version. What becomes of {@code If-Match}
 * sent to any other route is the dialect's to decide (the native API refuses it on every write). Wrappers keep the
 * declaration.
 *
 * <p>A POST route may {@code carryOnly} another method's requests ({@link #postCarrying}): its path takes POST only
 * to carry a request for another method (Close's GET sent as a POST with {@code X-HTTP-Method-Override: GET}) and
 * refuses a POST that carries none, so the path does not answer POST: a 405's {@code Allow} does not name it for this
 * route, whichever method was refused. Wrappers keep the declaration.
 */
public record Route(HandlerType method, String path, Handler handler, boolean streamsBody, boolean triedFirst,
                    DirectHandler direct, QueryParameters query, boolean readsIfMatch, boolean carryOnly) {
    public Route {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(handler, "handler");
        if (carryOnly && method != HandlerType.POST) {
            throw new IllegalArgumentException("only a POST route carries another method's requests: " + method
                    + " " + path);
        }
    }

    public Route(HandlerType method, String path, Handler handler, boolean streamsBody, boolean triedFirst,
                 DirectHandler direct, QueryParameters query, boolean readsIfMatch) {
        this(method, path, handler, streamsBody, triedFirst, direct, query, readsIfMatch, false);
    }

    public Route(HandlerType method, String path, Handler handler, boolean streamsBody, boolean triedFirst,
                 DirectHandler direct, QueryParameters query) {
        this(method, path, handler, streamsBody, triedFirst, direct, query, false);
    }

    public Route(HandlerType method, String path, Handler handler, boolean streamsBody, boolean triedFirst,
                 DirectHandler direct) {
        this(method, path, handler, streamsBody, triedFirst, direct, null);
    }

    public Route(HandlerType method, String path, Handler handler, boolean streamsBody, boolean triedFirst) {
        this(method, path, handler, streamsBody, triedFirst, null);
    }

    public Route(HandlerType method, String path, Handler handler) {
        this(method, path, handler, false, false);
    }

    /** A POST route matched before every other (see the class comment). */
    public static Route postFirst(String path, Handler handler) {
        return new Route(HandlerType.POST, path, handler, false, true);
    }

    /** A POST route matched before every other, also answered directly (see the class comment). */
    public static Route postFirst(String path, Handler handler, DirectHandler direct) {
        return new Route(HandlerType.POST, path, handler, false, true, direct);
    }

    /**
     * Whether some request could match both routes: the same method and number of segments, and at each
     * segment equal text or a parameter on either side.
     */
    public boolean overlaps(Route other) {
        if (method != other.method) {
            return false;
        }
        String[] a = path.split("/", -1);
        String[] b = other.path.split("/", -1);
        if (a.length != b.length) {
            return false;
        }
        for (int i = 0; i < a.length; i++) {
            if (!isParameter(a[i]) && !isParameter(b[i]) && !a[i].equals(b[i])) {
                return false;
            }
        }
        return true;
    }

    private static boolean isParameter(String segment) {
        return segment.startsWith("{") && segment.endsWith("}") || segment.contains("*") || segment.contains("<");
    }

    public static Route get(String path, Handler handler) {
        return new Route(HandlerType.GET, path, handler);
    }

    public static Route post(String path, Handler handler) {
        return new Route(HandlerType.POST, path, handler);
    }

    /**
     * A POST route that answers only a POST carrying another method's request, its path taking no POST of its own
     * (see the class comment).
     */
    public static Route postCarrying(String path, Handler handler) {
        return new Route(HandlerType.POST, path, handler, false, false, null, null, false, true);
    }

    /** A POST route that reads its body itself, as a stream (see the class comment). */
    public static Route postStreamed(String path, Handler handler) {
        return new Route(HandlerType.POST, path, handler, true, false);
    }

    public static Route put(String path, Handler handler) {
        return new Route(HandlerType.PUT, path, handler);
    }

    public static Route patch(String path, Handler handler) {
        return new Route(HandlerType.PATCH, path, handler);
    }

    public static Route delete(String path, Handler handler) {
        return new Route(HandlerType.DELETE, path, handler);
    }

    /** The same route, reading the query parameters {@code declared} and refusing any other (see the class comment). */
    public Route reading(QueryParameters declared) {
        return new Route(method, path, handler, streamsBody, triedFirst, direct,
                Objects.requireNonNull(declared, "declared"), readsIfMatch, carryOnly);
    }

    /** The same route, reading {@code If-Match} against the version of what it changes (see the class comment). */
    public Route readingIfMatch() {
        return new Route(method, path, handler, streamsBody, triedFirst, direct, query, true, carryOnly);
    }

    /** The same route with another handler (a wrapper around this one's), and no direct handler. */
    public Route withHandler(Handler other) {
        return new Route(method, path, other, streamsBody, triedFirst, null, query, readsIfMatch, carryOnly);
    }

    /**
     * The same route with another handler and direct handler, each a wrapper doing the same around this route's
     * own: {@code direct} is applied only when this route has a direct handler.
     */
    public Route wrapped(Handler other, UnaryOperator<DirectHandler> direct) {
        return new Route(method, path, other, streamsBody, triedFirst,
                this.direct == null ? null : direct.apply(this.direct), query, readsIfMatch, carryOnly);
    }

    /** Whether a request's method and path (without query) address this route's template. */
    public boolean matches(String requestMethod, String requestPath) {
        if (!method.name().equalsIgnoreCase(requestMethod)) {
            return false;
        }
        // segment by segment, without splitting (the edge asks this of every request with a body)
        int t = 0;
        int a = 0;
        while (true) {
            int tEnd = end(path, t);
            int aEnd = end(requestPath, a);
            boolean parameter = tEnd > t && path.charAt(t) == '{' && path.charAt(tEnd - 1) == '}';
            if (parameter ? aEnd == a : tEnd - t != aEnd - a || !path.regionMatches(t, requestPath, a, tEnd - t)) {
                return false;
            }
            boolean templateDone = tEnd == path.length();
            boolean actualDone = aEnd == requestPath.length();
            if (templateDone || actualDone) {
                return templateDone && actualDone;
            }
            t = tEnd + 1;
            a = aEnd + 1;
        }
    }

    /**
     * The segment of {@code requestPath} (a path this route {@link #matches}) that the template names
     * {@code {name}}, or null when it names none.
     */
    public String pathParam(String requestPath, String name) {
        int t = 0;
        int a = 0;
        while (t < path.length() && a <= requestPath.length()) {
            int tEnd = end(path, t);
            int aEnd = end(requestPath, a);
            if (tEnd - t == name.length() + 2 && path.charAt(t) == '{'
                    && path.regionMatches(t + 1, name, 0, name.length())) {
                return requestPath.substring(a, aEnd);
            }
            t = tEnd + 1;
            a = aEnd + 1;
        }
        return null;
    }

    /** Where the segment starting at {@code from} ends: the next '/' or the end of {@code s}. */
    private static int end(String s, int from) {
        int slash = s.indexOf('/', from);
        return slash < 0 ? s.length() : slash;
    }
}
