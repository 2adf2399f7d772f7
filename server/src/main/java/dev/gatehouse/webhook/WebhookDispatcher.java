package dev.gatehouse.webhook;

import dev.gatehouse.changelog.ChangeListener;
import dev.gatehouse.changelog.ChangeRecord;
import dev.gatehouse.changelog.EventQuery;
import dev.gatehouse.changelog.ObjectType;
import io.micrometer.core.instrument.MeterRegistry;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.jdbi.v3.core.HandleCallback;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Delivers change-log events to webhook subscriptions, at least once and in revision order per
 * subscription.
 *
 * <p><b>Who delivers.</b> Every node runs a dispatcher; a subscription is delivered by whichever node holds
 * its lease. A node claims due subscriptions with {@code UPDATE … WHERE webhook_id IN (SELECT … FOR UPDATE
 * SKIP LOCKED)}, which sets a lease (owner, expiry, a token incremented on every claim). Every later write
 * of the cursor is fenced by that token, so a node that lost its lease (it hung past the expiry and another
 * node took over) can no longer move the cursor. Leases are renewed after each delivered event and released
 * when there is nothing left, when the claim's budget is spent, after a failure and on shutdown; a crashed
 * node's leases simply expire.
 *
 * <p><b>No idle lease.</b> A lease a live node holds is always being used by one of its workers, or given back at
 * once: nobody else may deliver the subscription until it runs out. So a node never claims what its own workers are
 * still busy with ({@code inFlight}, passed to {@link WebhookStore#claim}), although a worker gives its lease back a
 * moment before it is done (it may still be pausing the subscription, or ending): such a claim could be neither used
 * nor would anything give it back. And a worker whose database stops answering keeps its lease and resumes under it
 * once the database answers again ({@link #work}), first recording the attempt it could not record, rather than
 * leaving the subscription waiting for the lease to run out.
 *
 * <p><b>Fairness between organizations.</b> One organization's slow receivers must not delay another's
 * deliveries, so three rules bound what a subscription can take from others:
 * <ul>
 *   <li><i>Per-organization concurrency:</i> an organization holds at most {@code orgConcurrency} leases at
 *       once, counted over all nodes (claims of all nodes are serialized by an advisory lock).</li>
 *   <li><i>Time-budgeted claims:</i> a worker delivers a claimed subscription for at most
 *       {@code claimBudget} (and {@value #EVENTS_PER_CLAIM} events), then finishes the request in flight and
 *       hands the subscription back. A worker thus frees up after one slow request at most, and a busy
 *       subscription queues again behind the others.</li>
 *   <li><i>Fair order:</i> a free worker goes to the organization with the fewest deliveries in progress,
 *       then to the subscription served least recently ({@link WebhookStore#claim}).</li>
 * </ul>
 * An organization whose receivers all hang therefore holds {@code orgConcurrency} workers for up to the
 * request timeout each, and no more; another organization's event is claimed by the next free worker.
 *
 * <p><b>Waiting costs a thread, not a turn.</b> A node delivers up to {@code workers} subscriptions at once (256 by
 * default), far more than it has connections: a worker waiting on a receiver holds its lease and its thread, but no
 * database connection. Threads are made when a claim finds none idle and end after a minute idle, so an idle node
 * keeps none. Workers reach the database only through {@link #database} and {@link #inTurn}, at most
 * {@link #turns} at once and one statement or transaction each, so that many busy workers cannot take the
 * pool's connections from the API. So with {@code workers} and {@code orgConcurrency} per node, organizations whose
 * receivers all hang fill a node only when there are more than {@code (workers − 1) / orgConcurrency} of them (127 by
 * default), each on this node; until then another organization's event is claimed at once.
 *
 * <p><b>Where requests may go.</b> Every request goes through a {@link DeliveryClient}, which resolves the
 * target, refuses it unless every address is public or in an allowed network ({@link TargetPolicy}), and
 * connects to exactly the addresses it checked; redirects are never followed. A refused target is a failed
 * attempt like any other. Failures are recorded by class only ({@link DeliveryFailure}: {@code timeout},
 * {@code connect_failed}, {@code http_status 503}, …), never with an exception's text.
 *
 * <p><b>What is sent.</b> Each subscription's requests are built by its {@link WebhookFormat}: the native one, or a
 * dialect's (Close's event envelope and signature headers), which may also decline an event its object types and
 * actions let through (its finer filters); such an event is skipped like any unmatched one. Everything else here —
 * order, retries, pausing, fairness, the target policy, the deliveries log — is the same for every format. A format
 * that fails to build a request makes a failed attempt ({@code format_failed}: nothing was sent), retried like any.
 *
 * <p><b>Order and retries.</b> Per subscription one request is in flight at a time, events in revision order; the
 * cursor moves past an event only after a 2xx answer. A failure schedules the same event again after an
 * exponentially growing wait, but never after the end of the retry window, which starts at the event's first
 * failure: the last attempt is made at its end. A failure at or after the end pauses the subscription (by the
 * system, with the reason, recorded in the change log), so the pause comes when the window has passed, not a backoff
 * later; resuming it retries the same event. Events that do not match a subscription's filters are skipped by moving
 * the cursor. Resuming a subscription or moving it to a new URL starts the count of attempts and the retry window
 * again ({@link WebhookStore#resetFailures}), also while a request made before is in flight: the reset moves the
 * lease token on, so that request's outcome (logged all the same) can no longer touch the cursor — neither a failure
 * with its backoff recorded against the new URL, nor a success at the old one — and once it ends its worker gives
 * the lease back, so the next attempt, attempt 1, starts at once.
 *
 * <p><b>Whose authority.</b> A subscription a member made is delivered on that member's authority: before every
 * request its creator is read again ({@link WebhookService#creatorLostAccess}: one read of the database, made after
 * the event was, so nothing that took the right away before the event is missed, whichever node's engine has applied
 * it). A creator deactivated, removed or no longer a reader of the history pauses the subscription (by the system,
 * recorded in the change log) and nothing more is sent. The creator is whoever made the subscription, or last moved
 * (a new URL) or resumed it; one whose creator is a service key costs no read.
 *
 * <p><b>Durability.</b> Cursors, due times and the delivery log live in the database, so a restart (or
 * another node) carries on where delivery stood. An event delivered but not yet recorded when a node died
 * is delivered again: receivers deduplicate by {@code Gatehouse-Webhook-Id} and {@code Gatehouse-Event-Revision}.
 * Change-log retention keeps an active subscription's undelivered events for a bounded time only
 * ({@link WebhookRetention}).
 *
 * <p><b>When it looks.</b> The scheduling thread looks for due work (claims) every poll interval, and at once — at most
 * every {@value #MIN_ROUND_MILLIS} ms — when a change arrives of an organization that has a subscription, or when a
 * worker is done. It knows which organizations have one (of any status) from a read it repeats whenever a
 * subscription's own change arrives; changes of other organizations wake nothing, and a deployment without
 * subscriptions claims nothing: a busy write load does not cost a claim every round.
 *
 * <p><b>Metrics.</b> Every attempt is counted by outcome and failure class, every claim too, and the scheduling
 * thread samples the deployment's backlog every {@value #BACKLOG_SAMPLE_SECONDS} s ({@link WebhookMetrics}). A
 * worker's log lines carry the subscription's organization ({@code org_id}).
 *
 * <p>Thread-safe. One scheduling thread claims work; up to {@code workers} threads deliver, made on demand.
 */
public final class WebhookDispatcher implements ChangeListener, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(WebhookDispatcher.class);
    /** Events handled per claim before the lease is given back, so that one busy subscription cannot starve others. */
    private static final int EVENTS_PER_CLAIM = 200;
    private static final int READ_BATCH = 100;
    /** The stored size a worker's batch of events may reach (at least one event): what up to 256 workers hold. */
    private static final long READ_BYTES = 256L << 10;
    private static final int PRUNE_BATCH = 1000;
    private static final long MIN_ROUND_MILLIS = 20;
    /** How often the backlog meters are refreshed from the database. */
    static final long BACKLOG_SAMPLE_SECONDS = 5;
    /** The logging context key of the organization a worker delivers for (the same as a request's). */
    private static final String ORG_ID = "org_id";
    private static final WebhookStore.Failure LEASE_LOST = new WebhookStore.Failure(0, false, Duration.ZERO);

    private final Jdbi jdbi;
    private final WebhookService service;
    private final WebhookStore store = new WebhookStore();
    private final WebhookSettings settings;
    private final String nodeId;
    private final InstantSource clock;
    private final WebhookMetrics metrics;
    private final DeliveryClient client;
    private final ExecutorService workers;
    private final Semaphore free;
    /**
     * How many workers use the database at once, each for one statement or transaction ({@link #turns}): a node
     * delivers far more subscriptions at once than it has connections, and the workers must leave connections to the
     * API however many of them are busy.
     */
    private final Semaphore databaseTurns;
    private final Set<Long> inFlight = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Object wake = new Object();
    private final Thread scheduler;
    /** Bumped by every subscription's change (of any node): {@link #subscribed} is to be read again. */
    private final AtomicLong subscriptionChanges = new AtomicLong(1);
    /** The organizations that have a subscription (any status) as last read, or null before the first read. */
    private volatile Set<Long> subscribed;
    /** The {@link #subscriptionChanges} that {@link #subscribed} was read at (the scheduling thread's). */
    private long subscribedAt;
    private boolean woken;
    /**
     * This node may hold a lease no worker uses: a claim whose answer was lost, or one it could not give back. The
     * next claim first gives back every lease of this node that no worker is busy with (scheduling thread only).
     */
    private boolean leasesUnsure;
    /** The last scheduling round failed: the next failures are logged at DEBUG (scheduling thread only). */
    private boolean schedulingFails;
    private long lastPrune;
    private long lastBacklogSample;

    /**
     * @param clock   the node's clock: signature timestamps, attempt times, due times and the retry window
     * @param metrics where attempts and the backlog are reported
     */
    public WebhookDispatcher(Jdbi jdbi, int poolSize, WebhookService service, WebhookSettings settings, String nodeId,
                             InstantSource clock, MeterRegistry metrics) {
        this.jdbi = jdbi;
        this.databaseTurns = new Semaphore(turns(poolSize), true); // fair: no worker waits for a turn while others pass
        this.clock = clock;
        this.metrics = new WebhookMetrics(metrics, clock);
        this.service = service;
        this.settings = settings;
        this.nodeId = nodeId;
        this.client = new DeliveryClient(settings.targets(), settings.timeout(), settings.workers());
        // Threads are made when a claim finds none idle and end after a minute idle; the permits of free, not the
        // pool, bound how many deliver at once.
        this.workers = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 60, TimeUnit.SECONDS, new SynchronousQueue<>(),
                r -> {
                    Thread t = new Thread(r, "gatehouse-webhook-worker");
                    t.setDaemon(true);
                    return t;
                });
        this.free = new Semaphore(settings.workers());
        this.scheduler = new Thread(this::schedule, "gatehouse-webhook-scheduler");
        this.scheduler.setDaemon(true);
    }

    public WebhookDispatcher start() {
        scheduler.start();
        return this;
    }

    /**
     * New changes may be due for delivery: look now rather than at the next poll, if their organization has a
     * subscription (see the class comment, "When it looks").
     */
    @Override
    public void onChange(ChangeRecord record) {
        if (record.orgId() == null) {
            return;
        }
        if (ObjectType.WEBHOOK.equals(record.objectType())) {
            subscriptionChanges.incrementAndGet();
            wakeUp();
            return;
        }
        Set<Long> orgs = subscribed;
        if (orgs == null || orgs.contains(record.orgId())) {
            wakeUp();
        }
    }

    private void wakeUp() {
        synchronized (wake) {
            woken = true;
            wake.notifyAll();
        }
    }

    private void schedule() {
        while (running.get()) {
            long round = System.nanoTime();
            try {
                claimAndDeliver();
                pruneDeliveryLog();
                sampleBacklog();
                if (schedulingFails) {
                    schedulingFails = false;
                    LOG.info("webhook scheduling works again");
                }
            } catch (RuntimeException e) {
                // a WARN the first time, a DEBUG each round after it that fails too: a round every poll interval
                // would otherwise fill the log through an outage of the database
                if (!schedulingFails) {
                    LOG.warn("webhook scheduling failed: {}; retrying at least every {} ms", e.getMessage(),
                            settings.pollInterval().toMillis());
                } else {
                    LOG.debug("webhook scheduling still fails: {}", e.getMessage());
                }
                schedulingFails = true;
            }
            try {
                // However fast changes arrive, look for due work at most every MIN_ROUND_MILLIS.
                long rest = MIN_ROUND_MILLIS - (System.nanoTime() - round) / 1_000_000L;
                if (rest > 0) {
                    Thread.sleep(rest);
                }
                synchronized (wake) {
                    if (!woken && running.get()) {
                        wake.wait(settings.pollInterval().toMillis());
                    }
                    woken = false;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private void claimAndDeliver() {
        int slots = free.availablePermits();
        if (slots == 0 || readSubscribed().isEmpty()) {
            return;
        }
        metrics.claimed();
        // Taken before the claim: only this thread adds to inFlight, so no claim returns one of them, and any other
        // lease this node holds is one no worker uses.
        List<Long> busy = List.copyOf(inFlight);
        boolean sweep = leasesUnsure;
        leasesUnsure = true; // until the claim's answer is in: it may commit and its answer be lost
        List<WebhookStore.Claim> claims = jdbi.inTransaction(h -> {
            if (sweep) {
                int released = store.releaseAll(h, nodeId, busy);
                if (released > 0) {
                    LOG.info("gave back {} webhook leases that no worker of this node used", released);
                }
            }
            return store.claim(h, nodeId, slots, settings.orgConcurrency(), settings.lease(), clock.instant(), busy);
        });
        leasesUnsure = false;
        for (WebhookStore.Claim claim : claims) {
            // Neither can fail (the claim left out what is in flight and took no more than the free workers); should
            // one, the lease is given back at once rather than held unused until it runs out.
            if (!inFlight.add(claim.webhookId())) {
                LOG.warn("webhook {} was claimed while in flight; its new lease is given back", claim.webhookId());
                releaseUnused(claim);
                continue;
            }
            if (!free.tryAcquire()) {
                inFlight.remove(claim.webhookId());
                releaseUnused(claim);
                continue;
            }
            workers.execute(() -> {
                MDC.put(ORG_ID, String.valueOf(claim.orgId()));
                try {
                    work(claim);
                } finally {
                    MDC.remove(ORG_ID);
                    inFlight.remove(claim.webhookId());
                    free.release();
                    wakeUp();
                }
            });
        }
    }

    /** Gives back a lease just claimed that no worker takes (scheduling thread). */
    private void releaseUnused(WebhookStore.Claim claim) {
        try {
            jdbi.useHandle(h -> store.release(h, claim.webhookId(), claim.leaseToken()));
        } catch (RuntimeException e) {
            leasesUnsure = true;
            LOG.warn("could not give back the lease of webhook {} now: {}", claim.webhookId(), e.getMessage());
        }
    }

    /**
     * A worker's whole turn with one claimed subscription ({@link #deliver}). Should the database not answer — the
     * connection lost, the database stopped or unreachable — the node still holds the lease (nobody else may claim it
     * before it runs out), so the worker keeps it rather than leave it idle until then: it tries again every poll
     * interval, first recording the outcome of the attempt it could not record (a request answered before the outage
     * is not sent again; the deliveries log shows it with its own attempt number), then carries on delivering under
     * the same lease token — or learns that it lost the lease meanwhile, and stops. Any other failure ends the turn
     * and gives the lease back.
     */
    private void work(WebhookStore.Claim claim) {
        long id = claim.webhookId();
        Attempt unrecorded = null;
        boolean told = false;
        while (true) {
            try {
                Attempt attempt = unrecorded;
                unrecorded = null;
                if (attempt == null || record(attempt).isPresent()) {
                    deliver(claim);
                }
                if (told) {
                    LOG.info("webhook {}: the database answers again; delivery resumed", id);
                }
                return;
            } catch (RuntimeException e) {
                if (connectionLost(e)) {
                    if (e instanceof UnrecordedAttempt u) {
                        unrecorded = u.attempt;
                    }
                } else {
                    if (deletedMeanwhile(e)) {
                        LOG.debug("webhook {} was deleted while an event was being delivered", id);
                    } else {
                        LOG.warn("delivering webhook {} failed: {}", id, e.getMessage());
                    }
                    try {
                        giveBack(id, claim.leaseToken());
                        return;
                    } catch (RuntimeException notGivenBack) {
                        if (!connectionLost(notGivenBack)) {
                            LOG.warn("could not give back the lease of webhook {}: {}", id, notGivenBack.getMessage());
                            return;
                        }
                    }
                }
                if (!told) {
                    told = true;
                    LOG.warn("webhook {}: the database does not answer ({}); this node keeps the lease and resumes "
                            + "delivery when it answers again", id, e.getMessage());
                }
            }
            if (!pause()) {
                return; // stopping: the lease is given back on the way out if the database answers by then
            }
        }
    }

    /**
     * Gives back the lease claimed with {@code token}, or the one a reset moved on from it while this node held it
     * ({@link #releaseSuperseded}).
     */
    private void giveBack(long id, long token) {
        database(h -> {
            store.release(h, id, token);
            store.releaseSuperseded(h, id, nodeId, token);
            return null;
        });
    }

    /**
     * {@code work} on a connection of its own, once one of the database turns ({@link #turns}) is free (the
     * workers' only way to the database, one statement or transaction at a time, never nested).
     */
    private <T> T database(HandleCallback<T, RuntimeException> work) {
        return inTurn(() -> jdbi.withHandle(work));
    }

    /** {@code work}, which reads or writes the database once, in one of the database turns ({@link #turns}). */
    private <T> T inTurn(Supplier<T> work) {
        databaseTurns.acquireUninterruptibly();
        try {
            return work.get();
        } finally {
            databaseTurns.release();
        }
    }

    /**
     * The workers' database turns on a node whose pool holds {@code poolSize} connections ({@code --pool-size}): a
     * quarter of them, at least one (2 of the default 8), so that — with the scheduler's one connection while it
     * claims — the rest stays the API's however many deliveries are busy.
     */
    static int turns(int poolSize) {
        return Math.max(1, poolSize / 4);
    }

    /** Waits a poll interval; false when the node is stopping. */
    private boolean pause() {
        try {
            Thread.sleep(settings.pollInterval().toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
        return running.get();
    }

    /** The organizations that have a subscription, read again if one changed since the last read. */
    private Set<Long> readSubscribed() {
        long changes = subscriptionChanges.get();
        Set<Long> orgs = subscribed;
        if (orgs == null || changes != subscribedAt) {
            orgs = jdbi.withHandle(store::subscribedOrganizations);
            subscribed = orgs;
            subscribedAt = changes;
        }
        return orgs;
    }

    /**
     * Works through one claimed subscription until nothing is due, a failure, the budget (events or time), or
     * a lost lease. Whatever ends it gives the lease back with {@link #giveBack}: a reset (a move or a resume) may move
     * the token on after the last read of it, and a lease given back under the old token only would stay held, unused,
     * until it ran out — holding the subscription's next event, and its pause, back for that long.
     */
    private void deliver(WebhookStore.Claim claim) {
        long id = claim.webhookId();
        long token = claim.leaseToken();
        int handled = 0;
        long deadline = System.nanoTime() + settings.claimBudget().toNanos();
        // Events read after the cursor and not yet passed: read a batch at a time, not once per event. The log only
        // grows past what was read (revisions are given in commit order), so a batch stays true while it is used.
        ArrayDeque<ChangeRecord> read = new ArrayDeque<>();
        // The subscription as it stands, read again before every event (after a delivered one, by the statement that
        // recorded it)
        Optional<WebhookStore.Target> found = Optional.empty();
        while (running.get() && handled < EVENTS_PER_CLAIM && System.nanoTime() - deadline < 0) {
            if (found.isEmpty()) {
                found = database(h -> store.target(h, id, token));
            }
            if (found.isEmpty() || !found.get().webhook().active()) {
                // deleted, paused, or the lease was lost: the cursor is no longer ours to move
                if (found.isPresent()) {
                    giveBack(id, token);
                } else {
                    releaseSuperseded(id, token);
                }
                return;
            }
            WebhookStore.Target target = found.get();
            found = Optional.empty();
            while (!read.isEmpty() && read.peekFirst().revision() <= target.revision()) {
                read.removeFirst();
            }
            if (read.isEmpty()) {
                read.addAll(database(h -> EventQuery.forOrg(claim.orgId()).ascending(true)
                        .afterRevision(target.revision()).limit(READ_BATCH).maxBytes(READ_BYTES).build().run(h)));
                if (read.isEmpty()) {
                    giveBack(id, token);
                    return;
                }
            }
            WebhookFormat format = service.format(target.webhook().format());
            ChangeRecord next = null;
            Prepared prepared = null;
            long skipped = target.revision();
            int failures = target.attempts();
            for (ChangeRecord r : read) {
                if (target.webhook().matches(r.objectType().wire(), r.action().wire())) {
                    prepared = prepare(format, target, r, failures + 1);
                    if (prepared != null) {
                        next = r;
                        break;
                    }
                }
                skipped = r.revision();
                // The event after the cursor, the one that failed if any did, is skipped (the filters changed since):
                // its run of failures goes with it, so the next event starts at attempt 1 with a retry window of its own.
                failures = 0;
            }
            if (skipped > target.revision()) {
                long to = skipped;
                boolean forget = target.attempts() > 0;
                if (!database(h -> store.advance(h, id, token, to, forget, settings.lease()))) {
                    releaseSuperseded(id, token);
                    return;
                }
            }
            if (next == null) {
                handled += read.size();
                continue;
            }
            String lost = inTurn(() -> service.creatorLostAccess(target.webhook()));
            if (lost != null) {
                pauseForCreator(target.webhook(), lost);
                giveBack(id, token);
                return;
            }
            found = send(target, next, prepared, failures + 1);
            if (found.isEmpty()) {
                return;
            }
            handled++;
        }
        giveBack(id, token);
    }

    /**
     * This worker found its lease token superseded: by another node's claim after its lease ran out (nothing to do), or
     * by a reset while its request was in flight ({@link WebhookStore#resetFailures}: the subscription was moved or
     * resumed). A reset leaves the lease with this node so that no other request starts meanwhile; now that this one
     * has ended, the lease is given back, and the next attempt — attempt 1 — is claimed at once.
     */
    private void releaseSuperseded(long id, long token) {
        database(h -> {
            store.releaseSuperseded(h, id, nodeId, token);
            return null;
        });
    }

    /**
     * The database did not answer: no connection (the database stopped, unreachable, the pool timed out), or one that
     * broke or was ended by the server during the statement. SQLSTATE classes 08 (connection exception) and 57P
     * (operator intervention: a shutdown, a crash, not accepting connections yet).
     */
    private static boolean connectionLost(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLTransientConnectionException || t instanceof SQLNonTransientConnectionException
                    || t instanceof SQLRecoverableException) {
                return true;
            }
            if (t instanceof SQLException sql && sql.getSQLState() != null
                    && (sql.getSQLState().startsWith("08") || sql.getSQLState().startsWith("57P"))) {
                return true;
            }
        }
        return false;
    }

    /** The subscription was deleted during an attempt, so its delivery log row has nothing to refer to. */
    private static boolean deletedMeanwhile(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql && "23503".equals(sql.getSQLState())) {
                return true;
            }
        }
        return false;
    }

    /**
     * The request for one event in the subscription's format, or {@code failed} when the format could not build it;
     * null when the subscription does not want the event after all.
     */
    private record Prepared(WebhookFormat.Request request, boolean failed) {
    }

    private Prepared prepare(WebhookFormat format, WebhookStore.Target target, ChangeRecord event, int attempt) {
        try {
            return format.request(target.webhook(), event, target.secret(), clock.instant().getEpochSecond(),
                    attempt).map(r -> new Prepared(r, false)).orElse(null);
        } catch (RuntimeException e) {
            LOG.warn("webhook {}: the {} format could not build the request for revision {}: {}",
                    target.webhook().id(), format.name(), event.revision(), e.toString());
            return new Prepared(null, true);
        }
    }

    /** One attempt at an event, made under the lease {@code token}, as it is recorded. */
    private record Attempt(Webhook webhook, long token, long revision, int number, Instant started, int millis,
                           Integer status, String error) {
        boolean succeeded() {
            return error == null;
        }
    }

    /** An attempt was made, but its outcome could not be written to the database (a worker writes it later). */
    private static final class UnrecordedAttempt extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final transient Attempt attempt;

        UnrecordedAttempt(Attempt attempt, RuntimeException cause) {
            super(cause.getMessage(), cause);
            this.attempt = attempt;
        }
    }

    /**
     * Attempt {@code attempt} at one event: when it succeeded and the lease is still held, the subscription as it stands
     * after it ({@link #record}).
     */
    private Optional<WebhookStore.Target> send(WebhookStore.Target target, ChangeRecord event, Prepared prepared,
                                              int attempt) {
        Webhook w = target.webhook();
        Instant started = clock.instant();
        long t0 = System.nanoTime();
        DeliveryClient.Answer answer;
        if (prepared.failed()) {
            answer = DeliveryClient.Answer.failed(DeliveryFailure.FORMAT_FAILED);
        } else {
            try {
                answer = client.post(w.url(), prepared.request().headers(), prepared.request().body());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                answer = DeliveryClient.Answer.failed(DeliveryFailure.CANCELLED);
            }
        }
        int millis = (int) Math.min(Integer.MAX_VALUE, (System.nanoTime() - t0) / 1_000_000L);
        metrics.attempted(answer.failure());
        return record(new Attempt(w, target.leaseToken(), event.revision(), attempt, started, millis, answer.status(),
                answer.error()));
    }

    /**
     * Writes an attempt to the deliveries log and, while its lease token holds, to the cursor: past the event, or a
     * failure with its backoff (pausing the subscription once the retry window has passed). When it succeeded and the
     * lease is still held, the same statement reads the subscription again for the next event (one database turn
     * and one round trip per event delivered, {@link WebhookStore#delivered}); otherwise empty. Throws
     * {@link UnrecordedAttempt} when nothing could be written.
     */
    private Optional<WebhookStore.Target> record(Attempt a) {
        long id = a.webhook().id();
        Instant failedAt = clock.instant();
        Recorded recorded;
        try {
            recorded = a.succeeded()
                    ? database(h -> store.delivered(h, id, a.token(), a.revision(), a.number(), a.started(),
                            a.millis(), a.status(), nodeId, settings.lease()))
                            .map(t -> new Recorded(t, null)).orElse(new Recorded(null, LEASE_LOST))
                    : new Recorded(null, inTurn(() -> jdbi.inTransaction(h -> store.fail(h, id, a.token(),
                            a.revision(), a.number(), a.started(), a.millis(), a.status(), a.error(), nodeId,
                            settings.backoff(a.number()), settings.retryWindow(), failedAt))).orElse(LEASE_LOST));
        } catch (RuntimeException e) {
            throw new UnrecordedAttempt(a, e);
        }
        if (recorded.next() != null) {
            return Optional.of(recorded.next());
        }
        if (recorded.failure() == LEASE_LOST) {
            releaseSuperseded(id, a.token());
        } else if (recorded.failure().exhausted()) {
            try {
                Duration beforeLast = recorded.failure().failingFor().minus(Duration.between(a.started(), failedAt));
                pauseAfterFailures(a.webhook(), a.revision(), recorded.failure(),
                        beforeLast.isNegative() ? Duration.ZERO : beforeLast, a.error());
            } catch (RuntimeException e) {
                // the failure is recorded and the lease given back: the next failed attempt pauses it
                LOG.warn("webhook {} could not be paused after sustained failure: {}", id, e.getMessage());
            }
        }
        return Optional.empty();
    }

    /** What recording an attempt found: the subscription after a success under the lease, or what else it led to. */
    private record Recorded(WebhookStore.Target next, WebhookStore.Failure failure) {
    }

    /**
     * Pauses a subscription whose run of failures {@code f} has lasted its retry window. The reason's span counts as
     * the window does: from the first failure to the moment the last attempt was made ({@code failingBeforeLast}),
     * not to its end, a request's duration later — so the last attempt, made at the window's end, shows the window.
     */
    private void pauseAfterFailures(Webhook w, long revision, WebhookStore.Failure f, Duration failingBeforeLast,
                                    String error) {
        String reason = "delivery of revision " + revision + " failed " + f.attempts() + " times over "
                + human(failingBeforeLast) + " (retry window " + human(settings.retryWindow()) + "); last error: "
                + error;
        if (inTurn(() -> service.autoPause(w.orgId(), w.id(), reason))) {
            LOG.warn("webhook {} of organization {} paused: {}", w.id(), w.orgId(), reason);
        }
    }

    /** Pauses a subscription whose creator may no longer make it, unless it changed since it was read. */
    private void pauseForCreator(Webhook w, String reason) {
        if (inTurn(() -> service.autoPause(w.orgId(), w.id(), reason, w.version()))) {
            LOG.warn("webhook {} of organization {} paused: {}", w.id(), w.orgId(), reason);
        }
    }

    /** A span as a pause's reason shows it, in whole units: {@code 24h0m}, {@code 1m4s}, {@code 40s}. */
    private static String human(Duration d) {
        long s = d.toSeconds();
        if (s >= 3600) {
            return (s / 3600) + "h" + (s % 3600 / 60) + "m";
        }
        if (s >= 60) {
            return (s / 60) + "m" + (s % 60) + "s";
        }
        return s + "s";
    }

    private void pruneDeliveryLog() {
        long now = System.nanoTime();
        if (lastPrune != 0 && now - lastPrune < TimeUnit.HOURS.toNanos(1)) {
            return;
        }
        lastPrune = now;
        int deleted;
        do {
            deleted = jdbi.withHandle(h -> store.pruneDeliveries(h, settings.deliveryLogDays(), PRUNE_BATCH,
                    clock.instant()));
        } while (deleted == PRUNE_BATCH && running.get());
    }

    /** Reads the backlog for the meters, at most every {@link #BACKLOG_SAMPLE_SECONDS}. */
    private void sampleBacklog() {
        long now = System.nanoTime();
        if (lastBacklogSample != 0 && now - lastBacklogSample < TimeUnit.SECONDS.toNanos(BACKLOG_SAMPLE_SECONDS)) {
            return;
        }
        lastBacklogSample = now;
        metrics.backlog(jdbi.withHandle(store::backlog));
    }

    /** Stops claiming, lets requests in flight finish (up to the request timeout) and gives back every lease. */
    @Override
    public void close() {
        running.set(false);
        wakeUp();
        try {
            scheduler.join(2000);
            workers.shutdown();
            if (!workers.awaitTermination(settings.timeout().toMillis() + 2000, TimeUnit.MILLISECONDS)) {
                workers.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            workers.shutdownNow();
        }
        try {
            jdbi.useHandle(h -> store.releaseAll(h, nodeId, List.of()));
        } catch (RuntimeException e) {
            LOG.debug("could not release webhook leases of {}: {}", nodeId, e.getMessage());
        }
        client.close();
    }
}
