package dev.gatehouse.bench.peers;

import dev.gatehouse.json.Json;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;
import tools.jackson.databind.JsonNode;

/**
 * Reading every line of the side-by-side {@link Workload}'s import (the 21,500 lines {@link DeploymentImportLoader}
 * sends: organizations, roles, members, room assignments) as the server reads a body: in one pass
 * ({@link Json#parse}) or as the mapper's tree then {@link dev.gatehouse.json.Text}'s check
 * ({@link Json#parseAndCheck}), which {@code parse} falls back on. Two modes: the whole import read once in a fresh
 * JVM ({@code SingleShotTime}, ten forks: what a first load pays, interpreter and JIT compilers included), and
 * read again and again once compiled ({@code AverageTime}).
 */
@State(Scope.Benchmark)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class ImportLinesBenchmark {

    private byte[][] lines;

    @Setup
    public void setUp() {
        Workload w = Workload.of(100, 100);
        DeploymentImportLoader loader = new DeploymentImportLoader();
        loader.prepare(w);
        String[] text = new String(loader.body(), StandardCharsets.UTF_8).split("\n");
        lines = new byte[text.length][];
        for (int i = 0; i < text.length; i++) {
            lines[i] = text[i].getBytes(StandardCharsets.UTF_8);
        }
    }

    @Benchmark
    @BenchmarkMode(Mode.SingleShotTime)
    @Warmup(iterations = 0)
    @Measurement(iterations = 1)
    @Fork(10)
    public void firstRead_onePass(Blackhole out) {
        readAll(out, Json::parse);
    }

    @Benchmark
    @BenchmarkMode(Mode.SingleShotTime)
    @Warmup(iterations = 0)
    @Measurement(iterations = 1)
    @Fork(10)
    public void firstRead_treeThenCheck(Blackhole out) {
        readAll(out, Json::parseAndCheck);
    }

    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @Warmup(iterations = 3, time = 2)
    @Measurement(iterations = 5, time = 2)
    @Fork(1)
    public void compiled_onePass(Blackhole out) {
        readAll(out, Json::parse);
    }

    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @Warmup(iterations = 3, time = 2)
    @Measurement(iterations = 5, time = 2)
    @Fork(1)
    public void compiled_treeThenCheck(Blackhole out) {
        readAll(out, Json::parseAndCheck);
    }

    private void readAll(Blackhole out, Function<byte[], JsonNode> read) {
        for (byte[] line : lines) {
            out.consume(read.apply(line));
        }
    }
}
