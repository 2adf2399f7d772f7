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
 * <p><b>Gaps.</b> Revisions are gapless (see {@link ChangeLogStore}), so a missing revision can only mean
 * that retention deleted records this node had not applied yet (a node frozen for longer than the
 * retention period). The feed then cannot replay history; it asks its {@link Resync} to reload the whole
 * state from the tables and carries on from the revision of that snapshot.
 *
 * <p>Thread-safety: delivery is serialized on this object; {@link #applied()} is a volatile read.
 */
public final class ChangeFeed {

    private static final Logger LOG = LoggerFactory.getLogger(ChangeFeed.class);
    private static final int BATCH = 1000;
    /** Waiting checks read the log at most this often between notifications (the tailer also reads it). */
    private static final long AWAIT_READ_NANOS = 20_000_000L;

    private final Jdbi jdbi;
    private final ChangeLogStore log;
    private final List<ChangeListener> listeners = new CopyOnWriteArrayList<>();
    private volatile long applied;
    private volatile Resync resync;
    private long lastCatchUp;

    public ChangeFeed(Jdbi jdbi, ChangeLogStore log) {
        this.jdbi = jdbi;
        this.log = log;
    }

    public void addListener(ChangeListener listener) {
        listeners.add(listener);
    }

    /** Reloads this node's state from the tables when the log can no longer be replayed (see class comment). */
    public interface Resync {
        /** Rebuilds every listener's state from a consistent snapshot and returns that snapshot's revision. */
        long reload();
    }

    public void onGap(Resync resync) {
        this.resync = resync;
    }

    /** Starts the feed at a revision whose state was loaded by other means (a snapshot). */
    public synchronized void startAt(long revision) {
        applied = revision;
    }

    public long applied() {
        return applied;
    }

    /**
     * Delivers records this node just committed, reading the revisions before them (other nodes' writes)
     * from the log. Never throws: the transaction has committed, so should that read fail, the tailer
     * applies the records shortly instead.
     */
    public synchronized void publish(List<ChangeRecord> records) {
        for (ChangeRecord record : records) {
            if (record.revision() <= applied) {
                continue;
            }
            if (record.revision() != applied + 1) {
                try {
                    catchUp();
                } catch (RuntimeException e) {
                    LOG.warn("could not read the change log up to revision {} after a commit ({}); the tailer "
                            + "will apply it", record.revision(), e.getMessage());
                    return;
                }
                continue;
            }
            deliver(record);
        }
    }

    /** Reads and delivers every record after {@link #applied()}; returns how many were delivered. */
    public synchronized int catchUp() {
        lastCatchUp = System.nanoTime();
        int delivered = 0;
        while (true) {
            long from = applied;
            ChangeLogStore.Batch read = jdbi.withHandle(h -> log.readAfter(h, from, BATCH, ChangeLogStore.READ_BYTES));
            List<ChangeRecord> batch = read.records();
            if (!batch.isEmpty() && batch.get(0).revision() != from + 1) {
                resynchronize(from, batch.get(0).revision());
                continue;
            }
            batch.forEach(this::deliver);
            delivered += batch.size();
            if (batch.size() < BATCH && !read.more()) {
                return delivered;
            }
        }
    }

    private void resynchronize(long from, long next) {
        Resync r = resync;
        if (r == null) {
            throw new IllegalStateException("the change log has no revisions " + (from + 1) + ".." + (next - 1)
                    + " (deleted by retention) and this feed cannot reload its state");
        }
        LOG.error("revisions {}..{} were deleted from the change log before this node applied them (it was behind "
                + "for longer than the retention period); reloading all state from the database", from + 1, next - 1);
        long at = r.reload();
        if (at < next - 1) {
            throw new IllegalStateException("reloaded state at revision " + at + " is still before the gap ending at "
                    + (next - 1));
        }
        applied = at;
        notifyAll();
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
            tryCatchUp(true);
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
                if (applied < revision) {
                    tryCatchUp(false);
                }
            }
        }
    }

    /**
     * Reads the log on behalf of a waiting check, unless another reader did so within the last few
     * milliseconds: however many checks wait, a node reads the log at most ~50 times a second for them. A
     * failed read is left to the tailer; the caller keeps waiting until its deadline.
     */
    private void tryCatchUp(boolean force) {
        if (!force && System.nanoTime() - lastCatchUp < AWAIT_READ_NANOS) {
            return;
        }
        try {
            catchUp();
        } catch (RuntimeException e) {
            LOG.debug("reading the change log for a waiting check failed: {}", e.getMessage());
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
