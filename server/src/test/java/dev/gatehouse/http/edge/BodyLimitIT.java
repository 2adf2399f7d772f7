package dev.gatehouse.http.edge;

import dev.gatehouse.json.Json;
import dev.gatehouse.testing.RawHttp;
import dev.gatehouse.testing.TestNode;
import java.time.Duration;
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
