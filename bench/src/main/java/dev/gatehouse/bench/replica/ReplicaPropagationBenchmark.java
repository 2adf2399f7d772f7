package dev.gatehouse.bench.replica;

import dev.gatehouse.changelog.ChangeListener;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;

/**
 * How long a write on the server takes to reach an in-process replica following it over loopback (Server-Sent
 * Events). One node on an embedded PostgreSQL (fsync on unless {@code --fast-db}) and one replica in this JVM; then
 * {@code --writes} role updates over HTTP, one after another. Two numbers per write, on one clock:
 * <ul>
 *   <li><b>node applied → replica applied</b>: from the moment the node applied the change (a change listener, right
 *       after its commit) to the moment the replica's {@code awaitRevision} returned with it;</li>
 *   <li><b>write acknowledged → replica applied</b>: from the write's HTTP answer to the same moment (0 when the
 *       replica had it before the answer arrived).</li>
 * </ul>
 * Each write's revision is checked to be held by the replica, and the replica's answer to be the new state. Prints
 * medians, p90, p99 and maxima. Target: p99 at most 100 ms. Run: see docs/benchmarks.md, "The in-process replica".
 */
public final class ReplicaPropagationBenchmark {

    private ReplicaPropagationBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int writes = intArg(args, "--writes", 2000);
        int warmup = intArg(args, "--warmup", 300);
        boolean durable = !Arrays.asList(args).contains("--fast-db");
        try (ReplicaNode fixture = new ReplicaNode(10, durable)) {
            ConcurrentHashMap<Long, Long> applied = new ConcurrentHashMap<>();
            fixture.node.core().feed().addListener((ChangeListener) r -> applied.put(r.revision(), System.nanoTime()));
            var decisions = fixture.replica.decisions(fixture.orgId);
            var calling = dev.gatehouse.client.Decisions.Check.of(dev.gatehouse.client.MemberRef.user("u1"), "calling");
            String role = "/v1/orgs/" + fixture.orgId + "/roles/" + fixture.roleId;
            long[] fromApplied = new long[writes];
            long[] fromAnswer = new long[writes];
            for (int i = -warmup; i < writes; i++) {
                boolean grantCalling = i % 2 == 0;
                String permissions = grantCalling ? "[\"calling\",\"view_all_leads\"]" : "[\"export\",\"view_all_leads\"]";
                HttpResponse<String> w = fixture.send("PATCH", role, "{\"permissions\":" + permissions + "}");
                long answered = System.nanoTime();
                long revision = Long.parseLong(w.headers().firstValue("Gatehouse-Revision").orElseThrow());
                if (!fixture.replica.awaitRevision(revision, Duration.ofSeconds(10))) {
                    throw new IllegalStateException("the replica did not reach revision " + revision + " in 10 s");
                }
                long seen = System.nanoTime();
                if (decisions.check(calling).allowed() != grantCalling) {
                    throw new IllegalStateException("the replica answers the old state at revision " + revision);
                }
                if (i >= 0) {
                    fromApplied[i] = seen - applied.get(revision);
                    fromAnswer[i] = Math.max(0, seen - answered);
                }
            }
            System.out.printf(Locale.ROOT, "one node, one PostgreSQL (fsync %s), one replica over loopback SSE, %d "
                    + "writes after %d warm-up writes; %d resyncs, %d reconnects%n", durable ? "on" : "off", writes,
                    warmup, fixture.replica.resyncs(), fixture.replica.reconnects());
            print("node applied -> replica applied", fromApplied);
            print("write acknowledged -> replica applied", fromAnswer);
        }
    }

    private static void print(String what, long[] nanos) {
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        System.out.printf(Locale.ROOT, "  %-40s median %8.3f ms  p90 %8.3f ms  p99 %8.3f ms  max %8.3f ms  (n=%d)%n",
                what, ms(sorted, 0.5), ms(sorted, 0.9), ms(sorted, 0.99), sorted[sorted.length - 1] / 1e6,
                sorted.length);
    }

    private static double ms(long[] sorted, double q) {
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(q * sorted.length) - 1)] / 1e6;
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
