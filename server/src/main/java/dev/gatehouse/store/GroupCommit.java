package dev.gatehouse.store;

import dev.gatehouse.changelog.Actor;
import dev.gatehouse.changelog.ChangeFeed;
import dev.gatehouse.changelog.ChangeLogStore;
import dev.gatehouse.changelog.ChangeRecord;
import dev.gatehouse.changelog.PendingChange;
import dev.gatehouse.error.UnavailableException;
import dev.gatehouse.limit.Limits;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.JdbiException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Group commit: the writes of many requests in one transaction, under one hold of the revision lock, with one
 * flush to disk.
 *
 * <p><b>Why.</b> Every write appends to the change log under the deployment-wide revision lock, which is held
 * through the commit's flush (that is what makes revisions gapless and visible in order, see
 * {@link ChangeLogStore}). With one request per transaction a deployment therefore commits at most one write
 * per flush, however many clients write. Here requests wait in one queue; each of a few <em>lanes</em> (worker
 * threads) takes every request waiting, up to {@link #MAX_BATCH}, and runs them as one <em>batch</em>:
 * <ol>
 *   <li>one transaction; the rows of the batch's organizations locked in one statement (ascending by id, after
 *       the deployment-level writes, which come first); then the requests one after another in order of
 *       organization id, each inside its own savepoint: it reads its time from the node's clock
 *       ({@link Tx#now()}) and runs its work — or, when it fails, is rolled back to its savepoint alone, so a
 *       refused write changes nothing. A request for an organization that does not exist gets its 404 there; a
 *       second request of one organization locks its row again (a predecessor may have deleted it). Savepoints are
 *       not released: each request's is nested in its predecessor's, and rolling back to the latest undoes that
 *       request alone — one round trip per request fewer, the same subtransactions;</li>
 *   <li>the change records of every request that succeeded, appended in that order under one hold of the
 *       revision lock (each with its own request's actor and time), and one commit;</li>
 *   <li>the records delivered to this node's {@link ChangeFeed}, then every request answered.</li>
 * </ol>
 * The requests that arrive while one batch works and flushes wait for the next; the more requests wait, the larger
 * the batches, so the flushes per second stay bounded while the writes per second grow.
 *
 * <p><b>Turns.</b> One lane at a time takes batches: the one holding the turn, which it takes before it waits for
 * requests, frees once its batch has committed and, in the steady state, takes again at once. The requests arriving
 * while one batch works and flushes thus make one batch, instead of being split among lanes that happen to be idle at
 * once, and one warm thread and connection run them (small batches, and batches spread over threads, cost the server
 * and PostgreSQL more per write). The other lanes stand by: once the lane holding the turn has worked on one batch
 * for {@link #TURN_WAIT_MILLIS}, they take batches without it, so one long write (an organization's deletion, say)
 * holds up the others no longer than that ({@link Turns}).
 *
 * <p><b>Long writes and heavy writes.</b> A long write runs in a transaction of its own ({@link Store#writeAlone},
 * {@link Store#commitAlone}: a long import's chunk) and holds its organization's lock for as long as it takes. A batch
 * that waited for that lock would hold up every other organization's write in it, and soon every lane, so this node
 * tracks its long writes ({@link #aloneBegins}, {@link #aloneEnds}, through a {@link LongWrite}): while one that
 * locks an organization is in progress — its own organization, or one it locks as it goes
 * ({@link Tx#lockOrganizations}: a deployment's import chunk, which writes inside many) — lanes leave that
 * organization's requests out of the batches they take — <em>parked</em>, holding no connection — and put them
 * back at the head of the queue, in their order, when it ends; and a long write takes an organization's lock only
 * once no batch that took a request of it before it was parked is still running, so neither waits for the other
 * (inside its transaction it waits {@link #PARKING_PATIENCE_MILLIS} at most: see {@link LongWrite}). A long write of
 * another node is not known here: a batch may wait for one (docs/architecture.md). A <em>heavy</em> write (a
 * shared import chunk, {@link Store#heavy}) costs a batch far more than the others in it, so a batch takes at most
 * one: the later ones stay queued, with every later request of their organizations, for the next batches (another
 * lane's after {@link #TURN_WAIT_MILLIS}), and a write shares a batch with one at most.
 *
 * <p><b>Joint runs.</b> A savepoint and a few reads and writes per request are most of what a batch costs both
 * sides. A write that offers a {@link Joint} (a role given on a resource) may therefore run with the other writes
 * offering the same one: those that are their organization's first in the batch run as one <em>joint run</em>,
 * inside one savepoint, right after the deployment-level writes — a few statements for all of them — and the rest
 * of the batch runs as above. Each write of a run is of another organization, so none sees another's work, and each
 * organization's writes keep their order. A run that fails as a whole (a statement failed) is rolled back to its
 * savepoint and its writes run one by one, as they would have without it.
 *
 * <p><b>Invariants.</b> A request is answered only once its batch has committed (or failed), a successful one
 * also only once this node has applied its records (read-your-writes). A batch of one request runs exactly as a
 * lone transaction: no savepoint. Each request runs against the state its predecessors in the batch left, after
 * its organization's lock, as it would have in a transaction of its own queued behind theirs. Sorting a batch by
 * organization id (deployment-level writes first, arrival order within an organization) makes every lane take
 * organization locks in ascending order, so lanes never deadlock on each other; a lane waiting for a lock another
 * lane holds waits for that lane's commit. At most {@link #MAX_BATCH} savepoints per transaction: PostgreSQL
 * caches 64 subtransaction ids per session, and a transaction with more slows every snapshot on the server. A failure
 * of the statement locking the batch's organizations (a lock timeout, a lost connection) is the whole batch's. When
 * the commit fails, every request of the batch gets that failure — refused ones too, since what refused them may
 * not have committed. When a rollback fails — to a request's savepoint, or of the whole transaction — the connection
 * is lost (a node that paused past the database's {@code idle_in_transaction_session_timeout} finds its session
 * ended, and the pool closes it): nothing can commit, and every request gets the failure that made the rollback
 * necessary when that is a 503 ({@code retry}, {@code database_unavailable}), never the rollback's own
 * ({@link #undo}).
 *
 * <p><b>Thread-safety.</b> {@link #write} may be called from any thread but a lane's (the {@link Store} runs
 * a write made from inside a lane's work in a transaction of its own); each lane owns its batch. The queue, the
 * parked requests and the organizations of long writes and of running batches are guarded by one lock, so that a
 * request is parked, taken or put back in one step with the start or end of its organization's long write.
 */
final class GroupCommit implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(GroupCommit.class);
    /** Requests per transaction at most (savepoints; see the class comment). */
    static final int MAX_BATCH = 32;
    /** How long a lane may hold the turn before the others take batches without it (the class comment, "Turns"). */
    static final long TURN_WAIT_MILLIS = 25;
    /**
     * How long a long write waits, inside its transaction, for a batch that took an organization it is about to lock
     * before it parked it ({@link LongWrite}): far longer than a batch that waits for no long write takes.
     */
    static final long PARKING_PATIENCE_MILLIS = 1_000;
    private static final String SAVEPOINT = "gatehouse_write";

    private final Jdbi jdbi;
    private final ChangeLogStore log;
    private final ChangeFeed feed;
    private final Limits limits;
    private final InstantSource clock;
    private final Store store;
    /** Guards {@link #queue}, {@link #parked}, {@link #alone}, {@link #taken} and {@link #stopped}. */
    private final ReentrantLock lock = new ReentrantLock();
    /** A request was queued or put back. */
    private final Condition queued = lock.newCondition();
    /** A batch let go of its organizations ({@link #taken}). */
    private final Condition released = lock.newCondition();
    private final ArrayDeque<Request<?>> queue = new ArrayDeque<>();
    /** The requests left out of batches while their organization has a long write in progress, in their order. */
    private final Map<Long, List<Request<?>>> parked = new HashMap<>();
    /** The organizations with a long write in progress on this node, and how many. */
    private final Map<Long, Integer> alone = new HashMap<>();
    /** The organizations of the batches being run, and in how many. */
    private final Map<Long, Integer> taken = new HashMap<>();
    /** The lanes have stopped: a request put back is failed instead. */
    private boolean stopped;
    /** Whose turn it is to take a batch (see the class comment, "Turns"). */
    private final Turns turns = new Turns(TURN_WAIT_MILLIS, TimeUnit.MILLISECONDS);
    private final List<Thread> lanes = new ArrayList<>();
    private volatile boolean open = true;

    /** @param store translates the batches' failures ({@link Store#failure}) and hears of their successes */
    GroupCommit(Jdbi jdbi, ChangeLogStore log, ChangeFeed feed, Limits limits, InstantSource clock, int lanes,
                Store store) {
        if (lanes < 1) {
            throw new IllegalArgumentException("lanes must be at least 1, got " + lanes);
        }
        this.jdbi = jdbi;
        this.log = log;
        this.feed = feed;
        this.limits = limits;
        this.clock = clock;
        this.store = store;
        for (int i = 0; i < lanes; i++) {
            Thread lane = new Lane(this::run, "gatehouse-write-" + i);
            lane.setDaemon(true);
            this.lanes.add(lane);
            lane.start();
        }
    }

    /** Whether the calling thread is one of this node's lanes (a write made from inside a batch's work). */
    static boolean onLane() {
        return Thread.currentThread() instanceof Lane;
    }

    int lanes() {
        return lanes.size();
    }

    /** Batches begun with the turn (true) or without it, beside a batch that took longer than the patience. */
    long batches(boolean held) {
        return held ? turns.heldBatches() : turns.passingBatches();
    }

    /** How many writes wait for a lane right now (parked ones included). */
    int waiting() {
        lock.lock();
        try {
            int waiting = queue.size();
            for (List<Request<?>> requests : parked.values()) {
                waiting += requests.size();
            }
            return waiting;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Queues a write and waits for its batch; its outcome as {@link Store#write} promises it. A {@code heavy} one
     * shares a batch with no other heavy write (the class comment).
     */
    <T> Written<T> write(Actor actor, Long orgId, Function<Tx, T> work, boolean heavy) {
        return write(new Request<>(actor, orgId, work, null, null, heavy));
    }

    /** {@link #write(Actor, Long, Function, boolean)} for a write that may run in a joint run of {@code joint}. */
    <O, T> Written<T> write(Actor actor, long orgId, Function<Tx, T> work, Joint<O, T> joint, O op, boolean heavy) {
        return write(new Request<>(actor, orgId, work, joint, op, heavy));
    }

    private <T> Written<T> write(Request<T> request) {
        lock.lock();
        try {
            if (!open) {
                throw stopping();
            }
            queue.add(request);
            queued.signal();
        } finally {
            lock.unlock();
        }
        return request.answer();
    }

    /**
     * A long write begins on this node that will take the locks of {@code orgIds} ({@link LongWrite}): from now until
     * {@link #aloneEnds(Collection)}, lanes park those organizations' requests instead of taking them. Returns once no
     * batch that took one of them before is still running (such a batch waits for nothing long: it took no
     * organization with a long write in progress), or after {@code patienceMillis} (when the long write may hold what
     * such a batch waits for), the organizations parked either way.
     */
    void aloneBegins(Collection<Long> orgIds, long patienceMillis) {
        lock.lock();
        try {
            for (long orgId : orgIds) {
                alone.merge(orgId, 1, Integer::sum);
            }
            long wait = patienceMillis == Long.MAX_VALUE ? Long.MAX_VALUE
                    : TimeUnit.MILLISECONDS.toNanos(patienceMillis);
            while (orgIds.stream().anyMatch(taken::containsKey)) {
                if (wait == Long.MAX_VALUE) {
                    released.awaitUninterruptibly();
                } else if (wait <= 0) {
                    LOG.warn("a long write takes the locks of organizations {} beside a batch that took one of them "
                            + "and has not ended after {} ms", orgIds, patienceMillis);
                    return;
                } else {
                    try {
                        wait = released.awaitNanos(wait);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                }
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * A long write that parked {@code orgIds} has committed or failed: each organization that has none left gets its
     * parked requests back at the head of the queue, in their order, ahead of its requests queued since.
     */
    void aloneEnds(Collection<Long> orgIds) {
        lock.lock();
        try {
            boolean back = false;
            for (long orgId : orgIds) {
                back |= aloneEnds(orgId);
            }
            if (back) {
                queued.signalAll();
            }
        } finally {
            lock.unlock();
        }
    }

    /** {@link #aloneEnds(Collection)} for one organization, under the lock; whether requests went back. */
    private boolean aloneEnds(long orgId) {
        if (alone.merge(orgId, -1, Integer::sum) > 0) {
            return false;
        }
        alone.remove(orgId);
        List<Request<?>> back = parked.remove(orgId);
        if (back == null) {
            return false;
        }
        if (stopped) {
            back.forEach(request -> request.fail(stopping()));
            return false;
        }
        for (int i = back.size() - 1; i >= 0; i--) {
            queue.addFirst(back.get(i));
        }
        return true;
    }

    /**
     * Takes the next batch into {@code batch}, waiting up to 100 ms for a request: the queue's requests in their
     * order, up to {@link #MAX_BATCH}, except those of an organization with a long write in progress (parked) and
     * every heavy write after the batch's first, which stays queued with every later request of its organization.
     * The batch's organizations count as {@link #taken} until {@link #release}. False when no request came.
     */
    private boolean take(List<Request<?>> batch) throws InterruptedException {
        long wait = TimeUnit.MILLISECONDS.toNanos(100);
        lock.lock();
        try {
            while (true) {
                boolean heavy = false;
                Set<Long> left = new HashSet<>(); // organizations a request of which stays queued (null: deployment)
                for (Iterator<Request<?>> it = queue.iterator(); it.hasNext() && batch.size() < MAX_BATCH; ) {
                    Request<?> request = it.next();
                    if (request.orgId != null && alone.containsKey(request.orgId)) {
                        it.remove();
                        parked.computeIfAbsent(request.orgId, org -> new ArrayList<>()).add(request);
                    } else if (left.contains(request.orgId) || (heavy && request.heavy)) {
                        left.add(request.orgId);
                    } else {
                        it.remove();
                        batch.add(request);
                        heavy |= request.heavy;
                    }
                }
                if (!batch.isEmpty()) {
                    for (Long orgId : orgsOf(batch)) {
                        taken.merge(orgId, 1, Integer::sum);
                    }
                    return true;
                }
                if (wait <= 0) {
                    return false;
                }
                wait = queued.awaitNanos(wait);
            }
        } finally {
            lock.unlock();
        }
    }

    /** The batch taken by {@link #take} has ended: its organizations are no longer {@link #taken} by it. */
    private void release(List<Request<?>> batch) {
        if (batch.isEmpty()) {
            return;
        }
        lock.lock();
        try {
            for (Long orgId : orgsOf(batch)) {
                if (taken.merge(orgId, -1, Integer::sum) == 0) {
                    taken.remove(orgId);
                }
            }
            released.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private static Set<Long> orgsOf(List<Request<?>> batch) {
        Set<Long> orgIds = new HashSet<>();
        for (Request<?> request : batch) {
            if (request.orgId != null) {
                orgIds.add(request.orgId);
            }
        }
        return orgIds;
    }

    private void run() {
        List<Request<?>> batch = new ArrayList<>(MAX_BATCH);
        while (open || waiting() > 0) {
            Turns.Turn turn = null;
            try {
                turn = turns.await();
                if (!take(batch)) {
                    continue;
                }
                turn.begin();
                runBatch(batch, turn);
            } catch (InterruptedException e) {
                if (open) {
                    LOG.warn("write lane {} interrupted; it stops", Thread.currentThread().getName());
                }
                return;
            } catch (Throwable t) {
                // runBatch answers its requests; this is the last line, so that no caller ever waits forever
                for (Request<?> request : batch) {
                    request.fail(t);
                }
                LOG.error("write lane {} failed outside a batch", Thread.currentThread().getName(), t);
            } finally {
                release(batch);
                batch.clear();
                if (turn != null) {
                    turn.handOn();
                }
            }
        }
    }

    /** One transaction for the whole batch; see the class comment. */
    private void runBatch(List<Request<?>> batch, Turns.Turn turn) {
        batch.sort(Comparator.comparing((Request<?> r) -> r.orgId, Comparator.nullsFirst(Comparator.naturalOrder())));
        boolean savepoints = batch.size() > 1;
        List<ChangeRecord> records;
        long seen = 0;
        List<Request<?>> succeeded = new ArrayList<>(batch.size());
        boolean committing = false;
        long reserved = 0; // the first revision the batch's records hold, reserved in the feed until it publishes them
        try (Handle handle = jdbi.open()) {
            try {
                handle.begin();
                Map<Long, String> locked = null;
                Set<Long> begun = new HashSet<>();
                for (List<Request<?>> unit : units(batch)) {
                    if (locked == null && unit.get(0).orgId != null) {
                        locked = lockOrganizations(handle, batch);
                    }
                    if (unit.size() > 1 && runJointly(handle, unit, locked, begun, succeeded)) {
                        continue;
                    }
                    for (Request<?> request : unit) { // one write, or a failed joint run's one by one
                        if (savepoints) {
                            handle.savepoint(SAVEPOINT);
                        }
                        // the first write of an organization in the batch finds it locked (or missing) already; a
                        // later one reads it again, after what its predecessors did (one may have deleted it)
                        boolean first = request.orgId != null && begun.add(request.orgId);
                        if (request.run(handle, limits, clock, first ? locked : null)) {
                            succeeded.add(request);
                        } else if (savepoints) {
                            undo(() -> handle.rollbackToSavepoint(SAVEPOINT), request.failure);
                        } else {
                            undo(handle::rollback, request.failure);
                            request.refuse();
                            return;
                        }
                    }
                }
                List<ChangeLogStore.Authored> authored = new ArrayList<>(succeeded.size());
                boolean unrecorded = false;
                for (Request<?> request : succeeded) {
                    authored.add(new ChangeLogStore.Authored(request.actor, request.at, request.changes));
                    unrecorded |= request.changes.isEmpty();
                }
                // a write that recorded nothing answers with the newest revision it could see (Store#unrecorded):
                // read after every write ran and before their records, which come after it
                seen = unrecorded ? log.latestRevision(handle) : 0;
                records = log.append(handle, authored);
                if (!records.isEmpty()) {
                    // the commit's own notification finds them reserved: the tailer does not read back from the log
                    // what this lane publishes at once (it did whenever the notification came first)
                    reserved = records.get(0).revision();
                    feed.willPublish(reserved, records.get(records.size() - 1).revision());
                }
                committing = true;
                handle.commit();
                turn.handOn();
            } catch (RuntimeException | Error e) {
                try {
                    if (handle.isInTransaction()) {
                        handle.rollback();
                    }
                } catch (RuntimeException rollback) {
                    e.addSuppressed(rollback); // the connection is lost: what failed first says why
                }
                throw e;
            }
        } catch (RuntimeException | Error e) {
            if (reserved != 0) {
                feed.willNotPublish(reserved);
            }
            Throwable failure = e instanceof JdbiException j ? store.failure(j, committing) : e;
            for (Request<?> request : batch) {
                request.fail(failure);
            }
            return;
        }
        store.succeeded();
        if (!records.isEmpty()) {
            feed.publish(records);
        }
        // a write that recorded nothing saw the records of the writes before it in the batch, not those after it
        // (a deletion after it would be named by a token of a state where what it answered no longer holds)
        int next = 0;
        for (Request<?> request : succeeded) {
            List<ChangeRecord> own = records.subList(next, next + request.changes.size());
            request.succeed(own, seen, feed);
            next += own.size();
            seen = own.isEmpty() ? seen : own.get(own.size() - 1).revision();
        }
        for (Request<?> request : batch) {
            request.refuse();
        }
    }

    /**
     * The batch (sorted) in the order its writes run, each unit one write or one joint run: the deployment-level
     * writes; then, for each {@link Joint} offered by at least two writes that are their organization's first in the
     * batch, those writes as one run; then every other write in the batch's order. Writes of different organizations
     * do not see each other, and each organization's writes keep their order, so this is the order of the sorted
     * batch as far as any write can tell.
     */
    private static List<List<Request<?>>> units(List<Request<?>> batch) {
        Map<Joint<?, ?>, List<Request<?>>> runs = new LinkedHashMap<>();
        Set<Long> orgs = new HashSet<>();
        for (Request<?> request : batch) {
            if (request.orgId != null && orgs.add(request.orgId) && request.joint != null) {
                runs.computeIfAbsent(request.joint, joint -> new ArrayList<>()).add(request);
            }
        }
        runs.values().removeIf(run -> run.size() < 2);
        Set<Request<?>> joined = new HashSet<>();
        runs.values().forEach(joined::addAll);
        List<List<Request<?>>> units = new ArrayList<>(batch.size());
        int i = 0;
        for (; i < batch.size() && batch.get(i).orgId == null; i++) {
            units.add(List.of(batch.get(i)));
        }
        units.addAll(runs.values());
        for (; i < batch.size(); i++) {
            if (!joined.contains(batch.get(i))) {
                units.add(List.of(batch.get(i)));
            }
        }
        return units;
    }

    /**
     * Runs {@code run} (writes of one {@link Joint}, each its organization's first in the batch) as one, inside one
     * savepoint; false when the run failed as a whole — rolled back to that savepoint, so that its writes run one by
     * one after it, as if it had not been tried (their organizations' locks are held either way).
     */
    private boolean runJointly(Handle handle, List<Request<?>> run, Map<Long, String> locked, Set<Long> begun,
                               List<Request<?>> succeeded) {
        handle.savepoint(SAVEPOINT);
        try {
            List<Request<?>> entered = new ArrayList<>(run.size());
            for (Request<?> request : run) {
                if (request.enter(handle, limits, clock, locked)) {
                    entered.add(request);
                }
            }
            if (!entered.isEmpty()) {
                runAll(entered);
            }
            for (Request<?> request : entered) {
                request.requireDecided();
            }
            for (Request<?> request : entered) {
                request.settle();
            }
        } catch (RuntimeException | Error e) {
            undo(() -> handle.rollbackToSavepoint(SAVEPOINT), e);
            run.forEach(Request::reset);
            LOG.warn("a joint run of {} writes failed; its writes run one by one", run.size(), e);
            return false;
        }
        for (Request<?> request : run) {
            begun.add(request.orgId);
            if (request.failure == null) {
                succeeded.add(request);
            }
        }
        return true;
    }

    /**
     * Rolls back, with {@code rollback}, what a write or a joint run did before it failed with {@code failure}. When
     * the rollback fails too, the connection is lost: {@code failure} ended the session (the database ended a
     * transaction that sat idle longer than its {@code idle_in_transaction_session_timeout} while this node paused, or
     * the connection broke), the pool closed the connection, and the rollback met its "Connection is closed", which
     * carries no SQL state and says nothing of why. The batch then fails as a whole, before its commit, with
     * {@code failure} (translated) when that is a 503, and with the rollback's failure otherwise.
     */
    private static void undo(Runnable rollback, Throwable failure) {
        try {
            rollback.run();
        } catch (RuntimeException lost) {
            Throwable own = failure instanceof JdbiException j ? Store.translate(j) : failure;
            if (own instanceof UnavailableException unavailable) {
                unavailable.addSuppressed(lost);
                throw unavailable;
            }
            if (failure != null) {
                lost.addSuppressed(failure);
            }
            throw lost;
        }
    }

    /** The joint run of requests entered with one joint (all of them offer the same one, so their types agree). */
    @SuppressWarnings("unchecked")
    private static <O, T> void runAll(List<Request<?>> entered) {
        Joint<O, T> joint = (Joint<O, T>) entered.get(0).joint;
        List<Joint.Entry<O, T>> entries = new ArrayList<>(entered.size());
        for (Request<?> request : entered) {
            entries.add((Joint.Entry<O, T>) request.entry);
        }
        joint.runAll(entries);
    }

    /**
     * Locks the organizations of {@code requests} (ascending by organization; deployment-level writes lock none) in
     * one statement, before the first of their savepoints: the locks are held until the batch ends, as each
     * request's own would be. Returns the model id of each that exists.
     */
    private static Map<Long, String> lockOrganizations(Handle handle, List<Request<?>> requests) {
        Set<Long> orgIds = new LinkedHashSet<>();
        for (Request<?> request : requests) {
            if (request.orgId != null) {
                orgIds.add(request.orgId);
            }
        }
        if (orgIds.size() == 1) {
            long orgId = orgIds.iterator().next();
            return Store.lockOrganizationIfExists(handle, orgId).map(model -> Map.of(orgId, model)).orElse(Map.of());
        }
        return Store.lockOrganizations(handle, orgIds);
    }

    @Override
    public void close() {
        lock.lock();
        try {
            open = false;
        } finally {
            lock.unlock();
        }
        turns.close();
        for (Thread lane : lanes) {
            try {
                lane.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        for (Thread lane : lanes) {
            lane.interrupt();
        }
        lock.lock();
        try {
            stopped = true;
            Request<?> left;
            while ((left = queue.poll()) != null) {
                left.fail(stopping());
            }
            // those parked behind a long write still in progress: it fails them when it ends (aloneEnds)
        } finally {
            lock.unlock();
        }
    }

    private static UnavailableException stopping() {
        return new UnavailableException("node_stopping", "this node is stopping; retry the write on another node");
    }

    /** A lane's thread, so that {@link #onLane()} can tell it apart. */
    private static final class Lane extends Thread {
        Lane(Runnable run, String name) {
            super(run, name);
        }
    }

    /**
     * One queued write: its work, then (on its lane) its outcome — a value and changes, or a failure — then its
     * answer. Fields other than {@link #answer} are touched by the lane only.
     */
    private static final class Request<T> {

        final Actor actor;
        final Long orgId;
        final Function<Tx, T> work;
        /** The joint this write may run in, and what it asks there (both null: it runs alone only). */
        final Joint<?, T> joint;
        final Object op;
        /** A heavy write: a batch takes one at most (the class comment). */
        final boolean heavy;
        final CompletableFuture<Written<T>> answer = new CompletableFuture<>();
        Joint.Entry<?, T> entry;
        T value;
        Instant at;
        List<PendingChange> changes = List.of();
        Throwable failure;

        <O> Request(Actor actor, Long orgId, Function<Tx, T> work, Joint<O, T> joint, O op, boolean heavy) {
            this.actor = actor;
            this.orgId = orgId;
            this.work = work;
            this.joint = joint;
            this.op = op;
            this.heavy = heavy;
        }

        /**
         * Enters a joint run: its entry, with a view of the batch's transaction of its own, after its organization's
         * lock; false (its 404 kept for the answer) when the organization does not exist.
         */
        boolean enter(Handle handle, Limits limits, InstantSource clock, Map<Long, String> locked) {
            String modelId = locked.get(orgId);
            if (modelId == null) {
                failure = Store.organizationNotFound(orgId);
                return false;
            }
            entry = new Joint.Entry<>(Tx.begin(handle, actor, limits, clock, orgId, modelId), op);
            return true;
        }

        void requireDecided() {
            if (entry.open()) {
                throw new IllegalStateException("a joint run left a write undecided");
            }
        }

        /** Takes the outcome of its joint run's entry, as {@link #run} takes its work's. */
        void settle() {
            failure = entry.failure();
            if (failure == null) {
                took(entry.tx(), entry.value());
            }
        }

        /** Keeps what the work did in {@code tx}: its value, its time and its changes, for the answer and the log. */
        private void took(Tx tx, T value) {
            this.value = value;
            at = tx.now();
            changes = List.copyOf(tx.changes());
        }

        /** Forgets a joint run that failed as a whole, so that the write can run alone. */
        void reset() {
            entry = null;
            value = null;
            at = null;
            changes = List.of();
            failure = null;
        }

        /**
         * Runs the work inside the batch's transaction, after its organization's lock, at the time the clock reads
         * then; false when it failed (its failure kept for the answer).
         */
        boolean run(Handle handle, Limits limits, InstantSource clock, Map<Long, String> locked) {
            try {
                String modelId = null;
                if (orgId != null) {
                    modelId = locked == null ? Store.lockOrganization(handle, orgId) : locked.get(orgId);
                    if (modelId == null) {
                        throw Store.organizationNotFound(orgId);
                    }
                }
                Tx tx = Tx.begin(handle, actor, limits, clock, orgId, modelId);
                took(tx, work.apply(tx));
                return true;
            } catch (JdbiException e) {
                failure = Store.translate(e);
            } catch (RuntimeException | Error e) {
                failure = e;
            }
            return false;
        }

        /** Answers a request that succeeded, once its batch committed and its records are applied. */
        void succeed(List<ChangeRecord> records, long seen, ChangeFeed feed) {
            long revision = records.isEmpty() ? Store.unrecorded(seen, feed) : records.get(records.size() - 1).revision();
            answer.complete(new Written<>(value, revision));
        }

        /** Answers a request that failed (a no-op for one that succeeded), once its batch has ended. */
        void refuse() {
            if (failure != null) {
                answer.completeExceptionally(failure);
            }
        }

        void fail(Throwable t) {
            answer.completeExceptionally(t);
        }

        Written<T> answer() {
            return Written.join(answer);
        }
    }
}
