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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Only the load of the side-by-side run, repeated: starts a fresh Gatehouse server (its own embedded PostgreSQL),
 * loads the standard {@link Workload} through {@link PeersRun#LOADER}, prints the load time and the loader's
 * per-request times, stops the server; {@code --repeat} times. For comparing builds' load times without
 * starting the peers or wrk. With {@code --loads N} each server takes the workload N times over (new
 * organizations each time; the model is registered once): the first load is the one the side-by-side run times,
 * into a server that has just started and whose JIT compiler has seen nothing yet, the later ones show what a
 * server that has run for a while takes. The median is over the first loads. After each load it prints where the CPU
 * went meanwhile: the server's threads by kind (its JIT compilers, write lanes, HTTP threads, the rest), its
 * PostgreSQL (server and backends) and this process, the loader — on two cores all of them share, they add up to
 * the load's time. {@code --settle S} waits S seconds after the server answers before the first load (the side-by-side
 * run does not): what its start left its JIT compilers to do is then done before the load, not during it.
 *
 * <p>Usage (from the repository root, after {@code ./mvnw -pl cli,bench -am package -DskipTests}):
 * {@code java -cp bench/target/benchmarks.jar dev.gatehouse.bench.peers.LoadRun [--root .] [--tenants 100]
 * [--users 100] [--repeat 3] [--loads 1] [--settle 0]}; {@code GATEHOUSE_JAVA_OPTS} in its environment is passed on to the
 * server (a flight recording, say).
 */
public final class LoadRun {

    private static final String SERVICE_KEY = "peers-bench-service-key-0123456789";

    private LoadRun() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> given = new java.util.LinkedHashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            given.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        Path root = Path.of(given.getOrDefault("root", ".")).toAbsolutePath().normalize();
        Workload workload = Workload.of(Integer.parseInt(given.getOrDefault("tenants", "100")),
                Integer.parseInt(given.getOrDefault("users", "100")));
        int repeat = Integer.parseInt(given.getOrDefault("repeat", "3"));
        int perServer = Integer.parseInt(given.getOrDefault("loads", "1"));
        int settle = Integer.parseInt(given.getOrDefault("settle", "0"));
        List<Double> loads = new ArrayList<>();
        for (int r = 0; r < repeat; r++) {
            loads.add(once(root, workload, perServer, settle));
        }
        List<Double> sorted = new ArrayList<>(loads);
        sorted.sort(null);
        PeersRun.log("load times %s s; median %.2f s; load average %s", loads, sorted.get(sorted.size() / 2),
                Machine.loadAverage());
    }

    /** One fresh server, loaded {@code perServer} times ({@code settle} seconds after it answers); returns the first load's seconds. */
    private static double once(Path root, Workload workload, int perServer, int settle) throws Exception {
        Path work = Files.createTempDirectory("gatehouse-load-");
        int port = freePort();
        Proc proc = Proc.start("gatehouse", List.of(root.resolve("gatehouse").toString(), "serve", "--port",
                        String.valueOf(port), "--host", "127.0.0.1", "--data-dir", work.resolve("data").toString()),
                Map.of("GATEHOUSE_SERVICE_KEY", SERVICE_KEY, "GATEHOUSE_LOG_LEVEL", "WARN", "GATEHOUSE_JAVA_OPTS",
                        "-Xmx1g " + System.getenv().getOrDefault("GATEHOUSE_JAVA_OPTS", "")), work.resolve("gatehouse.log"));
        try {
            URI base = URI.create("http://127.0.0.1:" + port);
            awaitHealthy(proc, base.resolve("/healthz"));
            Thread.sleep(settle * 1000L);
            double first = 0;
            String database = work.resolve("data").toString();
            for (int load = 1; load <= perServer; load++) {
                Map<String, Long> threadsBefore = proc.threadCpuTicks();
                long databaseBefore = proc.otherProcessesCpuTicks(database);
                PeersRun.LOADER.prepare(workload);
                long selfBefore = Proc.cpuTicks(ProcessHandle.current().pid());
                long t0 = System.nanoTime();
                PeersRun.LOADER.load(workload, base, SERVICE_KEY);
                double seconds = (System.nanoTime() - t0) / 1e9;
                PeersRun.log("load %d of this server: %d tenants in %.2f s (%s); load average %s", load,
                        workload.tenants(), seconds, PeersRun.LOADER.description(), Machine.loadAverage());
                if (PeersRun.LOADER instanceof BulkImportLoader bulk) {
                    PeersRun.log("%s", bulk.timings());
                }
                PeersRun.log("CPU during the load: %s; PostgreSQL %.2f s; the loader %.2f s", threads(threadsBefore,
                        proc.threadCpuTicks()), seconds(proc.otherProcessesCpuTicks(database) - databaseBefore),
                        seconds(Proc.cpuTicks(ProcessHandle.current().pid()) - selfBefore));
                first = load == 1 ? seconds : first;
            }
            return first;
        } finally {
            proc.stop();
            Proc.deleteData(work.resolve("data"));
        }
    }

    /**
     * The server's CPU time between two readings of its threads: in all, then its JIT compilers, its write lanes,
     * its HTTP threads and the rest.
     */
    private static String threads(Map<String, Long> before, Map<String, Long> after) {
        Map<String, Long> groups = new java.util.LinkedHashMap<>();
        for (String group : List.of("C2 compiler", "C1 compiler", "write lanes", "import threads", "HTTP threads",
                "garbage collector", "other threads")) {
            groups.put(group, 0L);
        }
        long all = 0;
        for (Map.Entry<String, Long> e : after.entrySet()) {
            long used = e.getValue() - before.getOrDefault(e.getKey(), 0L);
            all += used;
            String name = e.getKey();
            String group = name.startsWith("C2 Compiler") ? "C2 compiler" : name.startsWith("C1 Compiler")
                    ? "C1 compiler" : name.startsWith("gatehouse-write") ? "write lanes"
                    : name.startsWith("gatehouse-impor") ? "import threads"
                    : name.startsWith("JettyServer") ? "HTTP threads"
                    : name.startsWith("GC Thread") || name.startsWith("G1 ") ? "garbage collector" : "other threads";
            groups.merge(group, used, Long::sum);
        }
        StringBuilder b = new StringBuilder(String.format(java.util.Locale.ROOT, "server %.2f s (", seconds(all)));
        groups.forEach((group, ticks) -> b.append(String.format(java.util.Locale.ROOT, "%s %.2f, ", group,
                seconds(ticks))));
        return b.replace(b.length() - 2, b.length(), ")").toString();
    }

    private static double seconds(long ticks) {
        return ticks / (double) Proc.CLOCK_TICKS;
    }

    private static void awaitHealthy(Proc proc, URI uri) throws Exception {
        HttpClient client = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
        while (System.nanoTime() < deadline) {
            if (!proc.alive()) {
                throw new IllegalStateException("gatehouse exited before answering; see " + proc.log);
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
        throw new IllegalStateException("gatehouse did not answer " + uri + "; see " + proc.log);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
