package dev.gatehouse.replication;

import dev.gatehouse.testing.Fixtures;
import dev.gatehouse.testing.Http;
import dev.gatehouse.testing.TestNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Replica reads hold a request thread while they last, so one key holds at most {@link StreamPlaces#PER_KEY} of them
 * on a node: its followers cannot take the threads every tenant shares. The key's next one is 503
 * {@code too_many_streams}; other keys and every other request are served meanwhile.
 */
class StreamPlacesIT {

    static TestNode node;
    static Fixtures fx;

    @BeforeAll
    static void start() {
        node = TestNode.start();
        fx = new Fixtures(node);
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    @Test
    void oneKeysFollowers_holdAtMostItsShare_andTheNodeServesEveryoneElse() throws Exception {
        var org = fx.org("close");
        String greedy = node.service().post("/v1/replica-keys", Map.of("org_id", org.id())).get("key").stringValue();
        String other = node.service().post("/v1/replica-keys", Map.of()).get("key").stringValue();
        long head = node.appliedRevision();
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        String poll = "/v1/changes?after=" + head + "&wait=20s";
        List<CompletableFuture<HttpResponse<String>>> held = new ArrayList<>();
        for (int i = 0; i < StreamPlaces.PER_KEY; i++) {
            held.add(client.sendAsync(request(greedy, poll), HttpResponse.BodyHandlers.ofString()));
        }

        // once every poll waits on the node, the key's next read is refused, whatever it is. A probe holds a place
        // while it is served, so a poll arriving just then is refused in its stead: that poll is sent again
        Http.Res refused = null;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (System.nanoTime() < deadline) {
            for (int i = 0; i < held.size(); i++) {
                if (held.get(i).isDone() && held.get(i).get().statusCode() == 503) {
                    held.set(i, client.sendAsync(request(greedy, poll), HttpResponse.BodyHandlers.ofString()));
                }
            }
            refused = node.as(greedy).get("/v1/changes?after=" + head + "&wait=0");
            if (refused.status() == 503) {
                break;
            }
            Thread.sleep(50);
        }
        assertThat(refused.status()).as("%s", refused).isEqualTo(503);
        assertThat(refused.get("code").stringValue()).isEqualTo("too_many_streams");
        assertThat(refused.header("Retry-After")).isNotNull();
        assertThat(node.as(greedy).get("/v1/snapshot").status()).isEqualTo(503);
        assertThat(held).noneMatch(CompletableFuture::isDone);

        assertThat(node.as(other).get("/v1/changes?after=" + head + "&wait=0").status()).as("another key")
                .isEqualTo(200);
        assertThat(node.anonymous().get("/healthz").status()).isEqualTo(200);
        assertThat(org.admin().get(org.path() + "/roles").status()).isEqualTo(200);

        // a change ends every waiting poll; their places are given back
        fx.role(org, Map.of("name", "Wakes them", "permissions", List.of("view_all_leads")));
        for (CompletableFuture<HttpResponse<String>> f : held) {
            assertThat(f.get(15, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
        }
        assertThat(node.as(greedy).get("/v1/changes?after=" + head + "&wait=0").status()).isEqualTo(200);
    }

    private static HttpRequest request(String key, String path) {
        return HttpRequest.newBuilder(URI.create(node.baseUrl() + path)).header("Authorization", "Bearer " + key)
                .timeout(Duration.ofSeconds(30)).GET().build();
    }
}
