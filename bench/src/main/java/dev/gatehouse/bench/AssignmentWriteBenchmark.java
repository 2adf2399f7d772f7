package dev.gatehouse.bench;

import dev.gatehouse.engine.DecisionEngine;
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
 * Assignment-write throughput at engine level, in one organization holding {@code assignments} document
 * assignments (one member per document, {@code perMember} documents per member). One operation assigns a
 * random member to a random document it does not hold yet ({@code putAssignment}) and removes that
 * assignment again ({@code removeAssignment}): two writes, and the organization keeps its size. The
 * engine's write cost should depend on the assignments of the resource and of the member, never on the
 * organization's size; compare the {@code assignments} values at equal {@code perMember}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xmx2g"})
public class AssignmentWriteBenchmark {

    private static final int PAIRS = 1 << 16;
    private static final long ORG = 1L;

    @Param({"1000", "1000000"})
    public int assignments;

    @Param({"10", "1000"})
    public int perMember;

    private DecisionEngine engine;
    private final String[] docs = new String[PAIRS];
    private final long[] members = new long[PAIRS];
    private final long[] roles = new long[PAIRS];
    private int next;

    @Setup(Level.Trial)
    public void setUp() {
        // at least two members, so there is always a document the writing member does not hold
        int memberCount = Math.max(2, assignments / perMember);
        engine = Dataset.newEngine();
        engine.putOrganization(ORG, Dataset.MODEL_ID);
        List<String> all = Dataset.PERMISSIONS;
        engine.putRole(ORG, Dataset.roleId(0, 3), "admin", all, false, null, false);
        engine.putRole(ORG, Dataset.roleId(0, 2), "editor", all.subList(0, 2), false, null, false);
        engine.putRole(ORG, Dataset.roleId(0, 1), "viewer", all.subList(0, 1), false, null, false);
        for (int i = 0; i < memberCount; i++) {
            engine.putMember(ORG, i + 1L, Dataset.userId(i + 1L), Dataset.roleId(0, 1), false, true);
        }
        for (int d = 0; d < assignments; d++) {
            engine.putAssignment(ORG, Dataset.DOC, Dataset.docId(d), d % memberCount + 1L, Dataset.roleId(0, 1));
        }
        SplittableRandom random = new SplittableRandom(3);
        for (int n = 0; n < PAIRS; n++) {
            int d = random.nextInt(assignments);
            int i = random.nextInt(memberCount);
            if (i == d % memberCount) {
                i = (i + 1) % memberCount;
            }
            docs[n] = Dataset.docId(d);
            members[n] = i + 1L;
            roles[n] = Dataset.roleId(0, 1 + random.nextInt(3));
        }
    }

    /** Two writes: assign, then unassign. */
    @Benchmark
    public void assignThenRemove() {
        int n = next++ & (PAIRS - 1);
        engine.putAssignment(ORG, Dataset.DOC, docs[n], members[n], roles[n]);
        engine.removeAssignment(ORG, Dataset.DOC, docs[n], members[n]);
    }
}
