package dev.gatehouse.client;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP relay on a loopback port in front of a test node: the network between a replica and the server, which a test
 * can cut (every open connection dropped), freeze (bytes held back, as on a dead link that never closes), slow down
 * (bytes passed on at a given rate, as on a slow link) and point at another port (the node restarted). A hand-written fake at a true boundary. Threads are daemons named
 * {@code test-proxy-…}; {@link #close()} stops them.
 */
final class LoopbackProxy implements AutoCloseable {

    private final ServerSocket server;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private volatile int target;
    private volatile boolean frozen;
    /** Bytes passed on per second in each direction; 0 for as fast as they come. */
    private volatile int bytesPerSecond;

    LoopbackProxy(int target) throws IOException {
        this.target = target;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread accept = new Thread(this::accept, "test-proxy-accept");
        accept.setDaemon(true);
        accept.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getLocalPort();
    }

    void target(int port) {
        this.target = port;
    }

    /** Drops every open connection. */
    void cut() {
        for (Socket socket : sockets) {
            closeQuietly(socket);
        }
        sockets.clear();
    }

    /** Holds every byte back (connections stay open) until {@link #thaw()}. */
    void freeze() {
        frozen = true;
    }

    void thaw() {
        frozen = false;
    }

    /** Passes bytes on at about this rate from now on (0: as fast as they come). */
    void throttle(int bytesPerSecond) {
        this.bytesPerSecond = bytesPerSecond;
    }

    private void accept() {
        while (!server.isClosed()) {
            Socket client = null;
            try {
                client = server.accept();
                Socket upstream = new Socket(InetAddress.getLoopbackAddress(), target);
                sockets.add(client);
                sockets.add(upstream);
                pump(client, upstream);
                pump(upstream, client);
            } catch (IOException e) {
                // closed, or the node is down: the client sees its connection fail
                if (client != null) {
                    closeQuietly(client);
                }
            }
        }
    }

    private void pump(Socket from, Socket to) {
        Thread thread = new Thread(() -> {
            byte[] buffer = new byte[16 * 1024];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    while (frozen && !from.isClosed()) {
                        Thread.sleep(10);
                    }
                    for (int offset = 0; offset < n; ) {
                        int rate = bytesPerSecond;
                        // at a rate, a twentieth of a second's bytes every 50 ms
                        int length = rate == 0 ? n - offset : Math.min(n - offset, Math.max(1, rate / 20));
                        out.write(buffer, offset, length);
                        out.flush();
                        offset += length;
                        if (rate > 0) {
                            Thread.sleep(50);
                        }
                    }
                }
            } catch (IOException | InterruptedException e) {
                // one side closed
            } finally {
                closeQuietly(from);
                closeQuietly(to);
            }
        }, "test-proxy-pump");
        thread.setDaemon(true);
        thread.start();
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // already closed
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        cut();
    }
}
