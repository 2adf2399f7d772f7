package dev.gatehouse.cli;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.time.Duration;
import picocli.CommandLine.Option;

/**
 * The server a client command talks to and the key it uses: {@code --url} / {@code GATEHOUSE_URL} and
 * {@code --key} / {@code GATEHOUSE_KEY}. A picocli mixin; not thread-safe.
 */
final class Remote {

    @Option(names = "--url", defaultValue = "${env:GATEHOUSE_URL:-http://localhost:8080}",
            description = "the Gatehouse server (GATEHOUSE_URL, default http://localhost:8080)")
    String url;

    @Option(names = "--key", defaultValue = "${env:GATEHOUSE_KEY}",
            description = "the API key (GATEHOUSE_KEY): a service key, or a member key of the organization")
    String key;

    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();

    HttpClient client() {
        return client;
    }

    /** A request to {@code path} (with its query) on the server, with the key. */
    HttpRequest.Builder request(String path) {
        if (key == null || key.isBlank()) {
            throw new IllegalArgumentException("no API key: pass --key or set GATEHOUSE_KEY");
        }
        String base = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
        return HttpRequest.newBuilder(URI.create(base + path)).header("Authorization", "Bearer " + key);
    }
}
