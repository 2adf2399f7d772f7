package dev.gatehouse.bench.peers;

import java.net.URI;
import java.util.function.BiPredicate;
import java.util.function.Function;
import tools.jackson.databind.JsonNode;

/**
 * A system driven over HTTP in the side-by-side run: its process, where it listens, how a request of the
 * workload is sent to it (path, body, authorization) and how its answer reads. Load and start times are
 * recorded once it is ready. Mutable only while the run sets it up; read by the run's one thread.
 */
final class HttpSystem {

    final String name;
    final Proc proc;
    final URI base;
    /** Authorization header value, or null. */
    final String authorization;
    final Function<Workload.Request, String> path;
    final Function<Workload.Request, String> body;
    final BiPredicate<Workload.Request, JsonNode> allowed;
    double startSeconds;
    double loadSeconds;
    String loadMethod;

    HttpSystem(String name, Proc proc, URI base, String authorization, Function<Workload.Request, String> path,
               Function<Workload.Request, String> body, BiPredicate<Workload.Request, JsonNode> allowed) {
        this.name = name;
        this.proc = proc;
        this.base = base;
        this.authorization = authorization;
        this.path = path;
        this.body = body;
        this.allowed = allowed;
    }
}
