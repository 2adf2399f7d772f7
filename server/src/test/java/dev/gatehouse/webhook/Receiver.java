package dev.gatehouse.webhook;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real HTTP endpoint on loopback (JDK HttpServer, port 0) that records every webhook request and answers
 * as its current {@link Behaviour} says: succeed, fail with a status, answer slowly, or hang.
 */
final class Receiver implements AutoCloseable {

    /** One received request; {@code target} is its request target as sent (raw: escapes are not decoded). */
    record Request(URI target, Map<String, List<String>> headers, byte[] body, long receivedNanos) {
        String header(String name) {
            for (Map.Entry<String, List<String>> e : headers.entrySet()) {
                if (e.getKey() != null && e.getKey().equalsIgnoreCase(name)) {
                    return e.getValue().get(0);
                }
            }
            return null;
        }

        long revision() {
            return Long.parseLong(header("Gatehouse-Event-Revision"));
        }

        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    /** How to answer the n-th request (1-based). */
    interface Behaviour {
        /** Returns the status to answer with, after sleeping as long as wanted. */
        int answer(int n) throws InterruptedException;
    }

    static Behaviour ok() {
        return n -> 200;
    }

    static Behaviour failing(int status) {
        return n -> status;
    }

    static Behaviour slow(long millis) {
        return n -> {
            Thread.sleep(millis);
            return 204;
        };
    }

    static Behaviour hanging() {
        return n -> {
            Thread.sleep(60_000);
            return 200;
        };
    }

    /** Holds every request until {@code release} opens (or a minute passes), then acknowledges it. */
    static Behaviour waitingFor(CountDownLatch release) {
        return n -> {
            release.await(60, TimeUnit.SECONDS);
            return 204;
        };
    }

    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "test-receiver");
        t.setDaemon(true);
        return t;
    });
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private final AtomicInteger count = new AtomicInteger();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger maxInFlight = new AtomicInteger();
    private volatile Behaviour behaviour;
    private final Map<String, String> answerHeaders = new ConcurrentHashMap<>();
    private volatile byte[] answerBody = new byte[0];

    Receiver(Behaviour behaviour) {
        this.behaviour = behaviour;
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/", this::handle);
        server.setExecutor(executor);
        server.start();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] body = exchange.getRequestBody().readAllBytes();
            maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
            boolean counted = true;
            try {
                requests.add(new Request(exchange.getRequestURI(), Map.copyOf(exchange.getRequestHeaders()), body,
                        System.nanoTime()));
                int status;
                try {
                    status = behaviour.answer(count.incrementAndGet());
                } catch (InterruptedException e) {
                    return;
                }
                answerHeaders.forEach((name, value) -> exchange.getResponseHeaders().set(name, value));
                byte[] answer = answerBody;
                // no longer in flight once answered: the sender may send its next request as soon as it reads the
                // answer, before this thread would get past writing it
                inFlight.decrementAndGet();
                counted = false;
                exchange.sendResponseHeaders(status, answer.length == 0 ? -1 : answer.length);
                exchange.getResponseBody().write(answer);
            } finally {
                if (counted) {
                    inFlight.decrementAndGet();
                }
            }
        }
    }

    void behave(Behaviour next) {
        this.behaviour = next;
    }

    /** Adds a header to every answer from now on (e.g. {@code Location} with a 3xx status). */
    void answerWith(String name, String value) {
        answerHeaders.put(name, value);
    }

    /** Answers with this body from now on (none by default). */
    void answerBody(byte[] body) {
        answerBody = body.clone();
    }

    int port() {
        return server.getAddress().getPort();
    }

    /** Requests being answered right now. */
    int inFlight() {
        return inFlight.get();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/hooks/gatehouse";
    }

    List<Request> requests() {
        return new ArrayList<>(requests);
    }

    /** The most requests this receiver ever had in progress at once. */
    int maxInFlight() {
        return maxInFlight.get();
    }

    /** Revisions received, in arrival order (with repeats for retried events). */
    List<Long> revisions() {
        return requests().stream().map(Request::revision).toList();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
