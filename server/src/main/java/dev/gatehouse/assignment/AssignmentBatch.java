package dev.gatehouse.assignment;

import dev.gatehouse.access.Caller;
import dev.gatehouse.changelog.Action;
import dev.gatehouse.changelog.ObjectType;
import dev.gatehouse.limit.OrgLimits;
import dev.gatehouse.member.Member;
import dev.gatehouse.model.PermissionModel;
import dev.gatehouse.model.ResourceType;
import dev.gatehouse.role.Role;
import dev.gatehouse.role.RoleReading;
import dev.gatehouse.role.RoleStore;
import dev.gatehouse.store.Tx;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Many assignments given in one transaction (a bulk import), with every rule of
 * {@link AssignmentService#put(dev.gatehouse.access.Principal, long, String, String, dev.gatehouse.member.MemberRef, long)}
 * applied to each one, in order, exactly as if each were put alone — but with the reads shared: {@link #prepare}
 * reads the current assignments of a whole run in one query, the limits' counts in one query per resource type,
 * and roles and resources once each; {@link #put} checks one assignment against those (and against the
 * assignments put before it) and keeps its row; {@link #flush} writes the kept rows — the new ones with
 * PostgreSQL's {@code COPY}, the changed ones in one statement — and records them all as one change, a
 * {@code bulk_import} record whose objects list them in order ({@link LoggedImport}), instead of one record per
 * assignment. An assignment that already holds the role changes nothing and records nothing.
 *
 * <p>A role the member holds there whose end has come by the write's time counts as none, as for a single put: its
 * expiry is carried out first ({@link AssignmentService#endDue}), whether the expiry job has run or not.
 *
 * <p>One rule differs from a single put: an end that has passed by the write's time is not refused (a single put's
 * 400) but gives nothing ({@link Outcome#ENDED}) — the role has ended. What the member holds there stays as it is,
 * whatever its end. So an export taken while a time-bound role ran imports after that role has ended, into a new
 * organization or again into its own, and decides as the organization now decides. The line is still checked by
 * every rule up to its end (the management permission, the resource, the role, no escalation), so that "ended"
 * tells a caller nothing it could not read.
 *
 * <p>Prepared {@code asNew}, a batch reads no current assignments: it takes every one not put before in it to be
 * new (an organization's first import of them). The {@code COPY} of {@link #flush} then finds out — the table's key
 * refuses a row already there — and the caller, which ran the batch inside a savepoint, rolls back to it and gives
 * the run again in a batch prepared after reading them.
 *
 * <p>{@link #flush} must run before anything else touches assignments in the transaction. Not thread-safe; lives
 * for one transaction.
 */
public final class AssignmentBatch {

    /** One assignment to give: {@code member}'s role {@code roleId} on a resource, until {@code expiresAt} (null: no end). */
    public record Wanted(String type, String resourceId, Member member, long roleId, Instant expiresAt) {
    }

    /**
     * What {@link #put} did with one assignment: {@code ENDED}, nothing, as its end has passed (class comment).
     */
    public enum Outcome { CREATED, UPDATED, UNCHANGED, ENDED }

    private record Key(String type, String resourceId, long memberId) {
    }

    private final AssignmentService service;
    private final AssignmentStore store;
    private final RoleStore roles = new RoleStore();
    private final DecidingRoleChange deciding;
    private final Tx tx;
    private final Caller caller;
    private final PermissionModel model;
    private final long orgId;
    /** The assignments as they stand in this transaction (null: none), for keys prepared or put. */
    private final Map<Key, Assignment> current = new HashMap<>();
    private final Map<Key, Assignment> pending = new LinkedHashMap<>();
    /** Keys of {@link #pending} whose member held no role there before this batch: the model follows them up. */
    private final Set<Key> given = new HashSet<>();
    private final Map<String, OrgLimits.AssignmentCounts> counts = new HashMap<>();
    private final Set<String> visible = new HashSet<>();
    private final Map<Long, Optional<Role>> roleCache = new HashMap<>();
    private final Set<Long> notBeyondCaller = new HashSet<>();
    /** Keys whose row the table holds: found by {@link #prepare} or written by a {@link #flush}. */
    private final Set<Key> stored = new HashSet<>();
    private LoggedImport.Writer imported = new LoggedImport.Writer();
    private boolean foundStored;

    AssignmentBatch(AssignmentService service, AssignmentStore store, Tx tx, Caller caller, PermissionModel model,
                    long orgId) {
        this.service = service;
        this.store = store;
        this.tx = tx;
        this.caller = caller;
        this.model = model;
        this.orgId = orgId;
        this.deciding = new DecidingRoleChange(service.access());
    }

    /**
     * Takes {@code all} as roles of the organization as they stand in this transaction — from a caller that keeps
     * them current, such as an import's chunk — so that the batch reads none of them.
     */
    public AssignmentBatch knowingRoles(Collection<Role> all) {
        for (Role r : all) {
            roleCache.put(r.id(), Optional.of(r));
        }
        return this;
    }

    /**
     * Reads what checking {@code wanted} needs, in a few queries (see the class comment). {@code asNew}: reads no
     * current assignments, each of {@code wanted} not put before in this batch is taken to have no row — only inside
     * a savepoint: {@link #flush} fails if one has.
     */
    public void prepare(List<Wanted> wanted, boolean asNew) {
        List<Key> unknown = new ArrayList<>();
        Map<String, Set<String>> resources = new HashMap<>();
        for (Wanted w : wanted) {
            Key key = new Key(w.type(), w.resourceId(), w.member().id());
            if (!current.containsKey(key) && !pending.containsKey(key)) {
                unknown.add(key);
            }
            resources.computeIfAbsent(w.type(), t -> new HashSet<>()).add(w.resourceId());
        }
        if (!unknown.isEmpty()) {
            for (Key key : unknown) {
                current.put(key, null);
            }
            List<Assignment> found = asNew ? List.of() : store.findAll(tx.handle(), orgId,
                    unknown.stream().map(Key::type).toList(), unknown.stream().map(Key::resourceId).toList(),
                    unknown.stream().map(Key::memberId).toList());
            foundStored |= !found.isEmpty();
            boolean anyEnded = false;
            for (Assignment a : found) {
                if (AssignmentService.ended(tx, a)) {
                    anyEnded = true;
                } else {
                    Key key = new Key(a.resourceType(), a.resourceId(), a.memberId());
                    current.put(key, a);
                    stored.add(key);
                }
            }
            if (anyEnded) {
                // a role that has ended is ended, as a single put ends it: its line is judged by what remains
                service.endDue(tx, model, orgId);
            }
        }
        resources.forEach((type, ids) -> counts.computeIfAbsent(type, t -> tx.limits().assignmentCounts(orgId, t))
                .load(ids));
    }

    /** Whether {@link #prepare} found any of the assignments it looked for stored already. */
    public boolean foundStored() {
        return foundStored;
    }

    /**
     * Checks and records one assignment (prepared with {@link #prepare}); the typed refusal of a single put, but
     * {@link Outcome#ENDED} for an end that has passed.
     */
    public Outcome put(Wanted w) {
        ResourceType type = AssignmentService.resourceType(model, w.type(), w.resourceId());
        String what = AssignmentService.assigning(w.type(), w.resourceId());
        service.rules().requireMayManage(caller, model, what);
        if (visible.add(w.type() + "/" + w.resourceId())) {
            service.requireVisible(tx.handle(), caller, model, type, w.resourceId());
        }
        Key key = new Key(w.type(), w.resourceId(), w.member().id());
        if (!current.containsKey(key)) {
            throw new IllegalStateException("assignment " + key + " was not prepared");
        }
        Assignment found = current.get(key);
        // a role the caller may not see, held or kept for the member (AssignmentRules.keptRole), is not there for it:
        // the line is judged, and answered, as one giving a role where the member holds none, and leaves it as it is
        // (AssignmentService.seen)
        boolean concealed = found != null ? !service.holders().sees(tx.handle(), caller, model, type,
                w.resourceId(), found.memberId(), () -> role(found.roleId()))
                : !service.holders().seesKept(tx.handle(), caller, model, orgId, type, w.resourceId(),
                        w.member().id(), this::role);
        Assignment before = concealed ? null : found;
        Instant expiresAt = AssignmentService.stored(w.expiresAt());
        boolean ended = expiresAt != null && !expiresAt.isAfter(tx.now());
        // an ended line moves no end (class comment): it is judged as the role with the end already held
        service.rules().requireMayAssign(tx.handle(), caller, model, type, w.resourceId(), w.member(),
                before != null, ended ? (before == null ? null : before.expiresAt()) : expiresAt, what);
        Role role = roleCache.computeIfAbsent(w.roleId(), id -> roles.find(tx.handle(), orgId, id)).orElseThrow(() ->
                RoleReading.notFound(orgId, w.roleId()));
        RoleReading.requireGivable(caller, w.member().id(), w.member().external(), role);
        // keeping the role held and only ending it sooner hands nothing out: judged as taking it away, as a single
        // put judges it (EndChange.onlyShortens); an ended line moves no end, and is judged as giving the role
        boolean shortens = !ended && EndChange.onlyShortens(before, role.id(), expiresAt);
        String replacing = shortens ? AssignmentService.ending(before, w.type(), w.resourceId())
                : !ended && EndChange.onlyLengthens(before, role.id(), expiresAt)
                        ? AssignmentService.extending(w.type(), w.resourceId())
                        : AssignmentService.replacing(w.type(), w.resourceId());
        if (!shortens && notBeyondCaller.add(role.id())) {
            RoleReading.requireNoEscalation(tx.handle(), service.access(), caller, model, role);
        }
        if (!caller.isService()) { // a service key passes every gate: the replaced role is not read for it
            Role replaced = before == null ? null : roleCache.computeIfAbsent(before.roleId(), id ->
                    roles.find(tx.handle(), orgId, id)).orElse(null);
            service.rules().requireMayGive(tx.handle(), caller, model, w.type(), w.resourceId(), w.member(),
                    replaced, role, before == null ? what : replacing);
        }
        if (ended) {
            // the role has ended: it gives nothing, and takes nothing away (class comment)
            return Outcome.ENDED;
        }
        if (before != null && (before.roleId() != role.id() || shortens)) {
            // replacing a role, or ending it sooner, takes it away: the rule of a single put
            // (AssignmentService.requireMayTakeAway)
            roleCache.computeIfAbsent(before.roleId(), id -> roles.find(tx.handle(), orgId, id)).ifPresent(held ->
                    service.access().requireMayTakeAway(caller, model, before.memberId(), held.grant(),
                            RoleReading.mayRead(tx.handle(), caller, held.id()), replacing));
        }
        if (before != null && before.roleId() == role.id() && Objects.equals(before.expiresAt(), expiresAt)) {
            return Outcome.UNCHANGED;
        }
        if (before == null && !concealed) {
            counts.get(w.type()).beforeAdding(w.resourceId());
        }
        Instant now = tx.now();
        Assignment after = new Assignment(orgId, w.type(), w.resourceId(), w.member().id(), role.id(),
                before == null ? now : before.createdAt(), now, expiresAt);
        deciding.judge(tx, caller, model, before, after, (t, id, m, stored) -> current.containsKey(
                new Key(t, id, m)) ? current.get(new Key(t, id, m)) : stored, before == null ? what : replacing);
        if (concealed) {
            return Outcome.CREATED;
        }
        current.put(key, after);
        pending.put(key, after);
        if (before == null) {
            given.add(key);
        }
        imported.add(before, after);
        return before == null ? Outcome.CREATED : Outcome.UPDATED;
    }

    /** A role of the organization as it stands in this transaction (null: not stored), read once. */
    private Role role(long roleId) {
        return roleCache.computeIfAbsent(roleId, id -> roles.find(tx.handle(), orgId, id)).orElse(null);
    }

    /**
     * Writes the assignments put since the last flush and records them as one {@code bulk_import} change naming
     * the lines {@code firstLine} to {@code lastLine} that gave them; nothing when none changed.
     */
    public void flush(long firstLine, long lastLine) {
        if (pending.isEmpty()) {
            return;
        }
        List<Assignment> added = new ArrayList<>();
        List<Assignment> changed = new ArrayList<>();
        pending.forEach((key, row) -> (stored.add(key) ? added : changed).add(row));
        store.insertAll(tx.handle(), added);
        if (!changed.isEmpty()) {
            store.upsertAll(tx.handle(), changed);
        }
        pending.forEach((key, row) -> {
            if (given.contains(key)) {
                service.rules().given(tx, caller, model, row);
            }
        });
        pending.clear();
        given.clear();
        tx.changeMany(orgId, ObjectType.BULK_IMPORT, firstLine + "-" + lastLine, Action.IMPORTED,
                imported.summary(firstLine, lastLine), imported.objects());
        imported = new LoggedImport.Writer();
    }
}
