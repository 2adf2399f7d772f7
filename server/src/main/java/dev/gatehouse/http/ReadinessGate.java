package dev.gatehouse.http;

import dev.gatehouse.changelog.ChangeFeed;
import dev.gatehouse.error.GatehouseException;
import io.javalin.http.Context;
import java.util.List;
import java.util.Map;

/**
 * A dialect whose every route first asks the change feed whether this node's in-memory state can be trusted
 * ({@link ChangeFeed#requireInSync()}). While the node is out of sync — it could not apply a committed change
 * and is reloading its state — decisions, authentication and management checks would all read state that
 * lacks that change, so every route of the wrapped dialect answers a retryable {@code 503 node_resyncing} in
 * that dialect's error shape instead. Operations endpoints are not wrapped: {@code /readyz} reports the same
 * condition to load balancers.
 *
 * <p>Costs one volatile read per request. Immutable and thread-safe.
 */
public final class ReadinessGate implements Dialect {

    private final Dialect dialect;
    private final List<Route> routes;

    private ReadinessGate(Dialect dialect, ChangeFeed feed) {
        this.dialect = dialect;
        this.routes = dialect.routes().stream()
                .map(route -> new Route(route.method(), route.path(), ctx -> {
                    feed.requireInSync();
                    route.handler().handle(ctx);
                }))
                .toList();
    }

    /** {@code dialect}, refusing every request while {@code feed} is out of sync. */
    public static Dialect over(Dialect dialect, ChangeFeed feed) {
        return new ReadinessGate(dialect, feed);
    }

    @Override
    public String prefix() {
        return dialect.prefix();
    }

    @Override
    public List<Route> routes() {
        return routes;
    }

    @Override
    public ErrorReply errorReply(int status, String code, String detail, Map<String, String> fieldErrors,
                                 Map<String, Object> context) {
        return dialect.errorReply(status, code, detail, fieldErrors, context);
    }

    @Override
    public void error(Context ctx, int status, GatehouseException e) {
        dialect.error(ctx, status, e);
    }

    @Override
    public void error(Context ctx, int status, String code, String detail, Map<String, String> fieldErrors,
                      Map<String, Object> context) {
        dialect.error(ctx, status, code, detail, fieldErrors, context);
    }
}
