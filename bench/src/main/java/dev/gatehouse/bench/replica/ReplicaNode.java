package dev.gatehouse.bench.replica;

import dev.gatehouse.app.Config;
import dev.gatehouse.app.Gatehouse;
import dev.gatehouse.client.GatehouseReplica;
import dev.gatehouse.store.DatabaseSettings;
import dev.gatehouse.store.EmbeddedDatabase;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One Gatehouse node on an embedded PostgreSQL in this JVM, an organization of the {@code close} model with a role
 * {@code Toggled} and {@code members} members holding it, and a {@link GatehouseReplica} following the node over
 * loopback HTTP: what the replica benchmarks measure. {@link #close()} stops all of it.
 */
final class ReplicaNode implements AutoCloseable {

    static final String KEY = "bench-service-key-0123456789";
    private static final Pattern ID = Pattern.compile("\"id\":(\\d+)");
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    final EmbeddedDatabase pg;
    final Gatehouse node;
    final String base;
    final long orgId;
    final long roleId;
    final GatehouseReplica replica;

    ReplicaNode(int members, boolean durable) throws Exception {
        Path dir = Files.createTempDirectory("gatehouse-replica-bench");
        pg = EmbeddedDatabase.start(dir, durable);
        try (Connection c = DriverManager.getConnection(pg.jdbcUrl(), EmbeddedDatabase.USER, pg.password())) {
            c.createStatement().execute("CREATE DATABASE replica");
        }
        node = Gatehouse.start(Config.defaults("127.0.0.1", 0, dir.resolve("node")).withServiceKey(KEY)
                .withLogLevel("WARN").withDatabase(new DatabaseSettings(pg.jdbcUrl("replica"), EmbeddedDatabase.USER,
                        pg.password(), 8, durable)));
        base = "http://127.0.0.1:" + node.port();
        orgId = id(send("POST", "/v1/orgs", "{\"name\":\"Bench\",\"model\":\"close\"}"));
        String org = "/v1/orgs/" + orgId;
        roleId = id(send("POST", org + "/roles", "{\"name\":\"Toggled\",\"permissions\":[\"calling\","
                + "\"view_all_leads\"]}"));
        for (int i = 0; i < members; i++) {
            send("POST", org + "/members", "{\"user_id\":\"u" + i + "\",\"email\":\"u" + i + "@example.com\","
                    + "\"role_id\":" + roleId + "}");
        }
        replica = GatehouseReplica.builder().url(base).key(KEY).heartbeat(Duration.ofSeconds(1))
                .staleAfter(Duration.ofSeconds(5)).build();
    }

    HttpResponse<String> send(String method, String path, String body) throws IOException, InterruptedException {
        HttpResponse<String> res = HTTP.send(HttpRequest.newBuilder(URI.create(base + path))
                .header("Authorization", "Bearer " + KEY).header("Content-Type", "application/json")
                .method(method, HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        if (res.statusCode() >= 300) {
            throw new IllegalStateException(method + " " + path + ": " + res.statusCode() + " " + res.body());
        }
        return res;
    }

    private static long id(HttpResponse<String> res) {
        Matcher m = ID.matcher(res.body());
        if (!m.find()) {
            throw new IllegalStateException("no id in " + res.body());
        }
        return Long.parseLong(m.group(1));
    }

    @Override
    public void close() {
        replica.close();
        node.close();
        pg.close();
    }
}
