package dev.gatehouse.store;

import dev.gatehouse.error.UnavailableException;
import java.net.SocketTimeoutException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether this node can reach its PostgreSQL <em>now</em>, known without waiting — so that a node cut off from
 * the database refuses writes at once with a retryable {@code 503 database_unavailable} instead of letting each
 * one wait for a connection, keeps answering decisions from memory, and tells load balancers which of the two it
 * can do ({@code /readyz} for reads, {@code /readyz/writes}).
 *
 * <p><b>How it knows.</b> A probe thread runs {@code SELECT 1} over a connection of its own every
 * {@code intervalMillis}, each attempt (connecting included) bounded by {@code timeoutMillis} through the
 * driver's network timeout. The database is <em>unreachable</em> after a probe failed while no other database
 * work of this node succeeded since that probe began ({@link #succeeded()}, reported by the store): on a machine
 * so busy that one probe times out while transactions still commit, nothing is refused. It is reachable again
 * after the next probe that succeeds, or any database work that succeeds. A failure the store meets on a
 * connection ({@link #suspect()}) wakes the probe at once rather than at its next interval.
 *
 * <p><b>When it is lost</b>, the callbacks given to {@link #onLost} run on the probe thread (the store aborts the
 * connections of the transactions in flight, whose requests would otherwise wait for TCP to give up).
 *
 * <p>Starts reachable: a node starts only after it migrated its schema. Thread-safe; {@link #reachable()} is one
 * volatile read.
 */
public final class DatabaseHealth implements AutoCloseable {

    /** Opens the probe's connection; it must give up within the given time. */
    @FunctionalInterface
    public interface Connector {
        Connection open(long timeoutMillis) throws SQLException;
    }

    private static final Logger LOG = LoggerFactory.getLogger(DatabaseHealth.class);

    private final Connector connector;
    private final long intervalMillis;
    private final long timeoutMillis;
    private final List<Runnable> lostCallbacks = new CopyOnWriteArrayList<>();
    private final Object wake = new Object();
    private final Thread thread;
    private volatile boolean reachable = true;
    private volatile long lastSuccessNanos = System.nanoTime();
    private volatile boolean running;
    private boolean woken;
    private Connection connection;
    /** What the last failed probe met (written and read on the probe thread). */
    private Exception lastProbeFailure;

    public DatabaseHealth(Connector connector, long intervalMillis, long timeoutMillis) {
        if (intervalMillis < 1 || timeoutMillis < 1) {
            throw new IllegalArgumentException("probe interval and timeout must be positive");
        }
        this.connector = connector;
        this.intervalMillis = intervalMillis;
        this.timeoutMillis = timeoutMillis;
        this.thread = new Thread(this::run, "gatehouse-database-probe");
        thread.setDaemon(true);
    }

    /** Starts probing. */
    public DatabaseHealth start() {
        running = true;
        thread.start();
        return this;
    }

    /** Runs {@code callback} (on the probe thread) each time the database is found unreachable. */
    public void onLost(Runnable callback) {
        lostCallbacks.add(callback);
    }

    /** Whether the database was reachable at the last probe, or since; never blocks. */
    public boolean reachable() {
        return reachable;
    }

    /** Refuses with a retryable {@code 503 database_unavailable} while the database is unreachable. */
    public void requireReachable() {
        if (!reachable) {
            throw unavailable();
        }
    }

    /** The failure a request gets while the database is unreachable. */
    public static UnavailableException unavailable() {
        return new UnavailableException("database_unavailable", "the database is unreachable from this node; "
                + "decisions are answered from memory, writes and reads of stored data are refused until it returns");
    }

    /** Database work of this node succeeded: the database is reachable. */
    public void succeeded() {
        lastSuccessNanos = System.nanoTime();
        if (!reachable) {
            found(true);
        }
    }

    /** Database work failed in a way that may mean the database is gone: probe now. */
    public void suspect() {
        synchronized (wake) {
            woken = true;
            wake.notifyAll();
        }
    }

    private void run() {
        while (running) {
            long started = System.nanoTime();
            boolean ok = probe();
            if (ok) {
                lastSuccessNanos = System.nanoTime();
                if (!reachable) {
                    found(true);
                }
            } else if (reachable && lastSuccessNanos - started < 0) {
                found(false);
            }
            sleep();
        }
        closeConnection();
    }

    private boolean probe() {
        try {
            if (connection == null) {
                connection = connector.open(timeoutMillis);
                connection.setNetworkTimeout(Runnable::run, (int) Math.min(Integer.MAX_VALUE, timeoutMillis));
            }
            try (Statement statement = connection.createStatement()) {
                statement.execute("SELECT 1");
            }
            return true;
        } catch (SQLException | RuntimeException e) {
            LOG.debug("database probe failed: {}", e.toString());
            lastProbeFailure = e;
            closeConnection();
            return false;
        }
    }

    /**
     * What the last failed probe met, as the log says it: no answer within the timeout, or the failure that ended it
     * sooner (a connection refused at once, a password refused).
     */
    private String whatHappened() {
        Exception failure = lastProbeFailure;
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof SocketTimeoutException) {
                return "no answer within " + timeoutMillis + " ms";
            }
        }
        return failure == null ? "no answer within " + timeoutMillis + " ms" : failure.getMessage();
    }

    private synchronized void found(boolean nowReachable) {
        if (reachable == nowReachable) {
            return;
        }
        reachable = nowReachable;
        if (nowReachable) {
            LOG.info("the database is reachable again");
            return;
        }
        LOG.warn("the database is unreachable ({}): decisions are answered from memory, writes are refused with 503 "
                + "database_unavailable until it returns", whatHappened());
        for (Runnable callback : lostCallbacks) {
            try {
                callback.run();
            } catch (RuntimeException e) {
                LOG.warn("a callback on losing the database failed", e);
            }
        }
    }

    private void sleep() {
        synchronized (wake) {
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(intervalMillis);
            while (running && !woken) {
                long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (left <= 0) {
                    break;
                }
                try {
                    wake.wait(left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    running = false;
                }
            }
            woken = false;
        }
    }

    private void closeConnection() {
        if (connection != null) {
            try {
                connection.abort(Runnable::run);
            } catch (SQLException | RuntimeException e) {
                LOG.debug("closing the probe connection: {}", e.toString());
            }
            connection = null;
        }
    }

    @Override
    public void close() {
        running = false;
        suspect();
        thread.interrupt();
        try {
            thread.join(TimeUnit.SECONDS.toMillis(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
