package dev.gatehouse.http.edge;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.SocketChannelEndPoint;

/**
 * At most {@code max} open connections per remote IP address, over every connector it listens on: a
 * connection beyond that is closed as soon as it opens, before anything is read from it. Counts network
 * connections only (with TLS, the encrypted connection, not the HTTP one inside it). Behind a proxy every
 * client shares the proxy's address, so the limit must then be raised or switched off.
 *
 * <p>Thread-safe: counts change atomically per address.
 */
final class AddressLimit implements Connection.Listener {

    private final int max;
    private final ConcurrentHashMap<InetAddress, Integer> open = new ConcurrentHashMap<>();
    /** The address each counted connection was counted under (a closed channel no longer tells it). */
    private final ConcurrentHashMap<Connection, InetAddress> counted = new ConcurrentHashMap<>();
    private final AtomicLong refused = new AtomicLong();

    AddressLimit(int max) {
        if (max < 1) {
            throw new IllegalArgumentException("max must be positive, got " + max);
        }
        this.max = max;
    }

    @Override
    public void onOpened(Connection connection) {
        InetAddress address = address(connection);
        if (address == null) {
            return;
        }
        counted.put(connection, address);
        if (open.merge(address, 1, Integer::sum) > max) {
            refused.incrementAndGet();
            connection.getEndPoint().close();
        }
    }

    @Override
    public void onClosed(Connection connection) {
        InetAddress address = counted.remove(connection);
        if (address != null) {
            open.computeIfPresent(address, (a, n) -> n <= 1 ? null : n - 1);
        }
    }

    /** Connections refused since start. */
    long refused() {
        return refused.get();
    }

    private static InetAddress address(Connection connection) {
        if (!(connection.getEndPoint() instanceof SocketChannelEndPoint endPoint)) {
            return null;
        }
        SocketAddress remote = endPoint.getRemoteSocketAddress();
        return remote instanceof InetSocketAddress inet ? inet.getAddress() : null;
    }
}
