package dev.gatehouse.bench;

import java.util.SplittableRandom;
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

/**
 * The control for the check benchmarks: the cost of one dependent load at a random place in an array of
 * {@code megabytes} (a pointer chase through one random cycle, Sattolo's algorithm). With an array far
 * larger than the caches it is the machine's memory latency, the price of every cache miss on the check
 * path; with a small one it is the cache hit latency.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xmx2g"})
public class MemoryLatencyBenchmark {

    @Param({"1", "1024"})
    public int megabytes;

    private int[] next;
    private int at;

    @Setup(Level.Trial)
    public void setUp() {
        int n = megabytes * (1 << 20) / Integer.BYTES;
        next = new int[n];
        for (int i = 0; i < n; i++) {
            next[i] = i;
        }
        SplittableRandom random = new SplittableRandom(4);
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i);
            int t = next[i];
            next[i] = next[j];
            next[j] = t;
        }
    }

    @Benchmark
    public int dependentLoad() {
        at = next[at];
        return at;
    }
}
