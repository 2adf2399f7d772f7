package dev.gatehouse.store;

import dev.gatehouse.changelog.Action;
import dev.gatehouse.changelog.Actor;
import dev.gatehouse.changelog.ObjectType;
import dev.gatehouse.changelog.PendingChange;
import dev.gatehouse.limit.Limits;
import dev.gatehouse.limit.OrgLimits;
import dev.gatehouse.sql.Folds;
import dev.gatehouse.sql.NewIds;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.function.Supplier;
import org.jdbi.v3.core.Handle;
import tools.jackson.databind.JsonNode;

/**
 * One write transaction in progress: its JDBI handle, the acting principal, and the changes it will append
 * to the change log at commit. Not thread-safe; lives for one {@link Store#write} call.
 *
 * <p><b>The log lags a shared transaction.</b> A write of {@link Store#write} may share its transaction with earlier
 * writes, of its organization too ({@link GroupCommit}), whose records are appended only when the transaction ends.
 * Inside it, the change log therefore lacks what they did although their rows are visible: a write that reads where
 * its organization's log stands (the revision its state is at) runs in a transaction of its own
 * ({@link Store#writeAlone}), or does not trust what it reads.
 */
public final class Tx {

    /** The advisory lock of deployment-level writes ({@link #lockDeployment}). */
    private static final long DEPLOYMENT_LOCK = 0x676174656475L;

    private final Handle handle;
    private final Actor actor;
    private final List<PendingChange> changes = new ArrayList<>();
    private final Limits limits;
    private final Instant now;
    private final Long orgId;
    private final String modelId;
    /** The long write this transaction is, whose organizations the write lanes park; null when it is none. */
    private final LongWrite longWrite;
    private OrgLimits orgLimits;
    private NewIds newIds;
    private Folds folds;
    /** What features keep for the length of this transaction ({@link #memo}), by kind. */
    private Map<Class<?>, Object> memos;

    /**
     * A write starting now: of organization {@code orgId}, whose row (with its model id {@code modelId}) it has
     * locked, or of the deployment (both null); its time read from {@code clock} at the precision PostgreSQL keeps.
     */
    static Tx begin(Handle handle, Actor actor, Limits limits, InstantSource clock, Long orgId, String modelId) {
        return begin(handle, actor, limits, clock, orgId, modelId, null);
    }

    /**
     * {@link #begin(Handle, Actor, Limits, InstantSource, Long, String)} for a long write of this node, which has the
     * write lanes park every organization it locks ({@link #lockOrganizations}) until it ends.
     */
    static Tx begin(Handle handle, Actor actor, Limits limits, InstantSource clock, Long orgId, String modelId,
                    LongWrite longWrite) {
        return new Tx(handle, actor, limits, SqlTime.micros(clock.instant()), orgId, modelId, longWrite);
    }

    private Tx(Handle handle, Actor actor, Limits limits, Instant now, Long orgId, String modelId,
               LongWrite longWrite) {
        this.handle = handle;
        this.actor = actor;
        this.limits = limits;
        this.now = now;
        this.orgId = orgId;
        this.modelId = modelId;
        this.longWrite = longWrite;
    }

    public Handle handle() {
        return handle;
    }

    public Actor actor() {
        return actor;
    }

    /**
     * The write's time, read once from the node's clock as the transaction started, at the precision PostgreSQL
     * keeps: every row the write stamps and every change record it appends carry it.
     */
    public Instant now() {
        return now;
    }

    /**
     * The id of the model organization {@code orgId} uses, as the statement that locked the organization's row for
     * this write read it; null when this write did not lock that organization (a deployment-level write), so the
     * caller reads it itself. An organization never changes its model, and the row is locked until commit.
     */
    public String lockedModelId(long orgId) {
        return this.orgId != null && this.orgId == orgId ? modelId : null;
    }

    /**
     * Takes the row locks of organizations a deployment-level write writes inside (a deployment's import), in one
     * statement and in ascending order of id, as every write takes them; returns the model id of each that exists
     * (those missing do not). Organizations this transaction created need none: no other write sees them yet.
     * In a long write of this node ({@link Store#commitAlone}: a deployment's import chunk), the write lanes park
     * those organizations' writes before it takes their locks, until it has committed or failed ({@link LongWrite}).
     */
    public Map<Long, String> lockOrganizations(Collection<Long> orgIds) {
        if (orgIds.isEmpty()) {
            return Map.of();
        }
        if (longWrite != null) {
            longWrite.parks(orgIds);
        }
        return Store.lockOrganizations(handle, orgIds);
    }

    /**
     * Takes the lock of deployment-level writes (models, organizations, replica keys), held until this transaction
     * ends: such a write reads before it writes (a model id still free, a key not revoked yet), as a write inside an
     * organization does under that organization's row lock, so two of them — on two write lanes, or two nodes — take
     * turns instead of both acting on what they read. Deployment-level writes run first in a batch ({@link GroupCommit}),
     * before it takes any organization's lock, so a transaction never waits for this one while holding one of those.
     */
    public void lockDeployment() {
        handle.createQuery("SELECT CAST(pg_advisory_xact_lock(:k) AS text)").bind("k", DEPLOYMENT_LOCK)
                .mapTo(String.class).one();
    }

    /** The deployment's per-organization limits, checked in this transaction (under its organization's lock). */
    public OrgLimits limits() {
        if (orgLimits == null) {
            orgLimits = new OrgLimits(limits, handle);
        }
        return orgLimits;
    }

    /** Ids for this transaction's new rows of tables written by {@code COPY} ({@link NewIds}). */
    public NewIds newIds() {
        if (newIds == null) {
            newIds = new NewIds();
        }
        return newIds;
    }

    /** Emails and role names folded as the database folds them, asked once per text in this transaction. */
    public Folds folds() {
        if (folds == null) {
            folds = new Folds();
        }
        return folds;
    }

    /**
     * What a feature keeps for the length of this transaction, one of each {@code kind}, made by {@code make} on first
     * use: counts it read once and keeps up to date as it writes, as {@link #limits} keeps the limits' own. A rollback
     * to a savepoint does not roll it back, so it may hold only what no such rollback undoes while the transaction goes
     * on writing: each request of a {@link GroupCommit} batch writes through a {@code Tx} of its own, which a failed
     * request's rollback to its savepoint drops with it (a joint run that fails runs its writes again through new
     * ones); an import's chunk rolls back to a savepoint only a run of assignments.
     */
    public <T> T memo(Class<T> kind, Supplier<? extends T> make) {
        if (memos == null) {
            memos = new HashMap<>();
        }
        return kind.cast(memos.computeIfAbsent(kind, k -> make.get()));
    }

    /**
     * Records a change; {@code changedFields} is derived from the two snapshots, which the object type's
     * change-log codec wrote (never an API renderer).
     */
    public void change(Long orgId, ObjectType objectType, Object objectId, Action action, JsonNode before,
                       JsonNode after) {
        changes.add(new PendingChange(orgId, objectType, String.valueOf(objectId), action,
                Snapshots.changedFields(before, after), before, after, null));
    }

    /**
     * Records a change whose snapshots leave out what {@code delta} says (see {@link PendingChange});
     * {@code changedFields} are those that differ between the snapshots plus {@code deltaFields}.
     */
    public void change(Long orgId, ObjectType objectType, Object objectId, Action action, JsonNode before,
                       JsonNode after, JsonNode delta, String... deltaFields) {
        SortedSet<String> fields = new TreeSet<>(Snapshots.changedFields(before, after));
        fields.addAll(List.of(deltaFields));
        changes.add(new PendingChange(orgId, objectType, String.valueOf(objectId), action, List.copyOf(fields), before,
                after, delta));
    }

    /**
     * Records one change that stands for many objects ({@link ObjectType#BULK_IMPORT}): {@code summary} as its
     * {@code after}, the objects' compact list as {@code objects} (see {@link PendingChange}).
     */
    public void changeMany(Long orgId, ObjectType objectType, String objectId, Action action, JsonNode summary,
                           String objects) {
        changes.add(new PendingChange(orgId, objectType, objectId, action, List.of(), null, summary, null, objects));
    }

    List<PendingChange> changes() {
        return changes;
    }

    /** The changes recorded so far, as they would be appended at commit (a rehearsal reads them). */
    public List<PendingChange> pending() {
        return List.copyOf(changes);
    }
}
