package dev.gatehouse.webhook;

import dev.gatehouse.app.Config;
import dev.gatehouse.testing.Await;
import dev.gatehouse.testing.Fixtures;
import dev.gatehouse.testing.Http;
import dev.gatehouse.testing.NodeProcess;
import dev.gatehouse.testing.TestDatabase;
import dev.gatehouse.testing.TestNode;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Webhooks cannot be pointed inside the network: non-public targets are refused when a subscription is
 * created or moved, and again at every delivery, where the address connected to is the address checked
 * (a name re-pointed at loopback after creation gains nothing); redirects are not followed; and the
 * deliveries log records failures by class, never by socket error text.
 */
class WebhookTargetsIT {

    /** Removed by JUnit after the test (a test leaves nothing in /tmp). */
    @TempDir
    Path temp;

    /** Long enough for a node's first connection on a busy machine; no test here waits for it to pass. */
    static final Duration TIMEOUT = Duration.ofSeconds(4);

    /** Every kind of non-public address, in the notations a URL can carry. */
    static final List<String> INSIDE = List.of(
            "http://127.0.0.1/", "http://127.8.9.10:8080/hook", "http://localhost:9/", "http://0.0.0.0/",
            "http://10.0.0.1/", "http://172.16.5.4/", "http://192.168.1.1/", "http://169.254.169.254/latest/meta-data/",
            "http://100.64.0.1/", "http://224.0.0.1/", "http://255.255.255.255/", "http://192.0.2.1/",
            "http://198.18.0.1/", "https://[::1]/", "http://[::]/", "http://[fc00::1]/",
            "http://[fd00:ec2::254]/latest/meta-data/", "http://[fe80::1]/", "http://[ff02::1]/",
            "http://[::ffff:127.0.0.1]/", "http://[::ffff:169.254.169.254]/", "http://[::ffff:a00:1]/",
            "http://[64:ff9b::a9fe:a9fe]/", "http://[2002:7f00:1::1]/", "http://[::127.0.0.1]/");

    static Config withTimeout(Config c) {
        return c.withWebhooks(c.webhooks().withRetry(Duration.ofHours(1), TIMEOUT));
    }

    static Config reachingLoopback(Config c) {
        return WebhooksIT.reachingLoopback(withTimeout(c));
    }

    static long subscribe(Http service, Fixtures.Org org, String url, String status) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("url", url);
        body.put("object_types", List.of("role"));
        body.put("status", status);
        Http.Res res = service.post(org.path() + "/webhooks", body);
        assertThat(res.status()).as(res.toString()).isEqualTo(201);
        return res.json().get("id").longValue();
    }

    static List<JsonNode> deliveries(Http service, Fixtures.Org org, long webhook) {
        List<JsonNode> out = new ArrayList<>();
        service.get(org.path() + "/webhooks/" + webhook + "/deliveries?limit=1000").json().get("items").forEach(out::add);
        return out;
    }

    static void role(Http service, Fixtures.Org org, String name) {
        Http.Res res = service.post(org.path() + "/roles", Map.of("name", name, "permissions", List.of("view_all_leads")));
        assertThat(res.status()).as(res.toString()).isEqualTo(201);
    }

    @Test
    void nonPublicTargets_areRefusedOnCreateAndUpdate_with400NamingTheUrl_andChangeNothing() {
        try (TestNode node = TestNode.start(WebhookTargetsIT::withTimeout)) {
            var org = new Fixtures(node).org("close");
            long id = subscribe(node.service(), org, "https://hooks.invalid/gatehouse", "paused");
            long before = node.revision();
            for (String url : INSIDE) {
                Http.Res created = org.admin().post(org.path() + "/webhooks", Map.of("url", url));
                assertThat(created.status()).as("%s: %s", url, created).isEqualTo(400);
                assertThat(created.get("errors").get("url").stringValue()).as(url)
                        .contains("must not point inside the network", "--webhook-allowed-networks");
                Http.Res moved = node.service().patch(org.path() + "/webhooks/" + id, Map.of("url", url));
                assertThat(moved.status()).as("%s: %s", url, moved).isEqualTo(400);
                assertThat(moved.get("errors").has("url")).as(url).isTrue();
            }
            assertThat(org.admin().post(org.path() + "/webhooks", Map.of("url", "http://169.254.169.254/")).get("errors")
                    .get("url").stringValue()).contains("169.254.169.254 is a link-local address");
            assertThat(org.admin().post(org.path() + "/webhooks", Map.of("url", "http://localhost/")).get("errors")
                    .get("url").stringValue()).as("for a name, the answer does not say which address it found")
                    .contains("localhost resolves to a non-public address").doesNotContain("127.0.0.1");
            assertThat(node.revision()).as("nothing was written").isEqualTo(before);
            assertThat(node.service().get(org.path() + "/webhooks").json().get("items")).hasSize(1);
            assertThat(node.service().get(org.path() + "/webhooks/" + id).json().get("url").stringValue())
                    .isEqualTo("https://hooks.invalid/gatehouse");
        }
    }

    /**
     * An IPv4 address is taken only as four decimal numbers: browsers and curl read {@code 0177.0.0.1} (octal),
     * {@code 0x7f000001} and {@code 2130706433} as 127.0.0.1, Java the first as the public 177.0.0.1 (which a
     * subscription once reached) and the others as names. A port too long for a number is named as the port.
     */
    @Test
    void ipv4AddressesInOtherNotations_andOverlongPorts_areRefusedAsWritten() {
        try (TestNode node = TestNode.start(WebhookTargetsIT::withTimeout)) {
            var org = new Fixtures(node).org("close");
            long before = node.revision();
            for (String url : List.of("http://0177.0.0.1:18495/n", "http://0x7f000001/", "http://017700000001/",
                    "http://2130706433/", "http://127.1/", "http://1.2.3.04/", "http://1.2.3.256/",
                    "http://0x7f.0.0.1/", "http://example.0x10/", "http://10.0.0.1./")) {
                Http.Res created = org.admin().post(org.path() + "/webhooks", Map.of("url", url));
                assertThat(created.status()).as("%s: %s", url, created).isEqualTo(400);
                assertThat(created.get("errors").get("url").stringValue()).as(url)
                        .contains("must write an IPv4 address as four decimal numbers");
            }
            Http.Res port = org.admin().post(org.path() + "/webhooks",
                    Map.of("url", "http://example.com:99999999999999999999/"));
            assertThat(port.status()).isEqualTo(400);
            assertThat(port.get("errors").get("url").stringValue()).contains("port between 1 and 65535");
            assertThat(node.revision()).as("nothing was written").isEqualTo(before);
            Http.Res canonical = org.admin().post(org.path() + "/webhooks", Map.of("url", "http://93.184.215.14/hook",
                    "status", "paused"));
            assertThat(canonical.status()).as("%s", canonical).isEqualTo(201);
            assertThat(org.admin().post(org.path() + "/webhooks", Map.of("url", "http://hooks.example/1.2",
                    "status", "paused")).status()).as("a number in the path is no host").isEqualTo(201);
        }
    }

    /** IPv6 literals with a zone id, percent-encoded as URLs carry it; the JDK cannot parse most of these zones. */
    static final List<String> ZONED = List.of("http://[::1%25lo]/", "http://[fe80::1%25eth0]/",
            "http://[::ffff:127.0.0.1%25lo]:24101/healthz", "http://[::1%251]/", "https://[2606:4700:4700::1111%25eth0]/");
    static final List<String> PORTS_OUT_OF_RANGE = List.of("https://example.com:99999/", "https://example.com:0/",
            "http://93.184.215.14:65536/hook");

    @Test
    void zoneIdsAndPortsOutOfRange_areRefusedOnCreateAndUpdate_evenWhereLoopbackIsAllowed() {
        try (TestNode node = TestNode.start(WebhookTargetsIT::reachingLoopback)) {
            var org = new Fixtures(node).org("close");
            long id = subscribe(node.service(), org, "https://hooks.invalid:65535/gatehouse", "paused");
            long before = node.revision();
            for (String url : ZONED) {
                for (Http.Res res : List.of(node.service().post(org.path() + "/webhooks", Map.of("url", url,
                        "status", "paused")), node.service().patch(org.path() + "/webhooks/" + id, Map.of("url", url)))) {
                    assertThat(res.status()).as("%s: %s", url, res).isEqualTo(400);
                    assertThat(res.get("errors").get("url").stringValue()).as(url)
                            .contains("zone id", "only makes sense for a link-local address");
                }
            }
            for (String url : PORTS_OUT_OF_RANGE) {
                for (Http.Res res : List.of(node.service().post(org.path() + "/webhooks", Map.of("url", url,
                        "status", "paused")), node.service().patch(org.path() + "/webhooks/" + id, Map.of("url", url)))) {
                    assertThat(res.status()).as("%s: %s", url, res).isEqualTo(400);
                    assertThat(res.get("errors").get("url").stringValue()).as(url).contains("between 1 and 65535");
                }
            }
            assertThat(node.revision()).as("nothing was written").isEqualTo(before);
            assertThat(node.service().get(org.path() + "/webhooks/" + id).json().get("url").stringValue())
                    .isEqualTo("https://hooks.invalid:65535/gatehouse");
        }
    }

    /** Such URLs stored before they were refused: every delivery fails without a request, by the same rules. */
    @Test
    void storedZoneIdsAndPortsOutOfRange_failAtDelivery_withoutARequest() {
        try (TestNode node = TestNode.start(WebhookTargetsIT::withTimeout)) {
            var org = new Fixtures(node).org("close");
            Map<String, String> expected = new LinkedHashMap<>();
            ZONED.forEach(url -> expected.put(url, "refused_address"));
            PORTS_OUT_OF_RANGE.forEach(url -> expected.put(url, "invalid_url"));
            Map<Long, String> byId = new LinkedHashMap<>();
            for (Map.Entry<String, String> e : expected.entrySet()) {
                long id = subscribe(node.service(), org, "https://hooks.invalid/stored", "paused");
                TestDatabase.jdbi(node.databaseUrl()).useHandle(h -> h.createUpdate("UPDATE webhooks SET url = :url "
                        + "WHERE id = :id").bind("url", e.getKey()).bind("id", id).execute());
                assertThat(node.service().patch(org.path() + "/webhooks/" + id, Map.of("status", "active")).status())
                        .isEqualTo(200);
                byId.put(id, e.getValue());
            }
            role(node.service(), org, "Stored");
            for (Map.Entry<Long, String> e : byId.entrySet()) {
                Await.until(Duration.ofSeconds(20), "an attempt for webhook " + e.getKey(),
                        () -> !deliveries(node.service(), org, e.getKey()).isEmpty());
                JsonNode attempt = deliveries(node.service(), org, e.getKey()).get(0);
                assertThat(attempt.get("error").stringValue()).as(node.service().get(org.path() + "/webhooks/"
                        + e.getKey()).json().get("url").stringValue()).isEqualTo(e.getValue());
                assertThat(attempt.get("status_code").isNull()).isTrue();
            }
        }
    }

    @Test
    void allowedNetworks_reallowTheirRangesOnly() {
        try (TestNode node = TestNode.start(WebhookTargetsIT::reachingLoopback)) {
            var org = new Fixtures(node).org("close");
            subscribe(node.service(), org, "http://127.0.0.1:9/hook", "paused");
            subscribe(node.service(), org, "http://[::ffff:127.0.0.1]:9/hook", "paused");
            for (String url : List.of("http://10.0.0.1/", "http://169.254.169.254/", "http://[::1]/")) {
                assertThat(node.service().post(org.path() + "/webhooks", Map.of("url", url)).status()).as(url)
                        .isEqualTo(400);
            }
        }
    }

    @Test
    void aTargetAcceptedEarlier_isRefusedAtDelivery_onceItsAddressIsNoLongerAllowed() {
        String database = TestDatabase.freshDatabaseUrl();
        try (Receiver receiver = new Receiver(Receiver.ok())) {
            Fixtures.Org org;
            long id;
            try (TestNode allowing = TestNode.startOn(database, WebhookTargetsIT::reachingLoopback)) {
                org = new Fixtures(allowing).org("close");
                id = subscribe(allowing.service(), org, receiver.url(), "paused");
            }
            try (TestNode strict = TestNode.startOn(database, WebhookTargetsIT::withTimeout)) {
                assertThat(strict.service().patch(org.path() + "/webhooks/" + id, Map.of("status", "active")).status())
                        .isEqualTo(200);
                role(strict.service(), org, "Probe");
                Await.until(Duration.ofSeconds(15), "a delivery attempt is recorded",
                        () -> !deliveries(strict.service(), org, id).isEmpty());
                JsonNode attempt = deliveries(strict.service(), org, id).get(0);
                assertThat(attempt.get("error").stringValue()).isEqualTo("refused_address");
                assertThat(attempt.get("status_code").isNull()).isTrue();
                assertThat(receiver.requests()).as("nothing reached the receiver").isEmpty();
            }
        }
    }

    /**
     * DNS rebinding: the name resolves to a public address when the subscription is created and to loopback
     * when an event is delivered. The node runs in its own process with a hosts file the test rewrites
     * ({@code jdk.net.hosts.file}, no caching), so the name service it uses is the JDK's own.
     */
    @Test
    void aNameRepointedAtLoopbackAfterCreation_isRefusedAtDelivery() throws Exception {
        Path dir = Files.createTempDirectory(temp, "gatehouse-rebind");
        Path hosts = dir.resolve("hosts");
        Files.writeString(hosts, "127.0.0.1 localhost\n93.184.215.14 hooks.rebind.test\n");
        List<String> jvm = List.of("-Djdk.net.hosts.file=" + hosts, "-Dsun.net.inetaddr.ttl=0",
                "-Dsun.net.inetaddr.negative.ttl=0");
        try (Receiver receiver = new Receiver(Receiver.ok());
             NodeProcess node = NodeProcess.start(TestDatabase.freshDatabaseUrl(), dir.resolve("data"), jvm,
                     List.of("--webhook-timeout", "4s"))) {
            Http service = node.service();
            Http.Res org = service.post("/v1/orgs", Map.of("name", "Rebind", "model", "close", "admin",
                    Map.of("user_id", "admin", "email", "admin@example.com")));
            assertThat(org.status()).as(org.toString()).isEqualTo(201);
            String path = "/v1/orgs/" + org.json().get("id").longValue();
            // Accepted: the name resolves to a public address. Paused, so that nothing is sent there.
            Http.Res created = service.post(path + "/webhooks", Map.of("url", "http://hooks.rebind.test:"
                    + receiver.port() + "/hook", "status", "paused"));
            assertThat(created.status()).as(created.toString()).isEqualTo(201);
            long id = created.json().get("id").longValue();

            Files.writeString(hosts, "127.0.0.1 localhost\n127.0.0.1 hooks.rebind.test\n");
            assertThat(service.patch(path + "/webhooks/" + id, Map.of("status", "active")).status()).isEqualTo(200);
            assertThat(service.post(path + "/roles", Map.of("name", "Probe", "permissions", List.of("view_all_leads")))
                    .status()).isEqualTo(201);
            Await.until(Duration.ofSeconds(20), "a delivery attempt is recorded", () -> service
                    .get(path + "/webhooks/" + id + "/deliveries").json().get("items").size() > 0);
            JsonNode attempt = service.get(path + "/webhooks/" + id + "/deliveries").json().get("items").get(0);
            assertThat(attempt.get("error").stringValue()).isEqualTo("refused_address");
            assertThat(receiver.requests()).as("nothing reached loopback").isEmpty();
            assertThat(service.post(path + "/webhooks", Map.of("url", "http://hooks.rebind.test/")).status())
                    .as("and a new subscription to the name is refused outright").isEqualTo(400);
        }
    }

    @Test
    void redirects_areNotFollowed() {
        try (TestNode node = TestNode.start(WebhookTargetsIT::reachingLoopback);
             Receiver elsewhere = new Receiver(Receiver.ok());
             Receiver redirecting = new Receiver(Receiver.failing(302))) {
            redirecting.answerWith("Location", elsewhere.url());
            var org = new Fixtures(node).org("close");
            long id = subscribe(node.service(), org, redirecting.url(), "active");
            role(node.service(), org, "Redirected");
            Await.until(Duration.ofSeconds(10), "an attempt", () -> !deliveries(node.service(), org, id).isEmpty());
            JsonNode attempt = deliveries(node.service(), org, id).get(0);
            assertThat(attempt.get("error").stringValue()).isEqualTo("http_status 302");
            assertThat(attempt.get("status_code").intValue()).isEqualTo(302);
            assertThat(redirecting.requests()).isNotEmpty();
            assertThat(elsewhere.requests()).as("the redirect was not followed").isEmpty();
        }
    }

    /**
     * Nothing implicit in what comes back either: no encoding is asked for and an answer's body is never inflated,
     * so a 2xx acknowledges whatever its body (a body claiming gzip that is not, or a gzip bomb, costs nothing).
     */
    @Test
    void answers_areNeitherAskedCompressedNorInflated() {
        try (TestNode node = TestNode.start(WebhookTargetsIT::reachingLoopback);
             Receiver receiver = new Receiver(Receiver.ok())) {
            receiver.answerWith("Content-Encoding", "gzip");
            receiver.answerBody("notgzip".getBytes(java.nio.charset.StandardCharsets.UTF_8));
            var org = new Fixtures(node).org("close");
            long id = subscribe(node.service(), org, receiver.url(), "active");
            role(node.service(), org, "Compressed");
            Await.until(Duration.ofSeconds(10), "an attempt", () -> !deliveries(node.service(), org, id).isEmpty());
            JsonNode attempt = deliveries(node.service(), org, id).get(0);
            assertThat(attempt.get("outcome").stringValue()).as("%s", attempt).isEqualTo("succeeded");
            assertThat(receiver.requests().get(0).header("Accept-Encoding")).isNull();
        }
    }

    /**
     * A loopback TCP endpoint that, for every connection, waits for the client's first bytes (a request, or a TLS
     * client's hello), sends {@code answer} (may be empty) and hangs up. It hangs
     * up by ending its output and reading what the client sends until the client closes: closing a socket with
     * unread input resets the connection, and a reset can overtake the answer, turning a TLS client's
     * "not TLS" into "connection reset" on a slow machine.
     */
    static final class RawEndpoint implements AutoCloseable {
        private final ServerSocket socket;

        RawEndpoint(String answer) throws IOException {
            this(answer, true);
        }

        /** With {@code hangsUp} false, the endpoint sends {@code answer} and then nothing, until the client closes. */
        RawEndpoint(String answer, boolean hangsUp) throws IOException {
            socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            Thread t = new Thread(() -> {
                while (!socket.isClosed()) {
                    try (Socket s = socket.accept()) {
                        s.setSoTimeout(10_000);
                        // an answer sent before the client's first bytes raced a TLS client's handshake, which
                        // could then see the connection end rather than the bytes that are not TLS
                        s.getInputStream().read(new byte[16 << 10]);
                        s.getOutputStream().write(answer.getBytes(StandardCharsets.US_ASCII));
                        s.getOutputStream().flush();
                        if (hangsUp) {
                            s.shutdownOutput();
                        }
                        s.getInputStream().transferTo(OutputStream.nullOutputStream());
                    } catch (IOException e) {
                        if (socket.isClosed()) {
                            return;
                        }
                    }
                }
            }, "test-raw-endpoint");
            t.setDaemon(true);
            t.start();
        }

        int port() {
            return socket.getLocalPort();
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    @Test
    void failures_areRecordedByClass_neverBySocketErrorText() throws Exception {
        try (TestNode node = TestNode.start(WebhookTargetsIT::reachingLoopback);
             Receiver hanging = new Receiver(Receiver.hanging());
             Receiver unavailable = new Receiver(Receiver.failing(503));
             // it keeps the connection open: a TLS client reading its answer then its end of stream at once may
             // take the end first (bad_response), not the answer that is no TLS
             RawEndpoint plainHttp = new RawEndpoint("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", false);
             RawEndpoint hangingUp = new RawEndpoint("")) {
            int closedPort;
            try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                closedPort = s.getLocalPort();
            }
            var org = new Fixtures(node).org("close");
            Map<String, String> expected = new LinkedHashMap<>();
            expected.put("http://127.0.0.1:" + closedPort + "/hook", "connect_failed");
            expected.put(hanging.url(), "timeout");
            expected.put(unavailable.url(), "http_status 503");
            expected.put("https://127.0.0.1:" + plainHttp.port() + "/hook", "tls_error");
            expected.put("http://127.0.0.1:" + hangingUp.port() + "/hook", "bad_response");
            expected.put("https://nowhere.invalid/hook", "dns_failed");
            Map<Long, String> byId = new LinkedHashMap<>();
            for (Map.Entry<String, String> e : expected.entrySet()) {
                byId.put(subscribe(node.service(), org, e.getKey(), "active"), e.getValue());
            }
            role(node.service(), org, "Failing");
            for (Map.Entry<Long, String> e : byId.entrySet()) {
                Await.until(Duration.ofSeconds(20), "an attempt at " + e.getValue(),
                        () -> !deliveries(node.service(), org, e.getKey()).isEmpty());
                JsonNode attempt = deliveries(node.service(), org, e.getKey()).get(0);
                assertThat(attempt.get("outcome").stringValue()).isEqualTo("failed");
                assertThat(attempt.get("error").stringValue()).as("webhook %s", e.getKey()).isEqualTo(e.getValue());
                assertThat(node.service().get(org.path() + "/webhooks/" + e.getKey()).json().get("delivery")
                        .get("last_error").stringValue()).isEqualTo(e.getValue());
            }
        }
    }

    /**
     * An attempt ends within {@code --webhook-timeout} whatever the receiver sends: an interim status the client does
     * not know ({@code 199}), then silence, once held the attempt — and one of the organization's delivery slots —
     * for the timeout plus 5 s.
     */
    @Test
    void anUnknownInterimStatusThenSilence_isATimeout_withinTheTimeout() throws Exception {
        Duration timeout = Duration.ofSeconds(2);
        try (TestNode node = TestNode.start(c -> WebhooksIT.reachingLoopback(
                c.withWebhooks(c.webhooks().withRetry(Duration.ofHours(1), timeout))));
             RawEndpoint interim = new RawEndpoint("HTTP/1.1 199 Odd\r\n\r\n", false)) {
            var org = new Fixtures(node).org("close");
            long id = subscribe(node.service(), org, "http://127.0.0.1:" + interim.port() + "/hook", "active");
            role(node.service(), org, "Interim");
            Await.until(Duration.ofSeconds(20), "an attempt", () -> !deliveries(node.service(), org, id).isEmpty());
            JsonNode attempt = deliveries(node.service(), org, id).get(0);
            assertThat(attempt.get("error").stringValue()).as("%s", attempt).isEqualTo("timeout");
            assertThat(attempt.get("duration_ms").longValue()).as("%s", attempt)
                    .isLessThan(timeout.toMillis() + 1500);
        }
    }
}
