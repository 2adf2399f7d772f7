package dev.gatehouse.changelog;

import java.time.Duration;
import java.time.InstantSource;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes change-log records older than the retention period, oldest first, in small transactions of at
 * most {@link #BATCH} rows with a pause between them, so that it never holds locks or bloats a
 * transaction for long. Runs on every node every {@link #INTERVAL_MINUTES}; a transaction-level advisory
 * lock lets only one node prune at a time.
 *
 * <p><b>What is never deleted</b>, whatever its age:
 * <ul>
 *   <li>the newest record (its revision is where the next write continues counting);</li>
 *   <li>any record a live node has not applied yet ({@link NodeRegistry#lowestLiveRevision}).</li>
 * </ul>
 * <b>What is kept for a while longer:</b> a record a {@link Holder} still needs — an active webhook
 * subscription's undelivered events — is kept up to {@code maxHold} past the retention period, and deleted
 * after that whether it was delivered or not, so that one subscription that stays behind cannot stop
 * pruning for everyone. Before each deletion, the holders are told ({@link Holder#pruning}) so that they
 * can record what their consumers lost.
 *
 * <p>Records are taken in revision order and pruning stops at the first one inside the retention period
 * (or, past a holder's mark, inside retention plus {@code maxHold}), so clock differences between nodes can
 * only make it keep more, never delete a record that is too young. A record's age is measured on the node's
 * clock, which stamped it.
 *
 * <p>Thread-safe.
 */
public final class Retention implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Retention.class);
    static final int BATCH = 1000;
    static final int INTERVAL_MINUTES = 10;
    private static final long LOCK = 0x6761746569L;

    /** Something besides the nodes that still needs change-log records, for at most {@code maxHold} longer. */
    public interface Holder {
        /** Records with a revision above the returned one are still needed; {@code Long.MAX_VALUE} for none. */
        long neededAfter(Handle h);

        /** Records up to {@code through} are about to be deleted, in the transaction of {@code h}. */
        default void pruning(Handle h, long through) {
        }
    }

    private final Jdbi jdbi;
    private final NodeRegistry self;
    private final int days;
    private final Duration maxHold;
    private final List<Holder> holders;
    private final InstantSource clock;
    private final ScheduledExecutorService timer;

    /**
     * @param self    this node's registry entry, refreshed before each run so that its own horizon is current
     * @param days    records older than this many days are deleted; 0 keeps everything
     * @param maxHold how long past the retention period a holder may keep a record it still needs
     * @param clock   the node's clock, against which a record's age is measured
     */
    public Retention(Jdbi jdbi, NodeRegistry self, int days, Duration maxHold, List<Holder> holders,
                     InstantSource clock) {
        if (days < 0) {
            throw new IllegalArgumentException("retention days must be >= 0, got " + days);
        }
        if (maxHold.isNegative()) {
            throw new IllegalArgumentException("maxHold must be >= 0, got " + maxHold);
        }
        this.jdbi = jdbi;
        this.self = self;
        this.days = days;
        this.maxHold = maxHold;
        this.holders = List.copyOf(holders);
        this.clock = clock;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "gatehouse-retention");
            t.setDaemon(true);
            return t;
        });
    }

    /** Schedules pruning (nothing when retention is off). */
    public Retention start() {
        if (days > 0) {
            timer.scheduleWithFixedDelay(() -> {
                try {
                    long deleted = runOnce();
                    if (deleted > 0) {
                        LOG.info("retention deleted {} change-log records older than {} days", deleted, days);
                    }
                } catch (RuntimeException e) {
                    LOG.warn("change-log retention failed: {}", e.getMessage());
                }
            }, 1, INTERVAL_MINUTES, TimeUnit.MINUTES);
        }
        return this;
    }

    public int days() {
        return days;
    }

    /** Prunes now; returns how many records were deleted (0 when off or another node is pruning). */
    public long runOnce() {
        if (days == 0) {
            return 0;
        }
        self.beat();
        long total = 0;
        while (true) {
            long[] result = jdbi.inTransaction(this::pruneBatch);
            total += result[0];
            if (result[1] == 0) {
                return total;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return total;
            }
        }
    }

    /** One batch: {deleted, 1 if more may remain}. */
    private long[] pruneBatch(Handle h) {
        boolean locked = h.createQuery("SELECT pg_try_advisory_xact_lock(:k)").bind("k", LOCK).mapTo(Boolean.class).one();
        if (!locked) {
            return new long[] {0, 0};
        }
        long horizon = horizon(h);
        long held = held(h);
        record Row(long revision, boolean old, boolean overdue) {
        }
        List<Row> rows = h.createQuery("SELECT revision, occurred_at < cutoff AS old, "
                        + "occurred_at < cutoff - make_interval(secs => :hold) AS overdue FROM change_log, "
                        + "(SELECT CAST(:now AS timestamptz) - make_interval(days => :days) AS cutoff) AS retention "
                        + "WHERE revision <= :horizon ORDER BY revision LIMIT :batch")
                .bind("now", OffsetDateTime.ofInstant(clock.instant(), ZoneOffset.UTC)).bind("days", days)
                .bind("hold", (double) maxHold.toSeconds()).bind("horizon", horizon)
                .bind("batch", BATCH)
                .map((rs, ctx) -> new Row(rs.getLong("revision"), rs.getBoolean("old"), rs.getBoolean("overdue")))
                .list();
        int prefix = 0;
        while (prefix < rows.size() && rows.get(prefix).old()
                && (rows.get(prefix).revision() <= held || rows.get(prefix).overdue())) {
            prefix++;
        }
        if (prefix == 0) {
            return new long[] {0, 0};
        }
        long last = rows.get(prefix - 1).revision();
        for (Holder holder : holders) {
            holder.pruning(h, last);
        }
        int deleted = h.createUpdate("DELETE FROM change_log WHERE revision <= :last").bind("last", last).execute();
        return new long[] {deleted, prefix == BATCH ? 1 : 0};
    }

    /** The highest revision that may ever be deleted now: below the newest, and applied by every live node. */
    long horizon(Handle h) {
        long latest = h.createQuery("SELECT coalesce(max(revision), 0) FROM change_log").mapTo(Long.class).one();
        return Math.min(latest - 1, NodeRegistry.lowestLiveRevision(h));
    }

    /** Records above this revision are still needed by a holder (kept up to {@code maxHold} past retention). */
    private long held(Handle h) {
        long held = Long.MAX_VALUE;
        for (Holder holder : holders) {
            held = Math.min(held, holder.neededAfter(h));
        }
        return held;
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
