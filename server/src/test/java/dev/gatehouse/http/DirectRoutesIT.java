package dev.gatehouse.http;

import dev.gatehouse.error.UnauthenticatedException;
import dev.gatehouse.testing.RawHttp;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Which requests a route's direct handler answers and which go on to the web framework, over real HTTP: a test
 * dialect whose route answers {@code direct} or {@code framework}, and whose direct handler declines, fails or
 * throws on request.
 */
class DirectRoutesIT {

    private static final SimpleMeterRegistry METRICS = new SimpleMeterRegistry();
    private static final CountDownLatch RELEASE = new CountDownLatch(1);
    private static HttpServer server;

    /** Routes under /t: POST /t/{id}/x (direct and framework), POST /t/wait (framework only, waits for RELEASE). */
    private static final class TestDialect implements Dialect {
        @Override
        public String prefix() {
            return "/t";
        }

        @Override
        public List<Route> routes() {
            return List.of(
                    Route.postFirst("/t/{id}/x",
                            ctx -> ctx.contentType("application/json").result("{\"via\":\"framework\",\"id\":\""
                                    + ctx.pathParam("id") + "\"}"),
                            exchange -> {
                                String body = new String(exchange.body(), StandardCharsets.UTF_8);
                                switch (body) {
                                    case "decline" -> {
                                        return false;
                                    }
                                    case "refuse" -> throw new UnauthenticatedException("invalid_key", "no such key");
                                    case "bug" -> throw new IllegalStateException("a bug");
                                    default -> {
                                        exchange.header("X-Seen", body.length() <= 16 ? body : "long");
                                        exchange.json(("{\"via\":\"direct\",\"id\":\"" + exchange.pathParam("id")
                                                + "\"}").getBytes(StandardCharsets.UTF_8));
                                        return true;
                                    }
                                }
                            }),
                    Route.post("/t/wait", ctx -> {
                        RELEASE.await(30, TimeUnit.SECONDS);
                        ctx.result("released");
                    }));
        }

        @Override
        public ErrorReply errorReply(int status, String code, String detail, Map<String, String> fieldErrors,
                                     Map<String, Object> context) {
            return Problem.reply(status, code, detail, fieldErrors, context);
        }
    }

    @BeforeAll
    static void start() {
        server = new HttpServer(List.of(new TestDialect()), METRICS, "127.0.0.1", null).start(0);
    }

    @AfterAll
    static void stop() {
        RELEASE.countDown();
        server.stop();
    }

    private static RawHttp.Response post(String target, String body) {
        try (RawHttp connection = RawHttp.connect(server.port())) {
            connection.send("POST " + target + " HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                    + "Content-Length: " + body.length() + "\r\n\r\n" + body);
            return connection.read(Duration.ofSeconds(10));
        }
    }

    @Test
    void aPlainRequest_isAnsweredDirectly_withItsHeadersAndPathParameter_andTimedAsTheRoute() {
        RawHttp.Response res = post("/t/42/x", "hello");
        assertThat(res.status()).isEqualTo(200);
        assertThat(res.body()).isEqualTo("{\"via\":\"direct\",\"id\":\"42\"}");
        assertThat(res.header("Content-Type")).isEqualTo("application/json");
        assertThat(res.header("X-Seen")).isEqualTo("hello");
        assertThat(METRICS.find("http.server.requests").tag("route", "/t/{id}/x").tag("status", "200").timer())
                .isNotNull().satisfies(t -> assertThat(t.count()).isPositive());
    }

    @Test
    void aRequestWithAQuery_anEncodedOrUncanonicalPath_noBodyOrALargeOne_goesToTheFramework() {
        assertThat(post("/t/42/x?a=1", "hello").body()).contains("framework");
        assertThat(post("/t/42/x?", "hello").body()).contains("framework");
        assertThat(post("/t/4%2D2/x", "hello").body()).isEqualTo("{\"via\":\"framework\",\"id\":\"4-2\"}");
        assertThat(post("/t/%34%32/x", "hello").body()).as("a digit written as an escape is refused there")
                .contains("invalid_path");
        assertThat(post("/t/42/./x", "hello").body()).doesNotContain("direct");
        assertThat(post("/t/42/x", "").body()).contains("framework");
        assertThat(post("/t/42/x", "x".repeat(DirectRoutes.MAX_BODY_BYTES + 1)).body()).contains("framework");
        assertThat(post("/t/42/x", "x".repeat(DirectRoutes.MAX_BODY_BYTES)).body()).contains("direct");
    }

    @Test
    void aBodyArrivingAfterItsHead_isStillAnsweredDirectly() throws InterruptedException {
        try (RawHttp connection = RawHttp.connect(server.port())) {
            connection.send("POST /t/7/x HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                    + "Content-Length: 5\r\n\r\nhe");
            Thread.sleep(200);
            connection.send("llo");
            assertThat(connection.read(Duration.ofSeconds(10)).body()).isEqualTo("{\"via\":\"direct\",\"id\":\"7\"}");
        }
    }

    @Test
    void aDeclinedRequest_isAnsweredByTheFramework_withoutTheDirectHeaders() {
        RawHttp.Response res = post("/t/42/x", "decline");
        assertThat(res.body()).isEqualTo("{\"via\":\"framework\",\"id\":\"42\"}");
        assertThat(res.header("X-Seen")).isNull();
    }

    @Test
    void aRefusal_isAnsweredInTheDialectsShape_withTheHeadersOfItsStatus() {
        RawHttp.Response res = post("/t/42/x", "refuse");
        assertThat(res.status()).isEqualTo(401);
        assertThat(res.header("Content-Type")).startsWith("application/problem+json");
        assertThat(res.header("WWW-Authenticate")).startsWith("Bearer");
        assertThat(res.body()).contains("\"code\":\"invalid_key\"");
        assertThat(METRICS.find("http.server.requests").tag("route", "/t/{id}/x").tag("status", "401").timer())
                .isNotNull();
    }

    @Test
    void anUnexpectedException_isA500WithAnErrorId_andTheConnectionStaysUsable() {
        try (RawHttp connection = RawHttp.connect(server.port())) {
            connection.send("POST /t/1/x HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                    + "Content-Length: 3\r\n\r\nbug");
            RawHttp.Response res = connection.read(Duration.ofSeconds(10));
            assertThat(res.status()).isEqualTo(500);
            assertThat(res.body()).contains("\"code\":\"internal_error\"").contains("error id ");
            connection.send("POST /t/1/x HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                    + "Content-Length: 2\r\n\r\nok");
            assertThat(connection.read(Duration.ofSeconds(10)).body()).contains("direct");
        }
    }

    @Test
    void aFrameworkRouteThatWaits_doesNotHoldUpDirectAnswers() {
        // direct answers run on the thread that reads the network: a framework route must never run there
        try (RawHttp waiting = RawHttp.connect(server.port())) {
            waiting.send("POST /t/wait HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                    + "Content-Length: 1\r\n\r\n1");
            for (int i = 0; i < 20; i++) {
                assertThat(post("/t/" + i + "/x", "hello").body()).contains("direct");
            }
            RELEASE.countDown();
            assertThat(waiting.read(Duration.ofSeconds(10)).body()).isEqualTo("released");
        }
    }
}
