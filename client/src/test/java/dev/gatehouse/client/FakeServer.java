package dev.gatehouse.client;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A loopback HTTP server that answers from a script, one scripted answer per request in order (the last one
 * repeats), and records what it received: the true boundary for what the real server answers only under
 * failure (429, a 503 with {@code Retry-After}, a slow answer). Thread-safe.
 */
final class FakeServer implements AutoCloseable {

    /** One scripted answer. */
    record Answer(int status, Map<String, String> headers, String body, Duration delay) {

        static Answer json(int status, String body) {
            return new Answer(status, Map.of("Content-Type", "application/json"), body, Duration.ZERO);
        }

        static Answer problem(int status, String code, String retryAfter) {
            String body = "{\"status\": " + status + ", \"code\": \"" + code + "\", \"detail\": \"scripted " + code
                    + "\"}";
            return retryAfter == null ? new Answer(status, Map.of("Content-Type", "application/problem+json"), body,
                    Duration.ZERO)
                    : new Answer(status, Map.of("Content-Type", "application/problem+json", "Retry-After", retryAfter),
                    body, Duration.ZERO);
        }

        Answer withHeader(String name, String value) {
            Map<String, String> more = new java.util.HashMap<>(headers);
            more.put(name, value);
            return new Answer(status, Map.copyOf(more), body, delay);
        }

        Answer after(Duration wait) {
            return new Answer(status, headers, body, wait);
        }
    }

    /** One request as received. */
    record Received(String method, String path, String body, long atNanos) {
    }

    private final HttpServer server;
    private final Deque<Answer> script = new ArrayDeque<>();
    private final List<Received> received = new CopyOnWriteArrayList<>();

    FakeServer(Answer... answers) {
        script.addAll(List.of(answers));
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/", this::handle);
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    List<Received> received() {
        return List.copyOf(received);
    }

    private void handle(HttpExchange exchange) throws IOException {
        String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        received.add(new Received(exchange.getRequestMethod(), exchange.getRequestURI().toString(), body,
                System.nanoTime()));
        Answer answer;
        synchronized (script) {
            answer = script.size() > 1 ? script.removeFirst() : script.getFirst();
        }
        try {
            Thread.sleep(answer.delay().toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        answer.headers().forEach((name, value) -> exchange.getResponseHeaders().add(name, value));
        byte[] bytes = answer.body().getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(answer.status(), bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            exchange.getResponseBody().write(bytes);
        }
        exchange.close();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
