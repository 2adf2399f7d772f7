package dev.gatehouse.changelog;

import java.util.List;

/**
 * Receives committed change records in revision order, exactly once each per process, on the feed's
 * applying thread. Implementations must be quick and must not throw for well-formed records: a listener that
 * throws takes the node out of sync until its whole state is reloaded from the tables (see {@link ChangeFeed}).
 *
 * <p>The feed hands over one commit at a time ({@link #onCommit}: the records one transaction wrote, see
 * {@link ChangeRecord#commitLast}); a listener that keeps state answered from while it changes — the decision engine
 * — takes them as one unit there, everyone else one record at a time.
 */
public interface ChangeListener {

    void onChange(ChangeRecord record);

    /**
     * The records of one commit, in revision order (all of them, or, should this node's state already hold the first
     * ones, the rest). By default each goes to {@link #onChange}.
     */
    default void onCommit(List<ChangeRecord> records) {
        for (ChangeRecord record : records) {
            onChange(record);
        }
    }
}
