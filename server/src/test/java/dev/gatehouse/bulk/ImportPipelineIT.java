package dev.gatehouse.bulk;

import dev.gatehouse.json.Json;
import dev.gatehouse.testing.Fixtures;
import dev.gatehouse.testing.Http;
import dev.gatehouse.testing.TestNode;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
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
 * A long import — its body's length not declared, so it takes one of the node's places — parses the next chunk while
 * the last is written. It answers exactly as a small import of the same lines, written one chunk after the other
 * on the calling thread: the same counts and streamed progress, and when a chunk being written fails while a
 * later line fails to parse, the earlier failure, with the chunks before it committed and nothing after.
 */
class ImportPipelineIT {

    static final List<String> READ = List.of("doc.read", "records.all");
    static final HttpClient CLIENT = HttpClient.newHttpClient();
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
    void manyChunks_answerAndStreamProgressAsOneAfterTheOther() throws Exception {
        List<String> lines = new ArrayList<>(List.of(role("Reader", READ)));
        for (int i = 0; i < 40; i++) {
            lines.add(member("m" + i, "Reader"));
            lines.add(assignment("doc", "d" + i, "m" + i, "Reader"));
        }
        String body = Bulk.body(lines);
        List<JsonNode> streamed = streamedLines(fx.org("docs").id(), "chunk_lines=7", body);
        List<JsonNode> small = List.of(Bulk.importBody(node.service().header("Accept", "application/x-ndjson"),
                fx.org("docs").id(), "chunk_lines=7", body).body().split("\n")).stream().map(Json::readTree).toList();

        assertThat(streamed).hasSize(12 + 1).hasSameSizeAs(small);
        for (int i = 0; i < 12; i++) {
            assertThat(streamed.get(i).at("/progress/committed_lines").longValue()).isEqualTo(Math.min(81, 7L * (i + 1)));
        }
        JsonNode result = streamed.get(12).get("result");
        assertThat(result.at("/counts/member/created").intValue()).isEqualTo(40);
        assertThat(result.at("/counts/assignment/created").intValue()).isEqualTo(40);
        assertThat(result.get("committed_lines").longValue()).isEqualTo(81);
        assertThat(result.get("chunks").intValue()).isEqualTo(12);
        assertThat(withoutRevision(result)).isEqualTo(withoutRevision(small.get(12).get("result")));
        assertThat(node.appliedRevision()).as("applied by this node once answered").isGreaterThanOrEqualTo(
                result.get("revision").longValue());
    }

    @Test
    void aChunkFailingWhileALaterLineIsMalformed_isTheFailureReported() throws Exception {
        // chunks of 4: lines 1–4 commit; line 6 (a role no one has) fails while its chunk is written; line 10 is
        // malformed, read while that chunk is being written
        List<String> lines = new ArrayList<>(List.of(role("Reader", READ), member("a", "Reader"), member("b", "Reader"),
                member("c", "Reader"), member("d", "Reader"), assignment("doc", "x", "a", "Nobody's"),
                member("e", "Reader"), member("f", "Reader"), member("g", "Reader"), "{not json", member("h", "Reader")));
        Fixtures.Org org = fx.org("docs");
        List<JsonNode> streamed = streamedLines(org.id(), "chunk_lines=4", Bulk.body(lines));
        assertThat(streamed).hasSize(2);
        assertThat(streamed.get(0).at("/progress/committed_lines").longValue()).isEqualTo(4);
        JsonNode answer = streamed.get(1).get("error");

        assertThat(answer.get("line").longValue()).as("%s", answer).isEqualTo(6);
        assertThat(answer.get("code").stringValue()).isEqualTo("unknown_reference");
        assertThat(answer.get("committed_lines").longValue()).isEqualTo(4);
        Http service = node.service();
        assertThat(service.get(org.path() + "/members/c").status()).isEqualTo(200);
        for (String absent : List.of("d", "e", "g", "h")) {
            assertThat(service.get(org.path() + "/members/" + absent).status()).as(absent).isEqualTo(404);
        }
    }

    /** POSTs the body streamed (no declared length): a long import. Its answer's lines, parsed. */
    private static List<JsonNode> streamedLines(long orgId, String query, String body) throws Exception {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        HttpRequest request = HttpRequest.newBuilder(URI.create(node.baseUrl() + "/v1/orgs/" + orgId + "/import?" + query))
                .header("Authorization", "Bearer " + TestNode.SERVICE_KEY)
                .header("Content-Type", "application/x-ndjson").header("Accept", "application/x-ndjson")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(bytes))).build();
        HttpResponse<String> response = CLIENT.send(request, HttpResponse.BodyHandlers.ofString());
        return List.of(response.body().split("\n")).stream().map(Json::readTree).toList();
    }

    private static JsonNode withoutRevision(JsonNode result) {
        tools.jackson.databind.node.ObjectNode copy = (tools.jackson.databind.node.ObjectNode) result.deepCopy();
        copy.remove("revision");
        return copy;
    }
}
