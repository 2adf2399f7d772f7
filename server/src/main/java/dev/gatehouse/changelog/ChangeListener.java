package dev.gatehouse.changelog;

/**
 * Receives committed change records in revision order, exactly once each per process, on the feed's
 * applying thread. Implementations must be quick and must not throw for well-formed records: a listener that
 * throws takes the node out of sync until its whole state is reloaded from the tables (see {@link ChangeFeed}).
 */
public interface ChangeListener {
    void onChange(ChangeRecord record);
}
