package dev.gatehouse.decision;

import dev.gatehouse.testing.Await;
import dev.gatehouse.testing.Fixtures;
import dev.gatehouse.testing.FrozenFeed;
import dev.gatehouse.testing.Http;
import dev.gatehouse.testing.TestDatabase;
import dev.gatehouse.testing.TestNode;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The two decision reads that are {@code GET}s — effective permissions and the visibility filter — take
 * {@code min_revision} as a query parameter, as the decision bodies take it as a field: a node whose engine has not
 * applied that revision yet waits for it instead of answering from older state. Built deterministically: a write
 * on one node, the read on a second node whose feed is frozen until after the read arrived.
 */
class ReadAtRevisionIT {

    private static TestNode writer;
    private static TestNode reader;
    private static Fixtures fx;

    @BeforeAll
    static void start() {
        String url = TestDatabase.freshDatabaseUrl();
        writer = TestNode.startOn(url);
        reader = TestNode.startOn(url);
        fx = new Fixtures(writer);
    }

    @AfterAll
    static void stop() {
        reader.close();
        writer.close();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"permissions", "visibility-filter"})
    void aReadWithMinRevision_waitsForTheWrite_onANodeThatHasNotAppliedItYet(String route) throws Exception {
        Fixtures.Org org = fx.org("close");
        long narrow = fx.role(org, "Narrow", List.of("view_all_leads"));
        long wide = fx.role(org, Map.of("name", "Wide", "permissions", List.of("delete_leads"),
                "visibility", Map.of("user_field_ids", List.of("owner_id"), "unassigned", "require_assignment")));
        long member = fx.member(org, "u-" + route, narrow);
        long synced = writer.appliedRevision();
        Await.until(Duration.ofSeconds(20), "the reader applied the setup", () -> reader.appliedRevision() >= synced);
        String path = org.path() + "/members/" + member + "/" + route;
        Function<JsonNode, Boolean> changed = route.equals("permissions")
                ? body -> body.get("permissions").toString().contains("delete_leads")
                : body -> !body.get("sees_all").booleanValue();
        assertThat(changed.apply(reader.service().get(path).json())).as("before the write").isFalse();

        CompletableFuture<Http.Res> read;
        long written;
        FrozenFeed frozen = FrozenFeed.of(reader);
        try {
            Http.Res moved = writer.service().patch(org.path() + "/members/" + member, Map.of("role_id", wide));
            assertThat(moved.status()).as("%s", moved).isEqualTo(200);
            written = moved.revision();
            assertThat(reader.appliedRevision()).isLessThan(written);
            read = CompletableFuture.supplyAsync(() -> reader.service().get(path + "?min_revision=" + written));
            Thread.sleep(300);
            assertThat(read.isDone()).as("the read waits for the revision: %s", read.getNow(null)).isFalse();
        } finally {
            frozen.close();
        }
        Http.Res answer = read.join();
        assertThat(answer.status()).as("%s", answer).isEqualTo(200);
        assertThat(answer.get("revision").longValue()).isGreaterThanOrEqualTo(written);
        assertThat(changed.apply(answer.json())).as("%s", answer).isTrue();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"-1", "x", "1.5", "99999999999999999999", ""})
    void aMalformedMinRevision_isA400_onBothRoutes(String value) {
        Fixtures.Org org = fx.org("close");
        for (String route : List.of("permissions", "visibility-filter")) {
            Http.Res res = writer.service().get(org.path() + "/members/" + org.adminId() + "/" + route
                    + "?min_revision=" + value);
            assertThat(res.status()).as("%s %s", route, res).isEqualTo(400);
            assertThat(res.get("code").stringValue()).isEqualTo("invalid_parameter");
            assertThat(res.json().get("errors").has("min_revision")).as("%s", res).isTrue();
        }
    }

    /**
     * A batch is answered at the newest revision any of it asks for; one not committed yet is refused naming the
     * field that asked for it — beside {@code checks}, or in an item — as a malformed one is.
     */
    @Test
    void aBatchAskingForARevisionNotCommitted_namesTheFieldThatAskedForIt() {
        Fixtures.Org org = fx.org("close");
        long future = writer.revision() + 1_000_000;
        Map<String, Object> plain = Map.of("member_id", org.adminId(), "permission", "view_all_leads");
        Map<String, Object> asking = Map.of("member_id", org.adminId(), "permission", "view_all_leads",
                "min_revision", future);
        Http.Res inAnItem = writer.service().post(org.path() + "/check/batch", Map.of("checks",
                List.of(plain, asking)));
        assertThat(inAnItem.status()).as("%s", inAnItem).isEqualTo(400);
        assertThat(inAnItem.json().get("errors").propertyNames()).as("%s", inAnItem)
                .containsExactly("checks[1].min_revision");
        assertThat(inAnItem.get("detail").stringValue()).startsWith("checks[1].min_revision: revision " + future
                + " has not been committed");
        assertThat(inAnItem.get("last_revision").longValue()).as("where the log ends, for programs")
                .isBetween(writer.revision() - 1_000, future - 1);
        Http.Res besideThem = writer.service().post(org.path() + "/check/batch", Map.of("checks",
                List.of(plain, asking), "min_revision", future));
        assertThat(besideThem.json().get("errors").propertyNames()).as("%s", besideThem)
                .containsExactly("min_revision");
        assertThat(besideThem.get("last_revision").isIntegralNumber()).as("%s", besideThem).isTrue();
    }
}
