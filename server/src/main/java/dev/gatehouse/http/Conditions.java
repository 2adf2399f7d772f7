package dev.gatehouse.http;

import dev.gatehouse.error.InvalidInputException;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import java.util.Collections;
import java.util.List;
import org.eclipse.jetty.http.HttpFields;

/**
 * The conditional headers a route does not evaluate, refused before it runs, for every route of every dialect: a
 * request performed regardless of its condition would tell the client the condition held when it was never
 * evaluated. Stateless.
 *
 * <ul>
 *   <li>{@code If-Match}: read only by a route that declares it ({@link Route#readsIfMatch}): a write of an object
 *       that carries a version, and the native API's read of one versioned object, whose answer gives that version as
 *       its {@code ETag}. Any other route refuses it (400 {@code if_match_unsupported}): a creation or an object
 *       without a version has nothing to compare, and an answer without an {@code ETag} no tag to match; RFC 9110
 *       (13.2.1) lets a request fail its checks before its preconditions are evaluated.
 *   <li>{@code If-None-Match}: no write evaluates it (400 {@code if_none_match_unsupported}); the native API's reads of
 *       one versioned object answer 304 for it, and other reads, which give no {@code ETag}, are answered in full.
 *   <li>{@code If-Unmodified-Since}: no route keeps a modification date, so no write can evaluate it (400
 *       {@code if_unmodified_since_unsupported}, pointing to {@code If-Match} where the route reads it). A read ignores
 *       it, as RFC 9110 (13.1.4) has a server without a modification date do.
 * </ul>
 * A header whose value is blank asks nothing, and is passed over. A route that carries another method's request
 * ({@link Route#carryOnly}: Close's GET sent as a POST) is judged as the read it carries.
 */
final class Conditions {

    /** The conditional headers some route refuses: a request carrying one is not offered to a direct handler. */
    static final List<String> HEADERS = List.of("If-Match", "If-None-Match", "If-Unmodified-Since");

    private Conditions() {
    }

    /** Refuses a conditional header {@code route} does not evaluate (see the class comment). */
    static void refuseUnread(Context ctx, Route route) {
        boolean write = route.method() != HandlerType.GET && route.method() != HandlerType.HEAD && !route.carryOnly();
        if (!route.readsIfMatch()) {
            String given = given(ctx, "If-Match");
            if (given != null) {
                throw new InvalidInputException("if_match_unsupported", route.method() + " " + route.path()
                        + " does not read If-Match (got " + HeaderValues.shown(given) + "): " + (write
                        ? "the object it writes has no version to compare, being created by the request or carrying "
                        + "none" : "its answer carries no ETag to compare") + "; send the request without If-Match");
            }
        }
        if (!write) {
            return;
        }
        String given = given(ctx, "If-None-Match");
        if (given != null) {
            throw new InvalidInputException("if_none_match_unsupported", route.method() + " " + route.path()
                    + " does not read If-None-Match (got " + HeaderValues.shown(given) + "): no write does; "
                    + instead(route, "If-None-Match"));
        }
        given = given(ctx, "If-Unmodified-Since");
        if (given != null) {
            throw new InvalidInputException("if_unmodified_since_unsupported", route.method() + " " + route.path()
                    + " does not read If-Unmodified-Since (got " + HeaderValues.shown(given) + "): no object keeps "
                    + "the time it was last changed; " + instead(route, "If-Unmodified-Since"));
        }
    }

    private static String instead(Route route, String header) {
        return route.readsIfMatch() ? "to change the object only while it is the version you read, send If-Match "
                + "with its ETag instead" : "send the request without " + header;
    }

    /** The first non-blank value of {@code header}, stripped; null when there is none. */
    private static String given(Context ctx, String header) {
        for (String value : Collections.list(ctx.req().getHeaders(header))) {
            if (!value.isBlank()) {
                return value.strip();
            }
        }
        return null;
    }

    /** Whether the request carries a conditional header some route refuses (a direct handler leaves it onward). */
    static boolean any(HttpFields headers) {
        for (String header : HEADERS) {
            if (headers.contains(header)) {
                return true;
            }
        }
        return false;
    }
}
