package dev.gatehouse.bench.peers;

import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Predicate;
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
import org.openjdk.jmh.infra.BenchmarkParams;

/**
 * Per-check latency in process, on the {@link Workload} of the side-by-side comparison: Gatehouse's decision
 * engine, cedar-java ({@link CedarPeer}: Cedar's Rust evaluator behind JNI) and jCasbin
 * ({@link CasbinWorkloadPeer}). Each benchmark method's fork loads only the system it measures, then checks
 * every one of the workload's requests of both kinds against the expected answers before timing. Requests
 * rotate through the fixed list, prepared beforehand in each system's own terms (the work a caller does to
 * build them is not measured). {@link #tenants} varies the dataset size (100 users per tenant).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
public class PeersInProcessBenchmark {

    @Param({"100"})
    public int tenants;

    private Object[] company;
    private Object[] room;
    private EnginePeer gatehouse;
    private CedarPeer cedar;
    private CasbinWorkloadPeer casbin;
    private int nextCompany;
    private int nextRoom;

    @Setup(Level.Trial)
    public void setUp(BenchmarkParams params) {
        Workload w = Workload.of(tenants, 100);
        String method = params.getBenchmark().substring(params.getBenchmark().lastIndexOf('.') + 1);
        if (method.startsWith("gatehouse")) {
            gatehouse = EnginePeer.load(w);
            prepare(w, gatehouse::prepare, p -> gatehouse.check((EnginePeer.Prepared) p), "Gatehouse");
        } else if (method.startsWith("cedar")) {
            cedar = CedarPeer.load(w);
            prepare(w, cedar::prepare, p -> cedar.check((CedarPeer.Prepared) p), "cedar-java");
        } else {
            casbin = CasbinWorkloadPeer.load(w);
            prepare(w, CasbinWorkloadPeer::prepare, p -> casbin.check((CasbinWorkloadPeer.Prepared) p), "jCasbin");
        }
    }

    private void prepare(Workload w, Function<Workload.Request, Object> prepare, Predicate<Object> check, String name) {
        company = verify(w.companyRequests(), prepare, check, name);
        room = verify(w.roomRequests(), prepare, check, name);
    }

    static Object[] verify(List<Workload.Request> requests, Function<Workload.Request, Object> prepare,
                           Predicate<Object> check, String name) {
        Object[] prepared = new Object[requests.size()];
        for (int n = 0; n < prepared.length; n++) {
            Workload.Request r = requests.get(n);
            prepared[n] = prepare.apply(r);
            boolean actual = check.test(prepared[n]);
            if (actual != r.expected()) {
                throw new IllegalStateException(name + " answers " + actual + " to " + r + ", expected " + r.expected());
            }
        }
        return prepared;
    }

    private Object nextCompany() {
        Object p = company[nextCompany];
        nextCompany = nextCompany + 1 == company.length ? 0 : nextCompany + 1;
        return p;
    }

    private Object nextRoom() {
        Object p = room[nextRoom];
        nextRoom = nextRoom + 1 == room.length ? 0 : nextRoom + 1;
        return p;
    }

    @Benchmark
    public boolean gatehouseCompany() {
        return gatehouse.check((EnginePeer.Prepared) nextCompany());
    }

    @Benchmark
    public boolean gatehouseRoom() {
        return gatehouse.check((EnginePeer.Prepared) nextRoom());
    }

    @Benchmark
    public boolean cedarCompany() {
        return cedar.check((CedarPeer.Prepared) nextCompany());
    }

    @Benchmark
    public boolean cedarRoom() {
        return cedar.check((CedarPeer.Prepared) nextRoom());
    }

    @Benchmark
    public boolean casbinCompany() {
        return casbin.check((CasbinWorkloadPeer.Prepared) nextCompany());
    }

    @Benchmark
    public boolean casbinRoom() {
        return casbin.check((CasbinWorkloadPeer.Prepared) nextRoom());
    }
}
