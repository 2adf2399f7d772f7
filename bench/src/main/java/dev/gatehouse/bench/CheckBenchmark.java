package dev.gatehouse.bench;

import dev.gatehouse.engine.DecisionEngine;
import dev.gatehouse.engine.EngineBuilder;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Latency of one engine check, single-threaded, over a whole dataset held in the engine
 * ({@link Dataset#SMALL}: 1M members, 1M assignments; {@link Dataset#LARGE}: 1M members, 10M assignments).
 * Requests rotate through {@link Checks#SIZE} pre-generated tuples, 25% of them denials, drawn uniformly
 * over every organization and member, so most lookups miss the CPU caches (the worst case; {@link #hotOrgs}
 * narrows the requests to a hot working set that stays in cache).
 * The setup verifies every pre-generated answer against the engine before measuring.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms5g", "-Xmx5g"})
public class CheckBenchmark {

    @Param({"small", "large"})
    public String dataset;

    /**
     * 0: requests spread over every organization (most lookups miss the caches). n: requests over the
     * first n organizations only, a hot working set (10 organizations of the small dataset = 10,000
     * members and 10,000 documents).
     */
    @Param({"0"})
    public int hotOrgs;

    private DecisionEngine engine;
    private Checks company;
    private Checks resource;
    /** The resource type as a request would carry it: not a compile-time constant. */
    private String docType;
    private int next;

    @Setup(Level.Trial)
    public void setUp() {
        Dataset data = Dataset.named(dataset);
        docType = new String(Dataset.DOC.toCharArray());
        EngineBuilder builder = Dataset.newEngine();
        data.load(builder);
        engine = builder.build();
        company = Checks.of(data, hotOrgs, false, 0.25, 1);
        resource = Checks.of(data, hotOrgs, true, 0.25, 2);
        verify(engine, company);
        verify(engine, resource);
    }

    static void verify(DecisionEngine engine, Checks checks) {
        for (int n = 0; n < Checks.SIZE; n++) {
            boolean actual = checks.resourceId[n] == null
                    ? engine.check(checks.orgId[n], checks.memberId[n], checks.permission[n])
                    : engine.check(checks.orgId[n], checks.memberId[n], checks.permission[n], Dataset.DOC,
                            checks.resourceId[n]);
            if (actual != checks.expected[n]) {
                throw new IllegalStateException("engine answers " + actual + " for check #" + n + " (org "
                        + checks.orgId[n] + ", member " + checks.memberId[n] + ", " + checks.permission[n]
                        + ", resource " + checks.resourceId[n] + "), expected " + checks.expected[n]);
            }
        }
    }

    /** Organization-wide check: member, then company role, then the permission bit. */
    @Benchmark
    public void companyRole(Blackhole bh) {
        int n = next++ & Checks.MASK;
        Checks c = company;
        bh.consume(engine.check(c.orgId[n], c.memberId[n], c.permission[n]));
    }

    /** Check on a document: its assignment decides, else the inherited company role. */
    @Benchmark
    public void resourceRole(Blackhole bh) {
        int n = next++ & Checks.MASK;
        Checks c = resource;
        bh.consume(engine.check(c.orgId[n], c.memberId[n], c.permission[n], docType, c.resourceId[n]));
    }
}
