import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The few Gatehouse calls the failover tests make, over the JDK's HTTP client, and the few JSON fields they
 * read (by pattern: the test driver has no JSON library). Thread-safe.
 */
final class Api {

    /** One node: a name for reports and its base URL. */
    record Node(String name, URI base) {
        static Node parse(String spec) {
            String[] parts = spec.split("=", 2);
            if (parts.length != 2) {
                throw new IllegalArgumentException("--node must be NAME=URL, got " + spec);
            }
            return new Node(parts[0], URI.create(parts[1].replaceAll("/+$", "")));
        }
    }

    /**
     * An answer, or the failure to get one ({@code status} 0 and {@code error} the exception's kind, e.g.
     * {@code timeout}); {@code nanos} is how long the call took.
     */
    record Reply(int status, String body, HttpResponse<String> response, long nanos, String error) {
        boolean ok(int expected) {
            return status == expected;
        }

        /** What went wrong, for grouping failures: the status and error code, or the client-side error. */
        String outcome() {
            if (error != null) {
                return error;
            }
            return status + text(body, "code").map(c -> " " + c).orElse("");
        }

        Optional<String> header(String name) {
            return response == null ? Optional.empty() : response.headers().firstValue(name);
        }

        double seconds() {
            return nanos / 1e9;
        }
    }

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final String key;

    Api(String key) {
        this.key = key;
    }

    Reply get(Node node, String path, Duration timeout) {
        return send(node, "GET", path, null, timeout);
    }

    Reply post(Node node, String path, String json, Duration timeout) {
        return send(node, "POST", path, json, timeout);
    }

    Reply send(Node node, String method, String path, String json, Duration timeout) {
        return sendAs(key, node, method, path, json, timeout);
    }

    /** A request authenticated with another key than the one this client was made with. */
    Reply sendAs(String apiKey, Node node, String method, String path, String json, Duration timeout) {
        HttpRequest.Builder request = HttpRequest.newBuilder(node.base().resolve(path)).timeout(timeout)
                .header("Authorization", "Bearer " + apiKey);
        if (json == null) {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            request.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(json));
        }
        long started = System.nanoTime();
        try {
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            return new Reply(response.statusCode(), response.body(), response, System.nanoTime() - started, null);
        } catch (HttpTimeoutException e) {
            return new Reply(0, "", null, System.nanoTime() - started, "timeout");
        } catch (IOException e) {
            return new Reply(0, "", null, System.nanoTime() - started, "io_error " + e.getClass().getSimpleName());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Reply(0, "", null, System.nanoTime() - started, "interrupted");
        }
    }

    /** The first number field {@code name} in a JSON text. */
    static Optional<Long> number(String json, String name) {
        Matcher m = Pattern.compile("\"" + Pattern.quote(name) + "\"\\s*:\\s*(-?\\d+)").matcher(json);
        return m.find() ? Optional.of(Long.parseLong(m.group(1))) : Optional.empty();
    }

    /** The first string field {@code name} in a JSON text (without escapes, which the fields read here lack). */
    static Optional<String> text(String json, String name) {
        Matcher m = Pattern.compile("\"" + Pattern.quote(name) + "\"\\s*:\\s*\"([^\"\\\\]*)\"").matcher(json);
        return m.find() ? Optional.of(m.group(1)) : Optional.empty();
    }

    /** The first boolean field {@code name} in a JSON text. */
    static Optional<Boolean> bool(String json, String name) {
        Matcher m = Pattern.compile("\"" + Pattern.quote(name) + "\"\\s*:\\s*(true|false)").matcher(json);
        return m.find() ? Optional.of(Boolean.parseBoolean(m.group(1))) : Optional.empty();
    }

    static String quote(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
