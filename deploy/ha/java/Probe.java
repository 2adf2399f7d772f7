import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * One request of each kind sent to a node at once — readiness, a check, a check with an API key the node has
 * not used yet (on the first probe of a node), a check with a {@code min_revision} far beyond the node, a
 * write, the metrics — so that all answers describe the same moment; each complete
 * answer is printed with its latency and its {@code Gatehouse-*} and {@code Retry-After} headers. The failover
 * tests probe a node while it cannot reach the database: the printout is the evidence of how it behaves.
 */
final class Probe {

    private Probe() {
    }

    /** Sends the requests to {@code node} now ({@code seconds} into the load, for the printout) and prints the answers. */
    static void send(Api api, Api.Node node, Setup setup, double seconds) {
        Duration timeout = Duration.ofSeconds(60);
        long applied = Api.number(api.get(node, "/readyz", Duration.ofSeconds(1)).body(), "revision").orElse(0L);
        String check = "{\"user_id\":\"check-0\",\"permission\":\"" + FailoverLoad.PERMISSION + "\"";
        String probeUser = "probe-" + node.name() + "-" + (long) (seconds * 10);
        Map<String, Supplier<Api.Reply>> requests = new LinkedHashMap<>();
        requests.put("GET /readyz", () -> api.get(node, "/readyz", timeout));
        requests.put("GET /readyz/writes", () -> api.get(node, "/readyz/writes", timeout));
        requests.put("POST check", () -> api.post(node, setup.path("/check"), check + "}", timeout));
        requests.put("POST check with a key the node has not used yet", () -> api.sendAs(setup.adminKey(), node, "POST",
                setup.path("/check"), check + "}", timeout));
        requests.put("POST check with min_revision beyond the node", () -> api.post(node, setup.path("/check"),
                check + ",\"min_revision\":" + (applied + 1_000_000) + "}", timeout));
        requests.put("POST member (a write)", () -> api.post(node, setup.path("/members"), "{\"user_id\":\""
                + probeUser + "\",\"email\":\"" + probeUser + "@ha.test\",\"role_id\":" + setup.viewer() + "}", timeout));
        requests.put("GET /metrics", () -> api.get(node, "/metrics", timeout));
        Map<String, CompletableFuture<Api.Reply>> replies = new LinkedHashMap<>();
        requests.forEach((what, call) -> replies.put(what, CompletableFuture.supplyAsync(call)));
        StringBuilder text = new StringBuilder();
        replies.forEach((what, reply) -> {
            Api.Reply r = reply.join();
            if (what.equals("GET /metrics")) {
                String interesting = Arrays.stream(r.body().split("\n"))
                        .filter(l -> !l.startsWith("#"))
                        .filter(l -> l.matches("(?i).*(stale|revision|lag|database|behind|"
                                + "hikaricp_connections(_active|_pending|_timeout_total)?\\{).*"))
                        .collect(Collectors.joining("\n      "));
                text.append(String.format("probe %s t=%.1f GET /metrics -> %s in %.2f s; matching lines:%n      %s%n",
                        node.name(), seconds, r.outcome(), r.seconds(), interesting.isEmpty() ? "(none)" : interesting));
            } else {
                line(text, node, seconds, what, r);
            }
        });
        System.out.print(text);
    }

    private static void line(StringBuilder text, Api.Node node, double seconds, String what, Api.Reply reply) {
        String headers = reply.response() == null ? "" : reply.response().headers().map().entrySet().stream()
                .filter(e -> e.getKey().toLowerCase().startsWith("gatehouse") || e.getKey().equalsIgnoreCase("retry-after"))
                .map(e -> e.getKey() + ": " + String.join(",", e.getValue())).collect(Collectors.joining("; "));
        String body = reply.body().length() > 300 ? reply.body().substring(0, 300) + "…" : reply.body();
        text.append(String.format("probe %s t=%.1f %s -> %s in %.2f s [%s] %s%n", node.name(), seconds, what,
                reply.error() != null ? reply.error() : String.valueOf(reply.status()), reply.seconds(), headers, body));
    }
}
