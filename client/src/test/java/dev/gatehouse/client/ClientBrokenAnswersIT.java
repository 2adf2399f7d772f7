package dev.gatehouse.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import tools.jackson.core.JacksonException;

/**
 * Answers that break or stall part-way, from a {@link MisbehavingServer} (no real server does either on purpose): an
 * export whose connection breaks mid-stream ends in a {@link TransportException} {@code io_error} carrying the
 * {@link IOException}, never an exception outside the client's tree; a JSON answer whose body stalls after its
 * headers ends in a {@code timeout} after the request timeout instead of holding the call forever; an export whose
 * lines come slower than both timeouts is read to its end, as a stream must be. The timeouts are short so the tests
 * are fast; the bound on each test is a generous 30 s. A garbled body — an import's progress line, a JSON answer —
 * is an {@link UnexpectedResponseException} {@code malformed_answer}, never the parser's own exception; so is a JSON
 * answer with a field the client cannot read (a time that is not one, text where a number belongs), naming the
 * request and the field, a list or a resource lookup naming a page already asked for, and an export that is not
 * NDJSON. {@code close()} ends an export whose body stalls.
 */
class ClientBrokenAnswersIT {

    private static final Duration GENEROUS = Duration.ofSeconds(30);
    private static final String NDJSON_HEAD = "HTTP/1.1 200 OK\r\nContent-Type: application/x-ndjson\r\n"
            + "Gatehouse-Revision: 12\r\nTransfer-Encoding: chunked\r\n\r\n";
    private static final String FIRST_LINES = "{\"type\": \"header\", \"revision\": 12}\n{\"type\": \"role\"}\n";

    private static GatehouseClient client(MisbehavingServer server, Duration timeout) {
        return GatehouseClient.builder().url(server.url()).key("k").retry(RetryPolicy.none())
                .requestTimeout(timeout).bulkTimeout(timeout).build();
    }

    /** Sends the head and the first two lines of an export, then closes the connection. */
    private static MisbehavingServer breakingExport() {
        return new MisbehavingServer(connection -> {
            connection.write(NDJSON_HEAD);
            connection.chunk(FIRST_LINES);
        });
    }

    @Test
    void export_connectionBrokenMidStream_isATransportException() {
        try (MisbehavingServer server = breakingExport();
             GatehouseClient client = client(server, GENEROUS)) {
            List<String> received = new ArrayList<>();
            TransportException e = catchThrowableOfType(TransportException.class, () -> {
                try (Stream<String> lines = client.org(1).bulk().export()) {
                    lines.forEach(received::add);
                }
            });
            assertThat(e).as("a broken export's exception").isNotNull();
            assertThat(e.code()).isEqualTo("io_error");
            assertThat(e.status()).isZero();
            assertThat(e.detail()).contains("/v1/orgs/1/export");
            assertThat(e.getCause()).isInstanceOf(IOException.class);
            assertThat(received).containsExactly("{\"type\": \"header\", \"revision\": 12}", "{\"type\": \"role\"}");
        }
    }

    @Test
    void exportTo_connectionBrokenMidStream_isATransportException() {
        try (MisbehavingServer server = breakingExport();
             GatehouseClient client = client(server, GENEROUS)) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            TransportException e = catchThrowableOfType(TransportException.class,
                    () -> client.org(1).bulk().exportTo(out));
            assertThat(e).as("a broken export's exception").isNotNull();
            assertThat(e.code()).isEqualTo("io_error");
            assertThat(e.getCause()).isInstanceOf(IOException.class);
            assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo(FIRST_LINES);
        }
    }

    /**
     * An export's every line ends with a line break: an answer that ends within a line (its transfer complete) was cut
     * on the server's side, and is broken, not a shorter export — the line cut is never handed over as a line.
     */
    @Test
    void export_endingWithinALine_isATransportException_andTheCutLineIsNotHandedOver() {
        for (boolean copied : List.of(false, true)) {
            try (MisbehavingServer server = new MisbehavingServer(connection -> {
                    connection.write(NDJSON_HEAD);
                    connection.chunk(FIRST_LINES + "{\"t");
                    connection.write("0\r\n\r\n");
                });
                 GatehouseClient client = client(server, GENEROUS)) {
                List<String> received = new ArrayList<>();
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                TransportException e = catchThrowableOfType(TransportException.class, () -> {
                    if (copied) {
                        client.org(1).bulk().exportTo(out);
                    } else {
                        try (Stream<String> lines = client.org(1).bulk().export()) {
                            lines.forEach(received::add);
                        }
                    }
                });
                assertThat(e).as("an export ending within a line (%s)", copied ? "exportTo" : "export").isNotNull();
                assertThat(e.code()).isEqualTo("io_error");
                assertThat(e.detail()).contains("within a line");
                if (!copied) {
                    assertThat(received).containsExactly("{\"type\": \"header\", \"revision\": 12}",
                            "{\"type\": \"role\"}");
                }
            }
        }
    }

    @Test
    void jsonAnswer_stalledAfterItsHeaders_timesOutAfterTheRequestTimeout() {
        try (MisbehavingServer server = new MisbehavingServer(connection -> {
                connection.write("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n"
                        + "{\"id\": 5, ");
                connection.stall();
            });
             GatehouseClient client = client(server, Duration.ofMillis(300))) {
            TransportException e = assertTimeoutPreemptively(GENEROUS, () -> catchThrowableOfType(
                    TransportException.class, () -> client.org(1).roles().get(5)));
            assertThat(e).as("a stalled answer's exception").isNotNull();
            assertThat(e.code()).isEqualTo("timeout");
            assertThat(e.detail()).contains("GET /v1/orgs/1/roles/5", "PT0.3S");
        }
    }

    /**
     * {@code close()} stops a call in progress: it once waited out its request timeout and then threw "this
     * GatehouseClient is closed", as if it had been started after the close.
     */
    @Test
    void close_endsACallInProgressAtOnce_sayingTheClientWasClosedDuringIt() throws Exception {
        try (MisbehavingServer server = new MisbehavingServer(MisbehavingServer.Connection::stall)) {
            GatehouseClient client = GatehouseClient.builder().url(server.url()).key("k")
                    .requestTimeout(Duration.ofSeconds(15)).build();
            CompletableFuture<Roles.Role> call = CompletableFuture.supplyAsync(() -> client.org(1).roles().get(5));
            Thread.sleep(300);
            assertThat(call).as("the call waits for the stalled server").isNotDone();
            long closedAt = System.nanoTime();
            client.close();
            Throwable thrown = catchThrowable(() -> call.get(5, TimeUnit.SECONDS)).getCause();
            assertThat(Duration.ofNanos(System.nanoTime() - closedAt)).isLessThan(Duration.ofSeconds(2));
            assertThat(thrown).isInstanceOf(IllegalStateException.class)
                    .hasMessage("this GatehouseClient was closed during GET /v1/orgs/1/roles/5");
        }
    }

    /** A call waiting to retry after a failure ends when the client is closed, with that failure, not hiding it. */
    @Test
    void close_endsACallWaitingToRetry_withTheFailureItMet() throws Exception {
        try (FakeServer server = new FakeServer(FakeServer.Answer.problem(503, "database_busy", "10"))) {
            GatehouseClient client = GatehouseClient.builder().url(server.url()).key("k").build();
            CompletableFuture<Roles.Role> call = CompletableFuture.supplyAsync(() -> client.org(1).roles().get(5));
            // the answer reaches the client a moment after the server took the request: then it waits to retry
            Thread.sleep(2000);
            long closedAt = System.nanoTime();
            client.close();
            Throwable thrown = catchThrowable(() -> call.get(5, TimeUnit.SECONDS)).getCause();
            assertThat(Duration.ofNanos(System.nanoTime() - closedAt)).isLessThan(Duration.ofSeconds(2));
            assertThat(thrown).isInstanceOf(UnavailableException.class);
            assertThat(((UnavailableException) thrown).code()).isEqualTo("database_busy");
            assertThat(thrown.getSuppressed()).singleElement().isInstanceOf(IllegalStateException.class)
                    .extracting(Throwable::getMessage).asString().contains("closed during GET /v1/orgs/1/roles/5");
            assertThat(server.received()).hasSize(1);
        }
    }

    /** The head of an export whose body stalls: {@code Content-Length} promises more than ever comes. */
    private static MisbehavingServer stalledExport() {
        return new MisbehavingServer(connection -> {
            connection.write("HTTP/1.1 200 OK\r\nContent-Type: application/x-ndjson\r\nContent-Length: 100\r\n\r\n"
                    + "{\"items\":[");
            connection.stall();
        });
    }

    /**
     * {@code close()} ends an export being read, as it ends every call in progress: once the headers had come the
     * export was no longer a call in flight, and a reader waiting for a stalled body waited on after the close.
     */
    @Test
    void close_endsAnExportWhoseBodyStalls_sayingTheClientWasClosedDuringIt() throws Exception {
        try (MisbehavingServer server = stalledExport()) {
            GatehouseClient client = client(server, GENEROUS);
            CompletableFuture<List<String>> lines = CompletableFuture.supplyAsync(() -> {
                try (Stream<String> exported = client.org(1).bulk().export()) {
                    return exported.toList();
                }
            });
            CompletableFuture<Long> copied = CompletableFuture.supplyAsync(() -> client.org(1).bulk()
                    .exportTo(new ByteArrayOutputStream()));
            Thread.sleep(500);
            assertThat(lines).as("the reader waits for the stalled body").isNotDone();
            assertThat(copied).as("the copy waits for the stalled body").isNotDone();
            long closedAt = System.nanoTime();
            client.close();
            for (CompletableFuture<?> reader : List.of(lines, copied)) {
                Throwable thrown = catchThrowable(() -> reader.get(5, TimeUnit.SECONDS)).getCause();
                assertThat(thrown).isInstanceOf(IllegalStateException.class)
                        .hasMessage("this GatehouseClient was closed during GET /v1/orgs/1/export");
            }
            assertThat(Duration.ofNanos(System.nanoTime() - closedAt)).isLessThan(Duration.ofSeconds(2));
        }
    }

    /** A 200 that is not NDJSON (a proxy's page, a JSON object) is no export: never handed over as its lines. */
    @Test
    void export_answeredWithSomethingElseThanNdjson_isAnUnexpectedResponse() {
        try (MisbehavingServer server = new MisbehavingServer(connection -> connection.write("HTTP/1.1 200 OK\r\n"
                + "Content-Type: text/html\r\nContent-Length: 15\r\nConnection: close\r\n\r\n<html>hi</html>"));
             GatehouseClient client = client(server, GENEROUS)) {
            UnexpectedResponseException e = catchThrowableOfType(UnexpectedResponseException.class, () -> {
                try (Stream<String> exported = client.org(1).bulk().export()) {
                    exported.toList();
                }
            });
            assertThat(e).as("an HTML page's exception").isNotNull();
            assertThat(e.code()).isEqualTo("malformed_answer");
            assertThat(e.detail()).contains("GET /v1/orgs/1/export", "text/html", "application/x-ndjson");
            UnexpectedResponseException copied = catchThrowableOfType(UnexpectedResponseException.class,
                    () -> client.bulk().exportTo(new ByteArrayOutputStream()));
            assertThat(copied).as("an HTML page's exception, copied").isNotNull();
            assertThat(copied.detail()).contains("GET /v1/export", "text/html");
        }
    }

    @Test
    void export_slowerBetweenLinesThanEitherTimeout_isReadToItsEnd() {
        try (MisbehavingServer server = new MisbehavingServer(connection -> {
                connection.write(NDJSON_HEAD);
                connection.chunk(FIRST_LINES);
                connection.pause(1_000);
                connection.chunk("{\"type\": \"member\"}\n");
                connection.write("0\r\n\r\n");
            });
             GatehouseClient client = client(server, Duration.ofMillis(300))) {
            List<String> lines = assertTimeoutPreemptively(GENEROUS, () -> {
                try (Stream<String> exported = client.org(1).bulk().export()) {
                    return exported.toList();
                }
            });
            assertThat(lines).hasSize(3).last().isEqualTo("{\"type\": \"member\"}");
        }
    }

    @Test
    void importProgress_garbledLine_isAnUnexpectedResponse_afterTheProgressBeforeIt() {
        try (MisbehavingServer server = new MisbehavingServer(connection -> {
                connection.write(NDJSON_HEAD);
                connection.chunk("{\"progress\": {\"lines\": 2, \"committed_lines\": 2, \"revision\": 40}}\n");
                connection.chunk("{\"progress\": {\"lines\": 4, \"comm\n");
                connection.stall();
            });
             GatehouseClient client = client(server, GENEROUS)) {
            List<Bulk.ImportResult> seen = new ArrayList<>();
            UnexpectedResponseException e = assertTimeoutPreemptively(GENEROUS, () -> catchThrowableOfType(
                    UnexpectedResponseException.class, () -> client.org(1).bulk().importFrom(
                            new ByteArrayInputStream("{}\n".getBytes(StandardCharsets.UTF_8)),
                            Bulk.ImportOptions.defaults(), seen::add)));
            assertThat(e).as("a garbled progress line's exception").isNotNull();
            assertThat(e.status()).isEqualTo(200);
            assertThat(e.code()).isEqualTo("malformed_answer");
            assertThat(e.detail()).contains("POST /v1/orgs/1/import");
            assertThat(e.getCause()).isInstanceOf(JacksonException.class);
            assertThat(seen).extracting(Bulk.ImportResult::committedLines).containsExactly(2L);
            assertThat(client.revision()).as("the committed chunk's revision is the session's").isEqualTo(40);
        }
    }

    @Test
    void jsonAnswer_garbled_isAnUnexpectedResponse() {
        try (MisbehavingServer server = new MisbehavingServer(connection -> {
                connection.write("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 9\r\n\r\n"
                        + "{\"id\": 5,");
                connection.stall();
            });
             GatehouseClient client = client(server, GENEROUS)) {
            UnexpectedResponseException e = assertTimeoutPreemptively(GENEROUS, () -> catchThrowableOfType(
                    UnexpectedResponseException.class, () -> client.org(1).roles().get(5)));
            assertThat(e).as("a garbled answer's exception").isNotNull();
            assertThat(e.code()).isEqualTo("malformed_answer");
            assertThat(e.detail()).contains("GET /v1/orgs/1/roles/5");
        }
    }
    /** Answers every request with {@code status} and the JSON {@code body}, whole, then closes the connection. */
    private static MisbehavingServer answering(int status, String body) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        return new MisbehavingServer(connection -> connection.write("HTTP/1.1 " + status + " OK\r\n"
                + "Content-Type: application/json\r\nContent-Length: " + bytes.length + "\r\nConnection: close\r\n\r\n"
                + body));
    }

    @Test
    void jsonAnswer_withAGarbledTime_isAnUnexpectedResponse_namingTheRequestAndTheField() {
        try (MisbehavingServer server = answering(200, "{\"id\": 5, \"org_id\": 1, \"name\": \"Agent\", "
                + "\"created_at\": \"yesterday\"}");
             GatehouseClient client = client(server, GENEROUS)) {
            UnexpectedResponseException e = catchThrowableOfType(UnexpectedResponseException.class,
                    () -> client.org(1).roles().get(5));
            assertThat(e).as("a garbled time's exception").isNotNull();
            assertThat(e.status()).isEqualTo(200);
            assertThat(e.code()).isEqualTo("malformed_answer");
            assertThat(e.detail()).contains("GET /v1/orgs/1/roles/5", "created_at", "yesterday");
            assertThat(e.getCause()).isInstanceOf(DateTimeParseException.class);
        }
    }

    @Test
    void writeAnswer_withAGarbledTime_isAnUnexpectedResponse_withItsStatus() {
        try (MisbehavingServer server = answering(201, "{\"id\": 5, \"org_id\": 1, \"name\": \"Agent\", "
                + "\"updated_at\": \"2024-13-45T99:00:00Z\"}");
             GatehouseClient client = client(server, GENEROUS)) {
            UnexpectedResponseException e = catchThrowableOfType(UnexpectedResponseException.class,
                    () -> client.org(1).roles().create(Roles.RoleInput.of("Agent", java.util.List.of("canCreateRooms"))));
            assertThat(e).as("a garbled time's exception").isNotNull();
            assertThat(e.status()).isEqualTo(201);
            assertThat(e.code()).isEqualTo("malformed_answer");
            assertThat(e.detail()).contains("POST /v1/orgs/1/roles", "updated_at");
        }
    }

    @Test
    void listAnswer_withAGarbledTimeInAnItem_isAnUnexpectedResponse() {
        try (MisbehavingServer server = answering(200, "{\"items\": [{\"id\": 5, \"created_at\": \"soon\"}], "
                + "\"next_cursor\": null}");
             GatehouseClient client = client(server, GENEROUS)) {
            UnexpectedResponseException e = catchThrowableOfType(UnexpectedResponseException.class,
                    () -> client.org(1).roles().list().toList());
            assertThat(e).as("a garbled item's exception").isNotNull();
            assertThat(e.code()).isEqualTo("malformed_answer");
            assertThat(e.detail()).contains("GET /v1/orgs/1/roles", "created_at", "soon");
        }
    }

    /** A list whose every page names the same next page would be read forever: it is refused at the repeat. */
    @Test
    void listAnswer_namingAPageAlreadyAskedFor_isAnUnexpectedResponse_notAnEndlessList() {
        try (MisbehavingServer server = answering(200, "{\"items\": [{\"id\": 1, \"name\": \"a\", \"model\": "
                + "\"close\", \"version\": 1, \"created_at\": \"2026-01-01T00:00:00Z\"}], \"next_cursor\": \"same\"}");
             GatehouseClient client = client(server, GENEROUS)) {
            UnexpectedResponseException e = assertTimeoutPreemptively(GENEROUS, () -> catchThrowableOfType(
                    UnexpectedResponseException.class, () -> client.organizations().list().limit(1_000_000).toList()));
            assertThat(e).as("a list that never ends").isNotNull();
            assertThat(e.code()).isEqualTo("malformed_answer");
            assertThat(e.detail()).contains("GET /v1/orgs", "next_cursor", "already asked for");
        }
    }

    /**
     * A resource lookup gathers its pages itself: it once asked for the repeated page forever (thousands of requests
     * a second, its list of ids growing), where every other list refused the repeat.
     */
    @Test
    void lookupResources_namingAPageAlreadyAskedFor_isAnUnexpectedResponse_notAnEndlessLoop() {
        try (MisbehavingServer server = answering(200, "{\"items\": [\"r1\"], \"next_cursor\": \"c1\", "
                + "\"revision\": 1}");
             GatehouseClient client = client(server, GENEROUS)) {
            UnexpectedResponseException e = assertTimeoutPreemptively(Duration.ofSeconds(10), () ->
                    catchThrowableOfType(UnexpectedResponseException.class, () -> client.org(1).decisions()
                            .lookupResources(MemberRef.user("u"), "canView", "room")));
            assertThat(e).as("a lookup that never ends").isNotNull();
            assertThat(e.code()).isEqualTo("malformed_answer");
            assertThat(e.detail()).contains("POST /v1/orgs/1/lookup/resources", "next_cursor", "already asked for");
        }
    }

    @Test
    void jsonAnswer_withAFieldOfTheWrongType_isAnUnexpectedResponse() {
        try (MisbehavingServer server = answering(200, "{\"id\": \"five\", \"org_id\": [1]}");
             GatehouseClient client = client(server, GENEROUS)) {
            UnexpectedResponseException e = catchThrowableOfType(UnexpectedResponseException.class,
                    () -> client.org(1).roles().get(5));
            assertThat(e).as("a mistyped field's exception").isNotNull();
            assertThat(e.status()).isEqualTo(200);
            assertThat(e.code()).isEqualTo("malformed_answer");
            assertThat(e.detail()).contains("GET /v1/orgs/1/roles/5", "id", "\"five\"");
            assertThat(e.getCause()).isInstanceOf(IllegalArgumentException.class);
        }
    }

    private static final String ROLE = "{\"id\": 5, \"org_id\": 1, \"name\": \"Agent\", \"permissions\": [], "
            + "\"system\": false, \"version\": 1}";

    /**
     * A field that is there but not of its type is not read as something else: text where a number belongs is not
     * parsed, a fraction not cut, text where a flag belongs not taken for {@code false}, a number or null among
     * texts not turned into text, and an answer that is not an object not read as one with every field absent. Each
     * is a {@code malformed_answer} naming the request, and the field where there is one.
     */
    @Test
    void successAnswer_withAValueOfAnotherType_isAnUnexpectedResponse_neverAGuess() {
        record Broken(String answer, String names) {
        }
        List<Broken> roles = List.of(
                new Broken(ROLE.replace("\"id\": 5", "\"id\": \"5\""), "id must be an integer, got \"5\""),
                new Broken(ROLE.replace("\"id\": 5", "\"id\": 5.5"), "id must be an integer, got 5.5"),
                new Broken(ROLE.replace("\"id\": 5", "\"id\": 99999999999999999999999"), "id must be an integer"),
                new Broken(ROLE.replace("\"system\": false", "\"system\": \"no\""), "system must be true or false"),
                new Broken(ROLE.replace("\"permissions\": []", "\"permissions\": [1, null]"),
                        "permissions[0] must be text, got 1"),
                new Broken(ROLE.replace("\"permissions\": []", "\"permissions\": \"doc.read\""),
                        "permissions must be a list"),
                new Broken(ROLE.replace("\"name\": \"Agent\"", "\"name\": 7"), "name must be text, got 7"),
                new Broken("null", "not a JSON object"),
                new Broken("[]", "not a JSON object"),
                new Broken("5", "not a JSON object"));
        for (Broken broken : roles) {
            try (MisbehavingServer server = answering(200, broken.answer());
                 GatehouseClient client = client(server, GENEROUS)) {
                UnexpectedResponseException e = catchThrowableOfType(UnexpectedResponseException.class,
                        () -> client.org(1).roles().get(5));
                assertThat(e).as(broken.answer()).isNotNull();
                assertThat(e.code()).isEqualTo("malformed_answer");
                assertThat(e.detail()).as(broken.answer()).contains("GET /v1/orgs/1/roles/5", broken.names());
            }
        }
        try (MisbehavingServer server = answering(200, "{\"allowed\": \"yes\", \"revision\": 3}");
             GatehouseClient client = client(server, GENEROUS)) {
            UnexpectedResponseException e = catchThrowableOfType(UnexpectedResponseException.class,
                    () -> client.org(1).decisions().check(Decisions.Check.of(MemberRef.user("x"), "p")));
            assertThat(e).as("a flag that is text").isNotNull();
            assertThat(e.detail()).contains("POST /v1/orgs/1/check", "allowed must be true or false, got \"yes\"");
        }
        try (MisbehavingServer server = answering(200, ROLE);
             GatehouseClient client = client(server, GENEROUS)) {
            assertThat(client.org(1).roles().get(5).id()).as("a whole answer still reads").isEqualTo(5);
        }
    }

    /** A batch's answers are matched to its checks by their place: one answer fewer (or more) matches none. */
    /** docs/client.md: a field left out or null reads as absent; a visibility check's {@code filter} once failed. */
    @Test
    void visibilityAnswer_withoutItsFilter_readsTheFilterAsAbsent() {
        for (String answer : List.of("{\"visible\": true, \"revision\": 5}",
                "{\"visible\": true, \"filter\": null, \"revision\": 5}")) {
            try (FakeServer server = new FakeServer(FakeServer.Answer.json(200, answer));
                 GatehouseClient client = GatehouseClient.builder().url(server.url()).key("k")
                         .retry(RetryPolicy.none()).build()) {
                Decisions.VisibilityCheck check = client.org(1).decisions().visible(MemberRef.user("u"),
                        java.util.Map.of("owner_id", List.of("u")));
                assertThat(check.visible()).as(answer).isTrue();
                assertThat(check.filter()).as(answer).isNull();
                assertThat(check.revision()).as(answer).isEqualTo(5);
            }
        }
    }

    @Test
    void batchAnswer_withAnAnswerMissing_isAnUnexpectedResponse() {
        try (MisbehavingServer server = answering(200, "{\"results\": [{\"allowed\": true, \"revision\": 3}], "
                + "\"revision\": 3}");
             GatehouseClient client = client(server, GENEROUS)) {
            UnexpectedResponseException e = catchThrowableOfType(UnexpectedResponseException.class,
                    () -> client.org(1).decisions().checkAll(List.of(Decisions.Check.of(MemberRef.user("x"), "p"),
                            Decisions.Check.of(MemberRef.user("y"), "p"))));
            assertThat(e).as("a batch answer one short").isNotNull();
            assertThat(e.code()).isEqualTo("malformed_answer");
            assertThat(e.detail()).contains("POST /v1/orgs/1/check/batch", "1 answers for 2 checks");
        }
    }
}
