package dev.gatehouse.http.close;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.gatehouse.json.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntUnaryOperator;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import tools.jackson.databind.JsonNode;

/**
 * A Close webhook receiver on loopback (JDK HttpServer, port 0): records every request and answers with the status
 * its policy gives the n-th one (1-based). {@link Delivery#verify} checks a request as Close tells integrators to.
 */
final class CloseReceiver implements AutoCloseable {

    /** One received request. */
    record Delivery(String sigHash, String sigTimestamp, String contentType, byte[] body) {

        JsonNode json() {
            return Json.readTree(new String(body, StandardCharsets.UTF_8));
        }

        JsonNode event() {
            return json().get("event");
        }

        /**
         * Close's recipe: the key is the subscription's {@code signature_key} hex-decoded; the message is the
         * {@code close-sig-timestamp} header followed by the raw body; {@code close-sig-hash} is the hex
         * HMAC-SHA256, compared in constant time. Written here independently of the server's code.
         */
        boolean verify(String signatureKey) throws Exception {
            if (sigHash == null || sigTimestamp == null) {
                return false;
            }
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(HexFormat.of().parseHex(signatureKey), "HmacSHA256"));
            byte[] data = (sigTimestamp + new String(body, StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8);
            String expected = HexFormat.of().formatHex(mac.doFinal(data));
            return MessageDigest.isEqual(expected.getBytes(StandardCharsets.US_ASCII),
                    sigHash.getBytes(StandardCharsets.US_ASCII));
        }
    }

    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "close-test-receiver");
        t.setDaemon(true);
        return t;
    });
    private final List<Delivery> deliveries = new CopyOnWriteArrayList<>();
    private final AtomicInteger count = new AtomicInteger();
    private volatile IntUnaryOperator status;

    /** Answers every request with 200. */
    CloseReceiver() {
        this(n -> 200);
    }

    CloseReceiver(IntUnaryOperator status) {
        this.status = status;
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
            var h = exchange.getRequestHeaders();
            deliveries.add(new Delivery(h.getFirst("close-sig-hash"), h.getFirst("close-sig-timestamp"),
                    h.getFirst("Content-Type"), body));
            exchange.sendResponseHeaders(status.applyAsInt(count.incrementAndGet()), -1);
        }
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/hooks/close";
    }

    List<Delivery> deliveries() {
        return List.copyOf(deliveries);
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
