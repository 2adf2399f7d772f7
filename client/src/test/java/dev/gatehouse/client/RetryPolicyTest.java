package dev.gatehouse.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatehouse.client.Transport.Safety;
import java.net.http.HttpHeaders;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The retry rules and the reading of problem documents, in memory. */
class RetryPolicyTest {

    @Test
    void delay_doublesWithJitterUpToTheMaximum() {
        RetryPolicy policy = new RetryPolicy(10, Duration.ofMillis(100), Duration.ofMillis(800), Duration.ofSeconds(5));
        for (int i = 0; i < 200; i++) {
            assertThat(policy.delay(1, null)).isBetween(Duration.ofMillis(50), Duration.ofMillis(100));
            assertThat(policy.delay(3, null)).isBetween(Duration.ofMillis(200), Duration.ofMillis(400));
            assertThat(policy.delay(9, null)).isBetween(Duration.ofMillis(400), Duration.ofMillis(800));
            assertThat(policy.delay(64, null)).isBetween(Duration.ofMillis(400), Duration.ofMillis(800));
        }
    }

    @Test
    void delay_neverShorterThanRetryAfter_andNoneBeyondTheHonouredMaximum() {
        RetryPolicy policy = new RetryPolicy(4, Duration.ofMillis(100), Duration.ofSeconds(2), Duration.ofSeconds(5));
        assertThat(policy.delay(1, Duration.ofSeconds(3))).isBetween(Duration.ofSeconds(3),
                Duration.ofSeconds(3).plusMillis(25));
        assertThat(policy.delay(1, Duration.ZERO)).isBetween(Duration.ofMillis(50), Duration.ofMillis(100));
        assertThat(policy.delay(1, Duration.ofSeconds(6))).isNull();
    }

    @Test
    void policy_refusesNonsense() {
        assertThatThrownBy(() -> new RetryPolicy(0, Duration.ZERO, Duration.ZERO, Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("0");
        assertThatThrownBy(() -> new RetryPolicy(2, Duration.ofSeconds(2), Duration.ofSeconds(1), Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(RetryPolicy.none().maxAttempts()).isEqualTo(1);
    }

    @Test
    void retryable_writesOnlyWhenTheServerSaysTheyWereNotApplied() {
        for (String code : Transport.NOT_APPLIED) {
            assertThat(Transport.retryable(503, code, Safety.WRITE)).as(code).isTrue();
        }
        assertThat(Transport.retryable(429, "rate_limited", Safety.WRITE)).isTrue();
        assertThat(Transport.retryable(503, "write_outcome_unknown", Safety.WRITE)).isFalse();
        assertThat(Transport.retryable(503, "write_outcome_unknown", Safety.IDEMPOTENT)).isTrue();
        assertThat(Transport.retryable(503, "unavailable", Safety.WRITE)).isFalse();
        assertThat(Transport.retryable(502, "bad_gateway", Safety.IDEMPOTENT)).isTrue();
        assertThat(Transport.retryable(500, "internal_error", Safety.IDEMPOTENT)).isFalse();
        assertThat(Transport.retryable(409, "conflict", Safety.IDEMPOTENT)).isFalse();
    }

    @Test
    void retryAfter_secondsOrAnHttpDate() {
        assertThat(Problem.retryAfter("7")).contains(Duration.ofSeconds(7));
        assertThat(Problem.retryAfter(" 0 ")).contains(Duration.ZERO);
        String soon = DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.now(ZoneOffset.UTC).plusSeconds(30));
        assertThat(Problem.retryAfter(soon).orElseThrow()).isBetween(Duration.ofSeconds(28), Duration.ofSeconds(30));
        assertThat(Problem.retryAfter("Thu, 01 Jan 1970 00:00:00 GMT")).contains(Duration.ZERO);
        assertThat(Problem.retryAfter("soon")).isEmpty();
        assertThat(Problem.retryAfter("-3")).isEmpty();
    }

    @Test
    void problem_readsCodeDetailFieldErrorsAndRetryAfter_intoItsKindOfException() {
        String body = "{\"status\": 400, \"code\": \"invalid_input\", \"detail\": \"name: is required\", "
                + "\"errors\": {\"name\": \"is required\"}}";
        GatehouseException e = Problem.of(400, headers(Map.of()), body.getBytes(StandardCharsets.UTF_8)).exception();
        assertThat(e).isInstanceOf(InvalidInputException.class);
        assertThat(e.code()).isEqualTo("invalid_input");
        assertThat(e.detail()).isEqualTo("name: is required");
        assertThat(e.fieldErrors()).containsExactly(Map.entry("name", "is required"));
        assertThat(e.retryAfter()).isEmpty();

        GatehouseException busy = Problem.of(503, headers(Map.of("Retry-After", List.of("2"))), new byte[0])
                .exception();
        assertThat(busy).isInstanceOf(UnavailableException.class);
        assertThat(busy.code()).isEqualTo("unavailable");
        assertThat(busy.retryAfter()).contains(Duration.ofSeconds(2));
        assertThat(busy.detail()).isEqualTo("(no body)");

        assertThat(Problem.of(404, headers(Map.of()), new byte[0]).exception()).isInstanceOf(NotFoundException.class);
        assertThat(Problem.of(409, headers(Map.of()), new byte[0]).exception()).isInstanceOf(ConflictException.class);
        assertThat(Problem.of(412, headers(Map.of()), new byte[0]).exception())
                .isInstanceOf(PreconditionFailedException.class);
        assertThat(Problem.of(500, headers(Map.of()), new byte[0]).exception())
                .isInstanceOf(UnexpectedResponseException.class);
    }

    @Test
    void memberRef_namesExactlyOneAndEncodesForPaths() {
        assertThat(MemberRef.id(42).pathSegment()).isEqualTo("id:42");
        assertThat(MemberRef.user("a b/ü").pathSegment()).isEqualTo("user:a%20b%2F%C3%BC");
        assertThatThrownBy(() -> new MemberRef(1L, "u")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> MemberRef.user("")).isInstanceOf(IllegalArgumentException.class);
    }

    private static HttpHeaders headers(Map<String, List<String>> values) {
        return HttpHeaders.of(values, (name, value) -> true);
    }
}
