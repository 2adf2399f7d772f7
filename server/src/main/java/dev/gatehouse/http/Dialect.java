package dev.gatehouse.http;

import dev.gatehouse.error.GatehouseException;
import io.javalin.http.Context;
import java.util.List;
import java.util.Map;

/**
 * One HTTP dialect (native, Close, Rooms): its routes and its error shape. The server picks the dialect
 * of a failed request by path prefix and lets it render the error, so every dialect answers in its own
 * format, including for unknown routes, malformed requests and errors Jetty raises before any route runs
 * (oversized URIs and headers, malformed HTTP).
 */
public interface Dialect {

    /** Path prefix owned by this dialect, e.g. {@code /v1}. */
    String prefix();

    List<Route> routes();

    /**
     * Whether a {@code POST} carrying {@code X-HTTP-Method-Override: GET} runs the {@code GET} of its path, as
     * the dialect's original API does; no other override reaches any route ({@code http/edge/RequestMethod}).
     */
    default boolean runsGetSentAsPost() {
        return false;
    }

    /**
     * An error in this dialect's shape, without any request at hand (also used for errors raised below the
     * routes). {@code fieldErrors} is empty unless the input was invalid; {@code context} holds structured
     * facts of a typed failure (such as a limit's numbers), shown as members beside the dialect's own.
     */
    ErrorReply errorReply(int status, String code, String detail, Map<String, String> fieldErrors,
                          Map<String, Object> context);

    /**
     * Headers every answer under this dialect's prefix carries, errors raised below the routes included ({@code
     * http/edge/DialectErrorHandler}); none by default. The console's security headers.
     */
    default Map<String, String> headers() {
        return Map.of();
    }

    /** Writes an error response. {@code fieldErrors} is empty unless the input was invalid. */
    default void error(Context ctx, int status, String code, String detail, Map<String, String> fieldErrors) {
        error(ctx, status, code, detail, fieldErrors, Map.of());
    }

    /** Writes the error response of a typed failure, with its {@link GatehouseException#context()}. */
    default void error(Context ctx, int status, GatehouseException e) {
        error(ctx, status, e.code(), e.detail(), e.fieldErrors(), e.context());
    }

    /** Writes an error response: {@link #errorReply} by default; a dialect may add headers. */
    default void error(Context ctx, int status, String code, String detail, Map<String, String> fieldErrors,
                       Map<String, Object> context) {
        ErrorReply reply = errorReply(status, code, detail, fieldErrors, context);
        ctx.status(reply.status()).contentType(reply.contentType()).result(reply.body());
    }

    /** An error response: its status (a dialect may map the one asked for), content type and body. */
    record ErrorReply(int status, String contentType, byte[] body) {
    }
}
