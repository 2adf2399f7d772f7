package dev.gatehouse.store;

import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * The write lanes' turn ({@link GroupCommit}, "Turns"): one lane at a time takes a batch, in the order the lanes
 * asked. A lane goes on without the turn only when the lane holding it has worked on its batch for {@code patience}:
 * a long write holds up the others no longer than that, while a lane that waits behind other waiting lanes, each
 * holding the turn briefly, waits for its turn however long the line (going on without it would run two batches at
 * once, which then wait on each other's organization locks and split the writes among them). A lane holding the
 * turn while it waits for requests holds up nobody: the others wait for it to hand the turn on.
 *
 * <p>Thread-safe; a {@link Turn} is one lane's, for one batch.
 */
final class Turns {

    /** {@link #heldSince} while no lane works on a batch with the turn (it may be free, or held by a lane waiting for requests). */
    private static final long FREE = Long.MIN_VALUE;

    private final Semaphore turn = new Semaphore(1, true);
    private final long patienceNanos;
    /** {@link System#nanoTime()} when the lane holding the turn began its batch ({@link Turn#begin}), or {@link #FREE}. */
    private volatile long heldSince = FREE;
    private volatile boolean closed;

    Turns(long patience, TimeUnit unit) {
        this.patienceNanos = unit.toNanos(patience);
    }

    /**
     * Waits for the turn: until it is this lane's, or until the lane holding it has worked on its batch for the
     * patience, or until {@link #close} (then the returned turn is not held).
     */
    Turn await() throws InterruptedException {
        while (!closed) {
            long since = heldSince;
            long wait = since == FREE ? patienceNanos : Math.max(0, since + patienceNanos - System.nanoTime());
            if (turn.tryAcquire(wait, TimeUnit.NANOSECONDS)) {
                return new Turn(true);
            }
            if (since != FREE && heldSince == since) {
                return new Turn(false); // one lane has worked on its batch for the patience: go on without it
            }
            // the holder is waiting for requests, or the turn changed hands: wait for the (new) holder's batch
        }
        return new Turn(false);
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
            }
        }

        /** Lets the next lane take its batch (once; a no-op when this lane went on without the turn). */
        void handOn() {
            if (held) {
                held = false;
                heldSince = FREE;
                turn.release();
            }
        }
    }
}
