package dev.gatehouse.http.v1;

import dev.gatehouse.access.Access;
import dev.gatehouse.changelog.ChangeFeed;
import dev.gatehouse.engine.DecisionEngine;
import dev.gatehouse.http.Auth;
import dev.gatehouse.http.Route;
import dev.gatehouse.json.Json;
import io.javalin.http.Context;
import java.util.List;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code GET /v1/engine} (service key): the revision this node's engine has applied and a digest of its whole
 * decision state. Two nodes reporting the same revision and digest answer every decision alike, so operators
 * (and the failover test, deploy/ha) compare nodes with it. The digest costs O(state) per call: a diagnostic,
 * not a health check.
 *
 * <p>The feed keeps applying changes while the digest is computed; the answer names a revision only when the
 * applied revision did not move around the computation (retried a few times otherwise), so compare nodes once
 * writes have stopped or when both report the same revision.
 */
final class EngineResource {

    private static final int ATTEMPTS = 5;

    private final DecisionEngine engine;
    private final ChangeFeed feed;
    private final Access access;
    private final Auth auth;

    EngineResource(DecisionEngine engine, ChangeFeed feed, Access access, Auth auth) {
        this.engine = engine;
        this.feed = feed;
        this.access = access;
        this.auth = auth;
    }

    List<Route> routes() {
        return List.of(Route.get("/v1/engine", this::get));
    }

    private void get(Context ctx) {
        access.requireService(auth.principal(ctx), "reading the engine state");
        long before;
        long after;
        String digest;
        int attempt = 0;
        do {
            before = feed.applied();
            digest = engine.digest();
            after = feed.applied();
        } while (before != after && ++attempt < ATTEMPTS);
        ObjectNode body = Json.object();
        body.put("revision", before == after ? after : null);
        body.put("digest", digest);
        body.put("organizations", engine.organizationCount());
        V1.ok(ctx, body);
    }
}
