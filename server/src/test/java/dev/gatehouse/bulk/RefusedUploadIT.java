package dev.gatehouse.bulk;

import dev.gatehouse.testing.Fixtures;
import dev.gatehouse.testing.RawHttp;
import dev.gatehouse.testing.TestNode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An import refused before a line is read — a bad key, a member key on the deployment's import, an organization not
 * the key's, an unknown query parameter — is answered once the client has sent its body, as a client that writes
 * its whole request before reading the answer (the JDK's, curl) needs: answered while the body is on its way and
 * the connection closed, the client meets a reset and loses the answer.
 */
class RefusedUploadIT {

    /** How many refused bodies a node drains at once (UnreadBody.MAX_DRAINS, in the package http). */
    static final int DRAINS_AT_ONCE = 16;

    /** Larger than the connection's buffers together, smaller than what the server reads to its end. */
    static final int BODY_BYTES = 24 << 20;

    static TestNode node;
    static Fixtures fx;

    @BeforeAll
    static void start() {
        node = TestNode.start();
        fx = new Fixtures(node);
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    static Stream<Arguments> refusals() {
        Fixtures.Org org = fx.org("close");
        Fixtures.Org other = fx.org("close");
        return Stream.of(
                Arguments.of("a member key on the deployment's import", "/v1/import", org.adminKey(), 403,
                        "service_key_required"),
                Arguments.of("an unknown key", org.path() + "/import", "no-such-key-0123456789", 401,
                        "invalid_key"),
                Arguments.of("another organization's key", other.path() + "/import", org.adminKey(), 404,
                        "organization_not_found"),
                Arguments.of("an unknown query parameter", org.path() + "/import?colour=red", TestNode.SERVICE_KEY,
                        400, "invalid_query"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refusals")
    void theRefusal_reachesAClientThatSendsItsWholeBodyFirst(String name, String target, String key, int status,
                                                              String code) {
        byte[] chunk = "{\"type\": \"group\", \"name\": \"G\"}\n".repeat(2048).getBytes(StandardCharsets.UTF_8);
        int chunks = BODY_BYTES / chunk.length;
        try (RawHttp http = RawHttp.connect(node.node().port())) {
            http.send("POST " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + key
                    + "\r\nContent-Type: application/x-ndjson\r\nContent-Length: " + (long) chunks * chunk.length
                    + "\r\n\r\n");
            for (int i = 0; i < chunks; i++) {
                http.send(chunk); // fails with a reset when the server closed the connection before reading it all
            }
            RawHttp.Response answer = http.read(Duration.ofSeconds(30));
            assertThat(answer.status()).as(answer.body()).isEqualTo(status);
            assertThat(answer.body()).contains(code);
        }
    }

    /**
     * Draining holds a request thread and a refusal needs no key, so a node drains few bodies at once: uploads that
     * trickle (here, stop) after their head are answered and closed beyond those few, rather than each holding a
     * thread while it waits for the rest (250 of them once froze the node).
     */
    @Test
    void trickledRefusedUploads_holdFewThreads_theRestAreAnsweredAtOnce() throws Exception {
        Fixtures.Org org = fx.org("close");
        int uploads = DRAINS_AT_ONCE + 24;
        List<RawHttp> connections = new ArrayList<>();
        try {
            for (int i = 0; i < uploads; i++) {
                RawHttp http = RawHttp.connect(node.node().port());
                connections.add(http);
                http.send("POST " + org.path() + "/import HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer "
                        + "no-such-key-0123456789\r\nContent-Type: application/x-ndjson\r\nContent-Length: 10000000"
                        + "\r\n\r\n" + "{\"type\": \"group\", \"name\": \"G\"}\n".repeat(30));
            }
            Thread.sleep(3000); // time for every answer that does not wait for a body
            int answered = 0;
            for (RawHttp http : connections) {
                try {
                    RawHttp.Response answer = http.read(Duration.ofMillis(300));
                    assertThat(answer.status()).isEqualTo(401);
                    answered++;
                } catch (RuntimeException | AssertionError waiting) {
                    // still draining
                }
            }
            assertThat(answered).as("answered at once").isGreaterThanOrEqualTo(uploads - DRAINS_AT_ONCE);
            assertThat(node.anonymous().get("/healthz").status()).isEqualTo(200);
        } finally {
            connections.forEach(RawHttp::close);
        }
    }
}
