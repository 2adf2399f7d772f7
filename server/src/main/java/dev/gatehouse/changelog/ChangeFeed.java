package dev.gatehouse.changelog;

import dev.gatehouse.error.InvalidInputException;
import dev.gatehouse.error.UnavailableException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Semaphore;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers committed change records to this node's listeners (the engine first), in revision order, each
 * exactly once. Records written by this node are delivered straight after commit; records written by other
 * nodes are read from the change log by {@link #catchUp()}. Both paths end in the same delivery, so there
 * is one way state enters the engine. A committer that delivers its records later ({@link #willPublish}, a bulk
 * import's chunks) keeps the log's readers from reading them back meanwhile.
 *
 * <p><b>Commits are delivered whole.</b> The records one transaction wrote (a member's removal with its assignments,
 * an import chunk, the writes a group commit shares; {@link ChangeRecord#commitLast}) go to each listener together
 * ({@link ChangeListener#onCommit}), so the engine applies them as one change, at the commit's last revision: no
 * decision is answered from a state inside a commit, which was never committed. Every read of the log is in whole
 * commits ({@link ChangeLogStore#readCommitsAfter}), and {@link #applied()} moves from one commit's end to the next:
 * a revision inside a commit counts as applied once the whole commit is.
 *
 * <p><b>Applied means applied by every listener.</b> {@link #applied()} — what {@code /readyz}, the
 * {@code Gatehouse-Revision} waits and the node registry report — advances past a record only once every
 * listener took it. A listener that throws leaves this node's state without that change: the feed then
 * marks itself <em>out of sync</em> ({@link #inSync()} false, {@link #requireInSync()} refuses with a retryable
 * {@code node_resyncing}), delivers nothing more, and asks its {@link Resync} to reload the whole state from
 * the tables. A reload that fails is retried with exponential backoff ({@link #FIRST_RETRY_MILLIS} doubling
 * to {@link #MAX_RETRY_MILLIS}) whenever the feed is driven ({@link #catchUp()}, which the tailer calls at least
 * every poll interval); the node stays out of sync until one succeeds, then carries on from the snapshot's
 * revision.
 *
 * <p><b>Gaps.</b> Revisions are gapless (see {@link ChangeLogStore}), so a missing revision can only mean
 * that retention deleted records this node had not applied yet (a node frozen for longer than the
 * retention period). The feed cannot replay history and recovers the same way, by a reload.
 *
 * <p><b>Lag.</b> The feed notes the newest revision it knows the log holds ({@link #head()}): from this node's
 * commits, from its reads of the log and from the tailer's notifications; {@code head − applied} is how many
 * revisions it lacks. It also notes when it last <em>knew</em> it lacked none — a read of the log that reached its
 * end with everything applied, or a notification of a revision already applied, while in sync — and
 * {@link #lagSeconds()} is the time since then on the node's clock: at most about one poll interval while all is
 * well (the tailer reads the log at least that often), growing while the node is out of sync, cannot reach the
 * database, or is working through a backlog. A node cut off from the database cannot know how many revisions it
 * lacks, but its lag in seconds keeps growing.
 *
 * <p>Thread-safety: delivery and reloads are serialized on this object; {@link #applied()}, {@link #inSync()}
 * and the lag and failure counts are volatile reads.
 */
public final class ChangeFeed {

    private static final Logger LOG = LoggerFactory.getLogger(ChangeFeed.class);
    private static final int BATCH = 1000;
    /** Waiting checks read the log at most this often between notifications (the tailer also reads it). */
    private static final long AWAIT_READ_NANOS = 20_000_000L;
    /** Requests one node lets wait for a revision at once ({@link #awaitRevision}): 64 of its 250 request threads. */
    static final int MAX_WAITING = 64;
    /** How long a reservation ({@link #willPublish}) holds at most: its committer then counts as having failed. */
    static final Duration RESERVED_FOR = Duration.ofSeconds(10);

    /** Delay before the second reload attempt; each further failure doubles it. */
    static final long FIRST_RETRY_MILLIS = 250;
    static final long MAX_RETRY_MILLIS = 30_000;

    private final Jdbi jdbi;
    private final ChangeLogStore log;
    private final List<ChangeListener> listeners = new CopyOnWriteArrayList<>();
    private volatile long applied;
    private volatile Resync resync;
    private long lastCatchUp;
    /** Why this node's state cannot be trusted, while it cannot; null when in sync. */
    private volatile OutOfSync outOfSync;
    /**
     * 0 while the next reload may run at once; otherwise the current backoff, until {@link #retryAt}. Reset
     * whenever the feed has caught up with no failure.
     */
    private long backoffMillis;
    private long retryAt;
    private volatile long reloads;
    private volatile long listenerFailures;
    private volatile long gaps;
    private volatile long reads;
    private final InstantSource clock;
    /** The newest revision this node knows the log holds. */
    private volatile long head;
    /** When this node last knew that it had applied every revision of the log. */
    private volatile Instant current;
    /** Whether the database answers now, known without waiting; a wait for a revision fails at once while not. */
    private volatile BooleanSupplier databaseReachable = () -> true;

    /** Revisions this node will publish itself, by first revision ({@link #willPublish}). */
    private final ConcurrentSkipListMap<Long, Reserved> reserved = new ConcurrentSkipListMap<>();
    private final Semaphore waiting = new Semaphore(MAX_WAITING);

    private record Reserved(long last, Instant since) {
    }

    /** The first revision this node could not apply, and why. */
    private record OutOfSync(long revision, String reason) {
    }

    /** @param clock the node's clock, on which the feed's lag is measured */
    public ChangeFeed(Jdbi jdbi, ChangeLogStore log, InstantSource clock) {
        this.jdbi = jdbi;
        this.log = log;
        this.clock = clock;
    }

    public void addListener(ChangeListener listener) {
        listeners.add(listener);
    }

    /**
     * Tells the feed whether the database answers now ({@code reachable} must never block): while it does not,
     * a wait for a revision this node lacks fails at once instead of reading the log until its deadline.
     */
    public void databaseReachable(BooleanSupplier reachable) {
        this.databaseReachable = reachable;
    }

    /** Reloads this node's state from the tables when the log cannot be replayed onto it (see class comment). */
    public interface Resync {
        /** Rebuilds every listener's state from a consistent snapshot and returns that snapshot's revision. */
        long reload();
    }

    /** How this node reloads its state when it is out of sync (see class comment). */
    public void resyncWith(Resync resync) {
        this.resync = resync;
    }

    /** Starts the feed at a revision whose state was loaded by other means (a snapshot). */
    public synchronized void startAt(long revision) {
        applied = revision;
        noteHead(revision);
        current = clock.instant();
    }

    public long applied() {
        return applied;
    }

    /** False while this node's state lacks a change it could not apply and is being reloaded. */
    public boolean inSync() {
        return outOfSync == null;
    }

    /** Throws the retryable {@code node_resyncing} error while this node is out of sync. */
    public void requireInSync() {
        OutOfSync out = outOfSync;
        if (out != null) {
            throw new UnavailableException("node_resyncing", "this node could not apply revision " + out.revision()
                    + " of the change log and is reloading its state from the database; retry shortly");
        }
    }

    /** How many times this node reloaded its whole state (after a failed change or a gap in the log). */
    /** How many times this node read the change log for records (catching up). */
    public long reads() {
        return reads;
    }

    public long reloads() {
        return reloads;
    }

    /** How many times a listener failed on a change (each failure takes the node out of sync). */
    public long listenerFailures() {
        return listenerFailures;
    }

    /** How many times the log lacked revisions this node had not applied yet (retention deleted them). */
    public long gaps() {
        return gaps;
    }

    /** The newest revision this node knows the change log holds; at least {@link #applied()}. */
    public long head() {
        return Math.max(head, applied);
    }

    /**
     * Seconds of the node's clock since this node last knew it had applied every revision of the log (see the
     * class comment); 0 before it has started.
     */
    public double lagSeconds() {
        Instant since = current;
        if (since == null) {
            return 0;
        }
        Duration lag = Duration.between(since, clock.instant());
        return lag.isNegative() ? 0 : lag.toNanos() / 1e9;
    }

    /** The log holds {@code revision}: a notification said so. When this node has applied it, it is current. */
    public synchronized void seen(long revision) {
        noteHead(revision);
        if (applied >= revision && outOfSync == null) {
            current = clock.instant();
        }
    }

    /** Raises the head to {@code revision}. Under this object's lock. */
    private void noteHead(long revision) {
        if (revision > head) {
            head = revision;
        }
    }

    /**
     * Delivers records this node just committed, reading the revisions before them (other nodes' writes)
     * from the log, and, for records reserved by {@link #willPublish}, the revisions after them that catching up
     * left for now. Never throws: the transaction has committed, so should that read fail, the tailer
     * applies the records shortly instead.
     */
    public synchronized void publish(List<ChangeRecord> records) {
        boolean deferred = false;
        if (!records.isEmpty()) {
            noteHead(records.get(records.size() - 1).revision());
            deferred = reserved.remove(records.get(0).revision()) != null;
        }
        for (List<ChangeRecord> commit : commits(records)) {
            if (outOfSync != null && !reloadIfDue()) {
                return; // the tailer retries the reload; these records are in the tables it reloads from
            }
            long first = commit.get(0).revision();
            if (commit.get(commit.size() - 1).revision() <= applied) {
                continue;
            }
            if (first > applied + 1) {
                try {
                    read(first, false);
                } catch (RuntimeException e) {
                    LOG.warn("could not read the change log up to revision {} after a commit ({}); the tailer "
                            + "will apply it", first, e.getMessage());
                    return;
                }
                if (first > applied + 1) {
                    continue; // out of sync: the loop's check above decides
                }
            }
            if (!deliver(unapplied(commit)) && !reloadIfDue()) {
                return;
            }
        }
        if (outOfSync == null) {
            backoffMillis = 0;
        }
        if (deferred && head > applied) {
            // other nodes' revisions after these, which catching up left for this publish to unblock
            try {
                read(Long.MAX_VALUE, true);
            } catch (RuntimeException e) {
                LOG.debug("reading the change log after a deferred commit failed; the tailer will: {}", e.getMessage());
            }
        }
    }

    /**
     * This node is committing revisions {@code first..last} and will {@link #publish} them itself, later (a batch of
     * writes, once it committed; a bulk import's chunk, applied while the next one is written): until then, or for {@link #RESERVED_FOR} of the node's
     * clock at most, {@link #catchUp()} reads the log only up to them, instead of reading back and decoding what the
     * committer holds already. Called before the commit, so that the commit's own notification finds them reserved;
     * a commit that fails withdraws them ({@link #willNotPublish}), as their revisions may be another commit's next.
     * Takes no lock: the committer holds the change log's lock meanwhile.
     */
    public void willPublish(long first, long last) {
        if (last > applied) {
            reserved.put(first, new Reserved(last, clock.instant()));
        }
    }

    /** The commit of revisions from {@code first} failed, or may have: the log is read for them as for any. */
    public void willNotPublish(long first) {
        reserved.remove(first);
    }

    /**
     * Reads and delivers every record after {@link #applied()}, up to the first revision this node will publish
     * itself ({@link #willPublish}); returns how many were delivered. While out of sync, first reloads the state
     * if the backoff allows, and otherwise returns 0 at once.
     */
    public synchronized int catchUp() {
        lastCatchUp = System.nanoTime();
        return read(Long.MAX_VALUE, true);
    }

    /** The first revision still reserved for its committer to publish, or {@link Long#MAX_VALUE}. */
    private long firstReserved() {
        if (reserved.isEmpty()) {
            return Long.MAX_VALUE;
        }
        Instant expired = clock.instant().minus(RESERVED_FOR);
        reserved.values().removeIf(r -> r.last() <= applied || r.since().isBefore(expired));
        Map.Entry<Long, Reserved> first = reserved.firstEntry();
        return first == null ? Long.MAX_VALUE : first.getKey();
    }

    /**
     * Reads and delivers every record after {@link #applied()} and before {@code before}, and with
     * {@code honourReservations} before the first revision reserved for its committer, looked at again once a read
     * returns: a commit reserves its revisions before it commits, so a read that found them began before the
     * reservation. Under this object's lock.
     */
    private int read(long before, boolean honourReservations) {
        int delivered = 0;
        while (true) {
            if (outOfSync != null && !reloadIfDue()) {
                return delivered;
            }
            long from = applied;
            long until = honourReservations ? Math.min(before, firstReserved()) : before;
            if (from + 1 >= until) {
                return delivered;
            }
            int limit = (int) Math.min(BATCH, until - 1 - from);
            reads++;
            ChangeLogStore.Batch read = jdbi.withHandle(h -> log.readCommitsAfter(h, from, limit,
                    ChangeLogStore.READ_BYTES));
            List<ChangeRecord> batch = read.records();
            if (!batch.isEmpty()) {
                noteHead(batch.get(batch.size() - 1).revision());
            }
            if (!batch.isEmpty() && batch.get(0).revision() != from + 1) {
                long next = batch.get(0).revision();
                gaps++;
                LOG.error("revisions {}..{} were deleted from the change log before this node applied them (it was "
                        + "behind for longer than the retention period); reloading all state from the database",
                        from + 1, next - 1);
                outOfSync = new OutOfSync(next - 1, "revisions " + (from + 1) + ".." + (next - 1)
                        + " were deleted from the change log");
                continue;
            }
            if (honourReservations) {
                until = Math.min(until, firstReserved());
            }
            // a reservation's first revision begins a commit, so no commit straddles it
            for (List<ChangeRecord> commit : commits(batch)) {
                if (commit.get(0).revision() >= until) {
                    return delivered;
                }
                if (!deliver(commit)) {
                    break;
                }
                delivered += commit.size();
            }
            if (outOfSync == null && batch.size() < limit && !read.more()) {
                backoffMillis = 0;
                if (until == Long.MAX_VALUE) {
                    current = clock.instant();
                }
                return delivered;
            }
        }
    }

    /**
     * Reloads the whole state unless a failed attempt's backoff has not run out; true once in sync again. The
     * snapshot must reach the revision that could not be applied, or the attempt counts as failed.
     */
    private boolean reloadIfDue() {
        if (backoffMillis > 0 && System.nanoTime() - retryAt < 0) {
            return false;
        }
        OutOfSync out = outOfSync;
        Resync r = resync;
        try {
            if (r == null) {
                throw new IllegalStateException("this feed has no way to reload its state");
            }
            long at = r.reload();
            if (at < out.revision()) {
                throw new IllegalStateException("the reloaded state is at revision " + at + ", still before "
                        + out.revision());
            }
            applied = at;
            noteHead(at);
            outOfSync = null;
            reloads++;
            // A change failing again before the feed has caught up cleanly waits before the next reload: a
            // listener that fails on every record must not turn each new record into a full reload.
            backoffMillis = Math.max(backoffMillis, FIRST_RETRY_MILLIS);
            retryAt = System.nanoTime() + backoffMillis * 1_000_000L;
            LOG.warn("reloaded this node's state from the database at revision {} ({}); answering again", at,
                    out.reason());
            notifyAll();
            return true;
        } catch (RuntimeException e) {
            backoffMillis = backoffMillis == 0 ? FIRST_RETRY_MILLIS : Math.min(backoffMillis * 2, MAX_RETRY_MILLIS);
            retryAt = System.nanoTime() + backoffMillis * 1_000_000L;
            LOG.error("reloading this node's state from the database failed ({}); the node stays out of service "
                    + "and tries again in {} ms", e.toString(), backoffMillis);
            return false;
        }
    }

    /**
     * Hands the records of one commit to every listener, then counts the commit applied; false, and out of sync,
     * when a listener fails (the commit's last revision is then the one the reload must reach).
     */
    private boolean deliver(List<ChangeRecord> commit) {
        ChangeRecord first = commit.get(0);
        ChangeRecord last = commit.get(commit.size() - 1);
        for (ChangeListener listener : listeners) {
            try {
                listener.onCommit(commit);
            } catch (RuntimeException e) {
                String what = commit.size() == 1
                        ? first.objectType() + " " + first.objectId() + " " + first.action()
                        : "the commit of revisions " + first.revision() + ".." + last.revision();
                LOG.error("listener {} failed on revision {} ({}); this node stops answering and reloads its "
                        + "state from the database", listener.getClass().getSimpleName(), last.revision(), what, e);
                outOfSync = new OutOfSync(last.revision(), listener.getClass().getSimpleName()
                        + " failed on revision " + last.revision());
                listenerFailures++;
                return false;
            }
        }
        applied = last.revision();
        notifyAll();
        return true;
    }

    /**
     * The records in commits, in order: each run of records of one commit ({@link ChangeRecord#commitLast}), which
     * every caller hands over whole (a page of the log in whole commits, or one transaction's records).
     */
    static List<List<ChangeRecord>> commits(List<ChangeRecord> records) {
        List<List<ChangeRecord>> commits = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < records.size(); i++) {
            ChangeRecord record = records.get(i);
            if (record.endsCommit() || i + 1 == records.size()
                    || records.get(i + 1).commitLast() != record.commitLast()) {
                commits.add(records.subList(start, i + 1));
                start = i + 1;
            }
        }
        return commits;
    }

    /** The records of {@code commit} after {@link #applied()}: all, unless this node's state holds the first ones. */
    private List<ChangeRecord> unapplied(List<ChangeRecord> commit) {
        int from = 0;
        while (commit.get(from).revision() <= applied) {
            from++;
        }
        return commit.subList(from, commit.size());
    }

    /**
     * Returns once this node has applied {@code revision}, catching up from the log first; after
     * {@code timeoutMillis} without reaching it, or while out of sync, a retryable {@link UnavailableException}. A
     * wait holds the caller's request thread, which every tenant shares: at most {@link #MAX_WAITING} wait at once,
     * and one more is that exception at once (checks asking for a revision far ahead, with any member key, once held
     * every request thread of the node for as long as they waited). A revision the log does not hold yet is no
     * revision any answer gave — revisions are given once committed, and committed in order —: 400 at once, rather
     * than a wait that cannot end (such waits, with any tenant's key, once kept every other tenant's checks from
     * waiting for their own writes).
     */
    public void awaitRevision(long revision, long timeoutMillis) {
        requireInSync();
        if (applied >= revision) {
            return;
        }
        requireDatabaseFor(revision);
        requireCommitted(revision);
        if (!waiting.tryAcquire()) {
            throw new UnavailableException("revision_not_reached", "this node has applied revision " + applied
                    + ", not yet the requested " + revision + ", and already holds " + MAX_WAITING + " requests "
                    + "waiting for revisions; retry shortly");
        }
        try {
            waitFor(revision, System.nanoTime() + timeoutMillis * 1_000_000L);
        } finally {
            waiting.release();
        }
    }

    private void waitFor(long revision, long deadline) {
        synchronized (this) {
            tryCatchUp(true);
            while (applied < revision) {
                requireInSync();
                requireDatabaseFor(revision);
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

    /** 400 unless the change log holds {@code revision}; a failed read of it leaves the question to the wait. */
    private void requireCommitted(long revision) {
        long last;
        try {
            last = read(log::latestRevision);
        } catch (RuntimeException e) {
            return;
        }
        if (revision > last) {
            throw InvalidInputException.field("min_revision", "revision " + revision + " has not been committed: the "
                    + "change log ends at revision " + last + " (a revision is one a write's answer or a "
                    + "Gatehouse-Revision header gave)", Map.of("last_revision", last));
        }
    }

    /** A wait for a revision this node lacks cannot end while the database, which holds it, is unreachable. */
    private void requireDatabaseFor(long revision) {
        if (!databaseReachable.getAsBoolean()) {
            throw new UnavailableException("revision_not_reached", "this node has applied revision " + applied
                    + ", not the requested " + revision + ", and cannot reach the database to read it; retry shortly, "
                    + "or on another node");
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
