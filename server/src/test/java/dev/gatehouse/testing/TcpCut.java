package dev.gatehouse.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A loopback TCP proxy in front of a server (PostgreSQL) that a test can cut off: {@link #cut()} holds every
 * byte in both directions and every new connection, as a network that silently drops packets does — nothing is
 * refused or reset, so a client learns of it only by its own timeouts; {@link #restore()} lets bytes flow again;
 * {@link #reset()} instead closes every connection open now, as a server that went away does.
 * Each connection is pumped by two daemon threads. Thread-safe; {@link #close} stops everything.
 */
public final class TcpCut implements AutoCloseable {

    private final ServerSocket server;
    private final InetSocketAddress target;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final Object gate = new Object();
    private volatile boolean held;
    private volatile boolean closed;

    private TcpCut(InetSocketAddress target) throws IOException {
        this.target = target;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        daemon(this::accept, "tcp-cut-accept");
    }

    /** A proxy on a free loopback port forwarding to {@code port} on loopback. */
    public static TcpCut to(int port) {
        try {
            return new TcpCut(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public int port() {
        return server.getLocalPort();
    }

    /** Holds every byte and connection from now on. */
    public void cut() {
        held = true;
    }

    /** Lets held bytes and connections through again. */
    public void restore() {
        synchronized (gate) {
            held = false;
            gate.notifyAll();
        }
    }

    /** Closes every connection open now (new ones still pass). */
    public void reset() {
        sockets.forEach(TcpCut::closeQuietly);
        sockets.clear();
    }

    private void accept() {
        while (!closed) {
            try {
                Socket client = server.accept();
                sockets.add(client);
                daemon(() -> connect(client), "tcp-cut-connect");
            } catch (IOException e) {
                return;
            }
        }
    }

    private void connect(Socket client) {
        try {
            awaitOpen();
            Socket upstream = new Socket(target.getAddress(), target.getPort());
            sockets.add(upstream);
            daemon(() -> pump(client, upstream), "tcp-cut-up");
            pump(upstream, client);
        } catch (IOException e) {
            closeQuietly(client);
        }
    }

    private void pump(Socket from, Socket to) {
        byte[] buffer = new byte[16384];
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
            int n;
            while ((n = in.read(buffer)) >= 0) {
                awaitOpen();
                out.write(buffer, 0, n);
                out.flush();
            }
        } catch (IOException e) {
            // the other side went away; close both
        } finally {
            closeQuietly(from);
            closeQuietly(to);
        }
    }

    private void awaitOpen() throws IOException {
        synchronized (gate) {
            while (held && !closed) {
                try {
                    gate.wait(100);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted");
                }
            }
        }
        if (closed) {
            throw new IOException("closed");
        }
    }

    private static void daemon(Runnable work, String name) {
        Thread thread = new Thread(work, name);
        thread.setDaemon(true);
        thread.start();
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }

    @Override
    public void close() {
        closed = true;
        restore();
        try {
            server.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        sockets.forEach(TcpCut::closeQuietly);
    }
}
