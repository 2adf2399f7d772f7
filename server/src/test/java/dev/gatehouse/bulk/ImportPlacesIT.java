package dev.gatehouse.bulk;

import dev.gatehouse.json.Json;
import dev.gatehouse.testing.Fixtures;
import dev.gatehouse.testing.RawHttp;
import dev.gatehouse.testing.TestNode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A node runs at most {@link ImportService#CONCURRENT} long imports at once; a small one (its body declared within
 * {@link ImportService#SMALL_BODY_BYTES}) takes no place among them.
 */
class ImportPlacesIT {

    static TestNode node;
    static Fixtures.Org org;

    @BeforeAll
    static void start() {
        node = TestNode.start();
        org = new Fixtures(node).org("rooms");
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    /** An import whose body (chunked, so of no declared length) has begun and does not end yet. */
    private static RawHttp longImportInProgress() {
        RawHttp connection = RawHttp.connect(node.node().port());
        String line = "{\"type\":\"role\",\"name\":\"Long " + System.nanoTime() + "\",\"permissions\":[]}\n";
        connection.send("POST " + org.path() + "/import HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "
                + TestNode.SERVICE_KEY + "\r\nContent-Type: application/x-ndjson\r\nTransfer-Encoding: chunked\r\n\r\n"
                + Integer.toHexString(line.length()) + "\r\n" + line + "\r\n");
        return connection;
    }

    private static RawHttp.Response smallImport(String body) {
        try (RawHttp connection = RawHttp.connect(node.node().port())) {
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            connection.send("POST " + org.path() + "/import HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "
                    + TestNode.SERVICE_KEY + "\r\nContent-Type: application/x-ndjson\r\nContent-Length: " + bytes.length
                    + "\r\n\r\n" + body);
            return connection.read(Duration.ofSeconds(20));
        }
    }

    @Test
    void twoLongImportsTakeTheirPlaces_aThirdIsRefused503_butASmallOneRuns() throws InterruptedException {
        for (int attempt = 0; attempt < 20; attempt++) {
            RawHttp first = longImportInProgress();
            RawHttp second = longImportInProgress();
            try {
                Thread.sleep(300); // the two reach their imports (or are refused, and the attempt is made again)
                RawHttp.Response third;
                try (RawHttp connection = longImportInProgress()) {
                    connection.send("0\r\n\r\n");
                    third = connection.read(Duration.ofSeconds(20));
                }
                if (third.status() != 503) {
                    continue; // the third came first: it took a place the first or the second was refused
                }
                assertThat(Json.readTree(third.body()).get("code").stringValue()).isEqualTo("imports_busy");
                assertThat(third.header("Retry-After")).isEqualTo("1");

                RawHttp.Response small = smallImport("{\"type\":\"role\",\"name\":\"Small\",\"permissions\":[]}\n");
                assertThat(small.status()).as(small.body()).isEqualTo(200);
                assertThat(Json.readTree(small.body()).get("lines").longValue()).isEqualTo(1);

                first.send("0\r\n\r\n");
                second.send("0\r\n\r\n");
                assertThat(first.read(Duration.ofSeconds(20)).status()).isEqualTo(200);
                assertThat(second.read(Duration.ofSeconds(20)).status()).isEqualTo(200);
                return;
            } finally {
                first.close();
                second.close();
            }
        }
        throw new AssertionError("two long imports never held both places");
    }
}
