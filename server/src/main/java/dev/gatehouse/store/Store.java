package dev.gatehouse.store;

import dev.gatehouse.changelog.Actor;
import dev.gatehouse.changelog.ChangeFeed;
import dev.gatehouse.changelog.ChangeLogStore;
import dev.gatehouse.changelog.ChangeRecord;
import dev.gatehouse.changelog.ReadRevision;
import dev.gatehouse.error.ConflictException;
import dev.gatehouse.error.GatehouseException;
import dev.gatehouse.error.InvalidInputException;
import dev.gatehouse.error.NotFoundException;
import dev.gatehouse.error.UnavailableException;
import dev.gatehouse.limit.Limits;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.time.InstantSource;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.JdbiException;
import org.postgresql.util.PSQLException;

/**
 * Runs reads and write transactions. A write locks its organization's row (serializing the writes of one
 * organization, so rules such as "the last member able to manage roles" are checked against a stable
 * state), runs the work, appends its change records and commits — all or nothing. After commit the
 * records go to this node's {@link ChangeFeed}, so the write is visible to decisions before the caller
 * answers. Database constraint violations become typed {@link GatehouseException}s here.
 *
 * <p>A write has one time, read from the node's clock when its transaction starts ({@link Tx#now()}; in a shared
 * transaction, when its own savepoint starts): the rows it stamps and its change records carry the same instant.
 *
 * <p>Concurrent writes share transactions and flushes ({@link GroupCommit}): each still runs inside its own
 * savepoint after its organization's lock, changes nothing when refused, and is answered only once committed.
 * {@link #writeAlone} runs a write in a transaction of its own instead: a long one (a chunk of a bulk import),
 * so that it holds up no batch of other requests, and a rehearsal, which must see only committed state and is
 * rolled back whole. While a long write is in progress, this node's write lanes leave the writes of every
 * organization it locks (its own, and those it locks as it goes: {@link Tx#lockOrganizations}) out of their batches
 * until it ends, so that it holds up no other organization's write ({@link LongWrite}).
 *
 * <p>Thread-safe. {@link #close} stops the write lanes (pending writes fail with a retryable error).
 */
public final class Store implements AutoCloseable {

    /** The {@code Retry-After} of {@code 503 database_full}: space is freed by an operator, not in a second. */
    private static final int DISK_FULL_RETRY_SECONDS = 10;
    /** Whether the writes the calling thread makes now are heavy ({@link #heavy}). */
    private static final ThreadLocal<Boolean> HEAVY = ThreadLocal.withInitial(() -> false);

    private final Jdbi jdbi;
    private final ChangeLogStore log;
    private final ChangeFeed feed;
    private final Limits limits;
    private final InstantSource clock;
    private final GroupCommit groupCommit;
    private final DatabaseHealth health;

    /**
     * A store whose writes enforce {@code limits} ({@link Tx#limits()}), take their time from {@code clock}
     * ({@link Tx#now()}) and each run in a transaction of their own.
     */
    public Store(Jdbi jdbi, ChangeLogStore log, ChangeFeed feed, Limits limits, InstantSource clock) {
        this(jdbi, log, feed, limits, clock, 0, null);
    }

    /**
     * A store whose writes enforce {@code limits} ({@link Tx#limits()}), take their time from {@code clock}
     * ({@link Tx#now()}) and share transactions across {@code lanes} write lanes ({@link GroupCommit}; 0 for one
     * transaction per write), told by {@code health} (null: nobody) when database work succeeds or fails as if
     * the database were gone.
     */
    public Store(Jdbi jdbi, ChangeLogStore log, ChangeFeed feed, Limits limits, InstantSource clock, int lanes,
                 DatabaseHealth health) {
        this.jdbi = jdbi;
        this.log = log;
        this.feed = feed;
        this.limits = limits;
        this.clock = clock;
        this.health = health;
        this.groupCommit = lanes == 0 ? null : new GroupCommit(jdbi, log, feed, limits, clock, lanes, this);
    }

    /**
     * Runs {@code work} in a transaction, with the writes of other requests that wait at the same time
     * ({@link GroupCommit}), and returns once it has committed and this node has applied it.
     *
     * @param orgId the organization to lock, or null for deployment-level writes
     */
    public <T> Written<T> write(Actor actor, Long orgId, Function<Tx, T> work) {
        if (groupCommit == null || GroupCommit.onLane()) {
            return writeAlone(actor, orgId, work);
        }
        return groupCommit.write(actor, orgId, work, HEAVY.get());
    }

    /**
     * {@link #write(Actor, Long, Function)} for a write that a write lane may run jointly with others offering the
     * same {@code joint} ({@link Joint}, asked {@code op} there); {@code work} is how it runs alone, which it does
     * wherever it is not in such a run.
     */
    public <O, T> Written<T> write(Actor actor, long orgId, Function<Tx, T> work, Joint<O, T> joint, O op) {
        if (groupCommit == null || GroupCommit.onLane()) {
            return writeAlone(actor, orgId, work);
        }
        return groupCommit.write(actor, orgId, work, joint, op, HEAVY.get());
    }

    /**
     * Runs {@code writes} on the calling thread with the writes it makes through {@link #write} marked heavy: far
     * costlier than an ordinary write (a shared chunk of a bulk import), so that a write lane's batch takes at most
     * one of them and a write sharing a batch with one waits for one at most ({@link GroupCommit}).
     */
    public static <T> T heavy(Supplier<T> writes) {
        boolean outer = HEAVY.get();
        HEAVY.set(true);
        try {
            return writes.get();
        } finally {
            HEAVY.set(outer);
        }
    }

    /**
     * Runs {@code work} in a transaction of its own on the calling thread: for a long write that should not
     * hold up the writes batched with it. Same promises as {@link #write}.
     *
     * @param orgId the organization to lock, or null for deployment-level writes
     */
    public <T> Written<T> writeAlone(Actor actor, Long orgId, Function<Tx, T> work) {
        Committed<T> committed = commitAlone(actor, orgId, work);
        committed.publish();
        return committed.written();
    }

    /**
     * Like {@link #writeAlone}, except that this node's feed gets the records only when the caller calls
     * {@link Committed#publish()} — once, from any thread, and for one caller's successive commits in their order —
     * so that a series of long writes (a bulk import's chunks) can run its next transaction while this node applies
     * the last. Until then this node's engine lacks them (other nodes may have them already; a write of this node
     * that commits after them has its feed read them from the log first).
     */
    public <T> Committed<T> commitAlone(Actor actor, Long orgId, Function<Tx, T> work) {
        // a write made from inside a lane's work (a transaction of its own, on the lane) must not wait for the lane's
        // own batch to end
        if (groupCommit == null || GroupCommit.onLane()) {
            return commit(actor, orgId, work, null);
        }
        // its organization parked before its lock, and every one it locks as it goes (a deployment's import chunk)
        LongWrite longWrite = new LongWrite(groupCommit);
        try {
            if (orgId != null) {
                longWrite.begins(orgId);
            }
            return commit(actor, orgId, work, longWrite);
        } finally {
            longWrite.ends();
        }
    }

    /** {@link #commitAlone}'s transaction; {@code longWrite} null when the write lanes need not know of it. */
    private <T> Committed<T> commit(Actor actor, Long orgId, Function<Tx, T> work, LongWrite longWrite) {
        record Result<T>(T value, List<ChangeRecord> records, long seen) {
        }
        Result<T> result;
        boolean[] committing = {false};
        long[] reserved = {0};
        try {
            result = jdbi.inTransaction(handle -> {
                String modelId = orgId == null ? null : lockOrganization(handle, orgId);
                Tx tx = Tx.begin(handle, actor, limits, clock, orgId, modelId, longWrite);
                T value = work.apply(tx);
                List<ChangeRecord> records = log.append(handle, actor, tx.now(), tx.changes());
                Result<T> done = new Result<>(value, records, records.isEmpty() ? log.latestRevision(handle) : 0);
                if (!records.isEmpty()) {
                    reserved[0] = records.get(0).revision();
                    feed.willPublish(reserved[0], records.get(records.size() - 1).revision());
                }
                committing[0] = true;
                return done;
            });
        } catch (RuntimeException e) {
            if (reserved[0] != 0) {
                feed.willNotPublish(reserved[0]);
            }
            throw e instanceof JdbiException j ? failure(j, committing[0]) : e;
        }
        succeeded();
        long revision = result.records().isEmpty() ? unrecorded(result.seen(), feed)
                : result.records().get(result.records().size() - 1).revision();
        return new Committed<>(new Written<>(result.value(), revision), result.records(), feed);
    }

    /**
     * The consistency token of a write that recorded nothing: the newest revision its transaction could see
     * ({@code seen}, read last in it, after its work), and no later one. The write was judged by the tables, which
     * may hold changes this node has not applied yet (another node's); naming only the applied revision would let a
     * {@code min_revision} check on any node answer from state older than the one the write found. Naming a later one
     * (this node's applied revision, once it is past) would name a state where what the write answered may no longer
     * hold: a deletion of what it found. This node is caught up to it at once where the log can be read; should that
     * fail, a check naming it waits as for any revision.
     */
    static long unrecorded(long seen, ChangeFeed feed) {
        if (seen > feed.applied()) {
            try {
                feed.catchUp();
            } catch (RuntimeException e) {
                // the tailer applies it shortly; the token stays what the write saw
            }
        }
        return seen;
    }

    /** A write committed by {@link #commitAlone}, which this node applies once {@link #publish} runs. */
    public static final class Committed<T> {

        private final Written<T> written;
        private final List<ChangeRecord> records;
        private final ChangeFeed feed;

        private Committed(Written<T> written, List<ChangeRecord> records, ChangeFeed feed) {
            this.written = written;
            this.records = records;
            this.feed = feed;
        }

        /** The write's result and the revision it committed at (when it recorded nothing: see {@code unrecorded}). */
        public Written<T> written() {
            return written;
        }

        /** Hands the records to this node's feed, which applies them; never throws (see {@link ChangeFeed#publish}). */
        public void publish() {
            if (!records.isEmpty()) {
                feed.publish(records);
            }
        }
    }

    /** The write lanes (0: one transaction per write). */
    public int lanes() {
        return groupCommit == null ? 0 : groupCommit.lanes();
    }

    /**
     * Batches the write lanes began holding the turn ({@code held}), or without it beside a batch that took longer
     * than the turn's patience (0 without group commit).
     */
    public long writeBatches(boolean held) {
        return groupCommit == null ? 0 : groupCommit.batches(held);
    }

    /** How many writes wait for a write lane right now (0 without group commit). */
    public int waitingWrites() {
        return groupCommit == null ? 0 : groupCommit.waiting();
    }

    /**
     * Takes the row lock that serializes the writes of one organization and returns the id of its model (read with
     * the lock, so that the write need not read the row again); 404 when it does not exist.
     */
    static String lockOrganization(Handle handle, long orgId) {
        return lockOrganizationIfExists(handle, orgId).orElseThrow(() -> organizationNotFound(orgId));
    }

    /** {@link #lockOrganization}, empty when the organization does not exist. */
    static Optional<String> lockOrganizationIfExists(Handle handle, long orgId) {
        return handle.createQuery("SELECT model_id FROM organizations WHERE id = :id FOR UPDATE")
                .bind("id", orgId).mapTo(String.class).findOne();
    }

    /**
     * Takes the row locks of several organizations in one statement, in ascending order of id (the order every
     * write takes them in, so that transactions locking several never deadlock), and returns the model id of each
     * that exists; those missing from the map do not exist.
     */
    static Map<Long, String> lockOrganizations(Handle handle, Collection<Long> orgIds) {
        Map<Long, String> models = new HashMap<>();
        handle.createQuery("SELECT id, model_id FROM organizations WHERE id = ANY(:ids) ORDER BY id FOR UPDATE")
                .bind("ids", orgIds.toArray(new Long[0]))
                .map((rs, ctx) -> Map.entry(rs.getLong("id"), rs.getString("model_id")))
                .forEach(e -> models.put(e.getKey(), e.getValue()));
        return models;
    }

    /** 404 {@code organization_not_found}: what a write of an organization that does not exist answers. */
    public static NotFoundException organizationNotFound(long orgId) {
        return new NotFoundException("organization_not_found", "organization " + orgId + " not found");
    }

    public <T> T read(Function<Handle, T> query) {
        T value;
        try {
            value = jdbi.withHandle(h -> {
                T read = query.apply(h);
                if (ReadRevision.recording()) {
                    // a statement after the query sees every commit it saw, and revisions commit in order
                    ReadRevision.saw(log.latestRevision(h));
                }
                return read;
            });
        } catch (JdbiException e) {
            throw failure(e, false);
        }
        succeeded();
        return value;
    }

    /** Whether the database answers now, or null when this store is not told. */
    public DatabaseHealth health() {
        return health;
    }

    /** Database work succeeded: the database answers. */
    void succeeded() {
        if (health != null) {
            health.succeeded();
        }
    }

    /**
     * A failure of database work as the exception tree has it ({@link #translate}), or as a lost database while
     * the database is known to be lost; one that looks like a lost database makes the probe look at once. When the
     * connection broke while the transaction committed, or the server ended the session then (a crash writing the
     * commit to its log, as a full disk causes), the write's outcome is unknown and the answer says so.
     */
    RuntimeException failure(JdbiException e, boolean committing) {
        RuntimeException failure = translate(e);
        if (failure == e && health != null && !health.reachable()) {
            // a failure the tree does not know, met while the database is known lost: what the loss left behind
            // (a connection the node aborted, a rollback on it), not a bug
            failure = DatabaseHealth.unavailable();
        }
        boolean lost = failure instanceof UnavailableException u && "database_unavailable".equals(u.code());
        if ((lost || sessionEnded(e)) && health != null) {
            health.suspect();
        }
        // the server ending the session (FATAL, PANIC: a crash writing the commit's WAL) while the commit ran leaves
        // its outcome as unknown as a connection that broke
        if (committing && (lost || sessionEnded(e))) {
            return new UnavailableException("write_outcome_unknown", "the connection to the database broke while "
                    + "the write committed, so whether it took effect is unknown: read it back, or retry it if "
                    + "repeating it is harmless");
        }
        return failure;
    }

    /** Whether the server ended the session with the failure (a FATAL or PANIC error): the connection is gone. */
    private static boolean sessionEnded(JdbiException e) {
        for (Throwable cause = e.getCause(); cause != null; cause = cause.getCause()) {
            if (cause instanceof PSQLException psql && psql.getServerErrorMessage() != null) {
                String severity = psql.getServerErrorMessage().getSeverity();
                return "FATAL".equals(severity) || "PANIC".equals(severity);
            }
        }
        return false;
    }

    /** The resource a class 53 SQL state names, as a detail says it. */
    private static String resource(String state) {
        return switch (state) {
            case "53200" -> "out of memory";
            case "53300" -> "too many connections";
            case "53400" -> "a configured limit exceeded";
            default -> "SQL state " + state;
        };
    }

    public Jdbi jdbi() {
        return jdbi;
    }

    @Override
    public void close() {
        if (groupCommit != null) {
            groupCommit.close();
        }
    }

    /**
     * Maps a database failure to the exception tree; unknown failures stay unchecked bugs. Public for work inside a
     * write that catches a failure to say where it happened (a bulk import names the failing line).
     */
    public static RuntimeException translate(JdbiException e) {
        Throwable cause = e.getCause();
        while (cause != null && !(cause instanceof SQLException)) {
            cause = cause.getCause();
        }
        if (cause instanceof SQLException sql && sql.getSQLState() != null) {
            String state = sql.getSQLState();
            switch (state) {
                case "23505":
                    return new ConflictException("duplicate", "an object with the same unique value already exists");
                case "23503":
                    return new ConflictException("referenced", "the object is referenced by, or references, "
                            + "an object that does not exist or still exists");
                case "54000":
                    return new InvalidInputException("invalid_input", "a value is out of range or malformed");
                case "40001", "40P01", "55P03", "57014":
                    return new UnavailableException("retry", "a concurrent write interfered; retry the request");
                case "25P03", "25P04":
                    // idle_in_transaction_session_timeout (deployment.md advises 5 s) or transaction_timeout: the node
                    // stalled inside the transaction (a long pause, a frozen host), the database ended the session
                    // and rolled it back; a commit it reached is answered write_outcome_unknown (failure)
                    return new UnavailableException("retry", "the database ended this node's transaction, which "
                            + "had waited longer than the database allows (the node paused), so nothing was written; "
                            + "retry the request");
                default:
                    // class 22, data exception: a value PostgreSQL cannot take (a NUL in text 22021, a date out of
                    // range 22008, malformed 22007 or 22P02, too long 22001, out of range 22003, …). The edge should
                    // have refused it already; this is the last line.
                    if (state.startsWith("22")) {
                        return new InvalidInputException("invalid_input", "a value is out of range or malformed");
                    }
                    // class 08, connection exception; 57P01-57P03, the server shutting down, crashed or starting
                    if (state.startsWith("08") || state.startsWith("57P0")) {
                        return new UnavailableException("database_unavailable", "the database is unreachable");
                    }
                    // class 53, insufficient resources: the database answers but cannot take the work now
                    if (state.equals("53100")) {
                        return new UnavailableException("database_full", "the database's disk is full, so the "
                                + "request was not carried out; retry once space has been freed",
                                DISK_FULL_RETRY_SECONDS);
                    }
                    if (state.startsWith("53")) {
                        return new UnavailableException("database_busy", "the database is out of a resource ("
                                + resource(state) + "), so the request was not carried out; retry it");
                    }
            }
        }
        if (cause instanceof SQLTransientConnectionException) {
            // the pool had no connection to give within its timeout (every one busy): the database answers, this node
            // is saturated
            return new UnavailableException("database_busy", "every database connection of this node is busy; "
                    + "retry the request");
        }
        return e;
    }
}
