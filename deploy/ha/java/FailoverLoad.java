import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

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
 * {@code DIR/result.properties} and {@code DIR/acked.tsv} ({@link Recording}, {@link Report}, {@link Probe}).
 *
 * <p>Thread-safety: one instance per process; the load threads share only {@link Recording} and the stop flag.
 *
 * <p><b>verify</b> waits until every node has applied the last acknowledged revision, counts acknowledged
 * writes missing from the database (listed through the first node), and compares the engine digests of all
 * nodes ({@code GET /v1/engine}), retrying until they are equal or the timeout passes.
 */
public final class FailoverLoad {

    static final String PERMISSION = "canCreateRooms";
    static final int CHECK_MEMBERS = 20;

    /** A shell command run {@code seconds} into the load; {@code label} names it in the results. */
    record Event(String label, double seconds, String command) {
    }

    private final Map<String, String> options = new HashMap<>();
    private final Map<String, List<String>> lists = new HashMap<>();
    /** Set once the load threads should end. */
    private final AtomicBoolean stop = new AtomicBoolean();
    /** Created just before the load threads start (which publishes it to them). */
    private volatile Recording rec;

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
        rec = new Recording(nodes);
        for (Api.Node node : nodes) {
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
            double at = Double.parseDouble(parts[1]);
            side.add(start("probe-" + probe, () -> {
                sleepUntil(at);
                Probe.send(api, node, setup, at);
            }));
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
        new Report(rec, nodes, options.get("cut-node"), end).write(out);
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
                rec.acks.add(new Recording.Ack(node.name(), userId, Api.number(reply.body(), "id").orElse(-1L), revision,
                        started - rec.t0, System.nanoTime() - rec.t0));
            } else {
                rec.failures.add(new Recording.Failure(node.name(), "write", started - rec.t0, reply.nanos(), reply.outcome()));
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
                rec.answered.get(node.name()).incrementAndGet();
            } else {
                String outcome = reply.ok(200) ? "wrong answer " + reply.body() : reply.outcome();
                rec.failures.add(new Recording.Failure(node.name(), "check", started - rec.t0, reply.nanos(), outcome));
            }
            pause(interval);
        }
    }

    private void sampleReadiness(Api api, Api.Node node) {
        List<Recording.Sample> list = new ArrayList<>();
        while (!stop.get()) {
            long started = System.nanoTime();
            Api.Reply reply = api.get(node, "/readyz", Duration.ofSeconds(2));
            list.add(new Recording.Sample(started - rec.t0, reply.status(), Api.number(reply.body(), "revision").orElse(-1L),
                    Api.bool(reply.body(), "database").orElse(false)));
            pause(250);
        }
        rec.samples.put(node.name(), list);
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
        rec.eventTimes.put(event.label(), new double[] {rec.at(started), rec.at(done)});
        System.out.printf("t=%.1f event %s: `%s` exited %d%n", rec.at(started), event.label(), event.command(), exit);
    }

    private void progress(List<Api.Node> nodes) {
        Map<String, Long> last = new HashMap<>();
        while (!stop.get()) {
            try {
                Thread.sleep(5_000);
            } catch (InterruptedException e) {
                return;
            }
            StringBuilder line = new StringBuilder(String.format("t=%.0f", rec.at(System.nanoTime())));
            for (Api.Node node : nodes) {
                long acked = rec.acks.stream().filter(a -> a.node().equals(node.name())).count();
                long failed = rec.failures.stream().filter(f -> f.node().equals(node.name())).count();
                line.append(String.format("  %s: +%d writes acked, %d checks answered, %d failures so far", node.name(),
                        acked - last.getOrDefault(node.name(), 0L), rec.answered.get(node.name()).get(), failed));
                last.put(node.name(), acked);
            }
            System.out.println(line);
        }
    }

    private void sleepUntil(double seconds) {
        long deadline = rec.t0 + (long) (seconds * 1e9);
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

}
