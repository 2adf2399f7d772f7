package dev.gatehouse.bench.peers;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The HTTP half of the side-by-side comparison: starts Gatehouse, Cerbos and SpiceDB (embedded, behind a
 * small Node server) on loopback, loads the same {@link Workload} into each, checks that every system gives
 * the expected answer (and so Gatehouse's) on every request, then drives each with wrk in interleaved rounds
 * and records requests/s, latency, CPU time per request (from {@code /proc/<pid>/stat}), load time and
 * resident memory. Writes {@code http.json} into the output directory and stops everything it started.
 *
 * <p>Usage (from the repository root; {@code bench/peers/run.sh} does it):
 * {@code java -cp bench/target/benchmarks.jar dev.gatehouse.bench.peers.PeersRun --cache bench/peers/.cache
 * --out bench/peers/results [--seconds 15] [--warmup 5] [--rounds 3] [--connections 16] [--tenants 100]
 * [--users 100]}
 */
public final class PeersRun {

    /**
     * How Gatehouse is loaded: every tenant in one import ({@link DeploymentImportLoader}), or with
     * {@code -Dpeers.loader=tenants} one organization's import per tenant ({@link BulkImportLoader}).
     */
    static final GatehouseLoader LOADER = "tenants".equals(System.getProperty("peers.loader"))
            ? new BulkImportLoader() : new DeploymentImportLoader();

    private static final String SERVICE_KEY = "peers-bench-service-key-0123456789";
    private static final Pattern WRK_RESULT = Pattern.compile(
            "RESULT requests=(\\d+) duration_us=(\\d+) p50_us=(\\d+) p99_us=(\\d+) status_errors=(\\d+) socket_errors=(\\d+)");
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final Options options;
    private final Workload workload;
    private final Path work;
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final List<Proc> started = new ArrayList<>();

    private PeersRun(Options options) throws IOException {
        this.options = options;
        this.workload = Workload.of(options.tenants, options.users);
        this.work = Files.createTempDirectory("gatehouse-peers-");
    }

    record Options(Path root, Path cache, Path out, int seconds, int warmup, int rounds, int connections, int tenants,
                   int users) {

        static Options parse(String[] args) {
            Map<String, String> given = new LinkedHashMap<>();
            for (int i = 0; i + 1 < args.length; i += 2) {
                if (!args[i].startsWith("--")) {
                    throw new IllegalArgumentException("expected --name value pairs, got " + args[i]);
                }
                given.put(args[i].substring(2), args[i + 1]);
            }
            Path root = Path.of(given.getOrDefault("root", ".")).toAbsolutePath().normalize();
            return new Options(root, Path.of(given.getOrDefault("cache", root + "/bench/peers/.cache")).toAbsolutePath(),
                    Path.of(given.getOrDefault("out", root + "/bench/peers/results")).toAbsolutePath(),
                    Integer.parseInt(given.getOrDefault("seconds", "15")), Integer.parseInt(given.getOrDefault("warmup", "5")),
                    Integer.parseInt(given.getOrDefault("rounds", "3")), Integer.parseInt(given.getOrDefault("connections", "16")),
                    Integer.parseInt(given.getOrDefault("tenants", "100")), Integer.parseInt(given.getOrDefault("users", "100")));
        }
    }

    public static void main(String[] args) throws Exception {
        PeersRun run = new PeersRun(Options.parse(args));
        try {
            run.run();
        } finally {
            run.stopAll();
        }
    }

    private void run() throws Exception {
        Files.createDirectories(options.out);
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("started", Instant.now().toString());
        result.put("machine", Machine.describe());
        result.put("workload", Map.of("tenants", workload.tenants(), "users_per_tenant", workload.usersPerTenant(),
                "rooms_per_tenant", workload.roomsPerTenant(), "members_per_room", workload.membersPerRoom(),
                "users", workload.users(), "room_assignments", workload.roomAssignments(),
                "requests_per_kind", workload.requests() / 2));
        log("workload: %d tenants x %d users, %d rooms, %d room assignments; work dir %s", workload.tenants(),
                workload.usersPerTenant(), workload.rooms(), workload.roomAssignments(), work);

        List<HttpSystem> systems = List.of(startGatehouse(), startCerbos(), startSpiceDb());
        for (HttpSystem s : systems) {
            verify(s);
        }
        Map<String, Map<String, List<Map<String, Object>>>> rounds = measure(systems);

        Map<String, Object> bySystem = new LinkedHashMap<>();
        for (HttpSystem s : systems) {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("pid", s.proc.pid());
            entry.put("start_s", round(s.startSeconds, 2));
            entry.put("load_s", round(s.loadSeconds, 2));
            entry.put("load_method", s.loadMethod);
            entry.put("rss_mib", round(s.proc.rssKib() / 1024.0, 1));
            long children = s.name.equals("gatehouse")
                    ? s.proc.otherProcessesRssKib(work.resolve("gatehouse-data").toString())
                    : s.proc.descendantsRssKib();
            if (children > 0) {
                entry.put("child_processes_rss_mib", round(children / 1024.0, 1));
            }
            Map<String, Object> kinds = new LinkedHashMap<>();
            rounds.get(s.name).forEach((kind, list) -> kinds.put(kind, Map.of("rounds", list, "median", medians(list))));
            entry.put("kinds", kinds);
            bySystem.put(s.name, entry);
        }
        result.put("http", Map.of("tool", "wrk " + wrkVersion() + " -t1 -c" + options.connections + " --timeout 10s -d"
                        + options.seconds + "s (after " + options.warmup + " s of warm-up), " + options.rounds
                        + " interleaved rounds", "clock_ticks_per_s", Proc.CLOCK_TICKS, "systems", bySystem));
        result.put("finished", Instant.now().toString());
        result.put("load_average_after", Machine.loadAverage());
        Path file = options.out.resolve("http.json");
        JSON.writerWithDefaultPrettyPrinter().writeValue(file.toFile(), result);
        log("wrote %s", file);
    }

    // ---------------------------------------------------------------- the systems

    private HttpSystem startGatehouse() throws Exception {
        int port = freePort();
        Proc proc = track(Proc.start("gatehouse", List.of(options.root.resolve("gatehouse").toString(), "serve",
                        "--port", String.valueOf(port), "--host", "127.0.0.1", "--data-dir", work.resolve("gatehouse-data").toString()),
                Map.of("GATEHOUSE_SERVICE_KEY", SERVICE_KEY, "GATEHOUSE_LOG_LEVEL", "WARN", "GATEHOUSE_JAVA_OPTS", "-Xmx1g"),
                work.resolve("gatehouse.log")));
        URI base = URI.create("http://127.0.0.1:" + port);
        awaitHttp(proc, base.resolve("/healthz"), Duration.ofMinutes(3));
        double start = proc.secondsSinceStart();
        log("gatehouse: up in %.1f s; loading through %s", start, LOADER.description());
        LOADER.prepare(workload);
        long t0 = System.nanoTime();
        GatehouseLoader.Loaded loaded = LOADER.load(workload, base, SERVICE_KEY);
        double load = (System.nanoTime() - t0) / 1e9;
        log("gatehouse: loaded in %.1f s", load);
        long[] orgs = loaded.orgIds();
        HttpSystem s = new HttpSystem("gatehouse", proc, base, "Bearer " + SERVICE_KEY,
                r -> "/v1/orgs/" + orgs[r.tenant()] + "/check",
                r -> "{\"user_id\":\"" + Workload.userId(r.tenant(), r.user()) + "\",\"permission\":\"" + r.permissionName()
                        + "\"" + (r.room() < 0 ? "" : ",\"resource\":{\"type\":\"room\",\"id\":\""
                        + Workload.roomId(r.tenant(), r.room()) + "\"}") + "}",
                (r, answer) -> answer.path("allowed").asBoolean());
        s.startSeconds = start;
        s.loadSeconds = load;
        s.loadMethod = LOADER.description();
        return s;
    }

    private HttpSystem startCerbos() throws Exception {
        int port = freePort();
        int grpc = freePort();
        Path policies = work.resolve("cerbos-policies");
        CerbosPeer cerbos = new CerbosPeer(workload);
        cerbos.writePolicies(policies);
        Path config = work.resolve("cerbos.yaml");
        Files.writeString(config, CerbosPeer.config(policies, port, grpc));
        Path binary = options.cache.resolve("node_modules/@cerbos/cerbos-linux-x64/cerbos-linux-x64");
        Proc proc = track(Proc.start("cerbos", List.of(binary.toString(), "server", "--config=" + config),
                Map.of("CERBOS_NO_TELEMETRY", "1"), work.resolve("cerbos.log")));
        URI base = URI.create("http://127.0.0.1:" + port);
        awaitHttp(proc, base.resolve("/_cerbos/health"), Duration.ofMinutes(2));
        double ready = proc.secondsSinceStart();
        log("cerbos: %d policies compiled and serving in %.1f s", 3 + 2 * workload.tenants(), ready);
        HttpSystem s = new HttpSystem("cerbos", proc, base, null, r -> "/api/check/resources", cerbos::body,
                (r, answer) -> "EFFECT_ALLOW".equals(answer.path("results").path(0).path("actions")
                        .path(r.permissionName()).asString()));
        s.startSeconds = ready;
        s.loadSeconds = ready;
        s.loadMethod = "policy files read and compiled at start (process start to healthy)";
        return s;
    }

    private HttpSystem startSpiceDb() throws Exception {
        int port = freePort();
        Path schema = work.resolve("spicedb.zed");
        Files.writeString(schema, SpiceDbPeer.schema());
        Path relationships = work.resolve("spicedb-relationships.txt");
        new SpiceDbPeer(workload).writeRelationships(relationships);
        Proc proc = track(Proc.start("spicedb", List.of("node", options.root.resolve("bench/peers/spicedb-server.mjs").toString(),
                options.cache.toString(), schema.toString(), relationships.toString(), String.valueOf(port)),
                Map.of(), work.resolve("spicedb.log")));
        Matcher ready = proc.awaitLog(Pattern.compile("READY load_ms=(\\d+) visible_ms=(\\d+)"), Duration.ofMinutes(3));
        HttpSystem s = new HttpSystem("spicedb", proc, URI.create("http://127.0.0.1:" + port), null, r -> "/check",
                SpiceDbPeer::body, (r, answer) -> answer.path("allowed").asBoolean());
        s.startSeconds = proc.secondsSinceStart();
        s.loadSeconds = Long.parseLong(ready.group(1)) / 1000.0;
        s.loadMethod = "WriteSchema + WriteRelationships in batches of 1,000 through the native library ("
                + Files.readAllLines(relationships).size() + " relationships; then " + ready.group(2)
                + " ms until visible at minimize_latency)";
        log("spicedb: loaded in %.1f s, serving after %.1f s", s.loadSeconds, s.startSeconds);
        return s;
    }

    // ---------------------------------------------------------------- verification

    /** Sends every request of both kinds once and fails on the first answer that is not the expected one. */
    private void verify(HttpSystem s) throws Exception {
        for (Workload.Kind kind : Workload.Kind.values()) {
            List<Workload.Request> requests = workload.requests(kind);
            Semaphore inFlight = new Semaphore(8);
            List<CompletableFuture<String>> problems = new ArrayList<>();
            for (Workload.Request r : requests) {
                inFlight.acquire();
                problems.add(client.sendAsync(post(s, r), HttpResponse.BodyHandlers.ofString())
                        .handle((response, failure) -> {
                            inFlight.release();
                            if (failure != null) {
                                return r + ": " + failure;
                            }
                            if (response.statusCode() != 200) {
                                return r + ": status " + response.statusCode() + " " + response.body();
                            }
                            boolean actual = s.allowed.test(r, JSON.readTree(response.body()));
                            return actual == r.expected() ? null : r + ": answered " + actual + " (" + response.body() + ")";
                        }));
            }
            List<String> wrong = new ArrayList<>();
            for (CompletableFuture<String> f : problems) {
                String problem = f.get();
                if (problem != null) {
                    wrong.add(problem);
                }
            }
            if (!wrong.isEmpty()) {
                throw new IllegalStateException(s.name + " gave " + wrong.size() + " wrong answers of " + requests.size()
                        + " " + kind + " requests, e.g. " + wrong.subList(0, Math.min(5, wrong.size())));
            }
            long allowed = requests.stream().filter(Workload.Request::expected).count();
            log("%s: all %d %s answers as expected (%d allowed)", s.name, requests.size(), kind.name().toLowerCase(), allowed);
        }
    }

    private HttpRequest post(HttpSystem s, Workload.Request r) {
        HttpRequest.Builder b = HttpRequest.newBuilder(s.base.resolve(s.path.apply(r))).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(s.body.apply(r)));
        if (s.authorization != null) {
            b.header("Authorization", s.authorization);
        }
        return b.build();
    }

    // ---------------------------------------------------------------- timing

    /** Per system and kind, the results of every round; systems take turns, in a rotated order each round. */
    private Map<String, Map<String, List<Map<String, Object>>>> measure(List<HttpSystem> systems) throws Exception {
        Map<String, Map<String, List<Map<String, Object>>>> results = new LinkedHashMap<>();
        Map<String, Path> files = new LinkedHashMap<>();
        for (HttpSystem s : systems) {
            results.put(s.name, new LinkedHashMap<>());
            for (Workload.Kind kind : Workload.Kind.values()) {
                Path file = work.resolve(s.name + "-" + kind.name().toLowerCase() + ".requests");
                List<String> lines = new ArrayList<>();
                for (Workload.Request r : workload.requests(kind)) {
                    lines.add("POST\t" + s.path.apply(r) + "\t" + s.body.apply(r));
                }
                Files.write(file, lines);
                files.put(s.name + "/" + kind.name().toLowerCase(), file);
            }
        }
        Path healthz = work.resolve("gatehouse-healthz.requests");
        Files.writeString(healthz, "GET\t/healthz\t\n");
        // Every system serves every kind under load once, unmeasured, before the first round: a system that compiles
        // its code as it runs (Gatehouse's JVM) would otherwise pay for compiling its check path in whichever kind
        // the rounds measure first, and only there.
        for (HttpSystem s : systems) {
            for (Workload.Kind kind : Workload.Kind.values()) {
                log("warming %s up on %s checks for %d s", s.name, kind.name().toLowerCase(), options.warmup);
                runWrk(s, files.get(s.name + "/" + kind.name().toLowerCase()), options.warmup);
            }
        }
        log("warming gatehouse up on /healthz for %d s", options.warmup);
        runWrk(systems.get(0), healthz, options.warmup);
        for (int round = 0; round < options.rounds; round++) {
            for (Workload.Kind kind : Workload.Kind.values()) {
                String k = kind.name().toLowerCase();
                for (int i = 0; i < systems.size(); i++) {
                    HttpSystem s = systems.get((i + round) % systems.size());
                    results.get(s.name).computeIfAbsent(k, x -> new ArrayList<>()).add(wrk(s, files.get(s.name + "/" + k), round, k));
                }
            }
            HttpSystem gatehouse = systems.get(0);
            results.get(gatehouse.name).computeIfAbsent("healthz", x -> new ArrayList<>()).add(wrk(gatehouse, healthz, round, "healthz"));
        }
        return results;
    }

    private Map<String, Object> wrk(HttpSystem s, Path requests, int round, String kind) throws Exception {
        runWrk(s, requests, options.warmup);
        long cpuBefore = s.proc.cpuTicks();
        long t0 = System.nanoTime();
        String out = runWrk(s, requests, options.seconds);
        double wall = (System.nanoTime() - t0) / 1e9;
        long cpu = s.proc.cpuTicks() - cpuBefore;
        Matcher m = WRK_RESULT.matcher(out);
        if (!m.find()) {
            throw new IllegalStateException("no result from wrk against " + s.name + ":\n" + out);
        }
        long requestsDone = Long.parseLong(m.group(1));
        double seconds = Long.parseLong(m.group(2)) / 1e6;
        long errors = Long.parseLong(m.group(5));
        long socketErrors = Long.parseLong(m.group(6));
        double cpuSeconds = cpu / (double) Proc.CLOCK_TICKS;
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("round", round + 1);
        r.put("requests_per_s", round(requestsDone / seconds, 0));
        r.put("p50_ms", round(Long.parseLong(m.group(3)) / 1000.0, 3));
        r.put("p99_ms", round(Long.parseLong(m.group(4)) / 1000.0, 3));
        r.put("cpu_us_per_request", round(cpuSeconds * 1e6 / requestsDone, 1));
        r.put("cores_used", round(cpuSeconds / wall, 2));
        r.put("status_errors", errors);
        r.put("socket_errors_or_timeouts", socketErrors);
        r.put("load_average", Machine.loadAverage());
        log("round %d %-9s %-7s %,10.0f req/s  p50 %6.2f ms  p99 %6.2f ms  %6.1f us CPU/req  %.2f cores%s", round + 1,
                s.name, kind, requestsDone / seconds, Long.parseLong(m.group(3)) / 1000.0,
                Long.parseLong(m.group(4)) / 1000.0, cpuSeconds * 1e6 / requestsDone, cpuSeconds / wall,
                socketErrors > 0 ? "  (" + socketErrors + " timeouts or socket errors)" : "");
        if (errors > 0) {
            throw new IllegalStateException(s.name + " answered " + errors + " requests with an error status under load:\n" + out);
        }
        return r;
    }

    private String runWrk(HttpSystem s, Path requests, int seconds) throws Exception {
        ProcessBuilder b = new ProcessBuilder("wrk", "-t1", "-c" + options.connections, "-d" + seconds + "s", "--timeout", "10s", "--latency",
                "-s", options.root.resolve("bench/peers/requests.lua").toString(), s.base.toString())
                .redirectErrorStream(true);
        b.environment().put("PEERS_REQUESTS", requests.toString());
        b.environment().put("PEERS_AUTH", s.authorization == null ? "" : s.authorization);
        Process p = b.start();
        String out = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0) {
            throw new IllegalStateException("wrk failed against " + s.name + ":\n" + out);
        }
        return out;
    }

    static Map<String, Object> medians(List<Map<String, Object>> rounds) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (String key : List.of("requests_per_s", "p50_ms", "p99_ms", "cpu_us_per_request", "cores_used")) {
            double[] values = rounds.stream().mapToDouble(r -> ((Number) r.get(key)).doubleValue()).sorted().toArray();
            int n = values.length;
            m.put(key, n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2);
        }
        return m;
    }

    // ---------------------------------------------------------------- plumbing

    private Proc track(Proc proc) {
        started.add(proc);
        return proc;
    }

    private void stopAll() throws InterruptedException {
        for (int i = started.size() - 1; i >= 0; i--) {
            started.get(i).stop();
        }
        try {
            Proc.deleteData(work.resolve("gatehouse-data"));
        } catch (IOException e) {
            log("could not delete %s: %s", work.resolve("gatehouse-data"), e);
        }
        log("stopped %d processes; logs in %s", started.size(), work);
    }

    private void awaitHttp(Proc proc, URI uri, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!proc.alive()) {
                throw new IllegalStateException(proc.name + " exited before answering " + uri + "; see " + proc.log);
            }
            try {
                if (client.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(2)).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException(proc.name + " did not answer " + uri + " within " + timeout + "; see " + proc.log);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static String wrkVersion() {
        try {
            Process p = new ProcessBuilder("wrk", "-v").redirectErrorStream(true).start();
            String first = new String(p.getInputStream().readAllBytes()).lines().findFirst().orElse("");
            p.waitFor();
            Matcher m = Pattern.compile("wrk (\\S+)").matcher(first);
            return m.find() ? m.group(1) : "?";
        } catch (IOException e) {
            return "?";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "?";
        }
    }

    static double round(double value, int decimals) {
        double scale = Math.pow(10, decimals);
        return Math.round(value * scale) / scale;
    }

    static void log(String format, Object... args) {
        System.out.printf("[peers] " + format + "%n", args);
    }

    static JsonNode readJson(Path file) {
        return JSON.readTree(file.toFile());
    }
}
