package dev.gatehouse.bench.replica;

import dev.gatehouse.client.Decisions;
import dev.gatehouse.client.Decisions.Check;
import dev.gatehouse.client.MemberRef;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * A check asked of an in-process {@code GatehouseReplica} through the client's {@link Decisions} — the member named
 * by user id, as a product asks — while the replica follows a live node (embedded PostgreSQL, loopback HTTP, in this
 * JVM). Sampled, so JMH reports the median and the tail. The answers are verified before timing: an allowed and a
 * denied permission. Target: median at most 1 µs. Run: see docs/benchmarks.md, "The in-process replica".
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class ReplicaCheckBenchmark {

    private ReplicaNode fixture;
    private Decisions decisions;
    private Check allowed;
    private Check denied;

    @Setup(Level.Trial)
    public void start() throws Exception {
        fixture = new ReplicaNode(1000, false);
        decisions = fixture.replica.decisions(fixture.orgId);
        allowed = Check.of(MemberRef.user("u500"), "calling");
        denied = Check.of(MemberRef.user("u500"), "export");
        if (!decisions.check(allowed).allowed() || decisions.check(denied).allowed()) {
            throw new IllegalStateException("the replica answers wrongly; nothing to measure");
        }
    }

    @TearDown(Level.Trial)
    public void stop() throws Exception {
        fixture.close();
    }

    @Benchmark
    public boolean checkAllowed() {
        return decisions.check(allowed).allowed();
    }

    @Benchmark
    public boolean checkDenied() {
        return decisions.check(denied).allowed();
    }
}
