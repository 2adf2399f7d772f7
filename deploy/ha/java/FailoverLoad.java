import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

/**
 * The failover tests' load: continuous writes and checks through every node while commands disturb the
 * database, then what it came to. Two steps, so that the shell script can start a fresh node in between:
 *
 * <pre>
 * java FailoverLoad run    --key K --out DIR --node A=URL --node B=URL [--duration 60]
 *                          [--event LABEL@SECONDS=SHELL_COMMAND ...] [--probe NODE@SECONDS ...] [--cut-node B]
 * java FailoverLoad verify --key K --out DIR --node A=URL --node B=URL --node C=URL [--timeout 60]
 * </pre>
 *
 * <p><b>run</b> creates an organization on the first node (roles Agent and Viewer, 20 members whose checks
 * have known answers), waits until every node has it, then for {@code --duration} seconds: per node
 * {@code --writers} threads each create a member every {@code --write-interval-ms} (a write is acknowledged
 * when it is answered 201; its member id and {@code Gatehouse-Revision} are recorded), {@code --checkers}
 * threads each send a check every {@code --check-interval-ms} (answered means 200 with the expected answer
 * within {@code --check-timeout-ms}), and one thread samples {@code /readyz}. Events run shell commands at
 * their offsets (e.g. {@code kill@10=kill -9 1234}); probes send one of each request kind to a node at an
 * offset and print the complete answers (the evidence of how a node behaves at that moment). Results go to
 * {@code DIR/result.properties} and {@code DIR/acked.tsv}.
 *
 * <p><b>verify</b> waits until every node has applied the last acknowledged revision, counts acknowledged
 * writes missing from the database (listed through the first node), and compares the engine digests of all
 * nodes ({@code GET /v1/engine}), retrying until they are equal or the timeout passes.
 */
public final class FailoverLoad {

    static final String PERMISSION = "canCreateRooms";
    static final int CHECK_MEMBERS = 20;

    /** An acknowledged write: started at {@code start}, answered at {@code at} (nanoseconds into the load). */
    record Ack(String node, String userId, long memberId, long revision, long start, long at) {
    }

    record Failure(String node, String kind, long start, long nanos, String outcome) {
    }

    record Sample(long at, int status, long revision, boolean database) {
    }

    record Event(String label, double seconds, String command) {
    }

    private final Map<String, String> options = new HashMap<>();
    private final Map<String, List<String>> lists = new HashMap<>();

    private FailoverLoad(String[] args) {
        for (int i = 1; i < args.length; i += 2) {
            if (!args[i].startsWith("--") || i + 1 >= args.length) {
                throw new IllegalArgumentException("expected --option value, got " + args[i]);
            }
            String name = args[i].substring(2);
            options.put(name, args[i + 1]);
            lists.computeIfAbsent(name, k -> new ArrayList<>()).add(args[i + 1]);
        }
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 0 || !(args[0].equals("run") || args[0].equals("verify"))) {
            System.err.println("usage: java FailoverLoad run|verify --key K --out DIR --node NAME=URL ...");
            System.exit(2);
        }
        FailoverLoad load = new FailoverLoad(args);
        if (args[0].equals("run")) {
            load.run();
        } else {
            new Verify(load.api(), load.nodes(), load.out(), load.seconds("timeout", 60)).run();
        }
        System.exit(0);
    }

    Api api() {
        return new Api(required("key"));
    }

    List<Api.Node> nodes() {
        return lists.getOrDefault("node", List.of()).stream().map(Api.Node::parse).toList();
    }

    Path out() {
        return Path.of(required("out"));
    }

    private String required(String name) {
        String value = options.get(name);
        if (value == null) {
            throw new IllegalArgumentException("--" + name + " is required");
        }
        return value;
    }

    private double seconds(String name, double fallback) {
        return Double.parseDouble(options.getOrDefault(name, String.valueOf(fallback)));
    }

    private int integer(String name, int fallback) {
        return Integer.parseInt(options.getOrDefault(name, String.valueOf(fallback)));
    }

    // ---- run ------------------------------------------------------------------------------------------

    private final ConcurrentLinkedQueue<Ack> acks = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<Failure> failures = new ConcurrentLinkedQueue<>();
    private final Map<String, AtomicLong> answered = new ConcurrentHashMap<>();
    private final Map<String, List<Sample>> samples = new ConcurrentHashMap<>();
    private final Map<String, double[]> eventTimes = new ConcurrentHashMap<>();
    private final AtomicBoolean stop = new AtomicBoolean();
    private volatile long t0;

    private double at(long nanos) {
        return (nanos - t0) / 1e9;
    }

    private void run() throws Exception {
        Api api = api();
        List<Api.Node> nodes = nodes();
        Path out = out();
        Files.createDirectories(out);
        Setup setup = Setup.create(api, nodes.get(0), CHECK_MEMBERS);
        setup.awaitEverywhere(api, nodes, Duration.ofSeconds(60));
        setup.save(out.resolve("state.properties"));
        System.out.printf("organization %d: roles Agent %d and Viewer %d, %d check members, at revision %d on every node%n",
                setup.org(), setup.agent(), setup.viewer(), CHECK_MEMBERS, setup.revision());

        double duration = seconds("duration", 60);
        List<Event> events = lists.getOrDefault("event", List.of()).stream().map(FailoverLoad::event).toList();
        Duration writeTimeout = Duration.ofMillis(integer("write-timeout-ms", 20_000));
        Duration checkTimeout = Duration.ofMillis(integer("check-timeout-ms", 2_000));
        List<Thread> threads = new ArrayList<>();
        t0 = System.nanoTime();
        for (Api.Node node : nodes) {
            answered.put(node.name(), new AtomicLong());
            samples.put(node.name(), List.of());
            for (int w = 0; w < integer("writers", 2); w++) {
                int writer = w;
                threads.add(start("writer-" + node.name() + w, () -> write(api, node, setup, writer, writeTimeout)));
            }
            for (int c = 0; c < integer("checkers", 2); c++) {
                int checker = c;
                threads.add(start("checker-" + node.name() + c, () -> check(api, node, setup, checker, checkTimeout)));
            }
            threads.add(start("readiness-" + node.name(), () -> sampleReadiness(api, node)));
        }
        List<Thread> side = new ArrayList<>();
        for (Event event : events) {
            side.add(start("event-" + event.label(), () -> runEvent(event)));
        }
        for (String probe : lists.getOrDefault("probe", List.of())) {
            String[] parts = probe.split("@", 2);
            Api.Node node = nodes.stream().filter(n -> n.name().equals(parts[0])).findFirst().orElseThrow();
            side.add(start("probe-" + probe, () -> probe(api, node, setup, Double.parseDouble(parts[1]))));
        }
        Thread progress = start("progress", () -> progress(nodes));
        sleepUntil(duration);
        stop.set(true);
        long end = System.nanoTime();
        for (Thread t : threads) {
            t.join(writeTimeout.toMillis() + 5_000);
        }
        for (Thread t : side) {
            t.join(60_000);
        }
        progress.interrupt();
        report(nodes, setup, end, out);
    }

    private static Event event(String spec) {
        int atSign = spec.indexOf('@');
        int equals = spec.indexOf('=', atSign);
        if (atSign < 1 || equals < 0) {
            throw new IllegalArgumentException("--event must be LABEL@SECONDS=COMMAND, got " + spec);
        }
        return new Event(spec.substring(0, atSign), Double.parseDouble(spec.substring(atSign + 1, equals)),
                spec.substring(equals + 1));
    }

    private void write(Api api, Api.Node node, Setup setup, int writer, Duration timeout) {
        long seq = 0;
        long interval = integer("write-interval-ms", 50);
        while (!stop.get()) {
            String userId = "w-" + node.name() + writer + "-" + seq++;
            long role = seq % 2 == 0 ? setup.agent() : setup.viewer();
            long started = System.nanoTime();
            Api.Reply reply = api.post(node, setup.path("/members"), "{\"user_id\":" + Api.quote(userId)
                    + ",\"email\":" + Api.quote(userId + "@ha.test") + ",\"role_id\":" + role + "}", timeout);
            if (reply.ok(201)) {
                long revision = reply.header("Gatehouse-Revision").map(Long::parseLong).orElse(-1L);
                acks.add(new Ack(node.name(), userId, Api.number(reply.body(), "id").orElse(-1L), revision,
                        started - t0, System.nanoTime() - t0));
            } else {
                failures.add(new Failure(node.name(), "write", started - t0, reply.nanos(), reply.outcome()));
            }
            pause(interval);
        }
    }

    private void check(Api api, Api.Node node, Setup setup, int checker, Duration timeout) {
        long i = checker;
        long interval = integer("check-interval-ms", 10);
        while (!stop.get()) {
            int member = (int) (i++ % CHECK_MEMBERS);
            long started = System.nanoTime();
            Api.Reply reply = api.post(node, setup.path("/check"), "{\"user_id\":\"check-" + member
                    + "\",\"permission\":\"" + PERMISSION + "\"}", timeout);
            boolean expected = Setup.allowed(member);
            if (reply.ok(200) && Api.bool(reply.body(), "allowed").orElse(!expected) == expected) {
                answered.get(node.name()).incrementAndGet();
            } else {
                String outcome = reply.ok(200) ? "wrong answer " + reply.body() : reply.outcome();
                failures.add(new Failure(node.name(), "check", started - t0, reply.nanos(), outcome));
            }
            pause(interval);
        }
    }

    private void sampleReadiness(Api api, Api.Node node) {
        List<Sample> list = new ArrayList<>();
        while (!stop.get()) {
            long started = System.nanoTime();
            Api.Reply reply = api.get(node, "/readyz", Duration.ofSeconds(2));
            list.add(new Sample(started - t0, reply.status(), Api.number(reply.body(), "revision").orElse(-1L),
                    Api.bool(reply.body(), "database").orElse(false)));
            pause(250);
        }
        samples.put(node.name(), list);
    }

    private void runEvent(Event event) {
        sleepUntil(event.seconds());
        long started = System.nanoTime();
        int exit;
        try {
            Process p = new ProcessBuilder("bash", "-c", event.command()).inheritIO().start();
            exit = p.waitFor();
        } catch (IOException | InterruptedException e) {
            exit = -1;
        }
        long done = System.nanoTime();
        eventTimes.put(event.label(), new double[] {at(started), at(done)});
        System.out.printf("t=%.1f event %s: `%s` exited %d%n", at(started), event.label(), event.command(), exit);
    }

    /**
     * Sends one request of each kind to {@code node} at once (so that all answers describe the same moment) and
     * prints each complete answer with its latency: the evidence of how the node behaves at that moment.
     */
    private void probe(Api api, Api.Node node, Setup setup, double seconds) {
        sleepUntil(seconds);
        Duration timeout = Duration.ofSeconds(60);
        long applied = Api.number(api.get(node, "/readyz", Duration.ofSeconds(1)).body(), "revision").orElse(0L);
        String check = "{\"user_id\":\"check-0\",\"permission\":\"" + PERMISSION + "\"";
        String probeUser = "probe-" + node.name() + "-" + (long) (seconds * 10);
        Map<String, java.util.function.Supplier<Api.Reply>> requests = new LinkedHashMap<>();
        requests.put("GET /readyz", () -> api.get(node, "/readyz", timeout));
        requests.put("POST check", () -> api.post(node, setup.path("/check"), check + "}", timeout));
        requests.put("POST check with min_revision beyond the node", () -> api.post(node, setup.path("/check"),
                check + ",\"min_revision\":" + (applied + 1_000_000) + "}", timeout));
        requests.put("POST member (a write)", () -> api.post(node, setup.path("/members"), "{\"user_id\":\""
                + probeUser + "\",\"email\":\"" + probeUser + "@ha.test\",\"role_id\":" + setup.viewer() + "}", timeout));
        requests.put("GET /metrics", () -> api.get(node, "/metrics", timeout));
        Map<String, java.util.concurrent.CompletableFuture<Api.Reply>> replies = new LinkedHashMap<>();
        requests.forEach((what, call) -> replies.put(what, java.util.concurrent.CompletableFuture.supplyAsync(call)));
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

    private void progress(List<Api.Node> nodes) {
        Map<String, Long> last = new HashMap<>();
        while (!stop.get()) {
            try {
                Thread.sleep(5_000);
            } catch (InterruptedException e) {
                return;
            }
            StringBuilder line = new StringBuilder(String.format("t=%.0f", at(System.nanoTime())));
            for (Api.Node node : nodes) {
                long acked = acks.stream().filter(a -> a.node().equals(node.name())).count();
                long failed = failures.stream().filter(f -> f.node().equals(node.name())).count();
                line.append(String.format("  %s: +%d writes acked, %d checks answered, %d failures so far", node.name(),
                        acked - last.getOrDefault(node.name(), 0L), answered.get(node.name()).get(), failed));
                last.put(node.name(), acked);
            }
            System.out.println(line);
        }
    }

    private void report(List<Api.Node> nodes, Setup setup, long end, Path out) throws IOException {
        Properties result = new Properties();
        double loadSeconds = at(end);
        String cutNode = options.get("cut-node");
        List<Ack> all = new ArrayList<>(acks);
        List<Failure> failed = new ArrayList<>(failures);
        System.out.printf("%nload ran %.1f s on %s%n", loadSeconds, nodes.stream().map(Api.Node::name).toList());

        double maxGap = 0;
        long failedChecks = 0;
        for (Api.Node node : nodes) {
            String name = node.name();
            List<Long> times = all.stream().filter(a -> a.node().equals(name)).map(Ack::at).sorted().toList();
            double[] gap = longestGap(times, end - t0);
            long nodeFailedChecks = failed.stream().filter(f -> f.node().equals(name) && f.kind().equals("check")).count();
            long nodeFailedWrites = failed.stream().filter(f -> f.node().equals(name) && f.kind().equals("write")).count();
            failedChecks += nodeFailedChecks;
            if (!name.equals(cutNode)) {
                maxGap = Math.max(maxGap, gap[0]);
            }
            System.out.printf("node %s: %d writes acknowledged, %d failed; %d checks answered, %d failed; longest time "
                    + "without an acknowledged write %.2f s (from t=%.2f)%n", name, times.size(), nodeFailedWrites,
                    answered.get(name).get(), nodeFailedChecks, gap[0], gap[1]);
            result.setProperty("writes_acked." + name, String.valueOf(times.size()));
            result.setProperty("writes_failed." + name, String.valueOf(nodeFailedWrites));
            result.setProperty("checks_answered." + name, String.valueOf(answered.get(name).get()));
            result.setProperty("failed_checks." + name, String.valueOf(nodeFailedChecks));
            result.setProperty("max_write_gap_s." + name, String.format("%.2f", gap[0]));
            printReadiness(name);
        }
        System.out.println("failures (node, kind, outcome: count, first and last start, slowest):");
        Map<String, List<Failure>> groups = failed.stream().collect(Collectors.groupingBy(
                f -> f.node() + " " + f.kind() + " " + f.outcome(), TreeMap::new, Collectors.toList()));
        groups.forEach((group, list) -> System.out.printf("  %s: %d, t=%.2f..%.2f, slowest %.2f s%n", group, list.size(),
                list.stream().mapToLong(Failure::start).min().orElse(0) / 1e9,
                list.stream().mapToLong(Failure::start).max().orElse(0) / 1e9,
                list.stream().mapToLong(Failure::nanos).max().orElse(0) / 1e9));
        if (groups.isEmpty()) {
            System.out.println("  none");
        }
        long duplicates = all.size() - all.stream().map(Ack::revision).distinct().count();
        long not503 = failed.stream().filter(f -> f.kind().equals("write") && !f.outcome().startsWith("503")).count();
        System.out.printf("writes that failed otherwise than with a retryable 503: %d%n", not503);
        result.setProperty("writes_failed_not_503", String.valueOf(not503));
        eventTimes.forEach((label, t) -> result.setProperty("event." + label, String.format("%.2f", t[1])));
        if (cutNode != null && eventTimes.containsKey("cut") && eventTimes.containsKey("restore")) {
            window(cutNode, all, failed, result);
        }
        result.setProperty("load_s", String.format("%.1f", loadSeconds));
        result.setProperty("writes_acked", String.valueOf(all.size()));
        result.setProperty("duplicate_revisions", String.valueOf(duplicates));
        result.setProperty("failed_checks", String.valueOf(failedChecks));
        result.setProperty("max_write_gap_s", String.format("%.2f", maxGap));
        try (var writer = Files.newBufferedWriter(out.resolve("acked.tsv"))) {
            for (Ack a : all) {
                writer.write(a.node() + "\t" + a.userId() + "\t" + a.memberId() + "\t" + a.revision() + "\n");
            }
        }
        Results.save(out, result);
    }

    /**
     * What happened on the cut-off node between the cut and the restore (writes overlapping that window, checks
     * started in it), and how fast it caught up afterwards.
     */
    private void window(String node, List<Ack> all, List<Failure> failed, Properties result) {
        long from = (long) (eventTimes.get("cut")[1] * 1e9);
        long to = (long) (eventTimes.get("restore")[0] * 1e9);
        long restored = (long) (eventTimes.get("restore")[1] * 1e9);
        long checksFailed = failed.stream().filter(f -> f.node().equals(node) && f.kind().equals("check")
                && f.start() >= from && f.start() < to).count();
        List<Failure> writesFailed = failed.stream().filter(f -> f.node().equals(node) && f.kind().equals("write")
                && f.start() + f.nanos() >= from && f.start() < to).toList();
        List<Ack> writesAcked = all.stream().filter(a -> a.node().equals(node) && a.at() >= from && a.start() < to)
                .toList();
        long not503 = writesFailed.stream().filter(f -> !f.outcome().startsWith("503")).count();
        double slowest = Math.max(writesFailed.stream().mapToLong(Failure::nanos).max().orElse(0),
                writesAcked.stream().mapToLong(a -> a.at() - a.start()).max().orElse(0)) / 1e9;
        long lastAckBefore = all.stream().filter(a -> a.at() < restored).mapToLong(Ack::revision).max().orElse(0);
        double caughtUp = samples.get(node).stream().filter(s -> s.at() >= restored && s.revision() >= lastAckBefore)
                .mapToDouble(s -> (s.at() - restored) / 1e9).min().orElse(-1);
        double firstWrite = all.stream().filter(a -> a.node().equals(node) && a.start() >= restored)
                .mapToDouble(a -> (a.at() - restored) / 1e9).min().orElse(-1);
        System.out.printf("cut of node %s from t=%.2f to t=%.2f: %d checks failed; writes overlapping the cut: %d "
                + "failed (%d not with a 503), %d acknowledged, slowest answer %.2f s; after the restore it had applied "
                + "every earlier revision within %.2f s and acknowledged its first new write %.2f s after%n", node,
                from / 1e9, to / 1e9, checksFailed, writesFailed.size(), not503, writesAcked.size(), slowest, caughtUp,
                firstWrite);
        result.setProperty("cut.failed_checks", String.valueOf(checksFailed));
        result.setProperty("cut.writes_failed", String.valueOf(writesFailed.size()));
        result.setProperty("cut.writes_failed_not_503", String.valueOf(not503));
        result.setProperty("cut.writes_acked", String.valueOf(writesAcked.size()));
        result.setProperty("cut.slowest_write_s", String.format("%.2f", slowest));
        result.setProperty("cut.caught_up_s", String.format("%.2f", caughtUp));
        result.setProperty("cut.first_write_s", String.format("%.2f", firstWrite));
    }

    private void printReadiness(String node) {
        List<Sample> list = samples.getOrDefault(node, List.of());
        StringBuilder line = new StringBuilder("  /readyz of " + node + ":");
        Sample previous = null;
        for (Sample s : list) {
            if (previous == null || previous.status() != s.status() || previous.database() != s.database()) {
                line.append(String.format(" t=%.2f %s%s", s.at() / 1e9, s.status() == 0 ? "no answer" : s.status(),
                        s.status() == 0 ? "" : " database=" + s.database()));
            }
            previous = s;
        }
        System.out.println(line);
    }

    /** The longest interval without an acknowledgement between 0 and {@code end}: {seconds, start second}. */
    static double[] longestGap(List<Long> times, long end) {
        long previous = 0;
        long longest = 0;
        long start = 0;
        List<Long> bounds = new ArrayList<>(times);
        bounds.add(end);
        for (long t : bounds) {
            if (t - previous > longest) {
                longest = t - previous;
                start = previous;
            }
            previous = t;
        }
        return new double[] {longest / 1e9, start / 1e9};
    }

    private void sleepUntil(double seconds) {
        long deadline = t0 + (long) (seconds * 1e9);
        while (!stop.get()) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return;
            }
            pause(Math.min(100, Math.max(1, left / 1_000_000)));
        }
    }

    static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static Thread start(String name, Runnable body) {
        Thread t = new Thread(body, name);
        t.setDaemon(true);
        t.start();
        return t;
    }

    /** result.properties, read and written in key order. */
    static final class Results {
        static Properties load(Path out) throws IOException {
            Properties p = new Properties();
            Path file = out.resolve("result.properties");
            if (Files.exists(file)) {
                try (var in = Files.newBufferedReader(file)) {
                    p.load(in);
                }
            }
            return p;
        }

        static void save(Path out, Properties more) throws IOException {
            Properties all = load(out);
            all.putAll(more);
            Map<String, String> sorted = new TreeMap<>();
            all.forEach((k, v) -> sorted.put(k.toString(), v.toString()));
            Map<String, String> ordered = new LinkedHashMap<>(sorted);
            Files.write(out.resolve("result.properties"), ordered.entrySet().stream()
                    .map(e -> e.getKey() + "=" + e.getValue()).toList());
        }
    }
}
