package dev.gatehouse.replication;

import dev.gatehouse.testing.Fixtures;
import dev.gatehouse.testing.Http;
import dev.gatehouse.testing.RawHttp;
import dev.gatehouse.testing.TestNode;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The snapshot and the change stream over HTTP: who may read them (service key, replica keys of every or one
 * organization; not member keys, and a replica key nothing else), what they hold (catalogs, operations, the
 * revision), scope isolation, long-poll and Server-Sent Events, and the answers for bad or unservable positions.
 */
class ReplicationIT {

    static final JsonMapper MAPPER = JsonMapper.builder().build();
    static TestNode node;
    static Fixtures fx;
    static Fixtures.Org docs;
    static Fixtures.Org other;

    @BeforeAll
    static void start() throws java.io.IOException {
        node = TestNode.start();
        fx = new Fixtures(node);
        try (InputStream in = ReplicationIT.class.getResourceAsStream("/models/docs.json")) {
            assertThat(node.service().post("/v1/models", MAPPER.readTree(in)).status()).isEqualTo(201);
        }
        docs = fx.org("docs");
        other = fx.org("docs");
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    static List<JsonNode> lines(Http.Res res) {
        List<JsonNode> lines = new ArrayList<>();
        res.body().lines().forEach(l -> lines.add(MAPPER.readTree(l)));
        return lines;
    }

    static String replicaKey(Long orgId) {
        Map<String, Object> body = orgId == null ? Map.of("name", "all") : Map.of("name", "one", "org_id", orgId);
        Http.Res res = node.service().post("/v1/replica-keys", body);
        assertThat(res.status()).as(res.toString()).isEqualTo(201);
        assertThat(res.get("kind").stringValue()).isEqualTo("replica");
        return res.get("key").stringValue();
    }

    @Test
    void snapshot_holdsCatalogsOperationsAndTheRevision_inOneConsistentStream() {
        Http.Res res = node.service().get("/v1/snapshot");
        assertThat(res.status()).as(res.toString()).isEqualTo(200);
        assertThat(res.header("Content-Type")).startsWith("application/x-ndjson");
        List<JsonNode> lines = lines(res);
        JsonNode header = lines.get(0);
        assertThat(header.get("type").stringValue()).isEqualTo("snapshot");
        long revision = header.get("revision").longValue();
        assertThat(revision).isPositive().isEqualTo(res.revision());
        assertThat(lines).anyMatch(l -> l.get("type").stringValue().equals("catalog")
                && l.get("catalog").get("id").stringValue().equals("docs"));
        assertThat(lines).anyMatch(l -> l.get("type").stringValue().equals("op")
                && l.get("op").get("type").stringValue().equals("put_member")
                && l.get("op").get("org_id").longValue() == other.id());
        JsonNode end = lines.get(lines.size() - 1);
        assertThat(end.get("type").stringValue()).isEqualTo("end");
        assertThat(end.get("ops").longValue()).isEqualTo(lines.stream().filter(l -> l.get("type").stringValue()
                .equals("op")).count());
    }

    @Test
    void anOrgScopedKey_seesItsOrganizationAlone_andNothingElse() {
        Http scoped = node.as(replicaKey(docs.id()));
        List<JsonNode> lines = lines(scoped.get("/v1/snapshot"));
        assertThat(lines.get(0).get("org_id").longValue()).isEqualTo(docs.id());
        assertThat(lines).filteredOn(l -> l.get("type").stringValue().equals("op"))
                .allMatch(l -> l.get("op").get("org_id").longValue() == docs.id()).isNotEmpty();
        assertThat(scoped.get("/v1/snapshot?org=" + other.id()).status()).as("another org does not exist for it")
                .isEqualTo(404);
        assertThat(scoped.get("/v1/changes?after=0&org=" + other.id() + "&wait=0").status()).isEqualTo(404);
        assertThat(scoped.get(docs.path() + "/members").status()).as("a replica key reads nothing else")
                .isEqualTo(403);
        assertThat(scoped.get(docs.path() + "/members").get("code").stringValue()).isEqualTo("replica_key_read_only");
        assertThat(scoped.post("/v1/replica-keys", Map.of()).status()).isEqualTo(403);
    }

    @Test
    void memberKeys_areRefused_andRevokedReplicaKeysStopWorking() {
        assertThat(docs.admin().get("/v1/snapshot").status()).isEqualTo(403);
        assertThat(docs.admin().get("/v1/changes?after=0&wait=0").get("code").stringValue())
                .isEqualTo("replica_key_required");
        assertThat(node.anonymous().get("/v1/snapshot").status()).isEqualTo(401);
        Http.Res created = node.service().post("/v1/replica-keys", Map.of());
        Http replica = node.as(created.get("key").stringValue());
        assertThat(replica.get("/v1/snapshot").status()).isEqualTo(200);
        assertThat(node.service().get("/v1/replica-keys?limit=1000").body()).contains(created.get("id").stringValue());
        assertThat(node.service().delete("/v1/replica-keys/" + created.get("id").stringValue()).status())
                .isEqualTo(204);
        assertThat(replica.get("/v1/snapshot").status()).isEqualTo(401);
        assertThat(node.service().delete("/v1/replica-keys/nope").status()).isEqualTo(404);
        assertThat(node.service().post("/v1/replica-keys", Map.of("org_id", 999_999)).status()).isEqualTo(404);
        assertThat(node.service().post("/v1/replica-keys", Map.of("scope", "all")).status()).isEqualTo(400);
    }

    @Test
    void aReplicaKey_isRefusedByEveryOtherRouteOfEveryApi_andWritesNothing() {
        Http replica = node.as(replicaKey(null));
        long revision = node.revision();
        List<Http.Res> answers = List.of(replica.get("/v1/orgs"), replica.get(docs.path()),
                replica.post(docs.path() + "/roles", Map.of("name", "Replica's", "permissions", List.of("doc.read"))),
                replica.post(docs.path() + "/members/" + docs.adminId() + "/keys", Map.of()),
                replica.delete(docs.path() + "/members/" + docs.adminId()),
                replica.get(docs.path() + "/export"), replica.get("/v1/replica-keys"),
                replica.post("/v1/replica-keys", Map.of()), replica.get("/api/v1/me/"),
                replica.get("/restapi/v2/accounts/" + docs.accountId() + "/roles"), replica.get("/metrics"));
        assertThat(answers).allSatisfy(res -> assertThat(res.status()).as("%s", res).isEqualTo(403));
        assertThat(node.revision()).as("nothing written").isEqualTo(revision);
    }

    @Test
    void revokingAReplicaKey_endsItsOpenStream_beforeAnyLaterChangeIsSent() throws Exception {
        Http.Res created = node.service().post("/v1/replica-keys", Map.of("name", "revoked while streaming",
                "org_id", docs.id()));
        String key = created.get("key").stringValue();
        assertEndsWithRevokedEvent(streamEndsAfter(key, docs, () -> assertThat(
                node.service().delete("/v1/replica-keys/" + created.get("id").stringValue()).status()).isEqualTo(204)));
        // a follower that reconnects, or asks for a snapshot, is told the same as the stream told it
        for (String path : List.of("/v1/changes?after=0&wait=0", "/v1/changes?after=0", "/v1/snapshot")) {
            Http.Res refused = node.as(key).get(path);
            assertThat(refused.status()).as(path).isEqualTo(401);
            assertThat(refused.get("code").stringValue()).as(path).isEqualTo("key_revoked");
        }
    }

    /**
     * A key of one organization deleted with it is sent the deletion before {@code revoked}: the change whose ops
     * remove the organization is its follower's last, so that a replica removes the organization as the server did
     * instead of answering for its members forever. Nothing committed after the deletion follows it.
     */
    @Test
    void deletingTheOrganizationOfAScopedKey_sendsItsRemoval_thenEndsItsOpenStream() throws Exception {
        Fixtures.Org doomed = fx.org("docs");
        String key = replicaKey(doomed.id());
        long[] deleted = {0};
        List<String> lines = streamEndsAfter(key, other, () -> {
            assertThat(node.service().delete(doomed.path()).status()).isEqualTo(204);
            deleted[0] = node.revision();
        });
        assertEndsWithRevokedEvent(lines);
        List<String> changes = lines.stream().filter(l -> l.startsWith("data: ") && l.contains("\"ops\"")).toList();
        assertThat(changes).as("the stream's changes after the deletion").isNotEmpty();
        JsonNode last = MAPPER.readTree(changes.get(changes.size() - 1).substring("data: ".length()));
        assertThat(last.get("revision").longValue()).as("the deletion's revision").isEqualTo(deleted[0]);
        assertThat(last.get("ops").toString()).contains("\"remove_organization\"", "\"org_id\":" + doomed.id());
        assertThat(lines.indexOf("event: revoked")).as("revoked after the removal")
                .isGreaterThan(lines.indexOf(changes.get(changes.size() - 1)));
    }

    /**
     * A stream whose key was lost says so before it ends, so that a follower stops instead of taking the end for a
     * dropped connection and reconnecting: its last event is {@code revoked}, with the problem's code.
     */
    /**
     * Snapshots left unread hold no database connection: more of them than the node has connections (4 in tests), by a
     * replica key of one large organization, and another organization's write still answers at once. Each snapshot
     * once held its read transaction for as long as its client took to read, and a few unread ones left every
     * tenant's writes waiting for a connection until they failed with 500.
     */
    @Test
    void snapshotsLeftUnread_holdNoConnection_anotherOrganizationWritesAtOnce() throws InterruptedException {
        Fixtures.Org big = fx.org("docs");
        StringBuilder members = new StringBuilder("{\"type\":\"role\",\"name\":\"Reader\",\"permissions\":"
                + "[\"doc.read\",\"records.all\"]}\n");
        for (int i = 0; i < 30_000; i++) {
            String user = String.format("member-%06d-of-a-large-organization", i);
            members.append("{\"type\":\"member\",\"user_id\":\"").append(user).append("\",\"email\":\"")
                    .append(user).append("@example.com\",\"role\":\"Reader\"}\n");
        }
        Http.Res imported = node.service().raw("POST", big.path() + "/import", members.toString(),
                "application/x-ndjson");
        assertThat(imported.status()).as("%s", imported).isEqualTo(200);
        String key = replicaKey(big.id());
        long viewer = fx.role(other, "Viewer", List.of("doc.read", "records.all"));
        List<RawHttp> unread = new ArrayList<>();
        try {
            for (int i = 0; i < 8; i++) {
                unread.add(RawHttp.getUnread(node.node().port(), "/v1/snapshot?org=" + big.id(), key));
            }
            Thread.sleep(2_000); // the snapshots reach their reads and fill the sockets

            long started = System.nanoTime();
            Http.Res written = other.admin().post(other.path() + "/members", Map.of("user_id", "writes-at-once",
                    "email", "writes-at-once@other.test", "role_id", viewer));
            Duration took = Duration.ofNanos(System.nanoTime() - started);

            assertThat(written.status()).as("%s", written).isEqualTo(201);
            assertThat(took).as("another organization's write, beside 8 unread snapshots")
                    .isLessThan(Duration.ofSeconds(3));
        } finally {
            unread.forEach(RawHttp::close);
        }
    }

    static void assertEndsWithRevokedEvent(List<String> lines) {
        List<String> events = lines.stream().filter(l -> !l.isEmpty()).toList();
        assertThat(events).as("the stream's last lines").hasSizeGreaterThanOrEqualTo(2);
        assertThat(events.get(events.size() - 2)).isEqualTo("event: revoked");
        String data = events.get(events.size() - 1);
        assertThat(data).startsWith("data: ");
        JsonNode problem = MAPPER.readTree(data.substring("data: ".length()));
        assertThat(problem.get("code").stringValue()).isEqualTo("key_revoked");
        assertThat(problem.get("detail").stringValue()).isNotBlank();
    }

    /**
     * Opens a change stream with {@code key}, runs {@code loseKey}, then commits a role in {@code org}; asserts that
     * the stream ends within 10 s, having carried nothing committed after the loss, and that the key is refused
     * afterwards. Returns the lines the stream sent after the loss.
     */
    static List<String> streamEndsAfter(String key, Fixtures.Org org, Runnable loseKey) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(node.baseUrl() + "/v1/changes?after="
                + node.appliedRevision() + "&heartbeat=200ms")).header("Authorization", "Bearer " + key).GET().build();
        HttpResponse<InputStream> res = HttpClient.newHttpClient().send(request,
                HttpResponse.BodyHandlers.ofInputStream());
        assertThat(res.statusCode()).isEqualTo(200);
        boolean ended = false;
        List<String> received = new ArrayList<>();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(res.body(), StandardCharsets.UTF_8))) {
            assertThat(in.readLine()).isEqualTo("event: heartbeat");
            loseKey.run();
            long role = fx.role(org, "After the key was lost", List.of("doc.read", "records.all"));
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (!ended && System.nanoTime() < deadline) {
                String line = in.readLine();
                ended = line == null;
                assertThat(String.valueOf(line)).as("nothing committed after the loss reaches the key")
                        .doesNotContain("\"role_id\":" + role);
                if (line != null) {
                    received.add(line);
                }
            }
        }
        assertThat(ended).as("the stream ended").isTrue();
        assertThat(node.as(key).get("/v1/changes?after=0&wait=0").status()).isEqualTo(401);
        return received;
    }

    @Test
    void longPoll_answersTheNextChanges_andOtherOrganizationsStillAdvanceAScopedFollower() {
        Http scoped = node.as(replicaKey(docs.id()));
        long start = node.appliedRevision();
        long role = fx.role(other, "Elsewhere", List.of("doc.read", "records.all"));
        long mine = fx.role(docs, "Mine", List.of("doc.read", "records.all"));
        long head = node.appliedRevision();
        JsonNode all = node.service().get("/v1/changes?after=" + start + "&wait=5s").json();
        assertThat(all.get("revision").longValue()).isEqualTo(head);
        assertThat(all.get("changes").toString()).contains("\"role_id\":" + role).contains("\"role_id\":" + mine);
        JsonNode page = scoped.get("/v1/changes?after=" + start + "&wait=5s").json();
        assertThat(page.get("revision").longValue()).as("advanced past the other organization's role").isEqualTo(head);
        assertThat(page.get("changes").toString()).doesNotContain("\"role_id\":" + role)
                .contains("\"role_id\":" + mine);
        long before = System.nanoTime();
        JsonNode empty = node.service().get("/v1/changes?after=" + head + "&wait=300ms").json();
        assertThat(empty.get("changes").size()).isZero();
        assertThat(empty.get("revision").longValue()).isEqualTo(head);
        assertThat(System.nanoTime() - before).as("waited").isGreaterThanOrEqualTo(250_000_000L);
    }

    @Test
    void badPositions_are400_andOnesBeyondTheLog_are410ResyncRequired() {
        for (String after : List.of("", "-1", "abc", "1.5", "99999999999999999999")) {
            Http.Res res = node.service().get("/v1/changes?after=" + after + "&wait=0");
            assertThat(res.status()).as(after).isEqualTo(400);
            assertThat(res.get("code").stringValue()).isEqualTo("invalid_after");
        }
        assertThat(node.service().get("/v1/changes?wait=0").status()).isEqualTo(400);
        assertThat(node.service().get("/v1/changes?after=0&wait=2h").get("code").stringValue())
                .isEqualTo("invalid_wait");
        assertThat(node.service().get("/v1/changes?after=0&heartbeat=0").get("code").stringValue())
                .isEqualTo("invalid_heartbeat");
        assertThat(node.service().get("/v1/changes?after=0&org=x&wait=0").status()).isEqualTo(400);
        Http.Res beyond = node.service().get("/v1/changes?after=" + (node.appliedRevision() + 1000) + "&wait=0");
        assertThat(beyond.status()).as(beyond.toString()).isEqualTo(410);
        assertThat(beyond.get("code").stringValue()).isEqualTo("resync_required");
    }

    /**
     * Revisions number one history, and every answer of the snapshot and the change stream names it in
     * {@code Gatehouse-Deployment}: the snapshot, a long poll, a stream, a 410. One id per database, created with it:
     * the same on another node over the database and after that node restarts, another over another database.
     */
    @Test
    void snapshotAndChanges_nameTheDeploymentsHistory_oneIdPerDatabase() throws Exception {
        String id = node.service().get("/v1/snapshot").header("Gatehouse-Deployment");
        assertThat(id).matches("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
        assertThat(node.service().get("/v1/changes?after=0&wait=0").header("Gatehouse-Deployment")).isEqualTo(id);
        Http.Res beyond = node.service().get("/v1/changes?after=" + (node.appliedRevision() + 1000) + "&wait=0");
        assertThat(beyond.status()).isEqualTo(410);
        assertThat(beyond.header("Gatehouse-Deployment")).isEqualTo(id);
        HttpResponse<InputStream> stream = openStream("after=" + node.appliedRevision() + "&heartbeat=200ms", null);
        stream.body().close();
        assertThat(stream.statusCode()).isEqualTo(200);
        assertThat(stream.headers().firstValue("Gatehouse-Deployment")).as("a stream").hasValue(id);
        try (TestNode peer = TestNode.startOn(node.databaseUrl())) {
            assertThat(peer.service().get("/v1/changes?after=0&wait=0").header("Gatehouse-Deployment"))
                    .as("another node of the deployment").isEqualTo(id);
            peer.restart();
            assertThat(peer.service().get("/v1/snapshot").header("Gatehouse-Deployment")).as("after a restart")
                    .isEqualTo(id);
        }
        try (TestNode elsewhere = TestNode.start()) {
            assertThat(elsewhere.service().get("/v1/snapshot").header("Gatehouse-Deployment"))
                    .as("another database").isNotNull().isNotEqualTo(id);
        }
    }

    @Test
    void serverSentEvents_pushNewRevisions_asTheyCommit() throws Exception {
        long start = node.appliedRevision();
        HttpRequest request = HttpRequest.newBuilder(URI.create(node.baseUrl() + "/v1/changes?after=" + start
                        + "&heartbeat=200ms")).header("Authorization", "Bearer " + TestNode.SERVICE_KEY).GET().build();
        HttpClient client = HttpClient.newHttpClient();
        HttpResponse<InputStream> res = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(res.headers().firstValue("Content-Type").orElse("")).startsWith("text/event-stream");
        assertThat(res.headers().firstValue("Gatehouse-Revision").map(Long::parseLong)).as("like every success")
                .hasValueSatisfying(revision -> assertThat(revision).isGreaterThanOrEqualTo(start));
        try (BufferedReader in = new BufferedReader(new InputStreamReader(res.body(), StandardCharsets.UTF_8))) {
            assertThat(in.readLine()).isEqualTo("event: heartbeat");
            long role = fx.role(docs, "Pushed", List.of("doc.read", "records.all"));
            String line;
            boolean seen = false;
            while (!seen && (line = in.readLine()) != null) {
                seen = line.startsWith("data: ") && line.contains("\"role_id\":" + role);
            }
            assertThat(seen).isTrue();
        }
    }

    /** Opens the change stream as an {@code EventSource} would, with {@code Last-Event-ID} when not null. */
    static HttpResponse<InputStream> openStream(String query, String lastEventId) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(node.baseUrl() + "/v1/changes?" + query))
                .header("Authorization", "Bearer " + TestNode.SERVICE_KEY).GET();
        if (lastEventId != null) {
            request.header("Last-Event-ID", lastEventId);
        }
        return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
    }

    /** The next event of a stream: its field lines ({@code id}, {@code event}, {@code data}) by name. */
    static Map<String, String> nextEvent(BufferedReader in) throws java.io.IOException {
        Map<String, String> event = new java.util.HashMap<>();
        String line;
        while ((line = in.readLine()) != null && !(line.isEmpty() && !event.isEmpty())) {
            int colon = line.indexOf(": ");
            if (colon > 0) {
                event.put(line.substring(0, colon), line.substring(colon + 2));
            }
        }
        return event;
    }

    /**
     * A follower of one organization that reconnects after the organization was deleted gets what it missed, the
     * removal included, rather than a 404 that leaves it answering for an organization that is gone. Once past the
     * removal, the organization is not found.
     */
    @Test
    void aFollowerOfADeletedOrganization_getsItsRemoval_whenItMissedIt() {
        Fixtures.Org doomed = fx.org("docs");
        long before = node.appliedRevision();
        assertThat(node.service().delete(doomed.path()).status()).isEqualTo(204);
        long deleted = node.revision();
        Http.Res missed = node.service().get("/v1/changes?after=" + before + "&wait=0&org=" + doomed.id());
        assertThat(missed.status()).as("%s", missed).isEqualTo(200);
        assertThat(missed.get("changes").toString()).contains("remove_organization");
        assertThat(missed.get("revision").longValue()).isEqualTo(deleted);
        Http.Res past = node.service().get("/v1/changes?after=" + deleted + "&wait=0&org=" + doomed.id());
        assertThat(past.status()).as("%s", past).isEqualTo(404);
        assertThat(node.service().get("/v1/changes?after=0&wait=0&org=999999").status()).as("never existed")
                .isEqualTo(404);
    }

    @Test
    void serverSentEvents_firstHeartbeat_namesTheStartingPosition_notOnePastChangesStillToCome() throws Exception {
        fx.role(docs, "Before the stream", List.of("doc.read", "records.all"));
        long head = node.appliedRevision();
        assertThat(head).isGreaterThan(2);
        HttpResponse<InputStream> res = openStream("after=1&heartbeat=200ms", null);
        assertThat(res.statusCode()).isEqualTo(200);
        try (BufferedReader in = new BufferedReader(new InputStreamReader(res.body(), StandardCharsets.UTF_8))) {
            Map<String, String> first = nextEvent(in);
            assertThat(first.get("event")).isEqualTo("heartbeat");
            // a follower that takes a heartbeat's revision as its position must not skip the changes that follow it
            assertThat(MAPPER.readTree(first.get("data")).get("revision").longValue()).isEqualTo(1);
            Map<String, String> change = nextEvent(in);
            assertThat(change.get("event")).isEqualTo("change");
            assertThat(Long.parseLong(change.get("id"))).isGreaterThan(1);
        }
    }

    /**
     * A stream opened at the head sends one heartbeat as it opens, then the next change: it sent a second heartbeat
     * of the same position at once (the first page, empty, had its own).
     */
    @Test
    void serverSentEvents_openedAtTheHead_sendOneHeartbeat_thenTheNextChange() throws Exception {
        long head = node.appliedRevision();
        HttpResponse<InputStream> res = openStream("after=" + head + "&heartbeat=20s", null);
        assertThat(res.statusCode()).isEqualTo(200);
        try (BufferedReader in = new BufferedReader(new InputStreamReader(res.body(), StandardCharsets.UTF_8))) {
            Map<String, String> first = nextEvent(in);
            assertThat(first.get("event")).isEqualTo("heartbeat");
            assertThat(MAPPER.readTree(first.get("data")).get("revision").longValue()).isEqualTo(head);
            fx.role(docs, "After the stream opened", List.of("doc.read", "records.all"));
            Map<String, String> next = nextEvent(in);
            assertThat(next.get("event")).as("%s", next).isEqualTo("change");
        }
    }

    @Test
    void serverSentEvents_reconnectingWithLastEventId_resumeAfterIt_repeatingNothing() throws Exception {
        fx.role(docs, "Resumed", List.of("doc.read", "records.all"));
        long head = node.appliedRevision();
        // an EventSource reconnects to the URL it first opened, naming the last change it received in the header
        HttpResponse<InputStream> res = openStream("after=0&heartbeat=200ms", String.valueOf(head - 1));
        assertThat(res.statusCode()).isEqualTo(200);
        try (BufferedReader in = new BufferedReader(new InputStreamReader(res.body(), StandardCharsets.UTF_8))) {
            Map<String, String> first = nextEvent(in);
            assertThat(first.get("event")).isEqualTo("heartbeat");
            assertThat(MAPPER.readTree(first.get("data")).get("revision").longValue()).isEqualTo(head - 1);
            Map<String, String> change = nextEvent(in);
            assertThat(change.get("event")).isEqualTo("change");
            assertThat(Long.parseLong(change.get("id"))).isEqualTo(head);
        }
        Http.Res polled = node.service().header("Last-Event-ID", String.valueOf(head - 1))
                .get("/v1/changes?after=0&wait=0");
        assertThat(polled.get("changes").get(0).get("revision").longValue()).isEqualTo(head);
        Http.Res earlier = node.service().header("Last-Event-ID", "1").get("/v1/changes?after=" + (head - 1) + "&wait=0");
        assertThat(earlier.get("changes").get(0).get("revision").longValue()).as("the later position wins")
                .isEqualTo(head);
        for (String bad : List.of("abc", "-1", "1.5", "99999999999999999999")) {
            Http.Res refused = node.service().header("Last-Event-ID", bad).get("/v1/changes?after=0&wait=0");
            assertThat(refused.status()).as(bad).isEqualTo(400);
            assertThat(refused.get("code").stringValue()).isEqualTo("invalid_last_event_id");
        }
        Http.Res beyond = node.service().header("Last-Event-ID", String.valueOf(head + 1000))
                .get("/v1/changes?after=0&wait=0");
        assertThat(beyond.status()).as(beyond.toString()).isEqualTo(410);
        assertThat(beyond.get("code").stringValue()).isEqualTo("resync_required");
    }

    /**
     * {@code Last-Event-ID} given twice is refused, as {@code If-Match} given twice is: the first one used to win
     * silently, so a proxy's or a client's stale second copy decided where the stream resumed unnoticed.
     */
    @Test
    void lastEventId_givenTwice_isA400() throws Exception {
        fx.role(docs, "Twice", List.of("doc.read", "records.all"));
        long head = node.appliedRevision();
        for (String query : List.of("after=0&wait=0", "after=0&heartbeat=200ms")) {
            HttpRequest request = HttpRequest.newBuilder(URI.create(node.baseUrl() + "/v1/changes?" + query))
                    .header("Authorization", "Bearer " + TestNode.SERVICE_KEY)
                    .header("Last-Event-ID", String.valueOf(head - 1)).header("Last-Event-ID", "1").GET().build();
            HttpResponse<String> res = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
            assertThat(res.statusCode()).as(query + ": " + res.body()).isEqualTo(400);
            JsonNode problem = MAPPER.readTree(res.body());
            assertThat(problem.get("code").stringValue()).isEqualTo("invalid_last_event_id");
            assertThat(problem.get("detail").stringValue()).contains("given 2 times");
        }
        Http.Res once = node.service().header("Last-Event-ID", String.valueOf(head - 1))
                .get("/v1/changes?after=0&wait=0");
        assertThat(once.get("changes").get(0).get("revision").longValue()).isEqualTo(head);
    }
}
