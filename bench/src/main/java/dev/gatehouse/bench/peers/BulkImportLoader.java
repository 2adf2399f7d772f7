package dev.gatehouse.bench.peers;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Loads the workload through Gatehouse's bulk import ({@code POST /v1/orgs/{org}/import}, NDJSON; docs/api.md
 * "Bulk import and export"): registers the model, then per tenant creates the organization (one request) and
 * imports its three roles, its members (each with its company role, by name) and its room assignments in one
 * request of {@code 3 + users + room assignments} lines — one chunk, so one PostgreSQL transaction per tenant.
 * Each answer's counts are checked: every role, member and assignment of the tenant created, nothing else.
 * Tenants are loaded by {@link #THREADS} threads in parallel: a tenant's import is small (about 20 KB), so it takes
 * none of the node's places for long imports, and its one chunk shares the group commit's transactions and
 * flushes with the other tenants' writes. Thread-safe: holds only the last load's request times.
 */
final class BulkImportLoader implements GatehouseLoader {

    /** Tenants loaded at once; {@code -Dpeers.loadThreads=N} sets another number (2 for a build before small imports). */
    static final int THREADS = Integer.getInteger("peers.loadThreads", 8);
    private static final Pattern ID = Pattern.compile("\"id\"\\s*:\\s*(\\d+)");
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    /** The last load's request times in nanoseconds: creating each organization, and each tenant's import. */
    private final Queue<Long> creating = new ConcurrentLinkedQueue<>();
    private final Queue<Long> importing = new ConcurrentLinkedQueue<>();

    @Override
    public String description() {
        return "bulk import (POST /v1/orgs/{org}/import, NDJSON), one request per tenant after creating its "
                + "organization, " + THREADS + " tenants in parallel";
    }

    @Override
    public Loaded load(Workload w, URI server, String serviceKey) throws Exception {
        creating.clear();
        importing.clear();
        registerModel(client, server, serviceKey);
        long[] orgIds = new long[w.tenants()];
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < w.tenants(); t++) {
                int tenant = t;
                done.add(pool.submit(() -> {
                    orgIds[tenant] = loadTenant(w, tenant, server, serviceKey);
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        return new Loaded(orgIds);
    }

    private long loadTenant(Workload w, int t, URI server, String key) throws Exception {
        long t0 = System.nanoTime();
        Matcher m = ID.matcher(send(server, key, "/v1/orgs", "application/json",
                "{\"name\":\"" + Workload.tenantId(t) + "\",\"model\":\"" + EnginePeer.MODEL_ID + "\"}"));
        creating.add(System.nanoTime() - t0);
        if (!m.find()) {
            throw new IllegalStateException("no organization id for tenant " + t);
        }
        long org = Long.parseLong(m.group(1));
        String lines = ndjson(w, t);
        long t1 = System.nanoTime();
        JsonNode answer = JSON.readTree(send(server, key, "/v1/orgs/" + org + "/import", "application/x-ndjson", lines));
        importing.add(System.nanoTime() - t1);
        int assignments = w.roomsPerTenant() * w.membersPerRoom();
        expectCreated(answer, "role", Workload.ROLES.size(), "tenant " + t);
        expectCreated(answer, "member", w.usersPerTenant(), "tenant " + t);
        expectCreated(answer, "assignment", assignments, "tenant " + t);
        long total = Workload.ROLES.size() + w.usersPerTenant() + assignments;
        if (answer.path("committed_lines").asLong() != total) {
            throw new IllegalStateException("tenant " + t + ": import committed " + answer.path("committed_lines")
                    + " of " + total + " lines: " + answer);
        }
        return org;
    }

    /** The last load's request times: median and 90th percentile of creating an organization and of an import. */
    String timings() {
        return "creating an organization " + percentiles(creating) + ", a tenant's import " + percentiles(importing);
    }

    private static String percentiles(Queue<Long> nanos) {
        List<Long> sorted = new ArrayList<>(nanos);
        if (sorted.isEmpty()) {
            return "-";
        }
        Collections.sort(sorted);
        return String.format(Locale.ROOT, "p50 %.1f ms, p90 %.1f ms", sorted.get(sorted.size() / 2) / 1e6,
                sorted.get(sorted.size() * 9 / 10) / 1e6);
    }

    /** Tenant {@code t}'s roles, members and room assignments, one NDJSON line each. */
    static String ndjson(Workload w, int t) {
        StringBuilder b = new StringBuilder();
        for (int role = 0; role < Workload.ROLES.size(); role++) {
            String permissions = Workload.grantedPermissions(t, role).stream().map(p -> "\"" + p + "\"")
                    .collect(Collectors.joining(",", "[", "]"));
            b.append("{\"type\":\"role\",\"name\":\"").append(Workload.ROLES.get(role)).append("\",\"permissions\":")
                    .append(permissions).append("}\n");
        }
        for (int u = 0; u < w.usersPerTenant(); u++) {
            String user = Workload.userId(t, u);
            b.append("{\"type\":\"member\",\"user_id\":\"").append(user).append("\",\"email\":\"").append(user)
                    .append("@peers.test\",\"role\":\"").append(Workload.ROLES.get(Workload.companyRole(t, u)))
                    .append("\"}\n");
        }
        for (int r = 0; r < w.roomsPerTenant(); r++) {
            for (int k = 0; k < w.membersPerRoom(); k++) {
                int u = w.roomMember(t, r, k);
                b.append("{\"type\":\"assignment\",\"resource\":{\"type\":\"").append(EnginePeer.ROOM)
                        .append("\",\"id\":\"").append(Workload.roomId(t, r)).append("\"},\"user_id\":\"")
                        .append(Workload.userId(t, u)).append("\",\"role\":\"")
                        .append(Workload.ROLES.get(w.roomRole(t, r, u))).append("\"}\n");
            }
        }
        return b.toString();
    }

    /** That the answer's counts of {@code type} say {@code expected} created and nothing else changed. */
    static void expectCreated(JsonNode answer, String type, int expected, String of) {
        JsonNode counts = answer.path("counts").path(type);
        if (counts.path("created").asInt() != expected || counts.path("updated").asInt() != 0
                || counts.path("deleted").asInt() != 0) {
            throw new IllegalStateException(of + ": expected " + expected + " " + type + "s created, got "
                    + counts + " in " + answer);
        }
    }

    /** Registers the workload's model unless the server has it already (a second load into the same server). */
    static void registerModel(HttpClient client, URI server, String key) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(server.resolve("/v1/models/" + EnginePeer.MODEL_ID))
                .timeout(Duration.ofMinutes(1)).header("Authorization", "Bearer " + key).GET().build();
        if (client.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() != 200) {
            send(client, server, key, "/v1/models", "application/json", EnginePeer.modelJson());
        }
    }

    private String send(URI server, String key, String path, String contentType, String body) throws Exception {
        return send(client, server, key, path, contentType, body);
    }

    private static String send(HttpClient client, URI server, String key, String path, String contentType,
                               String body) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(server.resolve(path)).timeout(Duration.ofMinutes(2))
                .header("Authorization", "Bearer " + key).header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() / 100 != 2) {
            throw new IllegalStateException("POST " + path + " answered " + response.statusCode() + ": " + response.body());
        }
        return response.body();
    }
}
