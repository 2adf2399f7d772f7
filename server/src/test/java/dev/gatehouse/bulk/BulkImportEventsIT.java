package dev.gatehouse.bulk;

import dev.gatehouse.testing.Await;
import dev.gatehouse.testing.Fixtures;
import dev.gatehouse.testing.Http;
import dev.gatehouse.testing.TestNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import static dev.gatehouse.bulk.Bulk.assignment;
import static dev.gatehouse.bulk.Bulk.importLines;
import static dev.gatehouse.bulk.Bulk.line;
import static dev.gatehouse.bulk.Bulk.member;
import static dev.gatehouse.bulk.Bulk.role;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the change log and the events API hold for an import's assignments: one {@code bulk_import} event per run of
 * assignment lines, summarizing them (lines, counts), whose objects {@code /events/{revision}/objects} pages as the
 * per-assignment changes they stand for; every other line keeps its own event, in line order; and a second node
 * applies the same records to the same engine.
 */
class BulkImportEventsIT {

    static final List<String> READ = List.of("doc.read", "records.all");
    static final String ENDS = "2031-01-01T00:00:00Z";

    static TestNode node;
    static TestNode other;
    static Fixtures fx;

    @BeforeAll
    static void start() {
        node = TestNode.start();
        other = TestNode.startOn(node.databaseUrl(), c -> c);
        fx = new Fixtures(node);
        Bulk.registerDocsModel(node);
    }

    @AfterAll
    static void stop() {
        other.close();
        node.close();
    }

    @Test
    void aRunOfAssignments_isOneSummarizingEvent_whoseObjectsArePaged_andEveryNodeAppliesIt() {
        Fixtures.Org org = fx.org("docs");
        long start = node.appliedRevision();
        List<String> lines = new ArrayList<>(List.of(role("Reader", READ),
                role("Writer", List.of("doc.read", "doc.write", "records.all"))));
        for (int i = 0; i < 6; i++) {
            lines.add(member("u" + i, "Reader"));
        }
        for (int i = 0; i < 6; i++) {                                          // lines 9 to 14
            lines.add(i == 5 ? line("type", "assignment", "resource", Map.of("type", "doc", "id", "d5"),
                    "user_id", "u5", "role", "Writer", "expires_at", ENDS)
                    : assignment("doc", "d" + i, "u" + i, i % 2 == 0 ? "Reader" : "Writer"));
        }
        lines.add(line("type", "assignment", "op", "delete", "resource", Map.of("type", "doc", "id", "d0"),
                "user_id", "u0"));                                             // line 15
        lines.add(assignment("room", "r1", "u1", "Reader"));                   // lines 16 and 17
        lines.add(assignment("room", "r1", "u2", "Writer"));
        Http.Res res = importLines(node.service(), org.id(), "", lines);
        assertThat(res.status()).as("%s", res).isEqualTo(200);

        List<JsonNode> events = events(org, start);
        assertThat(events).extracting(e -> e.get("object_type").stringValue() + " " + e.get("action").stringValue()
                + " " + e.get("object_id").stringValue()).endsWith("bulk_import imported 9-14",
                "assignment deleted doc/d0/" + memberId(org, "u0"), "bulk_import imported 16-17");
        assertThat(events).hasSize(2 + 6 + 3);
        JsonNode run = events.get(8);
        assertThat(run.get("after").get("object_type").stringValue()).isEqualTo("assignment");
        assertThat(run.get("after").get("lines").get("first").longValue()).isEqualTo(9);
        assertThat(run.get("after").get("lines").get("last").longValue()).isEqualTo(14);
        assertThat(run.get("after").get("objects").intValue()).isEqualTo(6);
        assertThat(run.get("after").get("created").intValue()).isEqualTo(6);
        assertThat(run.get("before").isNull()).isTrue();
        assertThat(run.get("actor").get("type").stringValue()).isEqualTo("service");
        assertThat(events.get(events.size() - 1).get("revision").longValue()).isEqualTo(res.revision());

        // the objects, paged: four, then the last two
        String objects = org.path() + "/events/" + run.get("revision").longValue() + "/objects";
        Http.Res first = node.service().get(objects + "?limit=4");
        assertThat(first.status()).as("%s", first).isEqualTo(200);
        assertThat(first.get("items")).hasSize(4);
        Http.Res rest = node.service().get(objects + "?limit=4&cursor=" + first.get("next_cursor").stringValue());
        assertThat(rest.get("items")).hasSize(2);
        assertThat(rest.get("next_cursor").isNull()).isTrue();
        List<JsonNode> items = new ArrayList<>();
        first.get("items").forEach(items::add);
        rest.get("items").forEach(items::add);
        assertThat(items).extracting(i -> i.get("position").longValue()).containsExactly(1L, 2L, 3L, 4L, 5L, 6L);
        assertThat(items).extracting(i -> i.get("object_id").stringValue()).containsExactly(
                "doc/d0/" + memberId(org, "u0"), "doc/d1/" + memberId(org, "u1"), "doc/d2/" + memberId(org, "u2"),
                "doc/d3/" + memberId(org, "u3"), "doc/d4/" + memberId(org, "u4"), "doc/d5/" + memberId(org, "u5"));
        assertThat(items).allSatisfy(i -> {
            assertThat(i.get("object_type").stringValue()).isEqualTo("assignment");
            assertThat(i.get("action").stringValue()).isEqualTo("created");
            assertThat(i.get("before").isNull()).isTrue();
            assertThat(i.get("after").get("org_id").longValue()).isEqualTo(org.id());
            assertThat(i.get("after").get("created_at").stringValue()).isEqualTo(run.get("occurred_at").stringValue());
        });
        JsonNode d5 = items.get(5).get("after");
        assertThat(d5.get("resource").get("type").stringValue()).isEqualTo("doc");
        assertThat(d5.get("resource").get("id").stringValue()).isEqualTo("d5");
        assertThat(d5.get("member_id").longValue()).isEqualTo(memberId(org, "u5"));
        assertThat(d5.get("role_id").longValue()).isEqualTo(roleId(org, "Writer"));
        assertThat(d5.get("expires_at").stringValue()).isEqualTo(ENDS);

        // a second import changes one role and repeats one: one object, updated, with its state before
        long second = node.appliedRevision();
        Http.Res again = importLines(node.service(), org.id(), "", List.of(assignment("doc", "d1", "u1", "Reader"),
                assignment("doc", "d2", "u2", "Reader")));
        assertThat(again.status()).as("%s", again).isEqualTo(200);
        List<JsonNode> update = events(org, second);
        assertThat(update).hasSize(1);
        assertThat(update.get(0).get("after").get("objects").intValue()).isEqualTo(1);
        assertThat(update.get(0).get("after").get("updated").intValue()).isEqualTo(1);
        JsonNode changed = node.service().get(org.path() + "/events/" + update.get(0).get("revision").longValue()
                + "/objects").get("items").get(0);
        assertThat(changed.get("action").stringValue()).isEqualTo("updated");
        assertThat(changed.get("before").get("role_id").longValue()).isEqualTo(roleId(org, "Writer"));
        assertThat(changed.get("after").get("role_id").longValue()).isEqualTo(roleId(org, "Reader"));
        assertThat(changed.get("after").get("created_at").stringValue())
                .isEqualTo(items.get(1).get("after").get("created_at").stringValue());

        // what the tables hold, the engine of each node decides
        assertThat(node.service().get(org.path() + "/resources/doc/d5/assignments/u5").get("expires_at")
                .stringValue()).isEqualTo(ENDS);
        for (TestNode each : List.of(node, other)) {
            Http.Res check = each.service().post(org.path() + "/check", Map.of("user_id", "u2", "permission",
                    "doc.write", "resource", Map.of("type", "room", "id", "r1"), "min_revision", again.revision()));
            assertThat(check.status()).as("%s", check).isEqualTo(200);
            assertThat(check.get("allowed").booleanValue()).isTrue();
            Http.Res gone = each.service().post(org.path() + "/check", Map.of("user_id", "u1", "permission",
                    "doc.write", "resource", Map.of("type", "doc", "id", "d1")));
            assertThat(gone.get("allowed").booleanValue()).as("u1 is a Reader on d1 now").isFalse();
        }
        Await.until(Duration.ofSeconds(20), "both nodes report the same revision",
                () -> engine(node).get("revision").asLong(-1) == engine(other).get("revision").asLong(-2));
        assertThat(engine(other).get("digest")).isEqualTo(engine(node).get("digest"));
    }

    @Test
    void anEventOfOneObject_hasNoObjectsToList() {
        Fixtures.Org org = fx.org("docs");
        Http.Res res = importLines(node.service(), org.id(), "", List.of(role("Reader", READ)));
        Http.Res objects = node.service().get(org.path() + "/events/" + res.revision() + "/objects");
        assertThat(objects.status()).as("%s", objects).isEqualTo(404);
        assertThat(objects.get("code").stringValue()).isEqualTo("event_objects_not_found");
        Http.Res elsewhere = node.service().get("/v1/orgs/" + fx.org("docs").id() + "/events/" + res.revision()
                + "/objects");
        assertThat(elsewhere.status()).as("another organization's event: %s", elsewhere).isEqualTo(404);
    }

    private static List<JsonNode> events(Fixtures.Org org, long after) {
        List<JsonNode> events = new ArrayList<>();
        node.service().get(org.path() + "/events?order=asc&limit=100&after_revision=" + after).json().get("items")
                .forEach(events::add);
        return events;
    }

    private static long memberId(Fixtures.Org org, String userId) {
        return node.service().get(org.path() + "/members/" + userId).get("id").longValue();
    }

    private static long roleId(Fixtures.Org org, String name) {
        for (JsonNode role : node.service().get(org.path() + "/roles?limit=100").get("items")) {
            if (role.get("name").stringValue().equals(name)) {
                return role.get("id").longValue();
            }
        }
        throw new AssertionError("no role " + name);
    }

    private static JsonNode engine(TestNode on) {
        return on.service().get("/v1/engine").json();
    }
}
