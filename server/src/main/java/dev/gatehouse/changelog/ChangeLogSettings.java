package dev.gatehouse.changelog;

/**
 * How a node follows and keeps the change log. Validated here; the messages name the command-line option.
 * Immutable.
 *
 * @param pollMillis    how often the tailer polls the change log behind LISTEN/NOTIFY (10–60,000 ms)
 * @param retentionDays change-log records older than this many days are deleted; 0 keeps them all
 */
public record ChangeLogSettings(long pollMillis, int retentionDays) {

    public static final long DEFAULT_POLL_MILLIS = 1000;

    /** Poll every second, keep every record. */
    public static final ChangeLogSettings DEFAULTS = new ChangeLogSettings(DEFAULT_POLL_MILLIS, 0);

    public ChangeLogSettings {
        if (pollMillis < 10 || pollMillis > 60_000) {
            throw new IllegalArgumentException("--poll-millis must be 10..60000, got " + pollMillis);
        }
        if (retentionDays < 0 || retentionDays > 36_500) {
            throw new IllegalArgumentException("--event-retention-days must be 0 (keep all) to 36500, got "
                    + retentionDays);
        }
    }

    public ChangeLogSettings withPollMillis(long millis) {
        return new ChangeLogSettings(millis, retentionDays);
    }

    public ChangeLogSettings withRetentionDays(int days) {
        return new ChangeLogSettings(pollMillis, days);
    }
}
