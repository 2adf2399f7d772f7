package dev.gatehouse.app;

import dev.gatehouse.json.Json;
import dev.gatehouse.testing.Await;
import dev.gatehouse.testing.Http;
import dev.gatehouse.testing.NodeProcess;
import dev.gatehouse.testing.TestDatabase;
import dev.gatehouse.testing.TestNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A node in its own process: SIGKILL in the middle of a write load loses no acknowledged write, and the
 * restarted node answers exactly like a node freshly built from the database; SIGTERM stops it cleanly
 * with exit code 0.
 */
class CrashSafetyIT {

    /** Removed by JUnit after the test (a test leaves nothing in /tmp). */
    @TempDir
    static Path temp;

    static final List<String> PERMISSIONS = List.of("doc.read", "doc.write", "doc.delete", "members.manage",
            "records.all");
    static final List<String> DOCS = List.of("d0", "d1", "d2", "d3");

    /**
     * What the writers know: member id → its role after the last acknowledged write; role changes sent but
     * never answered (they may or may not have committed); acknowledged assignments and roles; and anything
     * unexpected a writer ran into.
     */
    record Acked(Map<Long, Long> memberRoles, Map<Long, Long> inDoubt, Map<String, Long> assignments, List<Long> roles,
                 List<String> problems) {
    }

    private static Path tempDir() {
        try {
            return Files.createTempDirectory(temp, "gatehouse-process");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void registerDocsModel(Http api) {
        try (InputStream in = CrashSafetyIT.class.getResourceAsStream("/models/docs.json")) {
            Http.Res res = api.post("/v1/models", Json.MAPPER.readTree(in));
            assertThat(res.status()).as(res.toString()).isEqualTo(201);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static long createOrg(Http api) {
        Http.Res org = api.post("/v1/orgs", Map.of("name", "Crash " + System.nanoTime(), "model", "docs",
                "admin", Map.of("user_id", "admin", "email", "admin@example.com")));
        assertThat(org.status()).as(org.toString()).isEqualTo(201);
        return org.json().get("id").longValue();
    }

    @Test
    void sigkillDuringWrites_losesNoAcknowledgedWrite_andTheRestartedEngineEqualsAFreshRebuild() throws Exception {
        String url = TestDatabase.freshDatabaseUrl();
        Acked acked = new Acked(new ConcurrentHashMap<>(), new ConcurrentHashMap<>(), new ConcurrentHashMap<>(),
                new CopyOnWriteArrayList<>(), new CopyOnWriteArrayList<>());
        long orgId;
        try (TestNode follower = TestNode.startOn(url)) {
            NodeProcess victim = NodeProcess.start(url, tempDir());
            try {
                Http api = victim.service();
                registerDocsModel(api);
                orgId = createOrg(api);
                String org = "/v1/orgs/" + orgId;
                long editor = role(api, org, "Editor", List.of("doc.read", "doc.write", "records.all"), acked);
                long viewer = role(api, org, "Viewer", List.of("doc.read", "records.all"), acked);

                AtomicBoolean stop = new AtomicBoolean();
                List<Thread> writers = new ArrayList<>();
                for (int w = 0; w < 3; w++) {
                    int writer = w;
                    Thread t = new Thread(() -> write(api, org, writer, editor, viewer, acked, stop), "writer-" + w);
                    writers.add(t);
                    t.start();
                }
                Await.until(Duration.ofSeconds(60), "a steady write load", () -> acked.memberRoles().size() >= 60);
                victim.kill();
                stop.set(true);
                for (Thread t : writers) {
                    t.join(30_000);
                }
            } finally {
                victim.close();
            }
            assertThat(acked.problems()).isEmpty();
            assertThat(acked.memberRoles()).hasSizeGreaterThanOrEqualTo(60);

            NodeProcess restarted = NodeProcess.start(url, tempDir());
            try (TestNode fresh = TestNode.startOn(url)) {
                Http api = restarted.service();
                String org = "/v1/orgs/" + orgId;
                for (long role : acked.roles()) {
                    assertThat(api.get(org + "/roles/" + role).status()).as("role %d", role).isEqualTo(200);
                }
                acked.memberRoles().forEach((member, role) -> {
                    Http.Res res = api.get(org + "/members/" + member);
                    assertThat(res.status()).as("acknowledged member %d", member).isEqualTo(200);
                    long actual = res.get("role_id").longValue();
                    if (actual != role) {
                        assertThat(acked.inDoubt().get(member)).as("role of member %d", member).isEqualTo(actual);
                    }
                });
                acked.assignments().forEach((path, role) -> {
                    Http.Res res = api.get(org + path);
                    assertThat(res.status()).as("acknowledged assignment %s", path).isEqualTo(200);
                    assertThat(res.get("role_id").longValue()).isEqualTo(role);
                });

                // The restarted process answers exactly like a node built from the database just now, and
                // the node that followed the change log through the crash holds the same state.
                List<Long> members = allMembers(fresh.service(), org);
                assertThat(members).hasSizeGreaterThanOrEqualTo(acked.memberRoles().size());
                assertThat(allMembers(api, org)).isEqualTo(members);
                for (long member : members) {
                    assertThat(answers(api, org, member)).as("member %d", member)
                            .isEqualTo(answers(fresh.service(), org, member));
                }
                long latest = fresh.node().core().feed().applied();
                Await.until(Duration.ofSeconds(10), "the follower catches up",
                        () -> follower.node().core().feed().applied() >= latest);
                assertThat(follower.node().engine().digest()).isEqualTo(fresh.node().engine().digest());
            } finally {
                restarted.close();
            }
        }
    }

    private static long role(Http api, String org, String name, List<String> permissions, Acked acked) {
        Http.Res res = api.post(org + "/roles", Map.of("name", name, "permissions", permissions));
        assertThat(res.status()).as(res.toString()).isEqualTo(201);
        long id = res.json().get("id").longValue();
        acked.roles().add(id);
        return id;
    }

    /**
     * Writes until told to stop or the node dies: creates members, assigns them to documents and changes
     * some of their roles, recording each write the node acknowledged. A write that got no answer may or may
     * not have committed; it is simply not recorded.
     */
    private static void write(Http api, String org, int writer, long editor, long viewer, Acked acked,
                              AtomicBoolean stop) {
        try {
            for (int i = 0; !stop.get(); i++) {
                String user = "w" + writer + "-" + i;
                long role = i % 2 == 0 ? editor : viewer;
                Http.Res created = api.post(org + "/members", Map.of("user_id", user, "email", user + "@example.com",
                        "role_id", role));
                if (created.status() != 201) {
                    acked.problems().add("creating " + user + ": " + created);
                    return;
                }
                long member = created.json().get("id").longValue();
                acked.memberRoles().put(member, role);
                String doc = DOCS.get(i % DOCS.size());
                String path = "/resources/doc/" + doc + "/assignments/" + member;
                long assigned = i % 2 == 0 ? viewer : editor;
                Http.Res put = api.put(org + path, Map.of("role_id", assigned));
                if (put.status() != 200) {
                    acked.problems().add("assigning " + user + ": " + put);
                    return;
                }
                acked.assignments().put(path, assigned);
                if (i % 3 == 0) {
                    long other = role == editor ? viewer : editor;
                    acked.inDoubt().put(member, other);
                    Http.Res patched = api.patch(org + "/members/" + member, Map.of("role_id", other));
                    if (patched.status() != 200) {
                        acked.problems().add("changing the role of " + user + ": " + patched);
                        return;
                    }
                    acked.memberRoles().put(member, other);
                    acked.inDoubt().remove(member);
                }
            }
        } catch (UncheckedIOException e) {
            // the node was killed: stop writing
        }
    }

    private static List<Long> allMembers(Http api, String org) {
        List<Long> out = new ArrayList<>();
        String path = org + "/members?limit=1000";
        while (true) {
            Http.Res res = api.get(path);
            assertThat(res.status()).as(res.toString()).isEqualTo(200);
            res.get("items").forEach(m -> out.add(m.get("id").longValue()));
            JsonNode next = res.get("next_cursor");
            if (next == null || next.isNull()) {
                return out;
            }
            path = org + "/members?limit=1000&cursor=" + next.stringValue();
        }
    }

    /** Every decision about one member: effective permissions organization-wide and on each document. */
    private static List<String> answers(Http api, String org, long member) {
        List<String> out = new ArrayList<>();
        List<String> queries = new ArrayList<>(List.of(""));
        DOCS.forEach(d -> queries.add("?resource_type=doc&resource_id=" + d));
        for (String query : queries) {
            Http.Res res = api.get(org + "/members/" + member + "/permissions" + query);
            assertThat(res.status()).as(res.toString()).isEqualTo(200);
            ObjectNode body = (ObjectNode) res.json();
            body.remove("revision");
            out.add(body.toString());
        }
        List<Map<String, Object>> checks = new ArrayList<>();
        for (String permission : PERMISSIONS) {
            checks.add(Map.of("member_id", member, "permission", permission));
            for (String doc : DOCS) {
                if (!permission.equals("members.manage") && !permission.equals("records.all")) {
                    checks.add(Map.of("member_id", member, "permission", permission, "resource",
                            Map.of("type", "doc", "id", doc)));
                }
            }
        }
        Http.Res batch = api.post(org + "/check/batch", Map.of("checks", checks));
        assertThat(batch.status()).as(batch.toString()).isEqualTo(200);
        batch.get("results").forEach(r -> out.add(String.valueOf(r.get("allowed"))));
        return out;
    }

    private static int registeredNodes(String url) {
        try (var c = TestDatabase.connect(url);
             var rs = c.createStatement().executeQuery("SELECT count(*) FROM gatehouse_nodes")) {
            rs.next();
            return rs.getInt(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void sigterm_stopsGracefully_withExitCode0_andARestartCarriesOn() {
        String url = TestDatabase.freshDatabaseUrl();
        NodeProcess node = NodeProcess.start(url, tempDir());
        long orgId;
        try {
            Http api = node.service();
            registerDocsModel(api);
            orgId = createOrg(api);
            assertThat(registeredNodes(url)).as("the running node is registered").isEqualTo(1);
            int exit = node.terminate();
            assertThat(exit).as("exit code after SIGTERM; stderr:\n%s", node.stderr()).isZero();
            // Process.destroy() also closes the pipes, so the node's farewell output cannot be read; its
            // clean close shows in the database instead: it removed itself from the node registry.
            assertThat(registeredNodes(url)).as("unregistered on the way out").isZero();
        } finally {
            node.close();
        }
        NodeProcess again = NodeProcess.start(url, tempDir());
        try {
            Http.Res org = again.service().get("/v1/orgs/" + orgId);
            assertThat(org.status()).isEqualTo(200);
            assertThat(org.get("model").stringValue()).isEqualTo("docs");
            assertThat(again.service().get("/readyz").status()).isEqualTo(200);
            assertThat(again.terminate()).isZero();
        } finally {
            again.close();
        }
    }
}
