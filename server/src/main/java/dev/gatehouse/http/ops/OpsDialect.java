package dev.gatehouse.http.ops;

import dev.gatehouse.access.Principal;
import dev.gatehouse.changelog.ChangeFeed;
import dev.gatehouse.error.ForbiddenException;
import dev.gatehouse.error.NotFoundException;
import dev.gatehouse.http.Auth;
import dev.gatehouse.http.Dialect;
import dev.gatehouse.http.MetricsAccess;
import dev.gatehouse.http.Problem;
import dev.gatehouse.http.Route;
import io.javalin.http.Context;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * Operations endpoints: liveness ({@code /healthz}: the process serves HTTP, and its storage has not failed beyond
 * what the node can repair itself — an embedded database that died and cannot be started again); readiness for
 * decisions ({@code /readyz}: engine loaded, every change it has seen applied — {@link ChangeFeed#inSync()} —
 * whether or not the database answers, since decisions are answered from memory) and for writes
 * ({@code /readyz/writes}: that, and the database reachable now), each naming the node ({@code node_id}: this run's
 * id in the node registry, which webhook deliveries name); Prometheus metrics (for the service key, or on the
 * management port: {@link MetricsAccess}) and the OpenAPI contract. Errors anywhere outside another dialect's prefix
 * use the native problem shape.
 */
public final class OpsDialect implements Dialect {

    private final BooleanSupplier live;
    private final BooleanSupplier databaseReachable;
    private final ChangeFeed feed;
    private final PrometheusMeterRegistry metrics;
    private final BooleanSupplier ready;
    private final byte[] openapi;
    private final Auth auth;
    private final String nodeId;

    /**
     * @param live false when only a restart of the node can repair it (never throws, never blocks)
     * @param databaseReachable whether the database answers now (never throws, never blocks)
     * @param auth reads the key of a {@code /metrics} request on a port where metrics need the service key
     * @param nodeId this run's id in the node registry ({@code changelog/NodeRegistry}), which readiness reports
     */
    public OpsDialect(BooleanSupplier live, BooleanSupplier databaseReachable, ChangeFeed feed,
                      PrometheusMeterRegistry metrics, BooleanSupplier ready, Auth auth, String nodeId) {
        this.live = live;
        this.nodeId = nodeId;
        this.auth = auth;
        this.databaseReachable = databaseReachable;
        this.feed = feed;
        this.metrics = metrics;
        this.ready = ready;
        try (InputStream in = OpsDialect.class.getResourceAsStream("/openapi.yaml")) {
            this.openapi = in == null ? new byte[0] : in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public String prefix() {
        return "";
    }

    @Override
    public List<Route> routes() {
        return List.of(
                Route.get("/healthz", this::healthz),
                Route.get("/readyz", ctx -> readyz(ctx, false)),
                Route.get("/readyz/writes", ctx -> readyz(ctx, true)),
                Route.get("/metrics", this::metrics),
                Route.get("/openapi.yaml", ctx -> ctx.contentType("application/yaml").result(openapi)));
    }

    /** 200 while the node can repair what fails by itself, 503 when a supervisor should restart it. */
    private void healthz(Context ctx) {
        if (live.getAsBoolean()) {
            ctx.json(Map.of("status", "ok"));
        } else {
            ctx.status(503).json(Map.of("status", "failing", "reason", "embedded_database_down"));
        }
    }

    /** Prometheus text, to whom the port the request came in on allows ({@link MetricsAccess}). */
    private void metrics(Context ctx) {
        switch (MetricsAccess.of(ctx)) {
            case HIDDEN -> throw new NotFoundException("route_not_found",
                    "no route GET /metrics on this port: metrics are served on the management port");
            case SERVICE_KEY -> {
                if (!(auth.principal(ctx) instanceof Principal.Service)) {
                    throw new ForbiddenException("service_key_required", "reading metrics needs the service key");
                }
            }
            case OPEN -> { }
        }
        ctx.contentType("text/plain; version=0.0.4; charset=utf-8").result(metrics.scrape());
    }

    /** Ready for decisions, or (for {@code writes}) for writes too; the same body either way. */
    private void readyz(Context ctx, boolean writes) {
        boolean database = databaseReachable.getAsBoolean();
        boolean loaded = ready.getAsBoolean();
        boolean inSync = feed.inSync();
        boolean reads = loaded && inSync;
        boolean ok = reads && (database || !writes);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", ok ? "ready" : "not_ready");
        body.put("reads", reads);
        body.put("writes", reads && database);
        body.put("database", database);
        body.put("engine_loaded", loaded);
        body.put("in_sync", inSync);
        body.put("revision", feed.applied());
        body.put("staleness_seconds", Math.round(feed.lagSeconds() * 1000) / 1000.0);
        body.put("node_id", nodeId);
        ctx.status(ok ? 200 : 503).json(body);
    }

    @Override
    public ErrorReply errorReply(int status, String code, String detail, Map<String, String> fieldErrors,
                                 Map<String, Object> context) {
        return Problem.reply(status, code, detail, fieldErrors, context);
    }
}
