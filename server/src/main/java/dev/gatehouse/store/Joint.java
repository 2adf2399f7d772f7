package dev.gatehouse.store;

import java.util.List;

/**
 * Writes of one kind that a write lane may run as one <em>joint run</em> instead of one after another
 * ({@link GroupCommit}): their reads and writes made in a few statements for all of them, where alone each would
 * send its own. A run holds at most one write per organization — each its organization's first in the lane's
 * batch — so that no write of a run can see or change what another one does, and each is judged against exactly
 * the state it would meet alone.
 *
 * <p>A write that offers a joint ({@link Store#write(Actor, Long, java.util.function.Function, Joint, Object)})
 * also says how it runs alone: a batch that holds only one such write, a lone transaction and a run that fails
 * run it that way. The joint's contract:
 * <ul>
 *   <li>each entry ends {@linkplain Entry#succeed succeeded} or {@linkplain Entry#fail refused} — refused with
 *       exactly the error, and succeeded with exactly the value and the changes ({@link Tx#change}), that the
 *       write alone would have given;</li>
 *   <li>a refused entry changes nothing: the run writes only once every entry is judged, and only the rows of
 *       those that succeeded;</li>
 *   <li>anything else that goes wrong — a statement's failure above all, after which the transaction can run
 *       none — is thrown: the lane then rolls the run back and runs each of its writes alone.</li>
 * </ul>
 *
 * @param <O> what one write asks
 * @param <T> what one write answers
 */
@FunctionalInterface
public interface Joint<O, T> {

    /** Runs the entries (at least two, each of its own organization, in that order) as one; see the class comment. */
    void runAll(List<Entry<O, T>> entries);

    /**
     * One write of a joint run: its own transaction view ({@link Tx}: its actor, its time, its organization locked,
     * its changes), sharing the run's connection, and what it asks. Not thread-safe.
     */
    final class Entry<O, T> {

        private final Tx tx;
        private final O op;
        private T value;
        private RuntimeException failure;
        private boolean decided;

        Entry(Tx tx, O op) {
            this.tx = tx;
            this.op = op;
        }

        public Tx tx() {
            return tx;
        }

        public O op() {
            return op;
        }

        /** Whether the entry is neither succeeded nor refused yet. */
        public boolean open() {
            return !decided;
        }

        /** The write succeeded with {@code value}, its changes recorded in its {@link #tx()}. */
        public void succeed(T value) {
            decide();
            this.value = value;
        }

        /** The write is refused with {@code failure}; it changed nothing. */
        public void fail(RuntimeException failure) {
            decide();
            this.failure = failure;
        }

        T value() {
            return value;
        }

        /** The refusal, or null when the entry succeeded. */
        RuntimeException failure() {
            return failure;
        }

        private void decide() {
            if (decided) {
                throw new IllegalStateException("a joint write is decided once");
            }
            decided = true;
        }
    }
}
