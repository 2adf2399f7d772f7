package dev.gatehouse.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.gatehouse.client.FakeServer.Answer;
import dev.gatehouse.client.FakeServer.Received;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Retries, timeouts and the session's revision against a scripted loopback server ({@link FakeServer}): a 429 or a
 * retryable 503 is sent again after its {@code Retry-After}, a write only when the server said it was not applied, a
 * {@code PUT} even when its outcome is unknown; the client gives up after its attempts; a write's
 * {@code Gatehouse-Revision} is sent with the next decision as {@code min_revision}. A {@code DELETE} whose attempt
 * may have been applied and whose retry is answered 404 is done — for every removal the client has — while a 404 to
 * the first attempt, or after failures that prove nothing was applied, and a 412 to a retry stay errors.
 */
class ClientRetryIT {

    private static final String ROLE = "{\"id\": 5, \"org_id\": 1, \"name\": \"Viewer\", \"permissions\": "
            + "[\"doc.read\"], \"system\": false, \"version\": 1}";
    private static final String GROUP = "{\"id\": 3, \"org_id\": 1, \"name\": \"Sales\", \"members\": [], "
            + "\"version\": 1}";

    private static GatehouseClient client(FakeServer server, RetryPolicy retry) {
        return GatehouseClient.builder().url(server.url()).key("k").retry(retry).build();
    }

    @Test
    void read_retriedAfter503_waitingItsRetryAfter() {
        try (FakeServer server = new FakeServer(Answer.problem(503, "database_unavailable", "1"),
                Answer.json(200, ROLE));
             GatehouseClient client = client(server, RetryPolicy.DEFAULT)) {
            Roles.Role role = client.org(1).roles().get(5);
            assertThat(role.name()).isEqualTo("Viewer");
            List<Received> got = server.received();
            assertThat(got).hasSize(2);
            assertThat(Duration.ofNanos(got.get(1).atNanos() - got.get(0).atNanos()))
                    .isGreaterThanOrEqualTo(Duration.ofSeconds(1));
            assertThat(got.get(1).path()).isEqualTo("/v1/orgs/1/roles/5");
        }
    }

    @Test
    void read_retriedAfter429() {
        try (FakeServer server = new FakeServer(Answer.problem(429, "rate_limited", "0"),
                Answer.problem(429, "rate_limited", "0"), Answer.json(200, ROLE));
             GatehouseClient client = client(server, RetryPolicy.DEFAULT)) {
            assertThat(client.org(1).roles().get(5).id()).isEqualTo(5);
            assertThat(server.received()).hasSize(3);
        }
    }

    @Test
    void write_retriedWhenTheServerSaysItWasNotApplied() {
        try (FakeServer server = new FakeServer(Answer.problem(503, "database_unavailable", "0"),
                Answer.json(201, GROUP));
             GatehouseClient client = client(server, RetryPolicy.DEFAULT)) {
            assertThat(client.org(1).groups().create("Sales").name()).isEqualTo("Sales");
            assertThat(server.received()).extracting(Received::method).containsExactly("POST", "POST");
            assertThat(server.received()).extracting(Received::body).allMatch(b -> b.contains("\"Sales\""));
        }
    }

    /**
     * An import a node stopped midway (503 node_stopping) or that lost its database midway answers with the lines it
     * committed: applied in part, it is not sent again from its first line (a deployment's import would create its
     * organizations twice) but thrown, naming where to resume.
     */
    @Test
    void anImportAnsweredWithTheLinesItCommitted_isNotRetried_whateverItsCode(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("import.ndjson");
        Files.writeString(file, "{\"type\":\"role\",\"name\":\"Viewer\",\"permissions\":[]}\n");
        for (String code : List.of("node_stopping", "database_unavailable")) {
            String stopped = "{\"status\": 503, \"code\": \"" + code + "\", \"detail\": \"stopped\", "
                    + "\"line\": 401, \"committed_lines\": 400, \"resume_from_line\": 401}";
            try (FakeServer server = new FakeServer(new Answer(503, Map.of("Content-Type", "application/problem+json",
                    "Retry-After", "0"), stopped, Duration.ZERO), Answer.json(200, "{}"));
                 GatehouseClient client = client(server, RetryPolicy.DEFAULT)) {
                UnavailableException e = catchThrowableOfType(UnavailableException.class,
                        () -> client.org(1).bulk().importFrom(file));
                assertThat(e.code()).isEqualTo(code);
                assertThat(e.problem().get("resume_from_line").longValue()).isEqualTo(401);
                assertThat(server.received()).as(code).hasSize(1);
            }
        }
        // nothing committed: not applied, sent again
        try (FakeServer server = new FakeServer(Answer.problem(503, "node_stopping", "0"), Answer.json(200,
                "{\"lines\": 1, \"committed_lines\": 1, \"skipped_lines\": 0, \"chunks\": 1, \"revision\": 7, "
                        + "\"counts\": {}}"));
             GatehouseClient client = client(server, RetryPolicy.DEFAULT)) {
            assertThat(client.org(1).bulk().importFrom(file).committedLines()).isEqualTo(1);
            assertThat(server.received()).hasSize(2);
        }
    }

    @Test
    void write_notRetriedWhenItsOutcomeIsUnknown() {
        try (FakeServer server = new FakeServer(Answer.problem(503, "write_outcome_unknown", "0"),
                Answer.json(201, GROUP));
             GatehouseClient client = client(server, RetryPolicy.DEFAULT)) {
            UnavailableException e = catchThrowableOfType(UnavailableException.class,
                    () -> client.org(1).groups().create("Sales"));
            assertThat(e.code()).isEqualTo("write_outcome_unknown");
            assertThat(e.retryAfter()).contains(Duration.ZERO);
            assertThat(server.received()).hasSize(1);
        }
    }

    @Test
    void put_retriedEvenWhenItsOutcomeIsUnknown() {
        String assignment = "{\"org_id\": 1, \"resource\": {\"type\": \"doc\", \"id\": \"d1\"}, \"member_id\": 7, "
                + "\"role_id\": 5, \"expires_at\": null}";
        try (FakeServer server = new FakeServer(Answer.problem(503, "write_outcome_unknown", "0"),
                Answer.json(200, assignment));
             GatehouseClient client = client(server, RetryPolicy.DEFAULT)) {
            Assignments.Assignment given = client.org(1).assignments().assign(ResourceRef.of("doc", "d1"),
                    MemberRef.user("u 7/x"), 5);
            assertThat(given.memberId()).isEqualTo(7);
            assertThat(server.received()).extracting(Received::path)
                    .containsOnly("/v1/orgs/1/resources/doc/d1/assignments/user:u%207%2Fx");
            assertThat(server.received()).hasSize(2);
        }
    }

    @Test
    void givesUpAfterItsAttempts_withTheLastProblem() {
        try (FakeServer server = new FakeServer(Answer.problem(503, "node_resyncing", "0"));
             GatehouseClient client = client(server, RetryPolicy.DEFAULT.withMaxAttempts(3))) {
            UnavailableException e = catchThrowableOfType(UnavailableException.class,
                    () -> client.org(1).roles().get(5));
            assertThat(e.code()).isEqualTo("node_resyncing");
            assertThat(e.status()).isEqualTo(503);
            assertThat(server.received()).hasSize(3);
        }
    }

    @Test
    void retryAfterLongerThanThePolicyHonours_isThrownAtOnce() {
        try (FakeServer server = new FakeServer(Answer.problem(429, "rate_limited", "3600"), Answer.json(200, ROLE));
             GatehouseClient client = client(server, RetryPolicy.DEFAULT)) {
            RateLimitedException e = catchThrowableOfType(RateLimitedException.class,
                    () -> client.org(1).roles().get(5));
            assertThat(e.retryAfter()).contains(Duration.ofHours(1));
            assertThat(server.received()).hasSize(1);
        }
    }

    @Test
    void slowAnswer_timesOut() {
        try (FakeServer server = new FakeServer(Answer.json(200, ROLE).after(Duration.ofSeconds(2)));
             GatehouseClient client = GatehouseClient.builder().url(server.url()).key("k")
                     .requestTimeout(Duration.ofMillis(200)).retry(RetryPolicy.none()).build()) {
            TransportException e = catchThrowableOfType(TransportException.class, () -> client.org(1).roles().get(5));
            assertThat(e.code()).isEqualTo("timeout");
            assertThat(e.status()).isZero();
        }
    }

    @Test
    void answerThatIsNoProblemDocument_isStillTyped() {
        try (FakeServer server = new FakeServer(new Answer(502, java.util.Map.of("Content-Type", "text/html"),
                "<html>bad gateway</html>", Duration.ZERO));
             GatehouseClient client = client(server, RetryPolicy.none())) {
            UnexpectedResponseException e = catchThrowableOfType(UnexpectedResponseException.class,
                    () -> client.org(1).roles().get(5));
            assertThat(e.status()).isEqualTo(502);
            assertThat(e.code()).isEqualTo("bad_gateway");
            assertThat(e.detail()).contains("bad gateway");
        }
    }

    @Test
    void writesRevision_isSentWithLaterDecisionsAsMinRevision_andNeverGoesBack() {
        try (FakeServer server = new FakeServer(Answer.json(201, GROUP).withHeader("Gatehouse-Revision", "42"),
                Answer.json(200, "{\"allowed\": true, \"revision\": 42}").withHeader("Gatehouse-Revision", "40"),
                Answer.json(200, "{\"allowed\": true, \"revision\": 43}"));
             GatehouseClient client = client(server, RetryPolicy.DEFAULT)) {
            assertThat(client.revision()).isZero();
            client.org(1).groups().create("Sales");
            assertThat(client.revision()).isEqualTo(42);
            Decisions.Check check = Decisions.Check.of(MemberRef.id(7), "doc.read");
            assertThat(client.org(1).decisions().check(check).allowed()).isTrue();
            assertThat(client.revision()).isEqualTo(42);
            client.observeRevision(43);
            client.org(1).decisions().check(check);
            List<Received> got = server.received();
            assertThat(got.get(0).body()).doesNotContain("min_revision");
            assertThat(got.get(1).body()).contains("\"min_revision\":42").contains("\"member_id\":7");
            assertThat(got.get(2).body()).contains("\"min_revision\":43");
        }
    }
    @Test
    void writesRevision_isSentWithTheDecisionGets_asAQueryParameter() {
        try (FakeServer server = new FakeServer(Answer.json(201, GROUP).withHeader("Gatehouse-Revision", "42"),
                Answer.json(200, "{\"member_id\": 7, \"permissions\": [], \"revision\": 42}"),
                Answer.json(200, "{\"member_id\": 7, \"resource\": {\"type\": \"doc\", \"id\": \"a b\"}, "
                        + "\"permissions\": [], \"revision\": 42}"));
             GatehouseClient client = client(server, RetryPolicy.DEFAULT)) {
            client.org(1).groups().create("Sales");
            client.org(1).decisions().permissions(MemberRef.id(7));
            client.org(1).decisions().permissions(MemberRef.id(7), ResourceRef.of("doc", "a b"));
            List<Received> got = server.received();
            assertThat(got.get(1).path()).isEqualTo("/v1/orgs/1/members/id:7/permissions?min_revision=42");
            assertThat(got.get(2).path())
                    .isEqualTo("/v1/orgs/1/members/id:7/permissions?resource_type=doc&resource_id=a%20b&min_revision=42");
        }
    }

    /** A 404 problem document as the server writes it. */
    private static Answer notFound(String code) {
        return Answer.problem(404, code, null);
    }

    /** The first attempt's outcome unknown (a 503 that is not "not applied"), the retry answered {@code then}. */
    private static FakeServer unknownThen(Answer then) {
        return new FakeServer(Answer.problem(503, "write_outcome_unknown", "0"), then);
    }

    @Test
    void delete_timedOutAfterTheServerRemovedIt_andRetriedTo404_isDone() {
        // the tester's report: the server removes the member, its answer comes after the client's timeout, the
        // retry is answered 404 member_not_found — the member is gone, as the caller asked
        AtomicInteger connections = new AtomicInteger();
        List<String> requests = new CopyOnWriteArrayList<>();
        String gone = "{\"status\": 404, \"code\": \"member_not_found\", \"detail\": \"organization 1 has no "
                + "member with user id \\\"u-ada\\\"\"}";
        try (MisbehavingServer server = new MisbehavingServer(connection -> {
            requests.add(connection.request());
            if (connections.incrementAndGet() == 1) {
                connection.stall();
            } else {
                connection.write("HTTP/1.1 404 Not Found\r\nContent-Type: application/problem+json\r\n"
                        + "Content-Length: " + gone.getBytes(StandardCharsets.UTF_8).length + "\r\nConnection: close"
                        + "\r\n\r\n" + gone);
            }
        });
             GatehouseClient client = GatehouseClient.builder().url(server.url()).key("k")
                     .requestTimeout(Duration.ofMillis(300)).build()) {
            client.org(1).members().remove(MemberRef.user("u-ada"));
            assertThat(requests).hasSize(2).allMatch(line -> line.startsWith("DELETE /v1/orgs/1/members/user:u-ada "));
        }
    }

    @Test
    void everyDelete_retriedAfterAnUnknownOutcomeTo404_isDone() {
        Map<String, Consumer<GatehouseClient>> deletes = new java.util.LinkedHashMap<>();
        MemberRef ada = MemberRef.user("u-ada");
        ResourceRef room = ResourceRef.of("room", "12");
        deletes.put("members().remove", c -> c.org(1).members().remove(ada));
        deletes.put("members().remove(version)", c -> c.org(1).members().remove(ada, 3));
        deletes.put("roles().delete", c -> c.org(1).roles().delete(5));
        deletes.put("roles().delete(version)", c -> c.org(1).roles().delete(5, 3));
        deletes.put("assignments().remove", c -> c.org(1).assignments().remove(room, ada));
        deletes.put("assignments().removeAllOn", c -> assertThat(c.org(1).assignments().removeAllOn(room)).isZero());
        deletes.put("assignments().removeAllOf", c -> assertThat(c.org(1).assignments().removeAllOf(ada)).isZero());
        deletes.put("keys().revoke", c -> c.org(1).keys().revoke(ada, "key-1"));
        deletes.put("groups().delete", c -> c.org(1).groups().delete(3));
        deletes.put("groups().delete(version)", c -> c.org(1).groups().delete(3, 2));
        deletes.put("groups().removeMember", c -> c.org(1).groups().removeMember(3, ada));
        deletes.put("offices().delete", c -> c.org(1).offices().delete(4));
        deletes.put("offices().delete(version)", c -> c.org(1).offices().delete(4, 2));
        deletes.put("offices().deleteRegion", c -> c.org(1).offices().deleteRegion(6));
        deletes.put("offices().deleteRegion(version)", c -> c.org(1).offices().deleteRegion(6, 2));
        deletes.put("webhooks().delete", c -> c.org(1).webhooks().delete(8));
        deletes.put("resources().delete", c -> c.org(1).resources().delete(room));
        deletes.put("replicaKeys().revoke", c -> c.replicaKeys().revoke("rk-1"));
        deletes.put("organizations().delete", c -> c.organizations().delete(1));
        deletes.forEach((name, delete) -> {
            try (FakeServer server = unknownThen(notFound("not_found"));
                 GatehouseClient client = client(server, RetryPolicy.DEFAULT)) {
                delete.accept(client);
                assertThat(server.received()).as(name).extracting(Received::method).containsExactly("DELETE",
                        "DELETE");
            }
        });
    }

    @Test
    void delete_404ToItsFirstAttempt_isNotFound() {
        try (FakeServer server = new FakeServer(notFound("member_not_found"));
             GatehouseClient client = client(server, RetryPolicy.DEFAULT)) {
            NotFoundException e = catchThrowableOfType(NotFoundException.class,
                    () -> client.org(1).members().remove(MemberRef.user("u-ada")));
            assertThat(e.code()).isEqualTo("member_not_found");
            assertThat(server.received()).hasSize(1);
        }
    }

    @Test
    void delete_404AfterFailuresThatProveNothingWasApplied_isNotFound() {
        // a 429 and a "not applied" 503 say the first attempts changed nothing: the 404 is the plain answer
        try (FakeServer server = new FakeServer(Answer.problem(429, "rate_limited", "0"),
                Answer.problem(503, "database_unavailable", "0"), notFound("member_not_found"));
             GatehouseClient client = client(server, RetryPolicy.DEFAULT)) {
            NotFoundException e = catchThrowableOfType(NotFoundException.class,
                    () -> client.org(1).members().remove(MemberRef.user("u-ada")));
            assertThat(e.code()).isEqualTo("member_not_found");
            assertThat(server.received()).hasSize(3);
        }
    }

    @Test
    void conditionalDelete_412OnARetry_staysAnError() {
        // the role is still there, at a version the caller did not name: the delete did not happen
        try (FakeServer server = unknownThen(Answer.problem(412, "version_mismatch", null));
             GatehouseClient client = client(server, RetryPolicy.DEFAULT)) {
            PreconditionFailedException e = catchThrowableOfType(PreconditionFailedException.class,
                    () -> client.org(1).roles().delete(5, 3));
            assertThat(e.code()).isEqualTo("version_mismatch");
            assertThat(server.received()).hasSize(2);
        }
    }

    @Test
    void writeRetriedTo404_isStillNotFound() {
        // only a DELETE's 404 says its work is done; a PUT's says what it names is missing
        try (FakeServer server = unknownThen(notFound("member_not_found"));
             GatehouseClient client = client(server, RetryPolicy.DEFAULT)) {
            NotFoundException e = catchThrowableOfType(NotFoundException.class, () -> client.org(1).assignments()
                    .assign(ResourceRef.of("room", "12"), MemberRef.user("u-ada"), 5));
            assertThat(e.code()).isEqualTo("member_not_found");
            assertThat(server.received()).hasSize(2);
        }
    }
}
