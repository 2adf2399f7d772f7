package dev.gatehouse.bench.peers;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Loads the workload through Gatehouse's import of many organizations at once ({@code POST /v1/import}, NDJSON;
 * docs/api.md "Bulk import and export"): registers the model, then sends every tenant in one request — per tenant
 * an organization line creating it, then the lines {@link BulkImportLoader#ndjson} gives (its roles, its members
 * with their company roles, its room assignments). The body is built by {@link #prepare}, before the load is
 * timed, as the peers' inputs are (SpiceDB's relationships file). The answer's counts are checked, and its list of
 * the organizations created gives each tenant's id. Not thread-safe: holds the prepared body.
 */
final class DeploymentImportLoader implements GatehouseLoader {

    /** Lines per transaction: {@code -Dpeers.chunkLines=N} (the server's default, 5,000, when unset). */
    static final Integer CHUNK_LINES = Integer.getInteger("peers.chunkLines");
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private Workload prepared;
    private byte[] body;

    @Override
    public String description() {
        return "bulk import of every tenant in one request (POST /v1/import, NDJSON"
                + (CHUNK_LINES == null ? "" : ", chunk_lines=" + CHUNK_LINES) + ")";
    }

    @Override
    public void prepare(Workload w) {
        StringBuilder b = new StringBuilder();
        for (int t = 0; t < w.tenants(); t++) {
            b.append("{\"type\":\"organization\",\"name\":\"").append(Workload.tenantId(t)).append("\",\"model\":\"")
                    .append(EnginePeer.MODEL_ID).append("\"}\n").append(BulkImportLoader.ndjson(w, t));
        }
        body = b.toString().getBytes(StandardCharsets.UTF_8);
        prepared = w;
    }

    /** The body {@link #prepare} built. */
    byte[] body() {
        return body;
    }

    @Override
    public Loaded load(Workload w, URI server, String serviceKey) throws Exception {
        if (prepared != w) {
            prepare(w);
        }
        BulkImportLoader.registerModel(client, server, serviceKey);
        HttpRequest request = HttpRequest.newBuilder(server.resolve("/v1/import"
                        + (CHUNK_LINES == null ? "" : "?chunk_lines=" + CHUNK_LINES)))
                .timeout(Duration.ofMinutes(10)).header("Authorization", "Bearer " + serviceKey)
                .header("Content-Type", "application/x-ndjson").POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build();
        HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IllegalStateException("POST /v1/import answered " + response.statusCode() + ": "
                    + response.body());
        }
        JsonNode answer = JSON.readTree(response.body());
        int assignments = w.roomsPerTenant() * w.membersPerRoom();
        BulkImportLoader.expectCreated(answer, "organization", w.tenants(), "the import");
        BulkImportLoader.expectCreated(answer, "role", Workload.ROLES.size() * w.tenants(), "the import");
        BulkImportLoader.expectCreated(answer, "member", w.usersPerTenant() * w.tenants(), "the import");
        BulkImportLoader.expectCreated(answer, "assignment", assignments * w.tenants(), "the import");
        JsonNode created = answer.path("organizations");
        if (created.size() != w.tenants()) {
            throw new IllegalStateException("expected " + w.tenants() + " organizations created, got " + created);
        }
        long[] orgIds = new long[w.tenants()];
        for (int t = 0; t < w.tenants(); t++) {
            orgIds[t] = created.get(t).path("org_id").asLong();
        }
        return new Loaded(orgIds);
    }
}
