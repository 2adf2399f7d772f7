package dev.gatehouse.bulk;

import dev.gatehouse.testing.Await;
import dev.gatehouse.testing.Fixtures;
import dev.gatehouse.testing.Http;
import dev.gatehouse.testing.TestNode;
import java.io.IOException;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static dev.gatehouse.bulk.Bulk.importLines;
import static dev.gatehouse.bulk.Bulk.member;
import static dev.gatehouse.bulk.Bulk.role;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A node runs at most two long imports at once; a small one (its body declared at most 256 KiB) takes none of those
 * places, so tenants onboarded one small import each are not turned away while long imports run.
 */
class SmallImportIT {

    static final List<String> READ = List.of("doc.read", "records.all");

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
    void whileTwoLongImportsRun_aThirdIsBusy_butASmallOneCommits() throws Exception {
        HttpClient client = HttpClient.newHttpClient();
        List<PipedOutputStream> open = new ArrayList<>();
        List<CompletableFuture<HttpResponse<String>>> long_ = new ArrayList<>();
        try {
            for (int i = 0; i < 2; i++) { // bodies of unknown length, sent as they are written: long imports
                Fixtures.Org org = fx.org("docs");
                PipedOutputStream out = new PipedOutputStream();
                PipedInputStream in = new PipedInputStream(out, 1 << 16);
                open.add(out);
                long_.add(client.sendAsync(request(org.id(), HttpRequest.BodyPublishers.ofInputStream(() -> in)),
                        HttpResponse.BodyHandlers.ofString()));
                out.write((role("Reader", READ) + "\n").getBytes(StandardCharsets.UTF_8));
                out.flush();
            }
            Fixtures.Org third = fx.org("docs");
            Await.until(Duration.ofSeconds(30), "both long imports running", () -> {
                try {
                    return client.send(request(third.id(), HttpRequest.BodyPublishers.ofInputStream(() ->
                                    new java.io.ByteArrayInputStream((role("Reader", READ) + "\n")
                                            .getBytes(StandardCharsets.UTF_8)))),
                            HttpResponse.BodyHandlers.ofString()).statusCode() == 503;
                } catch (IOException | InterruptedException e) {
                    throw new AssertionError(e);
                }
            });

            Fixtures.Org small = fx.org("docs");
            Http.Res res = importLines(node.service(), small.id(), "", List.of(role("Reader", READ),
                    member("s1", "Reader")));
            assertThat(res.status()).as("%s", res).isEqualTo(200);
            assertThat(res.get("counts").get("member").get("created").intValue()).isEqualTo(1);
        } finally {
            for (PipedOutputStream out : open) {
                out.close();
            }
        }
        for (CompletableFuture<HttpResponse<String>> answer : long_) {
            assertThat(answer.get().statusCode()).as(answer.get().body()).isEqualTo(200);
        }
    }

    private static HttpRequest request(long orgId, HttpRequest.BodyPublisher body) {
        return HttpRequest.newBuilder(URI.create(node.baseUrl() + "/v1/orgs/" + orgId + "/import"))
                .header("Authorization", "Bearer " + TestNode.SERVICE_KEY)
                .header("Content-Type", "application/x-ndjson").POST(body).build();
    }
}
