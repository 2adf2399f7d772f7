package dev.gatehouse.bulk;

import dev.gatehouse.json.Json;
import dev.gatehouse.testing.Await;
import dev.gatehouse.testing.Fixtures;
import dev.gatehouse.testing.Http;
import dev.gatehouse.testing.RawHttp;
import dev.gatehouse.testing.Statements;
import dev.gatehouse.testing.TestNode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import static dev.gatehouse.bulk.Bulk.assignment;
import static dev.gatehouse.bulk.Bulk.member;
import static dev.gatehouse.bulk.Bulk.role;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A long import's chunks (each alone in its transaction) resolve the members its earlier chunks resolved without
 * reading them again — but only while nothing else was written in the organization: a member removed between two
 * chunks is missing for the next one. Such chunks are applied to the node's engine while the next is written; the
 * import answers, success or failure, once the node has applied all it committed.
 */
class KnownMembersIT {

    static final List<String> READ = List.of("doc.read", "records.all");
    static final int CHUNK = ImportService.SHARED_CHUNK_LINES + 1;
    static TestNode node;
    static Fixtures fx;

    @BeforeAll
    static void start() {
        node = TestNode.start();
        fx = new Fixtures(node);
        Bulk.registerDocsModel(node);
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    @Test
    void laterChunks_readNoMemberTheyKnow() {
        Fixtures.Org org = fx.org("docs");
        List<String> members = new ArrayList<>(List.of(role("Reader", READ)));
        for (int i = 0; i < 100; i++) {
            members.add(member("m" + i, "Reader"));
        }
        assertThat(Bulk.importLines(node.service(), org.id(), "", members).status()).isEqualTo(200);
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 3 * CHUNK; i++) {
            lines.add(assignment("doc", "d" + i, "m" + (i % 100), "Reader"));
        }

        List<String> statements = Statements.of(node, () -> {
            Http.Res res = Bulk.importLines(node.service(), org.id(), "chunk_lines=" + CHUNK, lines);
            assertThat(res.status()).as("%s", res).isEqualTo(200);
            assertThat(res.get("chunks").intValue()).isEqualTo(3);
            assertThat(res.json().at("/counts/assignment/created").intValue()).isEqualTo(3 * CHUNK);
            assertThat(node.appliedRevision()).as("applied by this node once answered")
                    .isGreaterThanOrEqualTo(res.revision());
        });
        assertThat(statements.stream().filter(s -> s.contains(" FROM members WHERE org_id = :org AND user_id = k.user_id"))
                .count()).as("members read, by the first chunk only").isEqualTo(1);
    }

    @Test
    void aMemberRemovedBetweenChunks_isMissingForTheNext() {
        Fixtures.Org org = fx.org("docs");
        List<String> first = new ArrayList<>(List.of(role("Reader", READ)));
        for (int i = 0; first.size() < CHUNK; i++) {
            first.add(member("m" + i, "Reader"));
        }
        JsonNode error;
        List<String> second = new ArrayList<>();
        for (int i = 0; second.size() < CHUNK; i++) {
            second.add(assignment("doc", "d" + i, "m" + (i % 10), "Reader"));
        }
        try (RawHttp http = RawHttp.connect(node.node().port())) {
            http.send("POST /v1/orgs/" + org.id() + "/import?chunk_lines=" + CHUNK + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    + "Authorization: Bearer " + TestNode.SERVICE_KEY + "\r\nContent-Type: application/x-ndjson\r\n"
                    + "Transfer-Encoding: chunked\r\n\r\n");
            send(http, first);
            Await.until(Duration.ofSeconds(30), "the first chunk committed",
                    () -> node.service().get(org.path() + "/members/m" + (CHUNK - 2)).status() == 200);
            assertThat(node.service().delete(org.path() + "/members/m0").status()).isEqualTo(204);
            send(http, second);
            http.send("0\r\n\r\n");
            RawHttp.Response answer = http.read(Duration.ofSeconds(60));
            error = Json.readTree(answer.body());
        }

        assertThat(error.path("line").longValue()).as("%s", error).isEqualTo(CHUNK + 1);
        assertThat(error.get("code").stringValue()).isEqualTo("unknown_reference");
        assertThat(error.get("committed_lines").longValue()).isEqualTo(CHUNK);
        assertThat(node.appliedRevision()).as("the committed chunk applied by this node once answered")
                .isGreaterThanOrEqualTo(error.get("revision").longValue()).isPositive();
        assertThat(node.service().get(org.path() + "/members/m1/assignments").json().get("items")).isEmpty();
    }

    /** The lines as one chunk of a chunked request body. */
    private static void send(RawHttp http, List<String> lines) {
        byte[] bytes = Bulk.body(lines).getBytes(StandardCharsets.UTF_8);
        http.send(Integer.toHexString(bytes.length) + "\r\n");
        http.send(bytes);
        http.send("\r\n");
    }
}
