package dev.gatehouse.http.edge;

import dev.gatehouse.http.HttpSettings;
import dev.gatehouse.http.tls.TlsSettings;
import dev.gatehouse.json.Json;
import dev.gatehouse.testing.Await;
import dev.gatehouse.testing.Fixtures;
import dev.gatehouse.testing.RawHttp;
import dev.gatehouse.testing.TestNode;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Slow and greedy clients against the real server on loopback: hundreds of connections trickling request
 * bodies or heads must not delay anyone else's request, trickled heads and bodies are cut off at their
 * deadlines, and one address cannot hold more than its share of connections. The slow clients connect from
 * 127.0.0.2 and up, each address holding fewer connections than the per-address limit, so that what protects
 * the ordinary request is the edge's reading, not the limit.
 */
class SlowClientsIT {

    private static final int SLOW_CLIENTS = 300;
    private static final int ADDRESSES = 10;
    /** The ordinary request's own time limit: the "no more than a second" bound. */
    private static final Duration ORDINARY = Duration.ofSeconds(1);
    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(ORDINARY).build();
    /** A 1 s head deadline and a 30 s idle timeout: what outlives the first was let live by something else. */
    private static final HttpSettings HEAD_SECOND = HttpSettings.DEFAULTS.withTimeouts(Duration.ofSeconds(1),
            Duration.ofSeconds(30), Duration.ofSeconds(30));

    @Test
    void trickledBodies_doNotDelayAnOrdinaryRequest() throws Exception {
        // default deadlines (10 s head, 30 s body): the test is over long before any of them
        try (TestNode node = TestNode.start(c -> c.withHttp(HttpSettings.DEFAULTS.withMaxConnectionsPerAddress(64)))) {
            Fixtures.Populated world = new Fixtures(node).populated();
            String key = weakestKey(node, world);
            String check = world.org().path() + "/check";
            String head = "POST " + check + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + key
                    + "\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{";
            assertOrdinaryRequestsUnaffected(node, world, head);
        }
    }

    @Test
    void trickledHeads_doNotDelayAnOrdinaryRequest_andAreCutOffAtTheHeadDeadline() throws Exception {
        HttpSettings tight = HttpSettings.DEFAULTS.withTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(30),
                Duration.ofSeconds(30)).withMaxConnectionsPerAddress(64);
        try (TestNode node = TestNode.start(c -> c.withHttp(tight))) {
            Fixtures.Populated world = new Fixtures(node).populated();
            assertOrdinaryRequestsUnaffected(node, world, "GET /v1/orgs HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ");

            try (RawHttp loris = RawHttp.connect(node.node().port(), "127.0.0.2")) {
                loris.send("GET /v1/orgs HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ");
                long started = System.nanoTime();
                boolean closed = false;
                // one byte every 200 ms: never idle, never complete
                while (!closed && System.nanoTime() - started < TimeUnit.SECONDS.toNanos(6)) {
                    closed = !loris.trySend("a") || loris.closedWithin(Duration.ofMillis(200));
                }
                assertThat(closed).as("a head trickled past its 2 s deadline is cut off").isTrue();
                assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofMillis(1500));
            }
        }
    }

    /**
     * Blank lines before a request line are skipped by the parser, which stays at the start of a request: each one
     * restarted the head's deadline, so a line every few seconds held the connection for good.
     */
    @Test
    void blankLinesTrickledBeforeARequestLine_areCutOffAtTheHeadDeadline() {
        try (TestNode node = TestNode.start(c -> c.withHttp(HEAD_SECOND))) {
            for (String blank : List.of("\r\n", "\n")) {
                try (RawHttp loris = RawHttp.connect(node.node().port())) {
                    assertCutOffAtTheHeadDeadline(loris, blank);
                }
            }
        }
    }

    /**
     * The bytes of a TLS handshake carry no request byte, yet they begin the head: a ClientHello trickled a byte at a
     * time held the connection for good, each byte restarting the deadline.
     */
    @Test
    void aTlsHandshakeTrickled_isCutOffAtTheHeadDeadline() throws Exception {
        try (TestNode node = TestNode.start(c -> c.withHttp(HEAD_SECOND).withTls(TlsSettings.on(0)))) {
            SSLEngine engine = SSLContext.getDefault().createSSLEngine("127.0.0.1", node.node().tlsPort());
            engine.setUseClientMode(true);
            ByteBuffer hello = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
            engine.wrap(ByteBuffer.allocate(0), hello);
            hello.flip();
            try (RawHttp loris = RawHttp.connect(node.node().tlsPort())) {
                long started = System.nanoTime();
                boolean closed = false;
                while (!closed && hello.hasRemaining() && System.nanoTime() - started < TimeUnit.SECONDS.toNanos(5)) {
                    loris.send(new byte[] {hello.get()});
                    closed = loris.closedWithin(Duration.ofMillis(300));
                }
                assertThat(hello.hasRemaining()).as("the ClientHello outlasts the test").isTrue();
                assertThat(closed).as("a handshake trickled past the 1 s head deadline is cut off").isTrue();
                assertThat(Duration.ofNanos(System.nanoTime() - started)).isBetween(Duration.ofMillis(800),
                        Duration.ofMillis(2500));
            }
        }
    }

    /**
     * Waiting for the next request on a kept-alive connection is idle time: the head's deadline starts with the next
     * head's first byte. It started when the previous answer went out, closing kept-alive connections at the head
     * deadline instead of the idle timeout.
     */
    @Test
    void aKeptAliveConnection_waitsForItsNextRequestUntilTheIdleTimeout() throws Exception {
        HttpSettings settings = HttpSettings.DEFAULTS.withTimeouts(Duration.ofSeconds(1), Duration.ofSeconds(30),
                Duration.ofSeconds(4));
        try (TestNode node = TestNode.start(c -> c.withHttp(settings))) {
            try (RawHttp client = RawHttp.connect(node.node().port())) {
                for (int i = 0; i < 2; i++) {
                    client.send("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
                    assertThat(client.read(Duration.ofSeconds(2)).status()).isEqualTo(200);
                    assertThat(client.closedWithin(Duration.ofMillis(2500)))
                            .as("kept alive past the 1 s head deadline, within the 4 s idle timeout").isFalse();
                }
                assertCutOffAtTheHeadDeadline(client, "G");
            }
            try (RawHttp idle = RawHttp.connect(node.node().port())) {
                assertThat(idle.closedWithin(Duration.ofMillis(2500))).as("no byte yet: idle, not a head").isFalse();
                assertThat(idle.closedWithin(Duration.ofSeconds(3))).as("closed at the idle timeout").isTrue();
            }
        }
    }

    @Test
    void aBodyNotReceivedInTime_isAnswered408_andTheConnectionClosed() {
        HttpSettings tight = HttpSettings.DEFAULTS.withTimeouts(Duration.ofSeconds(10), Duration.ofSeconds(1),
                Duration.ofSeconds(30));
        try (TestNode node = TestNode.start(c -> c.withHttp(tight))) {
            Fixtures.Org org = new Fixtures(node).org("close");
            try (RawHttp slow = RawHttp.connect(node.node().port())) {
                slow.send("POST " + org.path() + "/roles HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer "
                        + TestNode.SERVICE_KEY + "\r\nContent-Type: application/json\r\nContent-Length: 50\r\n\r\n{\"na");
                RawHttp.Response res = slow.read(Duration.ofSeconds(5));
                assertThat(res.status()).isEqualTo(408);
                assertThat(res.header("Content-Type")).startsWith("application/problem+json");
                JsonNode problem = Json.readTree(res.body());
                assertThat(problem.get("code").stringValue()).isEqualTo("request_timeout");
                assertThat(problem.get("status").intValue()).isEqualTo(408);
                assertThat(slow.closedWithin(Duration.ofSeconds(2))).isTrue();
            }
            assertThat(node.service().get(org.path() + "/roles").json().get("items")).hasSize(4);
        }
    }

    /** The connection's idle timeout running out first is a body not received in time too: it was a 500. */
    @Test
    void aBodyStalledPastTheIdleTimeout_isAnswered408_notAsAnErrorOfTheServer() {
        HttpSettings tight = HttpSettings.DEFAULTS.withTimeouts(Duration.ofSeconds(10), Duration.ofSeconds(30),
                Duration.ofSeconds(1));
        try (TestNode node = TestNode.start(c -> c.withHttp(tight))) {
            Fixtures.Org org = new Fixtures(node).org("close");
            for (String framing : List.of("Content-Length: 50\r\n\r\n{\"na", "Transfer-Encoding: chunked\r\n\r\n4\r\n{\"na\r\n")) {
                try (RawHttp slow = RawHttp.connect(node.node().port())) {
                    slow.send("POST " + org.path() + "/roles HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer "
                            + TestNode.SERVICE_KEY + "\r\nContent-Type: application/json\r\n" + framing);
                    RawHttp.Response res = slow.read(Duration.ofSeconds(5));
                    assertThat(res.status()).as(framing + ": " + res.body()).isEqualTo(408);
                    assertThat(Json.readTree(res.body()).get("code").stringValue()).isEqualTo("request_timeout");
                }
            }
            assertThat(node.service().get(org.path() + "/roles").json().get("items")).hasSize(4);
        }
    }

    @Test
    void aSmallImportsBodyNotReceivedInTime_isAnswered408_likeAnyOtherBody() {
        // an import declared within the body limit is read by the edge, not on a request thread as it trickles in
        HttpSettings tight = HttpSettings.DEFAULTS.withTimeouts(Duration.ofSeconds(10), Duration.ofSeconds(1),
                Duration.ofSeconds(30));
        try (TestNode node = TestNode.start(c -> c.withHttp(tight))) {
            Fixtures.Org org = new Fixtures(node).org("close");
            try (RawHttp slow = RawHttp.connect(node.node().port())) {
                slow.send("POST " + org.path() + "/import HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer "
                        + TestNode.SERVICE_KEY + "\r\nContent-Type: application/x-ndjson\r\nContent-Length: 80\r\n\r\n"
                        + "{\"type\":");
                RawHttp.Response res = slow.read(Duration.ofSeconds(5));
                assertThat(res.status()).isEqualTo(408);
                assertThat(Json.readTree(res.body()).get("code").stringValue()).isEqualTo("request_timeout");
            }
        }
    }

    @Test
    void oneAddress_holdsAtMostItsShareOfConnections() {
        try (TestNode node = TestNode.start(c -> c.withHttp(HttpSettings.DEFAULTS.withMaxConnectionsPerAddress(5)))) {
            int port = node.node().port();
            List<RawHttp> held = new ArrayList<>();
            try {
                for (int i = 0; i < 5; i++) {
                    held.add(RawHttp.connect(port, "127.0.0.7"));
                }
                for (RawHttp connection : held) {
                    assertThat(connection.closedWithin(Duration.ofMillis(100))).isFalse();
                }
                try (RawHttp sixth = RawHttp.connect(port, "127.0.0.7")) {
                    assertThat(sixth.closedWithin(Duration.ofSeconds(2))).as("the sixth connection of one address")
                            .isTrue();
                }
                try (RawHttp other = RawHttp.connect(port, "127.0.0.8")) {
                    other.send("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
                    assertThat(other.read(Duration.ofSeconds(2)).status()).isEqualTo(200);
                }
                held.remove(0).close();
                // the server learns of the close asynchronously: retry briefly until the slot is free
                Await.until(Duration.ofSeconds(5), "a freed slot is usable again", () -> {
                    try (RawHttp again = RawHttp.connect(port, "127.0.0.7")) {
                        return again.send("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
                                .read(Duration.ofSeconds(2)).status() == 200;
                    } catch (UncheckedIOException e) {
                        return false;
                    }
                });
            } finally {
                held.forEach(RawHttp::close);
            }
        }
    }

    /**
     * Opens {@link #SLOW_CLIENTS} connections that send {@code head} and then one more byte every 100 ms, and
     * checks that ordinary checks meanwhile answer within {@link #ORDINARY}.
     */
    private static void assertOrdinaryRequestsUnaffected(TestNode node, Fixtures.Populated world, String head)
            throws Exception {
        int port = node.node().port();
        List<RawHttp> slow = new ArrayList<>();
        ScheduledExecutorService trickle = Executors.newSingleThreadScheduledExecutor();
        try {
            for (int i = 0; i < SLOW_CLIENTS; i++) {
                slow.add(RawHttp.connect(port, "127.0.0." + (2 + i % ADDRESSES)).send(head));
            }
            trickle.scheduleWithFixedDelay(() -> slow.forEach(c -> c.trySend(" ")), 100, 100, TimeUnit.MILLISECONDS);
            Thread.sleep(500);
            HttpRequest ordinary = HttpRequest.newBuilder(URI.create(node.baseUrl() + world.org().path() + "/check"))
                    .timeout(ORDINARY).header("Authorization", "Bearer " + TestNode.SERVICE_KEY)
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(Json.writeString(Map.of("member_id", world.member(),
                            "permission", "canViewRoomDetails", "resource", Map.of("type", "room", "id",
                                    world.params().get("id"))))))
                    .build();
            for (int i = 0; i < 3; i++) {
                HttpResponse<String> res = CLIENT.send(ordinary, HttpResponse.BodyHandlers.ofString());
                assertThat(res.statusCode()).as(res.body()).isEqualTo(200);
                assertThat(Json.readTree(res.body()).get("allowed").booleanValue()).as(res.body()).isTrue();
            }
        } finally {
            trickle.shutdownNow();
            trickle.awaitTermination(5, TimeUnit.SECONDS);
            slow.forEach(RawHttp::close);
        }
    }

    /**
     * Sends {@code bytes} every 300 ms (never idle, never a complete head) and checks that the connection is closed at
     * {@link #HEAD_SECOND}'s 1 s head deadline, counted from the first.
     */
    private static void assertCutOffAtTheHeadDeadline(RawHttp loris, String bytes) {
        long started = System.nanoTime();
        boolean closed = false;
        while (!closed && System.nanoTime() - started < TimeUnit.SECONDS.toNanos(5)) {
            closed = !loris.trySend(bytes) || loris.closedWithin(Duration.ofMillis(300));
        }
        assertThat(closed).as("%s trickled past the 1 s head deadline is cut off", bytes.strip()).isTrue();
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isBetween(Duration.ofMillis(800),
                Duration.ofMillis(2500));
    }

    /** A key of a member whose role grants nothing but viewing rooms: the weakest a tenant hands out. */
    private static String weakestKey(TestNode node, Fixtures.Populated world) {
        Fixtures fixtures = new Fixtures(node);
        long role = fixtures.role(world.org(), "Viewer", List.of("canViewRoomDetails"));
        long member = fixtures.member(world.org(), "viewer", role);
        return node.service().post(world.org().path() + "/members/" + member + "/keys", Map.of("name", "weak"))
                .json().get("key").stringValue();
    }
}
