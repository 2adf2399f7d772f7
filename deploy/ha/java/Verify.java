import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The second step of the failover load (see {@link FailoverLoad}): are all acknowledged writes in the
 * database, and do all nodes hold the same engine state?
 */
final class Verify {

    private static final Pattern USER_ID = Pattern.compile("\"user_id\"\\s*:\\s*\"([^\"]*)\"");

    private final Api api;
    private final List<Api.Node> nodes;
    private final Path out;
    private final double timeoutSeconds;

    Verify(Api api, List<Api.Node> nodes, Path out, double timeoutSeconds) {
        this.api = api;
        this.nodes = nodes;
        this.out = out;
        this.timeoutSeconds = timeoutSeconds;
    }

    void run() throws IOException {
        Setup setup = Setup.load(out.resolve("state.properties"));
        List<String[]> acked = Files.readAllLines(out.resolve("acked.tsv")).stream().map(l -> l.split("\t")).toList();
        long target = Math.max(setup.revision(), acked.stream().mapToLong(a -> Long.parseLong(a[3])).max().orElse(0));
        long deadline = System.nanoTime() + (long) (timeoutSeconds * 1e9);
        for (Api.Node node : nodes) {
            long reached;
            while ((reached = Api.number(api.get(node, "/readyz", Duration.ofSeconds(5)).body(), "revision").orElse(-1L))
                    < target && System.nanoTime() < deadline) {
                FailoverLoad.pause(200);
            }
            System.out.printf("node %s applied revision %d (last acknowledged write: %d)%n", node.name(), reached, target);
        }

        Set<String> stored = storedMembers(nodes.get(0), setup);
        List<String> lost = new ArrayList<>();
        for (String[] a : acked) {
            if (!stored.contains(a[1])) {
                lost.add(a[1] + " (node " + a[0] + ", member " + a[2] + ", revision " + a[3] + ")");
            }
        }
        System.out.printf("%d acknowledged writes, %d of them missing from the database%s%n", acked.size(), lost.size(),
                lost.isEmpty() ? "" : ": " + String.join(", ", lost.subList(0, Math.min(10, lost.size()))));

        boolean equal = false;
        List<String> last = new ArrayList<>();
        while (!equal) {
            last.clear();
            Set<String> states = new HashSet<>();
            boolean answered = true;
            for (Api.Node node : nodes) {
                Api.Reply engine = api.get(node, "/v1/engine", Duration.ofSeconds(30));
                answered &= engine.ok(200);
                String state = Api.number(engine.body(), "revision").orElse(-1L) + " "
                        + Api.text(engine.body(), "digest").orElse("(" + engine.outcome() + ")");
                states.add(state);
                last.add(node.name() + " at revision " + state);
            }
            equal = answered && states.size() == 1;
            if (!equal && System.nanoTime() > deadline) {
                break;
            }
            if (!equal) {
                FailoverLoad.pause(500);
            }
        }
        System.out.println("engine digests: " + String.join("; ", last));
        Properties result = new Properties();
        result.setProperty("lost", String.valueOf(lost.size()));
        result.setProperty("digests_equal", String.valueOf(equal));
        Results.save(out, result);
    }

    /** The user ids of the organization's members, as the database has them (listed through {@code node}). */
    private Set<String> storedMembers(Api.Node node, Setup setup) {
        Set<String> ids = new HashSet<>();
        String cursor = null;
        do {
            Api.Reply page = api.get(node, setup.path("/members?limit=1000" + (cursor == null ? "" : "&cursor=" + cursor)),
                    Duration.ofSeconds(30));
            if (!page.ok(200)) {
                throw new IllegalStateException("listing members failed: " + page.outcome() + " " + page.body());
            }
            Matcher m = USER_ID.matcher(page.body());
            while (m.find()) {
                ids.add(m.group(1));
            }
            cursor = Api.text(page.body(), "next_cursor").orElse(null);
        } while (cursor != null);
        return ids;
    }
}
