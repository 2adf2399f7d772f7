package dev.gatehouse.bench.propagation;

import dev.gatehouse.app.Config;
import dev.gatehouse.app.Gatehouse;
import dev.gatehouse.changelog.ChangeListener;
import dev.gatehouse.store.DatabaseSettings;
import dev.gatehouse.store.EmbeddedDatabase;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How long a write on one node takes to reach the others, several nodes on one PostgreSQL.
 *
 * <p>Starts one PostgreSQL (embedded, fsync on unless {@code --fast-db}) and {@code --nodes} Gatehouse nodes
 * on it in this JVM (poll interval 1000 ms, the default), then makes {@code --writes} role updates over HTTP
 * on node 0, one after another. Two numbers per write:
 * <ul>
 *   <li><b>propagation</b>: from the moment node 0 applied the change (right after its commit) to the moment
 *       each other node applied it, both taken by a change listener in the same JVM (one clock);</li>
 *   <li><b>read-your-write</b>: the latency of a check sent to node 1 with {@code min_revision} set to the
 *       write's revision, right after node 0 acknowledged the write, next to the same check without
 *       {@code min_revision}.</li>
 * </ul>
 * Prints medians, p90, p99 and maxima. Run: see docs/benchmarks.md, "Propagation between nodes".
 */
public final class PropagationBenchmark {

    private static final String KEY = "bench-service-key-0123456789";
    private static final Pattern ID = Pattern.compile("\"id\":(\\d+)");
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private PropagationBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int nodes = intArg(args, "--nodes", 3);
        int writes = intArg(args, "--writes", 2000);
        int warmup = intArg(args, "--warmup", 300);
        boolean durable = !Arrays.asList(args).contains("--fast-db");
        Path dir = Files.createTempDirectory("gatehouse-propagation");
        try (EmbeddedDatabase pg = EmbeddedDatabase.start(dir, durable)) {
            String url = pg.jdbcUrl("propagation");
            try (Connection c = DriverManager.getConnection(pg.jdbcUrl(), EmbeddedDatabase.USER, pg.password())) {
                c.createStatement().execute("CREATE DATABASE propagation");
            }
            List<Gatehouse> cluster = new ArrayList<>();
            List<ConcurrentHashMap<Long, Long>> applied = new ArrayList<>();
            try {
                for (int i = 0; i < nodes; i++) {
                    Gatehouse node = Gatehouse.start(Config.defaults("127.0.0.1", 0, dir.resolve("node" + i))
                            .withServiceKey(KEY).withLogLevel("WARN")
                            .withDatabase(new DatabaseSettings(url, EmbeddedDatabase.USER, pg.password(), 8, durable)));
                    ConcurrentHashMap<Long, Long> times = new ConcurrentHashMap<>();
                    node.core().feed().addListener((ChangeListener) r -> times.put(r.revision(), System.nanoTime()));
                    cluster.add(node);
                    applied.add(times);
                }
                run(cluster, applied, writes, warmup, durable);
            } finally {
                for (Gatehouse node : cluster) {
                    node.close();
                }
            }
        }
    }

    private static void run(List<Gatehouse> cluster, List<ConcurrentHashMap<Long, Long>> applied, int writes,
                            int warmup, boolean durable) throws Exception {
        String a = "http://127.0.0.1:" + cluster.get(0).port();
        String b = "http://127.0.0.1:" + cluster.get(1).port();
        String org = "/v1/orgs/" + id(send("POST", a, "/v1/orgs", "{\"name\":\"Bench\",\"model\":\"close\"}"));
        long role = id(send("POST", a, org + "/roles",
                "{\"name\":\"Toggled\",\"permissions\":[\"calling\",\"view_all_leads\"]}"));
        long member = id(send("POST", a, org + "/members",
                "{\"user_id\":\"u1\",\"email\":\"u1@example.com\",\"role_id\":" + role + "}"));
        String check = "{\"member_id\":" + member + ",\"permission\":\"calling\"";

        List<long[]> propagation = new ArrayList<>();
        long[] withToken = new long[writes];
        long[] withoutToken = new long[writes];
        for (int i = -warmup; i < writes; i++) {
            String permissions = i % 2 == 0 ? "[\"calling\",\"view_all_leads\"]" : "[\"export\",\"view_all_leads\"]";
            HttpResponse<String> w = send("PATCH", a, org + "/roles/" + role, "{\"permissions\":" + permissions + "}");
            long revision = Long.parseLong(w.headers().firstValue("Gatehouse-Revision").orElseThrow());
            long t0 = System.nanoTime();
            send("POST", b, org + "/check", check + ",\"min_revision\":" + revision + "}");
            long t1 = System.nanoTime();
            send("POST", b, org + "/check", check + "}");
            long t2 = System.nanoTime();
            if (i >= 0) {
                withToken[i] = t1 - t0;
                withoutToken[i] = t2 - t1;
                long[] delays = new long[cluster.size() - 1];
                for (int n = 1; n < cluster.size(); n++) {
                    delays[n - 1] = waitApplied(applied.get(n), revision) - applied.get(0).get(revision);
                }
                propagation.add(delays);
            }
        }
        long[] all = propagation.stream().flatMapToLong(Arrays::stream).sorted().toArray();
        System.out.printf(Locale.ROOT, "%d nodes, one PostgreSQL (fsync %s), %d writes on node 0 after %d warm-up "
                + "writes%n", cluster.size(), durable ? "on" : "off", writes, warmup);
        print("propagation, node 0 applied -> other node applied", all);
        print("check on node 1 with min_revision, right after the write", withToken);
        print("check on node 1 without min_revision (baseline)", withoutToken);
    }

    private static long waitApplied(ConcurrentHashMap<Long, Long> times, long revision) throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        Long t;
        while ((t = times.get(revision)) == null) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("revision " + revision + " not applied within 10 s");
            }
            Thread.sleep(1);
        }
        return t;
    }

    private static void print(String what, long[] nanos) {
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        System.out.printf(Locale.ROOT, "  %-58s median %7.3f ms  p90 %7.3f ms  p99 %7.3f ms  max %7.3f ms  (n=%d)%n",
                what, ms(pct(sorted, 50)), ms(pct(sorted, 90)), ms(pct(sorted, 99)), ms(sorted[sorted.length - 1]),
                sorted.length);
    }

    private static long pct(long[] sorted, int p) {
        int i = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
    }

    private static double ms(long nanos) {
        return nanos / 1_000_000.0;
    }

    private static HttpResponse<String> send(String method, String base, String path, String body)
            throws IOException, InterruptedException {
        HttpResponse<String> res = HTTP.send(HttpRequest.newBuilder(URI.create(base + path))
                .header("Authorization", "Bearer " + KEY).header("Content-Type", "application/json")
                .method(method, HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        if (res.statusCode() >= 300) {
            throw new IllegalStateException(method + " " + path + " -> " + res.statusCode() + " " + res.body());
        }
        return res;
    }

    private static long id(HttpResponse<String> res) {
        Matcher m = ID.matcher(res.body());
        if (!m.find()) {
            throw new IllegalStateException("no id in " + res.body());
        }
        return Long.parseLong(m.group(1));
    }

    private static int intArg(String[] args, String name, int fallback) {
        for (int i = 0; i < args.length - 1; i++) {
            if (args[i].equals(name)) {
                return Integer.parseInt(args[i + 1]);
            }
        }
        return fallback;
    }
}
