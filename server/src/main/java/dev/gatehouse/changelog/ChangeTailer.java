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
 * Keeps this node in step with writes made by other nodes. A background thread holds one dedicated
 * connection that LISTENs on the change-log channel and catches the feed up whenever a notification
 * announces a revision it has not applied, and in any case every {@code pollMillis}, so a lost
 * notification costs at most one poll interval. Every announced revision is passed on to the feed
 * ({@link ChangeFeed#seen}), which measures its lag by them.
 *
 * <p>Failure handling: a failed read of the log is logged and retried at the next wake-up, without giving
 * up the listening connection. The listening connection is checked every {@link #VALIDATE_MILLIS}; when it
 * is broken (database restart, network cut, {@code pg_terminate_backend}) the tailer keeps polling every
 * {@code pollMillis} through the pool while it reconnects, so decisions stay at most one poll interval
 * behind throughout.
 *
 * <p>Thread-safety: {@link #start} and {@link #close} may be called from any thread, once each.
 */
public final class ChangeTailer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ChangeTailer.class);
    /** How often the listening connection is checked for silent breakage. */
    static final long VALIDATE_MILLIS = 5_000;
    /** The {@code application_name} of the listening connection. */
    public static final String APPLICATION_NAME = "gatehouse-listener";

    private final ChangeFeed feed;
    private final Supplier<Connection> connections;
    private final long pollMillis;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Thread thread;
    private volatile Connection listening;
    private volatile long reconnects;
    /** Set while reconnecting, so that a long outage logs one warning rather than one per attempt. */
    private boolean failing;
    private boolean readFailing;

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

    /** How many times the listening connection was re-established since start. */
    public long reconnects() {
        return reconnects;
    }

    private void run() {
        boolean first = true;
        while (running.get()) {
            try (Connection connection = connections.get()) {
                listening = connection;
                try (Statement st = connection.createStatement()) {
                    st.execute("LISTEN " + ChangeLogStore.CHANNEL);
                }
                if (!first) {
                    reconnects++;
                    LOG.info("change tailer listening again");
                }
                first = false;
                failing = false;
                listen(connection);
            } catch (SQLException | RuntimeException e) {
                if (running.get()) {
                    if (!failing) {
                        LOG.warn("change tailer lost its listening connection ({}); polling every {} ms while "
                                + "reconnecting", e.getMessage(), pollMillis);
                    } else {
                        LOG.debug("change tailer still cannot listen: {}", e.getMessage());
                    }
                    failing = true;
                    pollFor(pollMillis);
                }
            } finally {
                listening = null;
            }
        }
    }

    /** Waits for notifications on a live connection until it breaks or the tailer stops. */
    private void listen(Connection connection) throws SQLException {
        PGConnection pg = connection.unwrap(PGConnection.class);
        catchUp();
        long validated = System.nanoTime();
        while (running.get()) {
            PGNotification[] notes = pg.getNotifications((int) pollMillis);
            if (!running.get()) {
                return;
            }
            long announced = notes == null || notes.length == 0 ? 0 : maxRevision(notes);
            if (announced > 0 && announced < Long.MAX_VALUE) {
                feed.seen(announced);
            }
            if (announced == 0 || feed.applied() < announced) {
                catchUp();
            }
            if (System.nanoTime() - validated > VALIDATE_MILLIS * 1_000_000L) {
                if (!connection.isValid(2)) {
                    throw new SQLException("the listening connection is no longer valid");
                }
                validated = System.nanoTime();
            }
        }
    }

    private void catchUp() {
        try {
            feed.catchUp();
            if (readFailing) {
                LOG.info("reading the change log works again; this node is at revision {}", feed.applied());
                readFailing = false;
            }
        } catch (RuntimeException e) {
            if (!readFailing) {
                LOG.warn("reading the change log failed ({}); retrying every {} ms", e.getMessage(), pollMillis);
            } else {
                LOG.debug("reading the change log still fails: {}", e.getMessage());
            }
            readFailing = true;
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

    /** Polls through the pool for about {@code millis} before the next reconnection attempt. */
    private void pollFor(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        catchUp();
    }

    @Override
    public void close() {
        running.set(false);
        thread.interrupt();
        Connection c = listening;
        if (c != null) {
            try {
                c.close();
            } catch (SQLException | RuntimeException ignored) {
                // closing only to unblock the thread
            }
        }
        try {
            thread.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
