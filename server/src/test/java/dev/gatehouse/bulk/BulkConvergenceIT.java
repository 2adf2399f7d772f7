package dev.gatehouse.bulk;

import dev.gatehouse.limit.Limits;
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
 * An import is ordinary writes: every node's engine converges to the same state through the change log; the
 * change log and the events API hold one event per object the import changed — a run of assignments one
 * {@code bulk_import} event standing for them ({@link BulkImportEventsIT}) — by the importing key; the access
 * gate judges each line as the caller's own request (management permission, no escalation); the
 * per-organization limits hold.
 */
class BulkConvergenceIT {

    static final List<String> READ = List.of("doc.read", "records.all");
    /** Three members per resource at most. */
    static final Limits SMALL = new Limits(1_000, 100_000, 1_000, 20, 3, 5_000, 1_000_000, 1_000_000);

    static TestNode node;
    static TestNode other;
    static Fixtures fx;

    @BeforeAll
    static void start() {
        node = TestNode.start(c -> c.withLimits(SMALL));
        other = TestNode.startOn(node.databaseUrl(), c -> c.withLimits(SMALL));
        fx = new Fixtures(node);
        Bulk.registerDocsModel(node);
    }

    @AfterAll
    static void stop() {
        other.close();
        node.close();
    }

    @Test
    void anImport_reachesEveryNode_whoseEnginesAgree() {
        Fixtures.Org org = fx.org("docs");
        List<String> lines = new ArrayList<>(List.of(role("Reader", READ),
                role("Writer", List.of("doc.read", "doc.write", "records.all"))));
        for (int i = 0; i < 12; i++) {
            lines.add(member("u" + i, i % 2 == 0 ? "Reader" : "Writer"));
            lines.add(assignment("doc", "d" + (i % 4), "u" + i, i % 3 == 0 ? "Writer" : "Reader"));
        }
        Http.Res res = importLines(node.service(), org.id(), "chunk_lines=5", lines);
        assertThat(res.status()).as("%s", res).isEqualTo(200);
        assertThat(res.get("chunks").intValue()).isEqualTo(6);

        Http.Res onOther = other.service().post(org.path() + "/check", Map.of("user_id", "u3", "permission",
                "doc.write", "resource", Map.of("type", "doc", "id", "d3"), "min_revision", res.revision()));
        assertThat(onOther.status()).as("%s", onOther).isEqualTo(200);
        assertThat(onOther.get("allowed").booleanValue()).isTrue();
        Await.until(Duration.ofSeconds(20), "both nodes report the same revision",
                () -> engine(node).get("revision").asLong(-1) == engine(other).get("revision").asLong(-2));
        assertThat(engine(other).get("digest")).isEqualTo(engine(node).get("digest"));
    }

    @Test
    void anImport_isRecordedAsOneEventPerChangedObjectOrRunOfAssignments_byTheImportingKey() {
        Fixtures.Org org = fx.org("docs");
        long before = node.appliedRevision();
        Http.Res res = importLines(org.admin(), org.id(), "", List.of(role("Reader", READ), member("m1", "Reader"),
                member("m2", "Reader"), line("type", "group", "name", "G"),
                line("type", "group_member", "group", "G", "user_id", "m1"), assignment("doc", "d1", "m1", "Reader"),
                assignment("doc", "d1", "m1", "Reader")));
        assertThat(res.status()).as("%s", res).isEqualTo(200);

        List<JsonNode> events = new ArrayList<>();
        node.service().get(org.path() + "/events?order=asc&limit=100&after_revision=" + before).json().get("items")
                .forEach(events::add);
        assertThat(events).extracting(e -> e.get("object_type").stringValue() + " " + e.get("action").stringValue())
                .containsExactly("role created", "member created", "member created", "group created", "group updated",
                        "bulk_import imported");
        assertThat(events).allSatisfy(e -> {
            assertThat(e.get("actor").get("type").stringValue()).isEqualTo("member");
            assertThat(e.get("actor").get("member_id").longValue()).isEqualTo(org.adminId());
        });
        assertThat(events.get(events.size() - 1).get("revision").longValue()).isEqualTo(res.revision());
    }

    @Test
    void eachLine_isJudgedAsTheCallersOwnRequest() {
        Fixtures.Org org = fx.org("docs");
        long manager = fx.role(org, "Manager", List.of("members.manage", "doc.read", "records.all"));
        long reader = fx.role(org, "Reader", READ);
        Http managerKey = fx.keyFor(org, fx.member(org, "manager", manager));
        Http readerKey = fx.keyFor(org, fx.member(org, "reader", reader));

        Http.Res noPermission = importLines(readerKey, org.id(), "", List.of(member("x1", "Reader")));
        assertThat(noPermission.status()).as("%s", noPermission).isEqualTo(403);
        assertThat(noPermission.get("line")).as("refused before any line is read").isNull();

        Http.Res escalation = importLines(managerKey, org.id(), "", List.of(member("x2", "Reader"),
                role("Wide", List.of("doc.read", "doc.delete", "records.all"))));
        assertThat(escalation.status()).as("%s", escalation).isEqualTo(403);
        assertThat(escalation.get("code").stringValue()).isEqualTo("privilege_escalation");
        assertThat(escalation.get("line").longValue()).isEqualTo(2);
        assertThat(node.service().get(org.path() + "/members/x2").status()).as("its chunk rolled back")
                .isEqualTo(404);
    }

    @Test
    void theLimits_holdForImportsAsForSingleWrites() {
        Fixtures.Org org = fx.org("docs");
        List<String> lines = new ArrayList<>(List.of(role("Reader", READ)));
        for (int i = 0; i < 4; i++) {
            lines.add(member("l" + i, "Reader"));
        }
        for (int i = 0; i < 4; i++) {
            lines.add(assignment("doc", "shared", "l" + i, "Reader"));
        }
        Http.Res res = importLines(node.service(), org.id(), "", lines);

        assertThat(res.status()).as("%s", res).isEqualTo(409);
        assertThat(res.get("code").stringValue()).isEqualTo("limit_reached");
        assertThat(res.get("limit").stringValue()).isEqualTo("assignments_per_resource");
        assertThat(res.get("maximum").intValue()).isEqualTo(3);
        assertThat(res.get("line").longValue()).isEqualTo(9);
    }

    /**
     * A run of assignments over many resources counts the holders of each only when the organization has more
     * members than the limit (else no resource can reach it): with more, a resource at the limit is refused among
     * hundreds of others; with as many as the limit, every member may hold a role on every resource.
     */
    @Test
    void theLimitOfHoldersPerResource_holdsInRunsOverManyResources() {
        int resources = 250;
        Fixtures.Org crowded = fx.org("docs");
        List<String> lines = new ArrayList<>(List.of(role("Reader", READ)));
        for (int i = 0; i < 4; i++) {
            lines.add(member("c" + i, "Reader"));
        }
        for (int r = 0; r < resources; r++) {
            lines.add(assignment("doc", "d" + r, "c" + (r % 4), "Reader"));
        }
        for (int i = 0; i < 4; i++) {
            lines.add(assignment("doc", "shared", "c" + i, "Reader"));
        }
        Http.Res refused = importLines(node.service(), crowded.id(), "", lines);
        assertThat(refused.status()).as("%s", refused).isEqualTo(409);
        assertThat(refused.get("limit").stringValue()).isEqualTo("assignments_per_resource");
        assertThat(refused.get("line").longValue()).isEqualTo(1 + 4 + resources + 4);

        Fixtures.Org few = fx.org("docs");
        lines = new ArrayList<>(List.of(role("Reader", READ)));
        for (int i = 0; i < 3; i++) {
            lines.add(member("f" + i, "Reader"));
        }
        for (int r = 0; r < resources; r++) {
            for (int i = 0; i < 3; i++) {
                lines.add(assignment("doc", "d" + r, "f" + i, "Reader"));
            }
        }
        Http.Res imported = importLines(node.service(), few.id(), "", lines);
        assertThat(imported.status()).as("%s", imported).isEqualTo(200);
        assertThat(imported.json().at("/counts/assignment/created").intValue()).isEqualTo(3 * resources);
    }

    private static JsonNode engine(TestNode on) {
        return on.service().get("/v1/engine").json();
    }
}
