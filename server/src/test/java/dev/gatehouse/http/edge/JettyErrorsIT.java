package dev.gatehouse.http.edge;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import dev.gatehouse.json.Json;
import dev.gatehouse.testing.RawHttp;
import dev.gatehouse.testing.TestNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Errors Jetty (or the edge, for a body's framing) raises before any route runs — headers too large, malformed HTTP, a body too large, a URI too
 * long, an unknown HTTP version — come in the JSON shape of the dialect owning the path, never as HTML: for a
 * request line the parser refuses before it has read the target (a URI too long, a bad version), the dialect of the
 * path it starts with. With no path at all, the native problem shape answers. Browsers may not sniff them either;
 * under the console's path they carry its security headers, as its other answers do. The connection closes after
 * each the parser could not read, and the answer says {@code Connection: close}.
 */
class JettyErrorsIT {

    /** One malformed request, for a path: what it is, how to write it, the status and code it must get. */
    record Case(String name, Function<String, String> request, int status, String code) {
    }

    static final List<Case> WITH_PATH = List.of(
            new Case("headers too large", p -> "GET " + p + " HTTP/1.1\r\nHost: x\r\nX-Big: " + "a".repeat(20_000)
                    + "\r\n\r\n", 431, "headers_too_large"),
            new Case("a header without a colon", p -> "GET " + p + " HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n", 400,
                    "bad_request"),
            new Case("a NUL in a header", p -> "GET " + p + " HTTP/1.1\r\nHost: x\r\nX-Nul: a\u0000b\r\n\r\n", 400,
                    "bad_request"),
            new Case("no Host", p -> "GET " + p + " HTTP/1.1\r\n\r\n", 400, "bad_request"),
            new Case("a Content-Length far over 1 MiB", p -> "POST " + p + " HTTP/1.1\r\nHost: x\r\n"
                    + "Content-Length: 20000000\r\nContent-Type: application/json\r\n\r\n{", 413, "body_too_large"),
            new Case("a Content-Length that is no number", p -> "POST " + p + " HTTP/1.1\r\nHost: x\r\n"
                    + "Content-Length: abc\r\n\r\n", 400, "bad_request"),
            new Case("an unsupported Transfer-Encoding", p -> "POST " + p + " HTTP/1.1\r\nHost: x\r\n"
                    + "Transfer-Encoding: gzip\r\n\r\n", 400, "bad_request"),
            new Case("a transfer coding besides chunked", p -> "POST " + p + " HTTP/1.1\r\nHost: x\r\n"
                    + "Content-Type: application/json\r\nTransfer-Encoding: gzip, chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n",
                    501, "not_implemented"),
            new Case("a Transfer-Encoding on HTTP/1.0", p -> "POST " + p + " HTTP/1.0\r\nHost: x\r\n"
                    + "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n",
                    400, "bad_request"),
            new Case("a URI too long", p -> "GET " + p + "/" + "a".repeat(20_000) + " HTTP/1.1\r\nHost: x\r\n\r\n", 414,
                    "uri_too_long"),
            new Case("a query too long", p -> "GET " + p + "?_fields=" + "a".repeat(20_000) + " HTTP/1.1\r\nHost: x"
                    + "\r\n\r\n", 414, "uri_too_long"),
            new Case("an unknown HTTP version", p -> "GET " + p + " HTTP/9.9\r\nHost: x\r\n\r\n", 505,
                    "http_version_not_supported"),
            new Case("a request line of HTTP/2.0", p -> "GET " + p + " HTTP/2.0\r\nHost: x\r\n\r\n", 505,
                    "http_version_not_supported"),
            new Case("an expectation other than 100-continue", p -> "GET " + p + " HTTP/1.1\r\nHost: x\r\n"
                    + "Expect: foo\r\n\r\n", 417, "expectation_failed"));
    /** Request lines without a path: the native shape answers. */
    static final List<Case> WITHOUT_PATH = List.of(
            new Case("a target of stars too long", p -> "GET " + "*".repeat(20_000) + " HTTP/1.1\r\nHost: x\r\n\r\n",
                    414, "uri_too_long"));

    static TestNode node;

    @BeforeAll
    static void start() {
        node = TestNode.start();
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    @TestFactory
    Stream<DynamicTest> jettyErrors_comeInTheShapeOfTheDialectOwningThePath() {
        List<DynamicTest> tests = new ArrayList<>();
        for (Case c : WITH_PATH) {
            tests.add(test("native: " + c.name(), c, "/v1/orgs", JettyErrorsIT::assertProblem));
            tests.add(test("operations: " + c.name(), c, "/healthz", JettyErrorsIT::assertProblem));
            tests.add(test("Close: " + c.name(), c, "/api/v1/role/", JettyErrorsIT::assertClose));
            tests.add(test("Rooms: " + c.name(), c, "/restapi/v2/accounts/x/roles", JettyErrorsIT::assertRooms));
            tests.add(test("console: " + c.name(), c, "/console/main.js", JettyErrorsIT::assertConsole));
        }
        for (Case c : WITHOUT_PATH) {
            tests.add(test(c.name(), c, "", JettyErrorsIT::assertProblem));
        }
        return tests.stream();
    }

    /**
     * Requests Jetty refuses while reading them, whose values its own loggers quoted at WARN: a key sent as a Host's
     * user, in a second Host header, as an IPv6 host or port, or in a bad path leaves nothing of itself in the log.
     */
    @Test
    void malformedRequests_leaveNoRequestDataInTheLog() {
        List<String> requests = List.of(
                "GET /v1/orgs HTTP/1.1\r\nHost: ghm_secretkeyid_secretvalue@127.0.0.1\r\n\r\n",
                "GET /v1/orgs HTTP/1.1\r\nHost: 127.0.0.1\r\nHost: ghm_secret2id_secret2value\r\n\r\n",
                "GET /v1/orgs HTTP/1.1\r\nHost: [ghm_secret3id_secret3value]\r\n\r\n",
                "GET /v1/orgs HTTP/1.1\r\nHost: [::1]:ghm_secret4id_secret4value\r\n\r\n",
                "GET /v1/orgs/ghm_secret5id_secret5value/%00 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
        List<String> logged = new CopyOnWriteArrayList<>();
        AppenderBase<ILoggingEvent> capture = new AppenderBase<>() {
            @Override
            protected void append(ILoggingEvent event) {
                logged.add(event.getLoggerName() + " " + event.getFormattedMessage() + " "
                        + (event.getThrowableProxy() == null ? "" : event.getThrowableProxy().getMessage()));
            }
        };
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        capture.setContext(root.getLoggerContext());
        capture.start();
        root.addAppender(capture);
        try {
            for (String request : requests) {
                try (RawHttp client = RawHttp.connect(node.node().port())) {
                    assertThat(client.send(request).read(Duration.ofSeconds(5)).status()).as(request).isEqualTo(400);
                }
            }
        } finally {
            root.detachAppender(capture);
            capture.stop();
        }
        assertThat(String.join("\n", logged)).doesNotContainIgnoringCase("secret");
    }

    /**
     * A path the parser refuses to read — an escaped NUL, a {@code %} that begins no escape — is answered as the
     * routes answer the same text where the parser lets it through ({@code %01}): 400 {@code invalid_parameter} naming
     * the path parameter, or {@code invalid_path}, in the dialect's shape; never a bare "malformed HTTP request".
     */
    @Test
    void aPathTheParserRefuses_isAnsweredAsTheRoutesAnswerTheSameText() {
        for (String control : List.of("%00", "%01")) {
            JsonNode problem = problem("GET /v1/orgs/1/members/a" + control, 400);
            assertThat(problem.get("code").stringValue()).as(control).isEqualTo("invalid_parameter");
            assertThat(problem.get("detail").stringValue()).as(control).isEqualTo("path parameter member must not "
                    + "contain the control character U+00" + control.substring(1) + " (at position 1)");
        }
        for (String path : List.of("/v1/orgs/1%", "/v1/orgs/1%zz", "/v1/orgs/1%2")) {
            JsonNode problem = problem("GET " + path, 400);
            assertThat(problem.get("code").stringValue()).as(path).isEqualTo("invalid_path");
            assertThat(problem.get("detail").stringValue()).as(path).contains("holds a '%' that begins no escape");
        }
        RawHttp.Response rooms = raw("GET /restapi/v2/accounts/x/roles/a%00");
        assertRooms(rooms, new Case("", p -> p, 400, "invalid_parameter"));
        assertThat(rooms.body()).contains("U+0000");
    }

    /** Every answer of the APIs carries {@code Cache-Control: no-store}, a path refused before any route runs too. */
    @Test
    void invalidPaths_areNeverKept() {
        for (String request : List.of("GET /v1/orgs/%31", "GET /v1/orgs/1/", "GET /api/v1/role/%72ole_x/",
                "GET /restapi/v2/accounts/%37abc/roles", "POST /v1/orgs/1/check/", "GET /v1/orgs/1/members/a%00")) {
            RawHttp.Response res = raw(request);
            assertThat(res.status()).as(request + ": " + res.body()).isEqualTo(400);
            assertThat(res.body()).as(request).contains("path");
            assertThat(res.header("Cache-Control")).as(request).isEqualTo("no-store");
        }
    }

    private static RawHttp.Response raw(String requestLine) {
        boolean post = requestLine.startsWith("POST");
        try (RawHttp connection = RawHttp.connect(node.node().port())) {
            return connection.send(requestLine + " HTTP/1.1\r\nHost: x\r\n" + (post
                    ? "Content-Type: application/json\r\nContent-Length: 2\r\n\r\n{}" : "\r\n"))
                    .read(Duration.ofSeconds(5));
        }
    }

    private static JsonNode problem(String requestLine, int status) {
        RawHttp.Response res = raw(requestLine);
        assertThat(res.status()).as(requestLine + ": " + res.body()).isEqualTo(status);
        assertThat(res.header("Content-Type")).startsWith("application/problem+json");
        assertThat(res.header("Cache-Control")).as(requestLine).isEqualTo("no-store");
        return Json.readTree(res.body());
    }

    interface Shape {
        void check(RawHttp.Response res, Case c);
    }

    private static DynamicTest test(String name, Case c, String path, Shape shape) {
        return DynamicTest.dynamicTest(name, () -> {
            try (RawHttp connection = RawHttp.connect(node.node().port())) {
                RawHttp.Response res = connection.send(c.request().apply(path)).read(Duration.ofSeconds(5));
                shape.check(res, c);
                assertThat(res.header("X-Content-Type-Options")).as("sniffing off").isEqualTo("nosniff");
                assertThat(res.header("Cache-Control")).as("never kept").isEqualTo("no-store");
                // a request the parser could not read leaves the connection unreadable, and the answer says so: a
                // pooling client would otherwise send its next, unrelated request on a connection about to close
                if (c.status() != 413 && c.status() != 417) {
                    assertThat(res.header("Connection")).as("announced close").isEqualTo("close");
                    assertThat(connection.closedWithin(Duration.ofSeconds(5))).as("closed").isTrue();
                }
            }
        });
    }

    private static void assertProblem(RawHttp.Response res, Case c) {
        assertThat(res.status()).as(res.body()).isEqualTo(c.status());
        assertThat(res.header("Content-Type")).startsWith("application/problem+json");
        JsonNode problem = Json.readTree(res.body());
        assertThat(problem.get("status").intValue()).isEqualTo(c.status());
        assertThat(problem.get("code").stringValue()).isEqualTo(c.code());
        assertThat(problem.get("detail").stringValue()).isNotBlank();
    }

    /** The problem shape, with the security headers of every console answer (docs/console.md). */
    private static void assertConsole(RawHttp.Response res, Case c) {
        assertProblem(res, c);
        assertThat(res.header("Content-Security-Policy")).contains("default-src 'self'");
        assertThat(res.header("X-Frame-Options")).isEqualTo("DENY");
        assertThat(res.header("Referrer-Policy")).isEqualTo("no-referrer");
        assertThat(res.header("Cross-Origin-Opener-Policy")).isEqualTo("same-origin");
    }

    private static void assertClose(RawHttp.Response res, Case c) {
        assertThat(res.status()).as(res.body()).isEqualTo(c.status());
        assertThat(res.header("Content-Type")).startsWith("application/json");
        JsonNode body = Json.readTree(res.body());
        if (c.status() == 400) {
            assertThat(body.get("errors").get(0).stringValue()).isNotBlank();
            assertThat(body.get("field-errors").isObject()).isTrue();
        } else {
            assertThat(body.get("error").stringValue()).isNotBlank();
        }
    }

    private static void assertRooms(RawHttp.Response res, Case c) {
        assertThat(res.status()).as(res.body()).isEqualTo(c.status());
        assertThat(res.header("Content-Type")).startsWith("application/json");
        JsonNode body = Json.readTree(res.body());
        assertThat(body.propertyNames()).containsExactly("errorCode", "message", "referenceId");
        assertThat(body.get("errorCode").stringValue()).isEqualTo(c.code().toUpperCase(Locale.ROOT));
    }
}
