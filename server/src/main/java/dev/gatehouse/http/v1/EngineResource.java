package dev.gatehouse.http.v1;

import dev.gatehouse.decision.DecisionService;
import dev.gatehouse.http.Auth;
import dev.gatehouse.http.Route;
import dev.gatehouse.json.Json;
import io.javalin.http.Context;
import java.util.List;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code GET /v1/engine} (service key): the revision this node's engine has applied and a digest of its whole
 * decision state ({@link DecisionService#engineState}). Two nodes reporting the same revision and digest answer
 * every decision alike, so operators (and the failover test, deploy/ha) compare nodes with it. The digest costs
 * O(state) per call: a diagnostic, not a health check. Compare nodes once writes have stopped or when both
 * report the same revision.
 */
final class EngineResource {

    private final DecisionService decisions;
    private final Auth auth;

    EngineResource(DecisionService decisions, Auth auth) {
        this.decisions = decisions;
        this.auth = auth;
    }

    List<Route> routes() {
        return List.of(Route.get("/v1/engine", this::get));
    }

    private void get(Context ctx) {
        DecisionService.EngineState state = decisions.engineState(auth.principal(ctx));
        ObjectNode body = Json.object();
        body.put("revision", state.revision());
        body.put("digest", state.digest());
        body.put("organizations", state.organizations());
        V1.ok(ctx, body);
    }
}
