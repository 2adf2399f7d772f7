package dev.gatehouse.bench.peers;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads the comparison's raw results ({@code http.json} from {@link PeersRun}, {@code jmh.json} from
 * {@link PeersInProcessBenchmark}), prints the tables with Gatehouse's ratio to each peer, and writes
 * {@code summary.json}, from which {@link PeersCharts} draws. Either input may be missing. Stateless.
 *
 * <p>Usage: {@code java -cp bench/target/benchmarks.jar dev.gatehouse.bench.peers.PeersReport <results-dir>}
 */
public final class PeersReport {

    static final List<String> HTTP_SYSTEMS = List.of("gatehouse", "cerbos", "spicedb");
    static final List<String> IN_PROCESS_SYSTEMS = List.of("gatehouse", "cedar", "casbin");
    static final List<String> KINDS = List.of("company", "room");
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private PeersReport() {
    }

    public static void main(String[] args) throws IOException {
        Path dir = Path.of(args.length > 0 ? args[0] : "bench/peers/results");
        Map<String, Object> summary = new LinkedHashMap<>();
        Path http = dir.resolve("http.json");
        if (Files.exists(http)) {
            summary.put("http", http(JSON.readTree(http.toFile())));
        }
        Path jmh = dir.resolve("jmh.json");
        if (Files.exists(jmh)) {
            summary.put("in_process", inProcess(JSON.readTree(jmh.toFile())));
        }
        JSON.writerWithDefaultPrettyPrinter().writeValue(dir.resolve("summary.json").toFile(), summary);
        System.out.println("\nwrote " + dir.resolve("summary.json"));
    }

    // ---------------------------------------------------------------- HTTP

    private static Map<String, Object> http(JsonNode root) {
        JsonNode systems = root.path("http").path("systems");
        JsonNode machine = root.path("machine");
        System.out.printf(Locale.ROOT, "%nHTTP checks, %s%nmachine: %s cores, %s; load average %.1f before, %.1f after; %s%n",
                root.path("http").path("tool").asString(), machine.path("cores").asInt(), machine.path("cpu").asString(),
                machine.path("load_average_before").asDouble(), root.path("load_average_after").asDouble(),
                root.path("started").asString());
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("machine", map(machine));
        out.put("tool", root.path("http").path("tool").asString());
        out.put("workload", map(root.path("workload")));
        Map<String, Object> kinds = new LinkedHashMap<>();
        for (String kind : KINDS) {
            double gatehouseRps = systems.path("gatehouse").path("kinds").path(kind).path("median").path("requests_per_s").asDouble();
            double gatehouseCpu = systems.path("gatehouse").path("kinds").path(kind).path("median").path("cpu_us_per_request").asDouble();
            System.out.printf(Locale.ROOT, "%n| %s checks | requests/s | p50 ms | p99 ms | CPU µs/request | cores busy | Gatehouse req/s ratio | CPU/request vs Gatehouse |%n"
                    + "|---|---:|---:|---:|---:|---:|---:|---:|%n", kind);
            Map<String, Object> rows = new LinkedHashMap<>();
            for (String system : HTTP_SYSTEMS) {
                JsonNode m = systems.path(system).path("kinds").path(kind).path("median");
                if (m.isMissingNode()) {
                    continue;
                }
                double rps = m.path("requests_per_s").asDouble();
                double cpu = m.path("cpu_us_per_request").asDouble();
                System.out.printf(Locale.ROOT, "| %s | %,.0f | %.2f | %.2f | %.1f | %.2f | %s | %s |%n", system, rps,
                        m.path("p50_ms").asDouble(), m.path("p99_ms").asDouble(), cpu, m.path("cores_used").asDouble(),
                        system.equals("gatehouse") ? "" : String.format(Locale.ROOT, "**%.1f×**", gatehouseRps / rps),
                        system.equals("gatehouse") ? "" : String.format(Locale.ROOT, "%.1f×", cpu / gatehouseCpu));
                Map<String, Object> row = map(m);
                row.put("rounds_requests_per_s", values(systems.path(system).path("kinds").path(kind).path("rounds"), "requests_per_s"));
                if (!system.equals("gatehouse")) {
                    row.put("gatehouse_throughput_ratio", PeersRun.round(gatehouseRps / rps, 2));
                    row.put("cpu_per_request_vs_gatehouse", PeersRun.round(cpu / gatehouseCpu, 2));
                }
                rows.put(system, row);
            }
            kinds.put(kind, rows);
        }
        out.put("kinds", kinds);
        JsonNode healthz = systems.path("gatehouse").path("kinds").path("healthz").path("median");
        if (!healthz.isMissingNode()) {
            double h = healthz.path("requests_per_s").asDouble();
            Map<String, Object> trivial = map(healthz);
            System.out.printf(Locale.ROOT, "%nGatehouse GET /healthz (the same server's trivial route): %,.0f req/s", h);
            for (String kind : KINDS) {
                double rps = systems.path("gatehouse").path("kinds").path(kind).path("median").path("requests_per_s").asDouble();
                trivial.put(kind + "_check_vs_healthz", PeersRun.round(rps / h, 3));
                System.out.printf(Locale.ROOT, "; %s check / healthz %.2f", kind, rps / h);
            }
            System.out.println();
            out.put("gatehouse_healthz", trivial);
        }
        System.out.printf("%n| System | Load time | How | Resident memory |%n|---|---:|---|---:|%n");
        Map<String, Object> load = new LinkedHashMap<>();
        for (String system : HTTP_SYSTEMS) {
            JsonNode s = systems.path(system);
            if (s.isMissingNode()) {
                continue;
            }
            double children = s.path("child_processes_rss_mib").asDouble(0);
            System.out.printf(Locale.ROOT, "| %s | %.1f s | %s | %.0f MiB%s |%n", system, s.path("load_s").asDouble(),
                    s.path("load_method").asString(), s.path("rss_mib").asDouble(),
                    children > 0 ? String.format(Locale.ROOT, " (+ %.0f MiB PostgreSQL)", children) : "");
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("load_s", s.path("load_s").asDouble());
            entry.put("start_s", s.path("start_s").asDouble());
            entry.put("load_method", s.path("load_method").asString());
            entry.put("rss_mib", s.path("rss_mib").asDouble());
            if (children > 0) {
                entry.put("child_processes_rss_mib", children);
            }
            load.put(system, entry);
        }
        out.put("load_and_memory", load);
        return out;
    }

    private static Map<String, Object> map(JsonNode node) {
        return new LinkedHashMap<>(JSON.convertValue(node, new TypeReference<Map<String, Object>>() { }));
    }

    private static List<Double> values(JsonNode rounds, String key) {
        List<Double> list = new ArrayList<>();
        rounds.forEach(r -> list.add(r.path(key).asDouble()));
        return list;
    }

    // ---------------------------------------------------------------- in process

    private static List<Map<String, Object>> inProcess(JsonNode jmh) {
        List<Map<String, Object>> rows = new ArrayList<>();
        Map<String, Double> median = new LinkedHashMap<>();
        for (JsonNode b : jmh) {
            String method = b.path("benchmark").asString();
            method = method.substring(method.lastIndexOf('.') + 1);
            String system = IN_PROCESS_SYSTEMS.stream().filter(method::startsWith).findFirst().orElse(method);
            String kind = method.substring(system.length()).toLowerCase(Locale.ROOT);
            int tenants = b.path("params").path("tenants").asInt();
            List<Double> raw = new ArrayList<>();
            b.path("primaryMetric").path("rawData").forEach(fork -> fork.forEach(v -> raw.add(v.asDouble())));
            double ns = median(raw);
            median.put(system + "/" + kind + "/" + tenants, ns);
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("system", system);
            row.put("kind", kind);
            row.put("tenants", tenants);
            row.put("users", tenants * 100);
            row.put("ns_per_check", PeersRun.round(ns, 1));
            row.put("iterations_ns", raw);
            rows.add(row);
        }
        System.out.printf("%n| In process, ns per check (median) | tenants | users | Gatehouse | cedar-java | jCasbin | cedar / Gatehouse | jCasbin / Gatehouse |%n"
                + "|---|---:|---:|---:|---:|---:|---:|---:|%n");
        rows.stream().map(r -> (Integer) r.get("tenants")).distinct().sorted().forEach(tenants -> {
            for (String kind : KINDS) {
                Double g = median.get("gatehouse/" + kind + "/" + tenants);
                Double c = median.get("cedar/" + kind + "/" + tenants);
                Double j = median.get("casbin/" + kind + "/" + tenants);
                System.out.printf(Locale.ROOT, "| %s | %d | %,d | %s | %s | %s | %s | %s |%n", kind, tenants, tenants * 100,
                        ns(g), ns(c), ns(j), ratio(c, g), ratio(j, g));
            }
        });
        for (Map<String, Object> row : rows) {
            Double g = median.get("gatehouse/" + row.get("kind") + "/" + row.get("tenants"));
            if (g != null && !"gatehouse".equals(row.get("system"))) {
                row.put("vs_gatehouse", PeersRun.round((Double) row.get("ns_per_check") / g, 1));
            }
        }
        return rows;
    }

    static double median(List<Double> values) {
        double[] v = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        if (v.length == 0) {
            return Double.NaN;
        }
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    private static String ns(Double value) {
        return value == null ? "–" : String.format(Locale.ROOT, "%,.0f", value);
    }

    private static String ratio(Double peer, Double gatehouse) {
        return peer == null || gatehouse == null ? "–" : String.format(Locale.ROOT, "**%,.0f×**", peer / gatehouse);
    }
}
