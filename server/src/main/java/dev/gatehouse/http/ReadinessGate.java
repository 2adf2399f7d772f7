package dev.gatehouse.http;

import dev.gatehouse.changelog.ChangeFeed;
import dev.gatehouse.changelog.ReadRevision;
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
 * <p>Every response of the wrapped dialect also says how current the node is: {@code Gatehouse-Revision}, the
 * revision it had applied when it answered, or the newest its reads of the tables could have seen when that is newer
 * ({@link ReadRevision}; a write: the revision it committed) — as {@code min_revision}, it
 * asks any node for state at least as new as this answer; an error carries none, so a refused write never looks
 * like one that committed — and {@code Gatehouse-Staleness}, {@link ChangeFeed#lagSeconds()} — the
 * seconds since the node last knew it held every change, a fraction of a second while all is well, growing while
 * it cannot reach the database and answers from memory.
 *
 * <p>Costs a few volatile reads and a clock reading per request, and a read of the log's newest revision per read of
 * the tables (none for decisions, which the engine answers). Immutable and thread-safe.
 */
public final class ReadinessGate implements Dialect {

    /** The node's applied revision when it answered, or the revision a write committed. */
    public static final String REVISION = "Gatehouse-Revision";
    /** Seconds since the node last knew it held every change ({@link ChangeFeed#lagSeconds()}). */
    public static final String STALENESS = "Gatehouse-Staleness";

    private final Dialect dialect;
    private final List<Route> routes;

    private ReadinessGate(Dialect dialect, ChangeFeed feed) {
        this.dialect = dialect;
        this.routes = dialect.routes().stream()
                .map(route -> route.wrapped(ctx -> {
                    ReadRevision.begin();
                    try {
                        feed.requireInSync();
                        route.handler().handle(ctx);
                        // an error never carries one (a route that answers its own error, as an import does,
                        // returns normally), so a refused write never looks committed; an answer read from the
                        // tables covers what it read, which may be newer than what this node applied
                        long read = ReadRevision.end();
                        if (ctx.statusCode() < 400 && ctx.res().getHeader(REVISION) == null) {
                            ctx.header(REVISION, Long.toString(Math.max(feed.applied(), read)));
                        }
                    } finally {
                        ReadRevision.end();
                        ctx.header(STALENESS, seconds(feed.lagSeconds()));
                    }
                }, direct -> exchange -> {
                    try {
                        feed.requireInSync();
                        boolean answered = direct.handle(exchange);
                        if (answered && exchange.responseHeader(REVISION) == null) {
                            exchange.header(REVISION, Long.toString(feed.applied()));
                        }
                        return answered;
                    } finally {
                        exchange.header(STALENESS, seconds(feed.lagSeconds()));
                    }
                }))
                .toList();
    }

    /** Seconds with three decimals ({@code 0.250}), without the cost of a format string on every request. */
    static String seconds(double seconds) {
        long millis = Math.max(0, Math.round(seconds * 1000));
        long fraction = millis % 1000;
        return (millis / 1000) + (fraction < 10 ? ".00" : fraction < 100 ? ".0" : ".") + fraction;
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
    public boolean runsGetSentAsPost() {
        return dialect.runsGetSentAsPost();
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
