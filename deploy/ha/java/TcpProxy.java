import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A TCP proxy on loopback that can cut its clients off from their servers: the failover tests put it between
 * one Gatehouse node and PostgreSQL to see what the node does when it cannot reach the database.
 *
 * <pre>java TcpProxy --control PORT LISTEN_PORT=TARGET_PORT [LISTEN_PORT=TARGET_PORT ...]</pre>
 *
 * <p>One text command per connection to {@code 127.0.0.1:PORT}, answered with {@code ok <state> <connections>}:
 * <ul>
 *   <li>{@code cut}: a network partition. Bytes are no longer forwarded in either direction (they wait, as
 *       in the kernel's buffers on a real partition) and new connections are accepted but not connected
 *       onwards, so the client sees neither data nor an error: only its own timeouts end its waits.</li>
 *   <li>{@code reset}: the server is gone. Every proxied connection is closed with a reset, and new
 *       connections are reset as soon as they are accepted.</li>
 *   <li>{@code restore}: forward again; connections held by {@code cut} continue where they stopped.</li>
 *   <li>{@code status}: only the answer.</li>
 * </ul>
 *
 * <p>Thread-safety: one accepting thread per listening port, two pumping threads per proxied connection;
 * the state is guarded by the {@link Gate}'s monitor.
 */
public final class TcpProxy {

    enum State { OPEN, CUT, RESET }

    /** The proxy's state; pumps and new connections wait here while it is cut. */
    static final class Gate {
        private State state = State.OPEN;

        synchronized State state() {
            return state;
        }

        synchronized void set(State next) {
            state = next;
            notifyAll();
        }

        /** Returns true to go on forwarding, false when the connection must be dropped (reset). */
        synchronized boolean awaitOpen() throws InterruptedException {
            while (state == State.CUT) {
                wait();
            }
            return state == State.OPEN;
        }
    }

    private final Gate gate = new Gate();
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();

    public static void main(String[] args) throws IOException {
        if (args.length < 3 || !args[0].equals("--control")) {
            System.err.println("usage: java TcpProxy --control PORT LISTEN_PORT=TARGET_PORT ...");
            System.exit(2);
        }
        TcpProxy proxy = new TcpProxy();
        InetAddress loopback = InetAddress.getLoopbackAddress();
        for (int i = 2; i < args.length; i++) {
            String[] pair = args[i].split("=", 2);
            ServerSocket listener = new ServerSocket();
            listener.setReuseAddress(true);
            listener.bind(new InetSocketAddress(loopback, Integer.parseInt(pair[0])));
            int target = Integer.parseInt(pair[1]);
            daemon("accept-" + pair[0], () -> proxy.accept(listener, new InetSocketAddress(loopback, target)));
            System.err.println("proxy 127.0.0.1:" + pair[0] + " -> 127.0.0.1:" + target);
        }
        proxy.control(new ServerSocket(Integer.parseInt(args[1]), 50, loopback));
    }

    private void control(ServerSocket control) throws IOException {
        while (true) {
            try (Socket s = control.accept();
                 BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
                 PrintWriter out = new PrintWriter(s.getOutputStream(), true, StandardCharsets.UTF_8)) {
                String command = String.valueOf(in.readLine()).strip();
                switch (command) {
                    case "cut" -> gate.set(State.CUT);
                    case "restore" -> gate.set(State.OPEN);
                    case "reset" -> {
                        gate.set(State.RESET);
                        sockets.forEach(this::abort);
                    }
                    case "status" -> { }
                    default -> {
                        out.println("error unknown command " + command);
                        continue;
                    }
                }
                System.err.println(java.time.LocalTime.now() + " " + command + " -> " + gate.state());
                out.println("ok " + gate.state().name().toLowerCase() + " " + sockets.size() / 2);
            }
        }
    }

    private void accept(ServerSocket listener, InetSocketAddress target) {
        while (true) {
            Socket client;
            try {
                client = listener.accept();
            } catch (IOException e) {
                System.err.println("accept failed: " + e.getMessage());
                return;
            }
            daemon("connect", () -> connect(client, target));
        }
    }

    private void connect(Socket client, InetSocketAddress target) {
        Socket server = new Socket();
        try {
            client.setTcpNoDelay(true);
            if (!gate.awaitOpen()) {
                abort(client);
                return;
            }
            server.connect(target, 2000);
            server.setTcpNoDelay(true);
            sockets.add(client);
            sockets.add(server);
            if (gate.state() == State.RESET) {
                abort(client);
                abort(server);
                return;
            }
            daemon("up", () -> pump(client, server));
            daemon("down", () -> pump(server, client));
        } catch (IOException | InterruptedException e) {
            abort(client);
            abort(server);
        }
    }

    private void pump(Socket from, Socket to) {
        byte[] buffer = new byte[16 * 1024];
        try {
            InputStream in = from.getInputStream();
            OutputStream out = to.getOutputStream();
            int n;
            while ((n = in.read(buffer)) >= 0) {
                if (!gate.awaitOpen()) {
                    break;
                }
                out.write(buffer, 0, n);
                out.flush();
            }
        } catch (IOException | InterruptedException e) {
            // the connection ends either way
        } finally {
            close(from);
            close(to);
        }
    }

    /** Closes with a reset (linger 0), as a vanished server does. */
    private void abort(Socket socket) {
        try {
            socket.setSoLinger(true, 0);
        } catch (IOException ignored) {
            // closing anyway
        }
        close(socket);
    }

    private void close(Socket socket) {
        sockets.remove(socket);
        try {
            socket.close();
        } catch (IOException ignored) {
            // already closed
        }
    }

    private static void daemon(String name, Runnable body) {
        Thread t = new Thread(body, name);
        t.setDaemon(true);
        t.start();
    }
}
