package dev.gatehouse.changelog;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps this node in step with writes made by other nodes: a background thread LISTENs on the change-log
 * channel and catches the feed up whenever a notification arrives, and at least every {@code pollMillis}
 * in case a notification was missed (or the listening connection is down, in which case it reconnects).
 */
public final class ChangeTailer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ChangeTailer.class);

    private final ChangeFeed feed;
    private final Supplier<Connection> connections;
    private final long pollMillis;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Thread thread;

    public ChangeTailer(ChangeFeed feed, Supplier<Connection> connections, long pollMillis) {
        this.feed = feed;
        this.connections = connections;
        this.pollMillis = pollMillis;
        this.thread = new Thread(this::run, "gatehouse-change-tailer");
        this.thread.setDaemon(true);
    }

    public ChangeTailer start() {
        thread.start();
        return this;
    }

    private void run() {
        while (running.get()) {
            try (Connection connection = connections.get()) {
                try (Statement st = connection.createStatement()) {
                    st.execute("LISTEN " + ChangeLogStore.CHANNEL);
                }
                PGConnection pg = connection.unwrap(PGConnection.class);
                feed.catchUp();
                while (running.get()) {
                    PGNotification[] notes = pg.getNotifications((int) pollMillis);
                    if (!running.get()) {
                        return;
                    }
                    if (notes == null || notes.length == 0 || feed.applied() < maxRevision(notes)) {
                        feed.catchUp();
                    }
                }
            } catch (SQLException | RuntimeException e) {
                if (running.get()) {
                    LOG.warn("change tailer lost its connection ({}); polling and reconnecting", e.getMessage());
                    sleepAndPoll();
                }
            }
        }
    }

    private static long maxRevision(PGNotification[] notes) {
        long max = 0;
        for (PGNotification n : notes) {
            try {
                max = Math.max(max, Long.parseLong(n.getParameter()));
            } catch (NumberFormatException ignored) {
                max = Long.MAX_VALUE;
            }
        }
        return max;
    }

    private void sleepAndPoll() {
        try {
            Thread.sleep(pollMillis);
            feed.catchUp();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.debug("poll failed: {}", e.getMessage());
        }
    }

    @Override
    public void close() {
        running.set(false);
        thread.interrupt();
        try {
            thread.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
