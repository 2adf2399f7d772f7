package dev.gatehouse.testing;

import dev.gatehouse.json.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/** A small JSON client over the JDK HttpClient, acting with one key (Bearer). */
public final class Http {

    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final String base;
    private final String key;
    private final Map<String, String> headers = new LinkedHashMap<>();

    public Http(String base, String key) {
        this.base = base;
        this.key = key;
    }

    /** A copy that also sends a header. */
    public Http header(String name, String value) {
        Http copy = new Http(base, key);
        copy.headers.putAll(headers);
        copy.headers.put(name, value);
        return copy;
    }

    /** A response: status, headers, raw body and the body parsed as JSON (null when not JSON, or NDJSON). */
    public record Res(int status, HttpResponse<String> raw, JsonNode json) {
        public String header(String name) {
            return raw.headers().firstValue(name).orElse(null);
        }

        public String body() {
            return raw.body();
        }

        public JsonNode get(String field) {
            return json.get(field);
        }

        public long revision() {
            return Long.parseLong(header("Gatehouse-Revision"));
        }

        /** Status and body, the body cut short so that a failed assertion stays readable. */
        @Override
        public String toString() {
            String body = raw.body();
            return status + " " + (body.length() <= 600 ? body : body.substring(0, 600) + "... (" + body.length()
                    + " chars)");
        }
    }

    public Res get(String path) {
        return send("GET", path, null, null);
    }

    public Res delete(String path) {
        return send("DELETE", path, null, null);
    }

    public Res post(String path, Object body) {
        return send("POST", path, body, "application/json");
    }

    public Res put(String path, Object body) {
        return send("PUT", path, body, "application/json");
    }

    public Res patch(String path, Object body) {
        return send("PATCH", path, body, "application/json");
    }

    /** Sends a raw body with a given content type (for malformed-input tests). */
    public Res raw(String method, String path, String body, String contentType) {
        return send(method, path, body, contentType);
    }

    /** Sends raw bytes with a given content type (for bodies that are not UTF-8). */
    public Res rawBytes(String method, String path, byte[] body, String contentType) {
        return send(method, path, body, contentType);
    }

    private Res send(String method, String path, Object body, String contentType) {
        byte[] bytes = body == null ? null : body instanceof byte[] given ? given
                : (body instanceof String s ? s : Json.writeString(body)).getBytes(StandardCharsets.UTF_8);
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30))
                .method(method, bytes == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(bytes));
        if (key != null) {
            b.header("Authorization", "Bearer " + key);
        }
        if (contentType != null && bytes != null) {
            b.header("Content-Type", contentType);
        }
        headers.forEach(b::header);
        try {
            HttpResponse<String> response = CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofString());
            JsonNode json = null;
            String type = response.headers().firstValue("Content-Type").orElse("");
            if (type.contains("json") && !type.contains("ndjson") && !response.body().isEmpty()) {
                json = Json.readTree(response.body());
            }
            return new Res(response.statusCode(), response, json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
