package dev.gatehouse.http;

import dev.gatehouse.error.GatehouseException;
import io.javalin.http.Context;
import java.util.List;
import java.util.Map;

/**
 * One HTTP dialect (native, Close, Rooms): its routes and its error shape. The server picks the dialect
 * of a failed request by path prefix and lets it render the error, so every dialect answers in its own
 * format, including for unknown routes and malformed requests.
 */
public interface Dialect {

    /** Path prefix owned by this dialect, e.g. {@code /v1}. */
    String prefix();

    List<Route> routes();

    /** Writes an error response. {@code fieldErrors} is empty unless the input was invalid. */
    void error(Context ctx, int status, String code, String detail, Map<String, String> fieldErrors);

    /**
     * Writes the error response of a typed failure; a dialect that shows {@link GatehouseException#context()}
     * (structured facts such as a limit's numbers) overrides this.
     */
    default void error(Context ctx, int status, GatehouseException e) {
        error(ctx, status, e.code(), e.detail(), e.fieldErrors());
    }
}
