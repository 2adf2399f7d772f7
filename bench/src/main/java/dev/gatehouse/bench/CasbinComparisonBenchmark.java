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
 * Gatehouse against jCasbin (RBAC with domains, {@link CasbinPeer}) on the same {@link Dataset}, the same
 * pre-generated requests ({@link Checks}, 25% denials) and the same JVM options. Each side has its own state,
 * so a fork builds only the side it measures; JMH runs every benchmark method in its own fork of the same
 * JVM. Both setups verify answers against the expected ones before measuring (jCasbin on the first
 * {@value #CASBIN_VERIFIED} requests of each list with shared roles, a twentieth of that with per-organization
 * roles, since it is slow).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xmx8g"})
public class CasbinComparisonBenchmark {

    static final int CASBIN_VERIFIED = 20_000;

    /** What both sides hold and are asked; see {@link CheckBenchmark} for the parameters. */
    @State(Scope.Benchmark)
    public static class Workload {
        @Param({"small"})
        public String dataset;

        @Param({"0", "10"})
        public int hotOrgs;

        Dataset data() {
            return Dataset.named(dataset);
        }

        Checks company() {
            return Checks.of(data(), hotOrgs, false, 0.25, 1);
        }

        Checks resource() {
            return Checks.of(data(), hotOrgs, true, 0.25, 2);
        }
    }

    /** The Gatehouse engine holding the dataset. */
    @State(Scope.Benchmark)
    public static class GatehouseSide {
        DecisionEngine engine;
        Checks company;
        Checks resource;
        String docType;
        int next;

        @Setup(Level.Trial)
        public void setUp(Workload workload) {
            EngineBuilder builder = Dataset.newEngine();
            workload.data().load(builder);
            engine = builder.build();
            company = workload.company();
            resource = workload.resource();
            CheckBenchmark.verify(engine, company);
            CheckBenchmark.verify(engine, resource);
            docType = new String(Dataset.DOC.toCharArray());
        }
    }

    /** A jCasbin enforcer holding the same dataset. */
    @State(Scope.Benchmark)
    public static class CasbinSide {
        /** {@code SHARED} or {@code PER_ORG}: see {@link CasbinPeer}. */
        @Param({"SHARED", "PER_ORG"})
        public CasbinPeer.Roles casbinRoles;

        CasbinPeer peer;
        CasbinPeer.Requests company;
        CasbinPeer.Requests resource;
        int next;

        @Setup(Level.Trial)
        public void setUp(Workload workload) {
            long start = System.nanoTime();
            peer = CasbinPeer.load(workload.data(), casbinRoles);
            System.out.printf("%njCasbin: %,d policy and %,d grouping rules loaded in %.1f s%n", peer.policyRules(),
                    peer.groupingRules(), (System.nanoTime() - start) / 1e9);
            company = new CasbinPeer.Requests(workload.company());
            resource = new CasbinPeer.Requests(workload.resource());
            int verified = casbinRoles == CasbinPeer.Roles.SHARED ? CASBIN_VERIFIED : CASBIN_VERIFIED / 20;
            peer.verify(company, verified);
            peer.verify(resource, verified);
        }
    }

    @Benchmark
    public void gatehouseCompanyRole(GatehouseSide s, Blackhole bh) {
        int n = s.next++ & Checks.MASK;
        Checks c = s.company;
        bh.consume(s.engine.check(c.orgId[n], c.memberId[n], c.permission[n]));
    }

    @Benchmark
    public void gatehouseResourceRole(GatehouseSide s, Blackhole bh) {
        int n = s.next++ & Checks.MASK;
        Checks c = s.resource;
        bh.consume(s.engine.check(c.orgId[n], c.memberId[n], c.permission[n], s.docType, c.resourceId[n]));
    }

    @Benchmark
    public void casbinCompanyRole(CasbinSide s, Blackhole bh) {
        int n = s.next++ & Checks.MASK;
        CasbinPeer.Requests r = s.company;
        bh.consume(s.peer.check(r.subject[n], r.org[n], r.permission[n]));
    }

    @Benchmark
    public void casbinResourceRole(CasbinSide s, Blackhole bh) {
        int n = s.next++ & Checks.MASK;
        CasbinPeer.Requests r = s.resource;
        bh.consume(s.peer.check(r.subject[n], r.org[n], r.resource[n], r.permission[n]));
    }
}
