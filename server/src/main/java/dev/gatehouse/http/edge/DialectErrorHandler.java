package dev.gatehouse.http.edge;

import dev.gatehouse.error.GatehouseException;
import dev.gatehouse.error.UnavailableException;
import dev.gatehouse.http.Dialect;
import dev.gatehouse.http.HttpServer;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpHeaderValue;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.http.HttpURI;
import org.eclipse.jetty.io.QuietException;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.internal.HttpConnection;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Errors Jetty raises itself — malformed HTTP (400), a body too slow (408) or too large (413), a URI (414)
 * or headers (431) too large, an expectation it does not meet (417: an {@code Expect} other than
 * {@code 100-continue}), an unsupported version (505, also for a request line of HTTP/2.0, which Jetty answers 426
 * Upgrade Required though there is nothing to upgrade to) — rendered like every other error: in the shape
 * of the dialect that owns the path, never as Jetty's HTML page. The path is the request's, or, when the
 * request could not be built, the target of the request line, or the start of its path when the line itself was
 * refused ({@link HeadTimedConnection#target()}); with none (a line without a path) the default dialect answers. The detail never echoes request data beyond Jetty's short reason. The answer to a request the parser
 * could not read says {@code Connection: close}, and the connection closes after it.
 *
 * <p>A path the parser refuses to read (an escaped NUL, a {@code %} that begins no escape) is answered with the
 * refusal the routes give the same text where the parser lets it through ({@code HttpServer#pathRefusal}: 400
 * {@code invalid_parameter} naming the path parameter, or {@code invalid_path}), not as bare malformed HTTP.
 *
 * <p>While the server stops ({@link #stopping}), a 503 raised below the routes — a request arriving on an open
 * connection (Jetty's graceful handler), a body the stop cut off ({@link BodyBuffer}) — is {@code node_stopping},
 * with {@code Retry-After} and {@code Connection: close}: the request was not run, and another node takes it. Every
 * answer rendered here carries {@code Cache-Control: no-store}, as every other answer of the APIs does.
 *
 * <p>Thread-safe (immutable).
 */
final class DialectErrorHandler extends ErrorHandler {

    private static final Logger LOG = LoggerFactory.getLogger(DialectErrorHandler.class);

    /**
     * The statuses of a request the parser could not read (malformed, a URI or headers too large, a transfer coding or
     * version it does not take), after which the connection is closed; a body too large, or too slow, is answered on
     * a connection that may stay open, as Jetty decides.
     */
    private static final Set<Integer> UNREADABLE = Set.of(400, 414, 431, 501, 505);

    /** The answer to a request the stop turned away, or whose body it cut off. */
    private static final UnavailableException STOPPING = new UnavailableException("node_stopping",
            "this node is stopping; send the request again, to another node");

    private final Function<String, Dialect> dialects;
    private final Function<String, GatehouseException> pathRefusals;

    /**
     * @param pathRefusals the refusal the routes give a path as sent (percent-encoded), or null when they give none
     */
    DialectErrorHandler(Function<String, Dialect> dialects, Function<String, GatehouseException> pathRefusals) {
        this.dialects = dialects;
        this.pathRefusals = pathRefusals;
    }

    /** Every method gets an error body (Jetty's default leaves PUT, PATCH and DELETE errors empty). */
    @Override
    public boolean errorPageForMethod(String method) {
        return true;
    }

    @Override
    protected void generateResponse(Request request, Response response, int status, String message, Throwable cause,
                                    Callback callback) {
        if (status >= 500 && cause != null && !clientGone(cause)) {
            String errorId = UUID.randomUUID().toString();
            MDC.put("error_id", errorId);
            LOG.error("unexpected error {} below the routes", errorId, cause);
            MDC.remove("error_id");
            message = "an unexpected error occurred; error id " + errorId;
        }
        if (status == HttpStatus.UPGRADE_REQUIRED_426) {
            // Jetty's answer to a request line of HTTP/2.0 (not the preface of HTTP/2 without TLS, which it serves):
            // there is nothing to upgrade to here, the server speaks HTTP/1.1 alone
            status = HttpStatus.HTTP_VERSION_NOT_SUPPORTED_505;
            message = null;
        }
        boolean stopped = status == HttpStatus.SERVICE_UNAVAILABLE_503 && stopping(request);
        String path = path(request);
        Dialect dialect = dialects.apply(path);
        // a path the parser refuses to read (an escape of a control character, a '%' that begins no escape) gets
        // the refusal in words a route gives the same text where the parser lets it through
        GatehouseException refusal = status == HttpStatus.BAD_REQUEST_400 && path != null && path.indexOf('%') >= 0
                ? pathRefusals.apply(path) : null;
        Dialect.ErrorReply reply = refusal != null
                ? dialect.errorReply(HttpServer.status(refusal), refusal.code(), refusal.detail(),
                        refusal.fieldErrors(), refusal.context())
                : dialect.errorReply(status, stopped ? STOPPING.code() : HttpServer.codeFor(status),
                        stopped ? STOPPING.detail() : detail(status, message), Map.of(), Map.of());
        response.setStatus(reply.status());
        dialect.headers().forEach(response.getHeaders()::put);
        if (stopped) {
            HttpServer.errorHeaders(STOPPING, response.getHeaders()::put);
            response.getHeaders().put(HttpHeader.CONNECTION, HttpHeaderValue.CLOSE.asString());
        }
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store"); // as every answer of the APIs
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, reply.contentType());
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, reply.body().length);
        response.getHeaders().put(EdgeConnectionFactory.NOSNIFF); // an answer to a request that was never built too
        if (UNREADABLE.contains(status) && request.getConnectionMetaData().getConnection() instanceof HttpConnection) {
            // a request the parser could not read leaves the connection unreadable: it is closed after the answer,
            // which says so, or a pooling client would send its next request on a connection about to close
            response.getHeaders().put(HttpHeader.CONNECTION, HttpHeaderValue.CLOSE.asString());
        }
        response.write(true, ByteBuffer.wrap(reply.body()), callback);
    }

    /** Whether the server is stopping: {@code request}'s connector accepts no more connections. */
    static boolean stopping(Request request) {
        Connector connector = request.getConnectionMetaData().getConnector();
        return connector != null && connector.isShutdown();
    }

    /** The client closed or reset the connection: nothing to answer, nothing to log. */
    private static boolean clientGone(Throwable cause) {
        return cause instanceof IOException || cause instanceof QuietException;
    }

    private static String path(Request request) {
        if (request.getConnectionMetaData() instanceof HeadTimedConnection connection && connection.target() != null) {
            String target = connection.target();
            if (target.startsWith("/")) {
                int query = target.indexOf('?');
                return query < 0 ? target : target.substring(0, query);
            }
            try {
                String path = HttpURI.from(target).getPath();
                return path == null ? "/" : path;
            } catch (RuntimeException e) {
                return "/";
            }
        }
        return request.getHttpURI().getPath();
    }

    private static String detail(int status, String message) {
        String what = switch (status) {
            case 400 -> "malformed HTTP request";
            case 408 -> "the request was not received in time";
            case 413 -> "request body too large";
            case 414 -> "request URI too long";
            case 417 -> "the Expect header asks for what this server does not do; it knows 100-continue only";
            case 431 -> "request headers too large";
            case 505 -> "HTTP version not supported; use HTTP/1.1";
            default -> HttpStatus.getMessage(status);
        };
        String reason = printable(message);
        boolean nothingMore = reason.isEmpty() || reason.equalsIgnoreCase(what) || reason.equalsIgnoreCase(HttpStatus.getMessage(status));
        return nothingMore ? what : what + ": " + reason;
    }

    /** Jetty's reason, printable ASCII only and short: it may quote a character of the request. */
    private static String printable(String message) {
        if (message == null) {
            return "";
        }
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < message.length() && out.length() < 200; i++) {
            char c = message.charAt(i);
            out.append(c >= 0x20 && c < 0x7f ? c : '?');
        }
        return out.toString().strip();
    }
}
