package dev.gatehouse.bench.peers;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Loads the workload through Gatehouse's native API, one request per object, as a client would today:
 * registers the model, then per tenant creates the organization, its three roles, its members (each with
 * its company role) and its room assignments. Every write is its own PostgreSQL transaction. Tenants are
 * loaded by {@link #THREADS} threads in parallel (writes within one organization are serialized by the server
 * anyway). Thread-safe: holds no state between loads.
 */
final class ApiLoader implements GatehouseLoader {

    static final int THREADS = 8;
    private static final Pattern ID = Pattern.compile("\"id\"\\s*:\\s*(\\d+)");

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    @Override
    public String description() {
        return "native API, one request per object, " + THREADS + " tenants in parallel";
    }

    @Override
    public Loaded load(Workload w, URI server, String serviceKey) throws Exception {
        send(server, serviceKey, "POST", "/v1/models", EnginePeer.modelJson());
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
        long org = id(send(server, key, "POST", "/v1/orgs",
                "{\"name\":\"" + Workload.tenantId(t) + "\",\"model\":\"" + EnginePeer.MODEL_ID + "\"}"));
        long[] roles = new long[Workload.ROLES.size()];
        for (int role = 0; role < roles.length; role++) {
            String permissions = Workload.grantedPermissions(t, role).stream().map(p -> "\"" + p + "\"")
                    .collect(Collectors.joining(",", "[", "]"));
            roles[role] = id(send(server, key, "POST", "/v1/orgs/" + org + "/roles",
                    "{\"name\":\"" + Workload.ROLES.get(role) + "\",\"permissions\":" + permissions + "}"));
        }
        for (int u = 0; u < w.usersPerTenant(); u++) {
            send(server, key, "POST", "/v1/orgs/" + org + "/members", "{\"user_id\":\"" + Workload.userId(t, u)
                    + "\",\"email\":\"" + Workload.userId(t, u) + "@peers.test\",\"role_id\":" + roles[Workload.companyRole(t, u)] + "}");
        }
        for (int r = 0; r < w.roomsPerTenant(); r++) {
            for (int k = 0; k < w.membersPerRoom(); k++) {
                int u = w.roomMember(t, r, k);
                send(server, key, "PUT", "/v1/orgs/" + org + "/resources/" + EnginePeer.ROOM + "/" + Workload.roomId(t, r)
                        + "/assignments/" + Workload.userId(t, u), "{\"role_id\":" + roles[w.roomRole(t, r, u)] + "}");
            }
        }
        return org;
    }

    private String send(URI server, String key, String method, String path, String body) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(server.resolve(path)).timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + key).header("Content-Type", "application/json")
                .method(method, HttpRequest.BodyPublishers.ofString(body)).build();
        HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() / 100 != 2) {
            throw new IllegalStateException(method + " " + path + " answered " + response.statusCode() + ": " + response.body());
        }
        return response.body();
    }

    private static long id(String body) {
        Matcher m = ID.matcher(body);
        if (!m.find()) {
            throw new IllegalStateException("no id in " + body);
        }
        return Long.parseLong(m.group(1));
    }
}
