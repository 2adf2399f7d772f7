package dev.gatehouse.store;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

/**
 * The write lanes' turn ({@link GroupCommit}, "Turns"): one lane at a time takes batches. The lane holding the turn
 * keeps it from one batch to the next, so that in the steady state one thread, with one connection, runs every batch
 * (thread and connection stay warm in the processor's caches, which measured a quarter less CPU per write than
 * lanes taking batches by rotation); the other lanes stand by. A standing-by lane goes on without the turn only while
 * the lane holding it has worked on one batch for {@code patience}: a long write holds up the others no longer than
 * that, while batches of ordinary length never run two at a time (two batches at once wait on each other's
 * organization locks and split the writes arriving among them, so each is smaller and every write costs more). A
 * lane holding the turn while it waits for requests holds up nobody. Lanes standing by look every {@code patience}
 * at most (they are not woken by each batch), and take the turn when it is free.
 *
 * <p>Thread-safe; a {@link Turn} is one lane's, for one batch.
 */
final class Turns {

    /** {@link #heldSince} while no lane works on a batch with the turn (free, or held by a lane waiting for requests). */
    private static final long FREE = Long.MIN_VALUE;

    private final AtomicBoolean taken = new AtomicBoolean();
    private final long patienceNanos;
    /** {@link System#nanoTime()} when the lane holding the turn began its batch ({@link Turn#begin}), or {@link #FREE}. */
    private volatile long heldSince = FREE;
    private volatile boolean closed;
    private final LongAdder heldBatches = new LongAdder();
    private final LongAdder passingBatches = new LongAdder();

    Turns(long patience, TimeUnit unit) {
        this.patienceNanos = unit.toNanos(patience);
    }

    /**
     * Takes the turn when it is free; otherwise stands by until it is, or until the lane holding it has worked on its
     * batch for the patience, or until {@link #close} (then the returned turn is not held).
     */
    Turn await() throws InterruptedException {
        while (!closed) {
            if (taken.compareAndSet(false, true)) {
                return new Turn(true);
            }
            long since = heldSince;
            long now = System.nanoTime();
            if (since != FREE && now - since >= patienceNanos) {
                return new Turn(false); // the holder has worked on one batch for the patience: go on without it
            }
            // stand by without queueing for the turn, so that handing it on wakes nobody
            LockSupport.parkNanos(this, since == FREE ? patienceNanos : since + patienceNanos - now);
            if (Thread.interrupted()) {
                throw new InterruptedException();
            }
        }
        return new Turn(false);
    }

    /** Batches begun with the turn. */
    long heldBatches() {
        return heldBatches.sum();
    }

    /** Batches begun without the turn, beside one that had worked for the patience. */
    long passingBatches() {
        return passingBatches.sum();
    }

    /** Lanes stop waiting for the turn (the node is stopping). */
    void close() {
        closed = true;
    }

    /** One lane's hold of the turn for one batch. Not thread-safe. */
    final class Turn {

        private boolean held;

        private Turn(boolean held) {
            this.held = held;
        }

        boolean held() {
            return held;
        }

        /** The lane begins its batch: from now on its hold counts against the patience. */
        void begin() {
            if (held) {
                heldSince = System.nanoTime();
                heldBatches.increment();
            } else {
                passingBatches.increment();
            }
        }

        /** Frees the turn (once; a no-op when this lane went on without it): this lane or a lane standing by takes it. */
        void handOn() {
            if (held) {
                held = false;
                heldSince = FREE;
                taken.set(false);
            }
        }
    }
}
