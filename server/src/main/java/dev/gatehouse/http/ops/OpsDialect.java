package dev.gatehouse.http.ops;

import dev.gatehouse.changelog.ChangeFeed;
import dev.gatehouse.http.Dialect;
import dev.gatehouse.http.Problem;
import dev.gatehouse.http.Route;
import io.javalin.http.Context;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import javax.sql.DataSource;

/**
 * Operations endpoints: liveness, readiness (database reachable, engine loaded, every change applied —
 * {@link ChangeFeed#inSync()}), Prometheus metrics and the OpenAPI contract. Errors anywhere outside another
 * dialect's prefix use the native problem shape.
 */
public final class OpsDialect implements Dialect {

    private final DataSource db;
    private final ChangeFeed feed;
    private final PrometheusMeterRegistry metrics;
    private final BooleanSupplier ready;
    private final byte[] openapi;

    public OpsDialect(DataSource db, ChangeFeed feed, PrometheusMeterRegistry metrics, BooleanSupplier ready) {
        this.db = db;
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
                Route.get("/healthz", ctx -> ctx.json(Map.of("status", "ok"))),
                Route.get("/readyz", this::readyz),
                Route.get("/metrics", ctx -> ctx.contentType("text/plain; version=0.0.4; charset=utf-8")
                        .result(metrics.scrape())),
                Route.get("/openapi.yaml", ctx -> ctx.contentType("application/yaml").result(openapi)));
    }

    private void readyz(Context ctx) {
        boolean database;
        try (var connection = db.getConnection()) {
            database = connection.isValid(2);
        } catch (Exception e) {
            database = false;
        }
        boolean loaded = ready.getAsBoolean();
        boolean inSync = feed.inSync();
        boolean ok = database && loaded && inSync;
        ctx.status(ok ? 200 : 503).json(Map.of("status", ok ? "ready" : "not_ready", "database", database,
                "engine_loaded", loaded, "in_sync", inSync, "revision", feed.applied()));
    }

    @Override
    public void error(Context ctx, int status, String code, String detail, Map<String, String> fieldErrors) {
        Problem.write(ctx, status, code, detail, fieldErrors);
    }
}
