package dev.gatehouse.assignment;

import dev.gatehouse.changelog.Action;
import dev.gatehouse.changelog.Actor;
import dev.gatehouse.changelog.ObjectType;
import dev.gatehouse.model.OrgModels;
import dev.gatehouse.model.PermissionModel;
import dev.gatehouse.store.Store;
import dev.gatehouse.store.Tx;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ends time-bound assignments. Every {@link #INTERVAL} it finds the organizations holding assignments whose
 * {@code expires_at} the node's clock has reached and, per organization, removes them in one ordinary write
 * ({@link Store#write}, actor {@code system}) of those whose end lies at or before the write's own time
 * ({@link dev.gatehouse.store.Tx#now()}), so an expiry is never recorded before the end it records: each removal is
 * a change record of action {@link Action#EXPIRED} with the assignment as {@code before}, and the model's
 * {@link AssignmentRules#expired} runs in the same transaction.
 *
 * <p><b>Why a write, not a clock in the engine.</b> Decisions are answered from the engine, which only the change
 * log feeds; an expiry that is a change record reaches every node's engine by the same path as any other write, at
 * the same revision, so all nodes answer alike at every revision (and {@code min_revision} reads one's own
 * expiry). The price is a delay: for decisions, an assignment counts until the first run after its end, at most
 * about {@link #INTERVAL} (plus the write) later — documented as the precision of {@code expires_at}. Writes have no
 * such delay: a write of the organization that meets an assignment whose end has come by its own time carries out
 * the expiry first, inside its own transaction and by the same code ({@link #recordEnded}), and is judged against
 * what remains ({@link AssignmentService#endDue}) — so no write acts on a role after its end, whether a run came
 * first or not.
 *
 * <p><b>Several nodes.</b> Every node runs the job; the write locks the organization's row and deletes only rows
 * still expired under that lock, so a second node arriving at the same organization finds nothing left and writes
 * nothing: each expiry is recorded exactly once, whichever node's clock reaches it first. (Nodes whose clocks
 * disagree move the moment of an expiry by their difference, as they do every write's time; never its outcome.)
 *
 * <p>Thread-safe; {@link #runOnce} may be called by tests.
 */
public final class AssignmentExpiry implements AutoCloseable {

    /** How often expired assignments are looked for. */
    public static final Duration INTERVAL = Duration.ofSeconds(1);
    private static final Logger LOG = LoggerFactory.getLogger(AssignmentExpiry.class);
    /** A run ends the expired assignments of the organizations of this many of them, the earliest ended. */
    private static final int LOOKED_AT_PER_RUN = 100;

    private final Store store;
    private final OrgModels orgModels;
    private final AssignmentRules rules;
    private final AssignmentStore assignments = new AssignmentStore();
    private final InstantSource clock;
    private final ScheduledExecutorService timer;
    /** Whether the last scheduled run failed (read and written by the timer's one thread). */
    private boolean failing;

    /** @param clock the node's clock, the one the store's writes take their time from */
    public AssignmentExpiry(Store store, OrgModels orgModels, AssignmentRules rules, InstantSource clock) {
        this.store = store;
        this.clock = clock;
        this.orgModels = orgModels;
        this.rules = rules;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "gatehouse-assignment-expiry");
            t.setDaemon(true);
            return t;
        });
    }

    public AssignmentExpiry start() {
        timer.scheduleWithFixedDelay(this::run, INTERVAL.toMillis(), INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
        return this;
    }

    /**
     * One scheduled run. A run that fails (the database unreachable) is a WARN the first time, and while the runs
     * after it fail too a DEBUG each — a run a second would otherwise fill the log through an outage —; the first run
     * to succeed again says so at INFO.
     */
    private void run() {
        try {
            int ended = runOnce();
            if (failing) {
                failing = false;
                LOG.info("ending time-bound assignments works again");
            }
            if (ended > 0) {
                LOG.info("{} time-bound assignments ended", ended);
            }
        } catch (RuntimeException e) {
            if (!failing) {
                LOG.warn("ending time-bound assignments failed: {}; retrying every {} ms", e.getMessage(),
                        INTERVAL.toMillis());
            } else {
                LOG.debug("ending time-bound assignments still fails: {}", e.getMessage());
            }
            failing = true;
        }
    }

    /** Ends every assignment whose end has come now; returns how many this node ended. */
    public int runOnce() {
        int ended = 0;
        List<Long> orgs = store.read(h -> assignments.organizationsWithExpired(h, clock.instant(),
                LOOKED_AT_PER_RUN));
        for (long orgId : orgs) {
            try {
                ended += store.write(Actor.SYSTEM, orgId, tx -> {
                    List<Assignment> expired = assignments.deleteExpired(tx.handle(), orgId, tx.now());
                    if (!expired.isEmpty()) {
                        recordEnded(tx, orgModels.model(tx.handle(), orgId), rules, expired);
                    }
                    return expired.size();
                }).value();
            } catch (RuntimeException e) {
                // one organization (deleted meanwhile, say) must not keep the others' roles alive
                LOG.warn("ending time-bound assignments of organization {} failed: {}", orgId, e.getMessage());
            }
        }
        return ended;
    }

    /**
     * Records the end of {@code expired}, assignments of one organization whose end lies at or before {@code tx}'s
     * time and which {@code tx} has just deleted ({@link AssignmentStore#deleteExpired}): a change record each, of
     * action {@link Action#EXPIRED} with the assignment as {@code before}, and the model's
     * {@link AssignmentRules#expired}. The one way an expiry is carried out: by this job's runs, and by a write that
     * meets an assignment whose end has come before a run has ended it ({@link AssignmentService#endDue}).
     */
    static void recordEnded(Tx tx, PermissionModel model, AssignmentRules rules, List<Assignment> expired) {
        for (Assignment a : expired) {
            tx.change(a.orgId(), ObjectType.ASSIGNMENT, a.objectId(), Action.EXPIRED, LoggedAssignment.of(a), null);
            rules.expired(tx, model, a);
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
