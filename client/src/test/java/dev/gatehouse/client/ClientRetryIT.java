package dev.gatehouse.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.gatehouse.client.FakeServer.Answer;
import dev.gatehouse.client.FakeServer.Received;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Retries, timeouts and the session's revision against a scripted loopback server ({@link FakeServer}): a 429 or a
 * retryable 503 is sent again after its {@code Retry-After}, a write only when the server said it was not applied, a
 * {@code PUT} even when its outcome is unknown; the client gives up after its attempts; a write's
 * {@code Gatehouse-Revision} is sent with the next decision as {@code min_revision}.
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
}
