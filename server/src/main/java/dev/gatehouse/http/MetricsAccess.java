package dev.gatehouse.http;

import io.javalin.http.Context;

/**
 * Who may read {@code /metrics} on the port a request came in on. The HTTP edge sets it on every request:
 * without a management port, the public port serves metrics to the service key only; with one, the
 * management port serves them without a key and the public port not at all.
 */
public enum MetricsAccess {
    /** The management port: no key needed. */
    OPEN,
    /** The public port of a node without a management port: the service key is required. */
    SERVICE_KEY,
    /** The public port of a node with a management port: metrics are not served here. */
    HIDDEN;

    /** The request attribute the edge sets. */
    public static final String ATTRIBUTE = "dev.gatehouse.http.metricsAccess";

    /** The access of this request's port; {@link #SERVICE_KEY} when the edge did not say (the strict default). */
    public static MetricsAccess of(Context ctx) {
        return ctx.req().getAttribute(ATTRIBUTE) instanceof MetricsAccess access ? access : SERVICE_KEY;
    }
}
