package dev.gatehouse.replication;

import dev.gatehouse.changelog.ChangeListener;
import dev.gatehouse.changelog.ChangeRecord;
import dev.gatehouse.engine.EngineOp;
import dev.gatehouse.enginefeed.ChangeDecoder;
import java.util.ArrayList;
import java.util.List;

/**
 * The recent committed changes of this node as engine operations, for the change streams of every replica that
 * follows it: a listener of the node's change feed (after the engine's, so a change is here only once this node's
 * engine applied it), holding the last {@link #CAPACITY} revisions in a ring. Each change is decoded once, by the one
 * decoder ({@link ChangeDecoder}), whatever the number of streams, and only when a stream first reads it: a node no
 * replica follows decodes nothing here (its engine has decoded every change already). Streams wait on this object
 * for new revisions instead of reading the database.
 *
 * <p><b>Invariant:</b> the ring holds consecutive revisions. When the feed skips revisions (this node reloaded its
 * state after a gap or a failed change), the ring is emptied and starts again at the next revision; a stream whose
 * position lies before the ring reads the change log instead ({@link ChangeStream}), and learns there when history is
 * gone.
 *
 * <p><b>Whole commits.</b> A commit's records enter the ring together ({@link #onCommit}), so the newest revision held
 * always ends a commit, and {@link #after} never ends a page inside one: a stream serves a commit as one item, which a
 * replica applies as one change.
 *
 * <p>Thread rules: {@link #onChange} runs on the feed's applying thread; streams read under this object's monitor
 * and wait on it. {@link #close()} wakes every waiting stream for good (the node is stopping).
 */
public final class ReplicationHub implements ChangeListener, AutoCloseable {

    static final int CAPACITY = 4096;

    /**
     * One committed change: its revision, and its engine operations or why it has none a replica could apply, decoded
     * when first asked for. Thread-safe.
     */
    static final class Change {

        private final long revision;
        private final long commitLast;
        /** The record until it is decoded. */
        private ChangeRecord record;
        private List<EngineOp> ops;
        private String undecodable;

        Change(ChangeRecord record) {
            this.revision = record.revision();
            this.commitLast = record.commitLast();
            this.record = record;
        }

        long revision() {
            return revision;
        }

        /** Whether this change is the last of its commit ({@link ChangeRecord#commitLast}). */
        boolean endsCommit() {
            return revision == commitLast;
        }

        synchronized List<EngineOp> ops() {
            decode();
            return ops;
        }

        /** Why the change cannot be decoded, or null. */
        synchronized String undecodable() {
            decode();
            return undecodable;
        }

        private void decode() {
            if (record == null) {
                return;
            }
            try {
                ops = ChangeDecoder.decode(record);
            } catch (RuntimeException e) {
                // the node's own feed fails on it too and reloads; a replica must resync the same way
                ops = List.of();
                undecodable = e.getMessage();
            }
            record = null;
        }
    }

    private final Change[] ring = new Change[CAPACITY];
    /** Revision of the oldest change held, and of the newest; {@code first > last} while empty. */
    private long first = 1;
    private long last = 0;
    private boolean closed;

    @Override
    public void onChange(ChangeRecord record) {
        onCommit(List.of(record));
    }

    @Override
    public void onCommit(List<ChangeRecord> records) {
        List<Change> changes = new ArrayList<>(records.size());
        for (ChangeRecord record : records) {
            changes.add(new Change(record));
        }
        synchronized (this) {
            for (Change change : changes) {
                if (change.revision() != last + 1) {
                    first = change.revision();
                } else if (last - first + 1 == CAPACITY) {
                    first++;
                }
                last = change.revision();
                ring[(int) (last % CAPACITY)] = change;
            }
            notifyAll();
        }
    }

    /**
     * The changes after {@code after}, at most {@code max} — and more when the last of them does not end its commit,
     * up to the commit's end —, when this hub holds the next one; null when it does not (the stream must read the
     * log, or wait). The ring ends with a whole commit, so a commit that begins in it is whole in it.
     */
    synchronized List<Change> after(long after, int max) {
        if (after + 1 < first || after + 1 > last) {
            return null;
        }
        List<Change> changes = new ArrayList<>((int) Math.min(max, last - after));
        for (long revision = after + 1; revision <= last; revision++) {
            if (changes.size() >= max && changes.get(changes.size() - 1).endsCommit()) {
                break;
            }
            changes.add(ring[(int) (revision % CAPACITY)]);
        }
        return changes;
    }

    /** The newest revision this hub holds (0 before any). */
    synchronized long last() {
        return last;
    }

    /**
     * Waits until a revision after {@code after} arrives, at most {@code millis}; false when closed. A revision held
     * already returns at once.
     */
    synchronized boolean await(long after, long millis) throws InterruptedException {
        long deadline = System.nanoTime() + millis * 1_000_000L;
        while (!closed && last <= after) {
            long left = (deadline - System.nanoTime()) / 1_000_000L;
            if (left <= 0) {
                break;
            }
            wait(left);
        }
        return !closed;
    }

    synchronized boolean closed() {
        return closed;
    }

    /** Ends every stream: waits return at once, and streams stop. */
    @Override
    public synchronized void close() {
        closed = true;
        notifyAll();
    }
}
