package dev.gatehouse.app;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.UnresolvedAddressException;
import java.util.List;
import java.util.Objects;

/**
 * Whether a node can listen where it is told to, asked before anything else starts: a port another process holds, or
 * a host that is not an address of this machine, stops the start at once ({@link StartupException}) — not once the
 * embedded database has been started and migrated, half a minute later on a first start. Each port is bound as the
 * HTTP server binds it (address reuse on, so a port a stopped node left in TIME_WAIT is free to both) and released at
 * once. Another process may take it in between: the server's own bind then fails, and the node says so in the same
 * words ({@link #refusal}); the probe only brings the common case forward. Stateless.
 */
final class PortProbe {

    private PortProbe() {
    }

    /** Binds and releases each of {@code ports} on {@code host} (null and 0, a random port, are skipped). */
    static void requireFree(String host, List<Integer> ports) {
        for (Integer port : ports) {
            if (port == null || port == 0) {
                continue;
            }
            try (ServerSocketChannel channel = ServerSocketChannel.open()) {
                channel.setOption(StandardSocketOptions.SO_REUSEADDR, true);
                channel.bind(new InetSocketAddress(host, port));
            } catch (IOException | UnresolvedAddressException e) {
                throw refusal(host + ":" + port, e);
            }
        }
    }

    /** The one line saying that the node cannot listen on {@code address}, and why. */
    static StartupException refusal(String address, Throwable failure) {
        return new StartupException("cannot listen on " + address + ": " + reason(failure), failure);
    }

    private static String reason(Throwable failure) {
        Throwable innermost = failure;
        while (innermost.getCause() != null) {
            innermost = innermost.getCause();
        }
        if (innermost instanceof UnresolvedAddressException) {
            return "the host name does not resolve (--host)";
        }
        return Objects.requireNonNullElse(innermost.getMessage(), innermost.getClass().getSimpleName());
    }
}
