package dev.gatehouse.http;

/**
 * A route's answer on the server's core HTTP API, without the web framework in between: for the one route asked
 * far more often than all others (a check), where the framework's per-request work is a large share of the cost.
 * It answers the requests it recognises exactly as the route's {@link io.javalin.http.Handler} would, and declines
 * the others before doing anything, which the route's handler then answers ({@link DirectRoutes}).
 *
 * <p>It must not block — no database, no network, no waiting: it runs on the thread that reads the network. A
 * request it cannot answer from memory (a key not verified yet, a wait for a revision) it declines.
 */
@FunctionalInterface
public interface DirectHandler {

    /**
     * Answers the request ({@link Exchange#json}) and returns true, or returns false having changed nothing: the
     * route's handler answers it. A {@link dev.gatehouse.error.GatehouseException} is answered as the handler's
     * would be, in the dialect's error shape.
     */
    boolean handle(Exchange exchange) throws Exception;
}
