import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * What a load run came to: per node the acknowledged and failed writes, the answered and failed checks, the
 * longest time without an acknowledged write and the readiness transitions; the failures grouped by outcome;
 * and, when a node was cut off, what happened on it during the cut and how fast it caught up. Used once, after
 * the run's threads stopped.
 */
final class Report {

    private final Recording rec;
    private final List<Api.Node> nodes;
    private final String cutNode;
    private final long end;

    /** {@code end}: the {@link System#nanoTime()} the load stopped at; {@code cutNode}: null when none was cut. */
    Report(Recording rec, List<Api.Node> nodes, String cutNode, long end) {
        this.rec = rec;
        this.nodes = nodes;
        this.cutNode = cutNode;
        this.end = end;
    }

    /** Prints the report and writes {@code acked.tsv} and {@code result.properties} into {@code out}. */
    void write(Path out) throws IOException {
        Properties result = new Properties();
        double loadSeconds = rec.at(end);
        List<Recording.Ack> all = new ArrayList<>(rec.acks);
        List<Recording.Failure> failed = new ArrayList<>(rec.failures);
        System.out.printf("%nload ran %.1f s on %s%n", loadSeconds, nodes.stream().map(Api.Node::name).toList());

        double maxGap = 0;
        long failedChecks = 0;
        for (Api.Node node : nodes) {
            String name = node.name();
            List<Long> times = all.stream().filter(a -> a.node().equals(name)).map(Recording.Ack::at).sorted().toList();
            double[] gap = longestGap(times, end - rec.t0);
            long nodeFailedChecks = failed.stream().filter(f -> f.node().equals(name) && f.kind().equals("check")).count();
            long nodeFailedWrites = failed.stream().filter(f -> f.node().equals(name) && f.kind().equals("write")).count();
            failedChecks += nodeFailedChecks;
            if (!name.equals(cutNode)) {
                maxGap = Math.max(maxGap, gap[0]);
            }
            System.out.printf("node %s: %d writes acknowledged, %d failed; %d checks answered, %d failed; longest time "
                    + "without an acknowledged write %.2f s (from t=%.2f)%n", name, times.size(), nodeFailedWrites,
                    rec.answered.get(name).get(), nodeFailedChecks, gap[0], gap[1]);
            result.setProperty("writes_acked." + name, String.valueOf(times.size()));
            result.setProperty("writes_failed." + name, String.valueOf(nodeFailedWrites));
            result.setProperty("checks_answered." + name, String.valueOf(rec.answered.get(name).get()));
            result.setProperty("failed_checks." + name, String.valueOf(nodeFailedChecks));
            result.setProperty("max_write_gap_s." + name, String.format("%.2f", gap[0]));
            printReadiness(name);
        }
        System.out.println("failures (node, kind, outcome: count, first and last start, slowest):");
        Map<String, List<Recording.Failure>> groups = failed.stream().collect(Collectors.groupingBy(
                f -> f.node() + " " + f.kind() + " " + f.outcome(), TreeMap::new, Collectors.toList()));
        groups.forEach((group, list) -> System.out.printf("  %s: %d, t=%.2f..%.2f, slowest %.2f s%n", group, list.size(),
                list.stream().mapToLong(Recording.Failure::start).min().orElse(0) / 1e9,
                list.stream().mapToLong(Recording.Failure::start).max().orElse(0) / 1e9,
                list.stream().mapToLong(Recording.Failure::nanos).max().orElse(0) / 1e9));
        if (groups.isEmpty()) {
            System.out.println("  none");
        }
        long duplicates = all.size() - all.stream().map(Recording.Ack::revision).distinct().count();
        long not503 = failed.stream().filter(f -> f.kind().equals("write") && !f.outcome().startsWith("503")).count();
        System.out.printf("writes that failed otherwise than with a retryable 503: %d%n", not503);
        result.setProperty("writes_failed_not_503", String.valueOf(not503));
        rec.eventTimes.forEach((label, t) -> result.setProperty("event." + label, String.format("%.2f", t[1])));
        if (cutNode != null && rec.eventTimes.containsKey("cut") && rec.eventTimes.containsKey("restore")) {
            window(cutNode, all, failed, result);
        }
        result.setProperty("load_s", String.format("%.1f", loadSeconds));
        result.setProperty("writes_acked", String.valueOf(all.size()));
        result.setProperty("duplicate_revisions", String.valueOf(duplicates));
        result.setProperty("failed_checks", String.valueOf(failedChecks));
        result.setProperty("max_write_gap_s", String.format("%.2f", maxGap));
        try (var writer = Files.newBufferedWriter(out.resolve("acked.tsv"))) {
            for (Recording.Ack a : all) {
                writer.write(a.node() + "\t" + a.userId() + "\t" + a.memberId() + "\t" + a.revision() + "\n");
            }
        }
        Results.save(out, result);
    }

    /**
     * What happened on the cut-off node between the cut and the restore (writes overlapping that window, checks
     * started in it), and how fast it caught up afterwards.
     */
    private void window(String node, List<Recording.Ack> all, List<Recording.Failure> failed, Properties result) {
        long from = (long) (rec.eventTimes.get("cut")[1] * 1e9);
        long to = (long) (rec.eventTimes.get("restore")[0] * 1e9);
        long restored = (long) (rec.eventTimes.get("restore")[1] * 1e9);
        long checksFailed = failed.stream().filter(f -> f.node().equals(node) && f.kind().equals("check")
                && f.start() >= from && f.start() < to).count();
        List<Recording.Failure> writesFailed = failed.stream().filter(f -> f.node().equals(node) && f.kind().equals("write")
                && f.start() + f.nanos() >= from && f.start() < to).toList();
        List<Recording.Ack> writesAcked = all.stream().filter(a -> a.node().equals(node) && a.at() >= from && a.start() < to)
                .toList();
        long not503 = writesFailed.stream().filter(f -> !f.outcome().startsWith("503")).count();
        double slowest = Math.max(writesFailed.stream().mapToLong(Recording.Failure::nanos).max().orElse(0),
                writesAcked.stream().mapToLong(a -> a.at() - a.start()).max().orElse(0)) / 1e9;
        long lastAckBefore = all.stream().filter(a -> a.at() < restored).mapToLong(Recording.Ack::revision).max().orElse(0);
        double caughtUp = rec.samples.get(node).stream().filter(s -> s.at() >= restored && s.revision() >= lastAckBefore)
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
        List<Recording.Sample> list = rec.samples.getOrDefault(node, List.of());
        StringBuilder line = new StringBuilder("  /readyz of " + node + ":");
        Recording.Sample previous = null;
        for (Recording.Sample s : list) {
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
}
