package dev.gatehouse.bench;

import dev.gatehouse.engine.Catalog;
import dev.gatehouse.engine.DecisionEngine;
import dev.gatehouse.engine.EngineBuilder;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;
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
 *
 * <p>{@link #hierarchyRole} measures the resource hierarchy on an engine of its own ({@link Tree}): the role that
 * decides sits {@code depth} levels above the document checked (0: on the document itself), so a check walks
 * {@code depth + 1} levels, and a denial (no role anywhere) walks the whole chain.
 *
 * <p>{@link #memberGrant} measures per-member grants on an engine of its own ({@link Grants}): organization-wide
 * checks of members whose company role takes grants, where most answers need the grant read beside the role.
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

    /** Check on a document whose deciding role sits {@link Tree#depth} levels above it. */
    @Benchmark
    public void hierarchyRole(Tree tree, Blackhole bh) {
        int n = next++ & Tree.MASK;
        bh.consume(tree.engine.check(tree.orgId[n], tree.memberId[n], tree.permission[n], docType, tree.docId[n]));
    }

    /** Organization-wide check where the company role lacks most permissions and the member's grants decide. */
    @Benchmark
    public void memberGrant(Grants grants, Blackhole bh) {
        int n = next++ & Grants.MASK;
        bh.consume(grants.engine.check(grants.orgId[n], grants.memberId[n], grants.permission[n]));
    }

    /**
     * A grants engine: {@link #ORGS} organizations of {@link #MEMBERS} members, all holding the system role
     * {@code manager} (which grants {@code p0} and takes grants of {@code p1}..{@code p3}); member {@code i} of
     * organization {@code o} holds the grants whose bits are set in {@link #grantBits}, none for a third of them.
     * Requests: {@link #SIZE} pre-generated organization-wide checks of a random permission, verified against the
     * formula before measuring.
     */
    @State(Scope.Benchmark)
    public static class Grants {

        static final int ORGS = 1_000;
        static final int MEMBERS = 100;
        static final int SIZE = 1 << 16;
        static final int MASK = SIZE - 1;
        static final List<String> PERMISSIONS = List.of("p0", "p1", "p2", "p3");

        DecisionEngine engine;
        final long[] orgId = new long[SIZE];
        final long[] memberId = new long[SIZE];
        final String[] permission = new String[SIZE];

        @Setup(Level.Trial)
        public void setUp() {
            Catalog catalog = new Catalog("bench-grants", PERMISSIONS.stream()
                    .map(p -> new Catalog.Permission(p, Set.of())).toList(), List.of(),
                    new Catalog.MemberGrants(Set.of("p1", "p2", "p3"), Set.of("manager")));
            EngineBuilder builder = DecisionEngine.builder(catalog);
            for (int o = 0; o < ORGS; o++) {
                long org = o + 1L;
                builder.organization(org, "bench-grants").systemRole(org, 1, "manager", "Manager", List.of("p0"));
                for (int i = 0; i < MEMBERS; i++) {
                    long member = (long) o * MEMBERS + i + 1;
                    builder.member(org, member, "user-" + member, 1);
                    int bits = grantBits(o, i);
                    if (bits != 0) {
                        List<String> granted = PERMISSIONS.stream()
                                .filter(p -> (bits & (1 << PERMISSIONS.indexOf(p))) != 0).toList();
                        builder.grants(org, member, granted);
                    }
                }
            }
            engine = builder.build();
            Random random = new Random(0x5BE0CD19137E2179L);
            for (int n = 0; n < SIZE; n++) {
                int o = random.nextInt(ORGS);
                int i = random.nextInt(MEMBERS);
                int p = random.nextInt(PERMISSIONS.size());
                orgId[n] = o + 1L;
                memberId[n] = (long) o * MEMBERS + i + 1;
                permission[n] = PERMISSIONS.get(p);
                boolean expected = p == 0 || (grantBits(o, i) & (1 << p)) != 0;
                if (engine.check(orgId[n], memberId[n], permission[n]) != expected) {
                    throw new IllegalStateException("grant check #" + n + " (org " + orgId[n] + ", member "
                            + memberId[n] + ", " + permission[n] + ") answered " + !expected);
                }
            }
        }

        /** The grants of member {@code i} of organization {@code o}: bits 1..3 for p1..p3, 0 for a third. */
        private static int grantBits(int o, int i) {
            int h = Math.floorMod(o * 31 + i * 17, 24);
            return h < 8 ? 0 : (h % 7 + 1) << 1 & 0b1110;
        }
    }

    /**
     * A hierarchy engine: {@link #ORGS} organizations of {@link #MEMBERS} members and {@link #DOCS} documents each;
     * a document belongs to folder {@code a<d/10>} (type {@code l1}), which belongs to {@code b<d/100>} ({@code l2}),
     * which belongs to {@code c0} ({@code l3}) — linked up to {@code depth} levels. Each resource at level
     * {@code depth} holds one assignment (viewer or editor, by formula), and no type inherits the company role, so
     * only that assignment can allow. Requests: {@link #SIZE} pre-generated tuples, half of them asked by the
     * holder, verified against the formula before measuring.
     */
    @State(Scope.Benchmark)
    public static class Tree {

        static final int ORGS = 1_000;
        static final int MEMBERS = 100;
        static final int DOCS = 1_000;
        static final int SIZE = 1 << 16;
        static final int MASK = SIZE - 1;
        static final List<String> LEVELS = List.of("doc", "l1", "l2", "l3");
        static final List<String> PERMISSIONS = List.of("doc.read", "doc.write");

        /** How many levels above the document the deciding role sits: 0 to 3. */
        @Param({"0", "1", "2", "3"})
        public int depth;

        DecisionEngine engine;
        final long[] orgId = new long[SIZE];
        final long[] memberId = new long[SIZE];
        final String[] permission = new String[SIZE];
        final String[] docId = new String[SIZE];

        @Setup(Level.Trial)
        public void setUp() {
            Set<String> all = Set.copyOf(LEVELS);
            Catalog catalog = new Catalog("bench-tree", PERMISSIONS.stream()
                    .map(p -> new Catalog.Permission(p, all)).toList(), List.of(
                    new Catalog.ResourceType("doc", false, "l1"), new Catalog.ResourceType("l1", false, "l2"),
                    new Catalog.ResourceType("l2", false, "l3"), new Catalog.ResourceType("l3", false)));
            EngineBuilder builder = DecisionEngine.builder(catalog);
            for (int o = 0; o < ORGS; o++) {
                long org = o + 1L;
                builder.organization(org, "bench-tree")
                        .role(org, 1, "viewer", List.of("doc.read"))
                        .role(org, 2, "editor", List.of("doc.read", "doc.write"));
                for (int i = 0; i < MEMBERS; i++) {
                    builder.member(org, member(o, i), "user-" + member(o, i), 1);
                }
                for (int d = 0; d < DOCS; d++) {
                    for (int level = 0; level < depth; level++) {
                        builder.resource(org, LEVELS.get(level), at(level, d), at(level + 1, d));
                    }
                    String holderAt = at(depth, d);
                    builder.assignment(org, LEVELS.get(depth), holderAt, member(o, holder(o, holderAt)),
                            rank(o, holderAt));
                }
            }
            engine = builder.build();
            Random random = new Random(0x3C6EF372FE94F82BL + depth);
            for (int n = 0; n < SIZE; n++) {
                int o = random.nextInt(ORGS);
                int d = random.nextInt(DOCS);
                int p = random.nextInt(PERMISSIONS.size());
                String holderAt = at(depth, d);
                int i = random.nextBoolean() ? holder(o, holderAt) : random.nextInt(MEMBERS);
                orgId[n] = o + 1L;
                memberId[n] = member(o, i);
                permission[n] = PERMISSIONS.get(p);
                docId[n] = at(0, d);
                boolean expected = i == holder(o, holderAt) && rank(o, holderAt) > p;
                if (engine.check(orgId[n], memberId[n], permission[n], "doc", docId[n]) != expected) {
                    throw new IllegalStateException("hierarchy check #" + n + " (org " + orgId[n] + ", member "
                            + memberId[n] + ", " + permission[n] + ", doc " + docId[n] + ", depth " + depth
                            + ") answered " + !expected);
                }
            }
        }

        private static long member(int o, int i) {
            return (long) o * MEMBERS + i + 1;
        }

        /** The id of document {@code d}'s ancestor {@code level} levels up (0: the document). */
        private static String at(int level, int d) {
            return switch (level) {
                case 0 -> "doc-" + d;
                case 1 -> "a" + d / 10;
                case 2 -> "b" + d / 100;
                default -> "c0";
            };
        }

        /** The member index holding the one assignment on a resource. */
        private static int holder(int o, String resourceId) {
            return Math.floorMod(resourceId.hashCode() * 31 + o, MEMBERS);
        }

        /** The role held there: 1 viewer, 2 editor. */
        private static long rank(int o, String resourceId) {
            return 1 + Math.floorMod(resourceId.hashCode() + o * 7, 2);
        }
    }

    /**
     * The same two checks as {@link #companyRole} and {@link #resourceRole}, timed by the thread's CPU time
     * instead of the wall clock, for a machine busy with other work: time the thread spends descheduled is not
     * counted (what other work does to the caches still is). Loads the dataset, verifies every answer like the
     * benchmark, warms up, then runs {@code rounds} rounds of 2^20 checks of each kind, alternating, and prints
     * each round and the median CPU nanoseconds per check. Run with
     * {@code java -Xms5g -Xmx5g -cp bench/target/benchmarks.jar 'dev.gatehouse.bench.CheckBenchmark$CpuTime'
     * small 0 11} (dataset, hot organizations, rounds).
     */
    public static final class CpuTime {

        private static final int CHECKS = 1 << 20;

        private CpuTime() {
        }

        public static void main(String[] args) {
            CheckBenchmark bench = new CheckBenchmark();
            bench.dataset = args.length > 0 ? args[0] : "small";
            bench.hotOrgs = args.length > 1 ? Integer.parseInt(args[1]) : 0;
            int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 11;
            bench.setUp();
            ThreadMXBean threads = ManagementFactory.getThreadMXBean();
            for (int warm = 0; warm < 3; warm++) {
                run(bench, false);
                run(bench, true);
            }
            double[] company = new double[rounds];
            double[] resource = new double[rounds];
            for (int r = 0; r < rounds; r++) {
                long start = threads.getCurrentThreadCpuTime();
                long sink = run(bench, false);
                long mid = threads.getCurrentThreadCpuTime();
                sink += run(bench, true);
                long end = threads.getCurrentThreadCpuTime();
                company[r] = (mid - start) / (double) CHECKS;
                resource[r] = (end - mid) / (double) CHECKS;
                System.out.printf(Locale.ROOT, "round %d: companyRole %.1f, resourceRole %.1f CPU ns/check (%d)%n",
                        r + 1, company[r], resource[r], sink);
            }
            System.out.printf(Locale.ROOT, "%s, hotOrgs %d, %d rounds: median companyRole %.1f, resourceRole %.1f "
                    + "CPU ns/check%n", bench.dataset, bench.hotOrgs, rounds, median(company), median(resource));
        }

        private static long run(CheckBenchmark bench, boolean onResource) {
            Checks c = onResource ? bench.resource : bench.company;
            long allowed = 0;
            for (int i = 0; i < CHECKS; i++) {
                int n = i & Checks.MASK;
                boolean yes = onResource
                        ? bench.engine.check(c.orgId[n], c.memberId[n], c.permission[n], bench.docType, c.resourceId[n])
                        : bench.engine.check(c.orgId[n], c.memberId[n], c.permission[n]);
                allowed += yes ? 1 : 0;
            }
            return allowed;
        }

        private static double median(double[] values) {
            double[] sorted = values.clone();
            Arrays.sort(sorted);
            int n = sorted.length;
            return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
        }
    }
}
