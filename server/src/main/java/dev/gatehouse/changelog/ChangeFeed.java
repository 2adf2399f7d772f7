package dev.gatehouse.changelog;

import dev.gatehouse.error.UnavailableException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers committed change records to this node's listeners (the engine first), in revision order, each
 * exactly once. Records written by this node are delivered straight after commit; records written by other
 * nodes are read from the change log by {@link #catchUp()}. Both paths end in the same delivery, so there
 * is one way state enters the engine.
 *
 * <p>Thread-safety: delivery is serialized on this object; {@link #applied()} is a volatile read.
 */
public final class ChangeFeed {

    private static final Logger LOG = LoggerFactory.getLogger(ChangeFeed.class);
    private static final int BATCH = 1000;

    private final Jdbi jdbi;
    private final ChangeLogStore log;
    private final List<ChangeListener> listeners = new CopyOnWriteArrayList<>();
    private volatile long applied;

    public ChangeFeed(Jdbi jdbi, ChangeLogStore log) {
        this.jdbi = jdbi;
        this.log = log;
    }

    public void addListener(ChangeListener listener) {
        listeners.add(listener);
    }

    /** Starts the feed at a revision whose state was loaded by other means (a snapshot). */
    public synchronized void startAt(long revision) {
        applied = revision;
    }

    public long applied() {
        return applied;
    }

    /** Delivers records this node just committed, reading any gap before them from the log. */
    public synchronized void publish(List<ChangeRecord> records) {
        for (ChangeRecord record : records) {
            if (record.revision() <= applied) {
                continue;
            }
            if (record.revision() != applied + 1) {
                catchUp();
                continue;
            }
            deliver(record);
        }
    }

    /** Reads and delivers every record after {@link #applied()}; returns how many were delivered. */
    public synchronized int catchUp() {
        int delivered = 0;
        while (true) {
            long from = applied;
            List<ChangeRecord> batch = jdbi.withHandle(h -> log.readAfter(h, from, BATCH));
            batch.forEach(this::deliver);
            delivered += batch.size();
            if (batch.size() < BATCH) {
                return delivered;
            }
        }
    }

    private void deliver(ChangeRecord record) {
        for (ChangeListener listener : listeners) {
            try {
                listener.onChange(record);
            } catch (RuntimeException e) {
                LOG.error("listener {} failed on revision {} ({} {} {})", listener.getClass().getSimpleName(),
                        record.revision(), record.objectType(), record.objectId(), record.action(), e);
            }
        }
        applied = record.revision();
        notifyAll();
    }

    /**
     * Returns once this node has applied {@code revision}, catching up from the log first; after
     * {@code timeoutMillis} without reaching it, a retryable {@link UnavailableException}.
     */
    public void awaitRevision(long revision, long timeoutMillis) {
        if (applied >= revision) {
            return;
        }
        long deadline = System.nanoTime() + timeoutMillis * 1_000_000L;
        synchronized (this) {
            catchUp();
            while (applied < revision) {
                long left = (deadline - System.nanoTime()) / 1_000_000L;
                if (left <= 0) {
                    throw new UnavailableException("revision_not_reached", "this node has applied revision "
                            + applied + ", not yet the requested " + revision + "; retry shortly");
                }
                try {
                    wait(Math.min(left, 20));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new UnavailableException("interrupted", "interrupted while waiting for revision " + revision);
                }
                catchUp();
            }
        }
    }

    /** Runs a read against the log. */
    public <T> T read(Function<Handle, T> query) {
        return jdbi.withHandle(query::apply);
    }

    public ChangeLogStore log() {
        return log;
    }
}
