package dev.gatehouse.http.edge;

import dev.gatehouse.json.Json;
import dev.gatehouse.testing.RawHttp;
import dev.gatehouse.testing.TestNode;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Bodies over the 1 MiB limit, read by the edge before any route: a clean 413, however the body is framed. */
class BodyLimitIT {

    private static final int LIMIT = 1024 * 1024;

    static TestNode node;

    @BeforeAll
    static void start() {
        node = TestNode.start();
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    @Test
    void aBodySomewhatOverTheLimit_isReadAndAnswered413_andTheConnectionStaysUsable() {
        try (RawHttp connection = RawHttp.connect(node.node().port())) {
            String body = "{\"name\": \"" + "x".repeat(LIMIT) + "\"}";
            connection.send("POST /v1/orgs HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + TestNode.SERVICE_KEY
                    + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length() + "\r\n\r\n" + body);
            RawHttp.Response res = connection.read(Duration.ofSeconds(10));
            assertThat(res.status()).isEqualTo(413);
            assertThat(Json.readTree(res.body()).get("code").stringValue()).isEqualTo("body_too_large");
            connection.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
            assertThat(connection.read(Duration.ofSeconds(5)).status()).isEqualTo(200);
        }
    }

    @Test
    void aChunkedBodyOverTheLimit_is413() {
        try (RawHttp connection = RawHttp.connect(node.node().port())) {
            connection.send("POST /v1/orgs HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + TestNode.SERVICE_KEY
                    + "\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n");
            String chunk = "x".repeat(64 * 1024);
            for (int sent = 0; sent <= LIMIT; sent += chunk.length()) {
                connection.send(Integer.toHexString(chunk.length()) + "\r\n" + chunk + "\r\n");
            }
            connection.send("0\r\n\r\n");
            RawHttp.Response res = connection.read(Duration.ofSeconds(10));
            assertThat(res.status()).isEqualTo(413);
            assertThat(res.header("Content-Type")).startsWith("application/problem+json");
        }
    }

    /**
     * A client that asks before sending its body ({@code Expect: 100-continue}) is refused on its head — a body over
     * the limit 413, one of a type no route reads 415 — without {@code 100 Continue}: it sends nothing, and nothing
     * is read.
     */
    @Test
    void aBodyAskedFor_isRefusedBeforeContinue_whenItsHeadSaysItWouldBe() {
        for (String head : List.of("Content-Type: application/json\r\nContent-Length: " + (2 * LIMIT),
                "Content-Type: text/plain\r\nContent-Length: 20", "Content-Length: 20")) {
            try (RawHttp connection = RawHttp.connect(node.node().port())) {
                connection.send("POST /v1/orgs HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + TestNode.SERVICE_KEY
                        + "\r\nExpect: 100-continue\r\n" + head + "\r\n\r\n");
                RawHttp.Response res = connection.read(Duration.ofSeconds(5));
                assertThat(res.status()).as(head).isEqualTo(head.contains(String.valueOf(2 * LIMIT)) ? 413 : 415);
                assertThat(Json.readTree(res.body()).get("code").stringValue()).as(head)
                        .isIn("body_too_large", "unsupported_media_type");
                assertThat(connection.closedWithin(Duration.ofSeconds(5))).as(head).isTrue();
            }
        }
    }

    @Test
    void aBodyDeclaredFarOverTheLimit_isAnswered413AtOnce_andItsConnectionClosed() {
        try (RawHttp connection = RawHttp.connect(node.node().port())) {
            connection.send("POST /v1/orgs HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                    + "Content-Length: 1000000000\r\n\r\n{");
            RawHttp.Response res = connection.read(Duration.ofSeconds(5));
            assertThat(res.status()).isEqualTo(413);
            assertThat(res.header("Connection")).isEqualTo("close");
            assertThat(connection.closedWithin(Duration.ofSeconds(5))).isTrue();
        }
    }
}
