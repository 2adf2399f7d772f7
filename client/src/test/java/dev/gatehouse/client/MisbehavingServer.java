package dev.gatehouse.client;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A loopback HTTP/1.1 server that writes its answers byte by byte from a script, so it can do what no real server
 * does on purpose: end a body in the middle, or send headers and then nothing. The true boundary for how the client
 * treats a broken or stalled answer. Each connection's request head is read and answered by the script, on a daemon
 * thread of its own; {@link #close()} releases every stalled script and closes every socket. Thread-safe.
 */
final class MisbehavingServer implements AutoCloseable {

    /** What the server writes on one connection; the connection is closed when it returns. */
    interface Script {
        void answer(Connection connection) throws IOException, InterruptedException;
    }

    /** One accepted connection, as a script sees it. */
    final class Connection {
        private final String request;
        private final OutputStream out;

        private Connection(String request, OutputStream out) {
            this.request = request;
            this.out = out;
        }

        /** The request line, e.g. {@code GET /v1/changes?after=7 HTTP/1.1}. */
        String request() {
            return request;
        }

        /** Writes {@code text} (HTTP head or body bytes, as given) and flushes it. */
        void write(String text) throws IOException {
            out.write(text.getBytes(StandardCharsets.UTF_8));
            out.flush();
        }

        /** Writes one chunk of a chunked body. */
        void chunk(String text) throws IOException {
            byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
            write(Integer.toHexString(bytes.length) + "\r\n" + text + "\r\n");
        }

        /** Sends nothing more until the server closes. */
        void stall() throws InterruptedException {
            closing.await();
        }

        /** Sends nothing for {@code millis}, or until the server closes. */
        void pause(long millis) throws InterruptedException {
            closing.await(millis, TimeUnit.MILLISECONDS);
        }
    }

    private final ServerSocket server;
    private final Script script;
    private final CountDownLatch closing = new CountDownLatch(1);
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();

    MisbehavingServer(Script script) {
        this.script = script;
        try {
            server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Thread acceptor = new Thread(this::accept, "misbehaving-server-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getLocalPort();
    }

    private void accept() {
        while (!server.isClosed()) {
            Socket socket;
            try {
                socket = server.accept();
            } catch (IOException closed) {
                return;
            }
            sockets.add(socket);
            Thread handler = new Thread(() -> serve(socket), "misbehaving-server-connection");
            handler.setDaemon(true);
            handler.start();
        }
    }

    private void serve(Socket socket) {
        try (socket) {
            String request = readHead(socket.getInputStream());
            script.answer(new Connection(request, socket.getOutputStream()));
        } catch (IOException | InterruptedException gone) {
            // the client hung up, or the server is closing: nothing more to write
        }
    }

    /**
     * Reads a request's head up to its blank line (the client under test sends no request body here); its first
     * line.
     */
    private static String readHead(InputStream in) throws IOException {
        StringBuilder requestLine = new StringBuilder();
        boolean firstLine = true;
        int lastFour = 0;
        int b;
        while ((b = in.read()) >= 0) {
            lastFour = lastFour << 8 | b;
            if (b == '\r' || b == '\n') {
                firstLine = false;
            } else if (firstLine) {
                requestLine.append((char) b);
            }
            if (lastFour == 0x0D0A0D0A) {
                break;
            }
        }
        return requestLine.toString();
    }

    @Override
    public void close() {
        closing.countDown();
        try {
            server.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        for (Socket socket : sockets) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
    }
}
