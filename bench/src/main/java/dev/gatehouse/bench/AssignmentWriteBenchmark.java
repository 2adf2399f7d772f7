package dev.gatehouse.bench;

import dev.gatehouse.engine.EngineBuilder;
import dev.gatehouse.engine.EngineOp;
import dev.gatehouse.engine.EngineWriter;
import java.util.List;
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
 * Assignment-write throughput at engine level. The engine holds {@code total} document assignments split
 * into organizations of {@code orgSize} assignments each (one member per document, {@code perMember}
 * documents per member). One operation picks a random organization, assigns a random member to a random
 * document it does not hold yet ({@code putAssignment}) and removes that assignment again
 * ({@code removeAssignment}): two writes, sizes unchanged.
 *
 * <p>Comparing {@code orgSize} values at equal {@code total} and {@code perMember} isolates the effect of
 * the organization's size: the engine's data, and so its cache behaviour, is the same size in both. With
 * {@code total = orgSize = 1000} everything fits the CPU caches, which shows what cache misses cost.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xmx2g"})
public class AssignmentWriteBenchmark {

    private static final int OPS = 1 << 16;

    @Param({"1000000"})
    public int total;

    @Param({"1000", "1000000"})
    public int orgSize;

    /** Documents per member; 500 keeps the same per-member count in an organization of 1,000 (2 members). */
    @Param({"10", "500"})
    public int perMember;

    private EngineWriter engine;
    /** The writes, prepared once so that the benchmark measures applying them. */
    private final EngineOp[] assign = new EngineOp[OPS];
    private final EngineOp[] remove = new EngineOp[OPS];
    private int next;

    @Setup(Level.Trial)
    public void setUp() {
        int orgCount = Math.max(1, total / orgSize);
        // at least two members, so there is always a document the writing member does not hold
        int memberCount = Math.max(2, orgSize / perMember);
        EngineBuilder builder = Dataset.newEngine();
        List<String> all = Dataset.PERMISSIONS;
        for (int o = 0; o < orgCount; o++) {
            long org = Dataset.orgId(o);
            builder.organization(org, Dataset.MODEL_ID)
                    .role(org, Dataset.roleId(o, 3), "admin", all)
                    .role(org, Dataset.roleId(o, 2), "editor", all.subList(0, 2))
                    .role(org, Dataset.roleId(o, 1), "viewer", all.subList(0, 1));
            for (int i = 0; i < memberCount; i++) {
                long member = memberId(o, memberCount, i);
                builder.member(org, member, Dataset.userId(member), Dataset.roleId(o, 1));
            }
            for (int d = 0; d < orgSize; d++) {
                builder.assignment(org, Dataset.DOC, Dataset.docId(d), memberId(o, memberCount, d % memberCount),
                        Dataset.roleId(o, 1));
            }
        }
        engine = builder.writer();
        SplittableRandom random = new SplittableRandom(3);
        for (int n = 0; n < OPS; n++) {
            int o = random.nextInt(orgCount);
            int d = random.nextInt(orgSize);
            int i = random.nextInt(memberCount);
            if (i == d % memberCount) {
                i = (i + 1) % memberCount;
            }
            long org = Dataset.orgId(o);
            long member = memberId(o, memberCount, i);
            assign[n] = new EngineOp.PutAssignment(org, Dataset.DOC, Dataset.docId(d), member,
                    Dataset.roleId(o, 1 + random.nextInt(3)));
            remove[n] = new EngineOp.RemoveAssignment(org, Dataset.DOC, Dataset.docId(d), member);
        }
    }

    private static long memberId(int o, int memberCount, int i) {
        return (long) o * memberCount + i + 1;
    }

    /** Two writes: assign, then unassign. */
    @Benchmark
    public void assignThenRemove() {
        int n = next++ & (OPS - 1);
        engine.apply(assign[n]);
        engine.apply(remove[n]);
    }
}
