package dev.gatehouse.assignment;

import dev.gatehouse.access.Access;
import dev.gatehouse.access.Caller;
import dev.gatehouse.access.Principal;
import dev.gatehouse.changelog.Action;
import dev.gatehouse.changelog.ObjectType;
import dev.gatehouse.error.ForbiddenException;
import dev.gatehouse.error.InvalidInputException;
import dev.gatehouse.error.NotFoundException;
import dev.gatehouse.member.Member;
import dev.gatehouse.member.MemberRef;
import dev.gatehouse.member.MemberService;
import dev.gatehouse.member.MemberStore;
import dev.gatehouse.model.OrgModels;
import dev.gatehouse.model.PermissionModel;
import dev.gatehouse.model.ResourceType;
import dev.gatehouse.role.Role;
import dev.gatehouse.role.RoleReading;
import dev.gatehouse.role.RoleStore;
import dev.gatehouse.store.SqlTime;
import dev.gatehouse.store.Tx;
import dev.gatehouse.store.Written;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.jdbi.v3.core.Handle;

/**
 * Resource assignments: a member's role on one resource of a type the model declares. External members may
 * hold only external roles; nobody but a service key hands out a role beyond their own, nor takes away (removes or
 * replaces) another member's role granting more than their own ({@link #requireMayTakeAway}); which resources exist,
 * who sees them and who may change roles on them are the model's {@link AssignmentRules}, applied here for
 * every API. A resource the caller may not see answers exactly like one that does not exist, and a role on one it
 * sees that the model hides from it ({@link AssignmentRules#concealment}) exactly like no role. Each write is one
 * row and one change record, whatever the size of the organization. Thread-safe.
 */
public final class AssignmentService {

    private final Access access;
    private final AssignmentStore assignments = new AssignmentStore();
    private final RoleStore roles = new RoleStore();
    private final MemberStore memberStore = new MemberStore();
    private final MemberService members;
    private final OrgModels orgModels;
    private final AssignmentRules rules;
    /** How a write lane runs many {@link #put(Principal, long, String, String, MemberRef, long, Instant)}s as one. */
    private final JointPuts jointPuts;
    private final DecidingRoleChange deciding;
    private final HolderVisibility holders;

    public AssignmentService(Access access, MemberService members, OrgModels orgModels, AssignmentRules rules) {
        this.access = access;
        this.members = members;
        this.orgModels = orgModels;
        this.rules = rules;
        this.jointPuts = new JointPuts(this, assignments, members, rules);
        this.deciding = new DecidingRoleChange(access);
        this.holders = new HolderVisibility(rules);
    }

    /**
     * Gives a member a role on a resource until {@code expiresAt} (null: until removed), replacing any role it had
     * there; {@code expiresAt} must lie in the future. The member is named as the resource's participants are shown
     * ({@link #participant}): a caller that sees only itself in the directory changes a participant it sees there,
     * and gives no role to a member it cannot see, which answers as one that does not exist.
     */
    public Written<Assignment> put(Principal principal, long orgId, String type, String resourceId, MemberRef memberRef,
                                   long roleId, Instant expiresAt) {
        return access.write(principal, orgId, (tx, caller) -> put(tx, caller, orgId, type, resourceId, memberRef,
                roleId, expiresAt), jointPuts, new JointPuts.Put(type, resourceId, memberRef, roleId, expiresAt));
    }

    /**
     * {@link #put(Principal, long, String, String, MemberRef, long, Instant)} inside a running transaction of the
     * organization (a write, or a rehearsal of one: a preview), with every rule and gate.
     */
    public Assignment put(Tx tx, Caller caller, long orgId, String type, String resourceId, MemberRef memberRef,
                          long roleId, Instant expiresAt) {
        requireFuture(tx, stored(expiresAt));
        Handle h = tx.handle();
        PermissionModel model = model(tx, orgId);
        ResourceType resourceType = resourceType(model, type, resourceId);
        String what = assigning(type, resourceId);
        rules.requireMayManage(caller, model, what);
        requireVisible(h, caller, model, resourceType, resourceId);
        Member member = participant(h, caller, model, resourceType, resourceId, memberRef);
        AssignmentStore.Current current = unlessEnded(tx, model, assignments.findWithRole(h, orgId, type, resourceId,
                member.id(), roleId));
        AssignmentStore.Current seen = seen(h, caller, model, resourceType, resourceId, member, current);
        Assignment judged = judgeGiving(tx, caller, model, orgId, resourceType, resourceId, member, roleId, expiresAt,
                seen, what);
        // a role the caller may not see is left as it is: the put answers as one where the member held none would
        return seen == current ? write(tx, caller, model, current, judged) : judged;
    }

    /**
     * {@code current}, {@code member}'s place on a resource, or where it holds a role the caller may not see
     * ({@link AssignmentRules#concealment}), or holds none but is kept there by one the caller may not see
     * ({@link AssignmentRules#keptRole}), the same without it (another instance, so that it is told apart): a write on
     * it is judged, and answered, as a write on a member holding no role there, and changes nothing.
     */
    AssignmentStore.Current seen(Handle h, Caller caller, PermissionModel model, ResourceType type, String resourceId,
                                 Member member, AssignmentStore.Current current) {
        Assignment held = current.assignment();
        boolean seen = held == null
                ? holders.seesKept(h, caller, model, member.orgId(), type, resourceId, member.id(),
                        id -> roles.find(h, member.orgId(), id).orElse(null))
                : sees(h, caller, model, type, held);
        return seen ? current : new AssignmentStore.Current(null, current.role());
    }

    /** Whether {@code caller} sees {@code held}, a role on a resource it sees (the model's concealment). */
    boolean sees(Handle h, Caller caller, PermissionModel model, ResourceType type, Assignment held) {
        return holders.sees(h, caller, model, type, held.resourceId(), held.memberId(),
                () -> roles.find(h, held.orgId(), held.roleId()).orElse(null));
    }

    /**
     * The rules of giving {@code member} role {@code roleId} on a resource until {@code expiresAt} once the member and
     * its {@code current} assignment there are read, applied without writing — the model's gate
     * ({@link AssignmentRules#requireMayAssign}), then the role's own rules ({@link #judge}) — for the lone put and the
     * joint put alike; returns what {@link #judge} does.
     */
    Assignment judgeGiving(Tx tx, Caller caller, PermissionModel model, long orgId, ResourceType type,
                           String resourceId, Member member, long roleId, Instant expiresAt,
                           AssignmentStore.Current current, String what) {
        rules.requireMayAssign(tx.handle(), caller, model, type, resourceId, member, current.assignment() != null,
                stored(expiresAt), what);
        return judge(tx, caller, model, orgId, type.key(), resourceId, member, roleId, expiresAt, current);
    }

    /**
     * The organization's model inside a write of it: as the organization's lock read it ({@link Tx#lockedModelId}),
     * else read now.
     */
    PermissionModel model(Tx tx, long orgId) {
        String locked = tx.lockedModelId(orgId);
        return locked == null ? orgModels.model(tx.handle(), orgId) : orgModels.model(tx.handle(), locked);
    }

    /**
     * An end as PostgreSQL keeps it (microseconds, truncated as the write's own time is): compared, stored and
     * reported alike, so an end given with finer precision is not rounded past the time the expiry compares it with.
     */
    static Instant stored(Instant expiresAt) {
        return expiresAt == null ? null : SqlTime.micros(expiresAt);
    }

    /** 400 unless a role's end lies after the write's time (null: it has none). */
    static void requireFuture(Tx tx, Instant expiresAt) {
        if (expiresAt != null && !expiresAt.isAfter(tx.now())) {
            throw InvalidInputException.field("expires_at", "must lie in the future, got " + expiresAt);
        }
    }

    /**
     * Whether {@code held} (null: none) has ended by the write's time: its end lies at or before {@link Tx#now()}.
     * Until the expiry job's next run it is still stored; a write that meets it ends it first ({@link #endDue}).
     */
    static boolean ended(Tx tx, Assignment held) {
        return held != null && held.expiresAt() != null && !held.expiresAt().isAfter(tx.now());
    }

    /**
     * Carries out, inside {@code tx}, the expiry of every assignment of organization {@code orgId} whose end lies at
     * or before the write's time, as a run of {@link AssignmentExpiry} would — the same statement, and the same
     * records ({@link AssignmentExpiry#recordEnded}: an {@code expired} change each, the model's
     * {@link AssignmentRules#expired}). A write that meets an assignment that has ended
     * ({@link #ended}) calls it before judging anything by that assignment, so that it is judged against what
     * remains, as it would be after the job's run: an ended role is neither revived by a later end nor replaced,
     * removed or judged as held. A write that is then refused rolls the expiry back with it; the job's run carries it
     * out.
     */
    void endDue(Tx tx, PermissionModel model, long orgId) {
        AssignmentExpiry.recordEnded(tx, model, rules, assignments.deleteExpired(tx.handle(), orgId, tx.now()));
    }

    /**
     * {@code current} as a write judges it: where its assignment has ended ({@link #ended}), that expiry carried out
     * ({@link #endDue}) and {@code current} without it (another instance); else {@code current} itself.
     */
    AssignmentStore.Current unlessEnded(Tx tx, PermissionModel model, AssignmentStore.Current current) {
        if (!ended(tx, current.assignment())) {
            return current;
        }
        endDue(tx, model, current.assignment().orgId());
        return new AssignmentStore.Current(null, current.role());
    }

    /**
     * A member's role on a resource as a write finds it (empty: none): one that has ended ({@link #ended}) is ended
     * first ({@link #endDue}), and is none. For this service's writes, and a dialect's that read what a role leaves
     * behind before they touch the role (Rooms' room user, whose access an ended role revokes).
     */
    public Optional<Assignment> held(Tx tx, PermissionModel model, long orgId, String type, String resourceId,
                                      long memberId) {
        Optional<Assignment> held = assignments.find(tx.handle(), orgId, type, resourceId, memberId);
        if (held.isPresent() && ended(tx, held.get())) {
            endDue(tx, model, orgId);
            return Optional.empty();
        }
        return held;
    }

    /**
     * Gives a member a role on a resource inside a running transaction, with every rule of {@link #put(Principal,
     * long, String, String, MemberRef, long, Instant)} except the gates of {@link AssignmentRules}, which the calling
     * service has applied (Rooms' room creator getting its room role, an invitation into a room). Where the role the
     * member held there has ended by the write's time, its expiry is carried out first ({@link #endDue}) and the
     * model's gate ({@link AssignmentRules#requireMayAssign}) is applied again, to what remains: the calling service
     * judged the write by the role before its end (on Rooms, a user whose access has ended by a revocation dated
     * earlier is refused as a revoked one).
     */
    public Assignment put(Tx tx, Caller caller, PermissionModel model, long orgId, String type, String resourceId,
                          Member member, long roleId, Instant expiresAt) {
        Handle h = tx.handle();
        ResourceType resourceType = resourceType(model, type, resourceId);
        rules.requireExists(h, orgId, model, resourceType, resourceId);
        AssignmentStore.Current found = assignments.findWithRole(h, orgId, type, resourceId, member.id(), roleId);
        AssignmentStore.Current current = unlessEnded(tx, model, found);
        if (current != found) {
            rules.requireMayAssign(h, caller, model, resourceType, resourceId, member, false, stored(expiresAt),
                    assigning(type, resourceId));
        }
        return write(tx, caller, model, current, judge(tx, caller, model, orgId, type, resourceId, member, roleId, expiresAt,
                current));
    }

    /**
     * {@link #put(Tx, Caller, PermissionModel, long, String, String, Member, long, Instant)} (no end) judged as if the
     * member held no role on the resource, and not written: the assignment such a put would write, or its refusal. For
     * a dialect's write on a member holding a role there that the caller may not see ({@link #seesHolder}), answered
     * as the write on a member holding none would be (Rooms' invitation).
     */
    public Assignment rehearsePut(Tx tx, Caller caller, PermissionModel model, long orgId, String type,
                                  String resourceId, Member member, long roleId) {
        Handle h = tx.handle();
        rules.requireExists(h, orgId, model, resourceType(model, type, resourceId), resourceId);
        AssignmentStore.Current current = assignments.findWithRole(h, orgId, type, resourceId, member.id(), roleId);
        return judge(tx, caller, model, orgId, type, resourceId, member, roleId, null,
                new AssignmentStore.Current(null, current.role()));
    }

    /**
     * Sets when a member's existing role on a resource ends ({@code expiresAt}; null: never), inside a running
     * transaction whose other gates the calling service has applied (Rooms' scheduled revocation, and its
     * cancellation). Judged by the one rule of {@link EndChange}, as a {@code PUT} with the new end is: an end moved
     * later, or lifted, hands the role out for longer, so the caller must hold all it grants, as for giving it; an
     * end set, or brought nearer, takes it away sooner, judged as taking it away. Returns the assignment as it is now.
     */
    public Assignment endAt(Tx tx, Caller caller, PermissionModel model, Assignment current, Instant expiresAt) {
        Instant end = stored(expiresAt);
        EndChange change = EndChange.of(current.expiresAt(), end);
        if (change == EndChange.NONE) {
            return current;
        }
        if (change == EndChange.SOONER) {
            requireMayTakeAway(tx.handle(), caller, model, current,
                    ending(current, current.resourceType(), current.resourceId()));
        } else if (!caller.isService()) {
            roles.find(tx.handle(), current.orgId(), current.roleId()).ifPresent(role ->
                    RoleReading.requireNoEscalation(tx.handle(), access, caller, model, role));
        }
        Assignment after = assignments.upsert(tx.handle(), current.orgId(), current.resourceType(),
                current.resourceId(), current.memberId(), current.roleId(), end, tx.now());
        deciding.judge(tx, caller, model, current, after, "changing the end of a role");
        tx.change(current.orgId(), ObjectType.ASSIGNMENT, after.objectId(), Action.UPDATED,
                LoggedAssignment.of(current), LoggedAssignment.of(after));
        return after;
    }

    /** A member's role on a resource inside a running transaction, if it holds one. */
    public Optional<Assignment> find(Tx tx, long orgId, String type, String resourceId, long memberId) {
        return assignments.find(tx.handle(), orgId, type, resourceId, memberId);
    }

    /**
     * The write both {@code put}s share, once the resource is known to exist and the put judged: {@code current}
     * holds the member's current assignment there (null: none) and the role to give, both read once per request, in
     * one statement; {@code judged} is what {@link #judge} found the put leaves. A role given where none was held is
     * then the model's to follow up ({@link AssignmentRules#given}).
     */
    private Assignment write(Tx tx, Caller caller, PermissionModel model, AssignmentStore.Current current,
                             Assignment judged) {
        Assignment before = current.assignment();
        if (judged == before) {
            return before; // a write that changes nothing records nothing, as an import line that changes nothing
        }
        Assignment after = assignments.upsert(tx.handle(), judged.orgId(), judged.resourceType(),
                judged.resourceId(), judged.memberId(), judged.roleId(), judged.expiresAt(), tx.now());
        record(tx, before, after);
        if (before == null) {
            rules.given(tx, caller, model, after);
        }
        return after;
    }

    /**
     * The rules of {@link #write} that follow the reads, applied without writing: the assignment the write leaves —
     * {@code current}'s own when it changes nothing, else the row the write is to store (new rows created now). A put
     * that keeps the role held and only ends it sooner ({@link EndChange#onlyShortens}) hands nothing out: it is
     * judged as taking the role away ({@link #requireMayTakeAway}: the member's own is exempt), not as handing it out.
     */
    Assignment judge(Tx tx, Caller caller, PermissionModel model, long orgId, String type, String resourceId,
                     Member member, long roleId, Instant expiresAt, AssignmentStore.Current current) {
        Assignment before = current.assignment();
        Role role = current.role();
        if (role == null) {
            throw RoleReading.notFound(orgId, roleId);
        }
        RoleReading.requireGivable(caller, member.id(), member.external(), role);
        // keeping the role held and only ending it sooner hands nothing out: judged as taking it away (EndChange)
        boolean shortens = EndChange.onlyShortens(before, roleId, stored(expiresAt));
        String what = before == null ? assigning(type, resourceId) : shortens ? ending(before, type, resourceId)
                : EndChange.onlyLengthens(before, roleId, stored(expiresAt)) ? extending(type, resourceId)
                : replacing(type, resourceId);
        if (!shortens) {
            RoleReading.requireNoEscalation(tx.handle(), access, caller, model, role);
        }
        if (!caller.isService()) { // a service key passes every gate: the replaced role is not read for it
            Role replaced = before == null ? null : before.roleId() == roleId ? role
                    : roles.find(tx.handle(), orgId, before.roleId()).orElse(null);
            rules.requireMayGive(tx.handle(), caller, model, type, resourceId, member, replaced, role, what);
        }
        if (before != null && (before.roleId() != roleId || shortens)) {
            requireMayTakeAway(tx.handle(), caller, model, before, what);
        }
        if (before != null && before.roleId() == roleId && Objects.equals(before.expiresAt(), stored(expiresAt))) {
            return before;
        }
        if (before == null) {
            tx.limits().beforeAddingAssignment(orgId, type, resourceId);
        }
        Assignment after = new Assignment(orgId, type, resourceId, member.id(), roleId, before == null ? tx.now()
                : before.createdAt(), tx.now(), stored(expiresAt));
        deciding.judge(tx, caller, model, before, after, what);
        return after;
    }

    /** Records a role given: {@code after} replacing {@code before} (null: none held). */
    static void record(Tx tx, Assignment before, Assignment after) {
        tx.change(after.orgId(), ObjectType.ASSIGNMENT, after.objectId(), before == null ? Action.CREATED
                : Action.UPDATED, before == null ? null : LoggedAssignment.of(before), LoggedAssignment.of(after));
    }

    /**
     * Many assignments given inside a running transaction, with every rule of
     * {@link #put(Principal, long, String, String, MemberRef, long)} applied to each ({@link AssignmentBatch}).
     */
    public AssignmentBatch batch(Tx tx, Caller caller, PermissionModel model, long orgId) {
        return new AssignmentBatch(this, assignments, tx, caller, model, orgId);
    }

    /**
     * Removes a member's role on a resource inside a running transaction with every rule of
     * {@link #remove(Principal, long, String, String, MemberRef)}; false, and nothing recorded, when it has none.
     */
    public boolean removeIfHeld(Tx tx, Caller caller, PermissionModel model, long orgId, String type,
                                String resourceId, Member member) {
        Handle h = tx.handle();
        ResourceType resourceType = resourceType(model, type, resourceId);
        String what = removing(type, resourceId);
        rules.requireMayManage(caller, model, what);
        requireVisible(h, caller, model, resourceType, resourceId);
        Assignment current = held(tx, model, orgId, type, resourceId, member.id()).orElse(null);
        if (current == null || !sees(h, caller, model, resourceType, current)) {
            return false;
        }
        rules.requireMayUnassign(h, caller, model, resourceType, resourceId, member, what);
        requireMayTakeAway(h, caller, model, current, what);
        deciding.judge(tx, caller, model, current, null, what);
        assignments.delete(h, current);
        record(tx, List.of(current));
        return true;
    }

    /**
     * Takes {@code held}, a member's role on a resource read in this transaction, away inside a running transaction
     * whose model gates ({@link AssignmentRules#requireMayUnassign}) the calling service has applied, judged by the
     * rules of every removal: the caller may take the role away ({@link #requireMayTakeAway}), and what the removal
     * changes in the role deciding there ({@link DecidingRoleChange}). For a dialect's own moves of a member's roles
     * (a Rooms v5 Manager's reach, narrowed by {@code remove_from_office} and the like; a room user's access revoked).
     *
     * @param what what is being done, for a refusal ("revoking the access of user 7 to room 3")
     */
    public void takeAway(Tx tx, Caller caller, PermissionModel model, Assignment held, String what) {
        requireMayTakeAway(tx.handle(), caller, model, held, what);
        deciding.judge(tx, caller, model, held, null, what);
        assignments.delete(tx.handle(), held);
        record(tx, List.of(held));
    }

    /**
     * 403 {@code privilege_escalation} unless {@code caller} may take {@code held} away — remove it, or replace it
     * with another role: it must hold every permission the role grants ({@link Access#requireMayTakeAway}, read as
     * handing a role out reads them; the refusal names them only to a caller that may read the role,
     * {@link RoleReading}). Applied on every path that removes or replaces a member's role on a resource, or keeps it
     * and ends it sooner: the lone and joint puts ({@link #judge}), removals one by one, by resource and by member, an import's lines
     * ({@link AssignmentBatch}), and a dialect's routes that revoke access (Rooms' revoke_access).
     */
    public void requireMayTakeAway(Handle h, Caller caller, PermissionModel model, Assignment held, String what) {
        if (caller.isService() || caller.is(held.memberId())) {
            return;
        }
        roles.find(h, held.orgId(), held.roleId()).ifPresent(role -> access.requireMayTakeAway(caller, model,
                held.memberId(), role.grant(), RoleReading.mayRead(h, caller, role.id()), what));
    }

    /** Whom {@link AssignmentRules#concealment} hides, for this package's writers. */
    HolderVisibility holders() {
        return holders;
    }

    /**
     * Whether {@code caller} sees member {@code memberId} holding role {@code roleId} on a resource it sees — the
     * model's {@link AssignmentRules#concealment}, read in the caller's transaction: for a dialect's own answers
     * about the holders of roles (Rooms' room users), so that one it may not see answers as one holding none.
     */
    public boolean seesHolder(Handle h, Caller caller, long orgId, String type, String resourceId, long memberId,
                              long roleId) {
        PermissionModel model = orgModels.model(h, orgId);
        return holders.sees(h, caller, model, resourceType(model, type, resourceId), resourceId, memberId,
                () -> roles.find(h, orgId, roleId).orElse(null));
    }

    /**
     * The permission whose holders on a resource the caller sees it does not see, itself excepted (the model's
     * {@link AssignmentRules#concealment} on that resource); null: it sees every holder. For a dialect's own lists of
     * a resource's holders (Rooms' room users), which leave them out in their query as {@link #listByResource} does.
     */
    public String hiddenFrom(Handle h, Caller caller, long orgId, String type, String resourceId) {
        PermissionModel model = orgModels.model(h, orgId);
        HolderVisibility.Hidden hidden = holders.onResource(h, caller, model, resourceType(model, type, resourceId),
                resourceId);
        return hidden == null ? null : hidden.hiding();
    }

    /** The rules this service applies, for the resource service's hierarchy writes. */
    public AssignmentRules rules() {
        return rules;
    }

    Access access() {
        return access;
    }

    /**
     * A member's role on a resource the caller sees: what {@link #listByResource} shows of that member there, else
     * 404. The member is named as the resource's participants are shown ({@link #participant}), so a member the
     * listing shows is read, and one it does not show answers as a member that does not exist.
     */
    public Assignment get(Principal principal, long orgId, String type, String resourceId, MemberRef memberRef) {
        return access.read(principal, orgId, (h, caller) -> {
            PermissionModel model = orgModels.model(h, orgId);
            ResourceType resourceType = resourceType(model, type, resourceId);
            requireVisible(h, caller, model, resourceType, resourceId);
            Member member = participant(h, caller, model, resourceType, resourceId, memberRef);
            return requireSeen(h, caller, model, type, resourceId, member,
                    assignments.find(h, orgId, type, resourceId, member.id()));
        });
    }

    /**
     * The member {@code ref} names on a resource {@code caller} sees, as the resource's participants are shown — for
     * every read and write of one member's role there ({@link #get}, the {@code put}s and {@link #remove}, and so
     * their previews): to a caller that sees every member, as the directory shows it ({@link MemberService#resolve});
     * to one that sees only itself in the directory (an external member), itself or a member holding a role there
     * that the caller sees ({@link #sees}, as {@link #listByResource} lists them) — any other member answers 404
     * {@code member_not_found}, as one that does not exist, and a bare value names two members only among those.
     * Such a caller brings a member new to the resource only where its dialect lets it name one it cannot see (Rooms'
     * invitation by email).
     */
    private Member participant(Handle h, Caller caller, PermissionModel model, ResourceType type, String resourceId,
                               MemberRef ref) {
        if (MemberService.seesEveryone(caller)) {
            return members.resolve(h, caller, caller.orgId(), ref);
        }
        return participant(h, caller, model, type, resourceId, ref,
                members.named(h, List.of(caller.orgId()), List.of(ref)));
    }

    /**
     * {@link #participant(Handle, Caller, PermissionModel, ResourceType, String, MemberRef)} against members read
     * before ({@code named}: at least those of the caller's organization that {@code ref} may name; others are passed
     * over), for the joint put, which reads them for all of its puts at once.
     */
    Member participant(Handle h, Caller caller, PermissionModel model, ResourceType type, String resourceId,
                       MemberRef ref, List<Member> named) {
        long orgId = caller.orgId();
        if (MemberService.seesEveryone(caller)) {
            return members.resolve(caller, orgId, ref, named);
        }
        List<Member> shown = named.stream()
                .filter(m -> m.orgId() == orgId && (caller.is(m.id()) || assignments.find(h, orgId, type.key(),
                        resourceId, m.id()).filter(held -> sees(h, caller, model, type, held)).isPresent()))
                .toList();
        return ref.resolve(orgId, id -> shown.stream().filter(m -> m.id() == id).findFirst(),
                userId -> shown.stream().filter(m -> userId.equals(m.userId())).findFirst(), Member::id);
    }

    public List<Assignment> listByResource(Principal principal, long orgId, String type, String resourceId,
                                           long afterMember, int limit) {
        return access.read(principal, orgId, (h, caller) -> {
            PermissionModel model = orgModels.model(h, orgId);
            ResourceType resourceType = resourceType(model, type, resourceId);
            requireVisible(h, caller, model, resourceType, resourceId);
            return assignments.listByResource(h, orgId, type, resourceId, afterMember, limit,
                    holders.onResource(h, caller, model, resourceType, resourceId));
        });
    }

    /**
     * A member's assignments on the resources the caller sees, ordered by (type, resource id); a role the caller may
     * not see there ({@link AssignmentRules#concealment}) is left out.
     */
    public List<Assignment> listByMember(Principal principal, long orgId, MemberRef memberRef, String afterType,
                                         String afterId, int limit) {
        return access.read(principal, orgId, (h, caller) -> {
            PermissionModel model = orgModels.model(h, orgId);
            Member member = members.resolve(h, caller, orgId, memberRef);
            List<String> partlySeen = model.resourceTypes().stream().filter(t -> !rules.seesAll(caller, model, t))
                    .map(ResourceType::key).toList();
            return assignments.listByMember(h, orgId, member.id(), afterType, afterId, limit,
                    partlySeen.isEmpty() ? null : caller.memberId(), partlySeen,
                    holders.ofMember(caller, model, member.id()));
        });
    }

    public Written<Assignment> remove(Principal principal, long orgId, String type, String resourceId,
                                      MemberRef memberRef) {
        return access.write(principal, orgId, (tx, caller) -> remove(tx, caller, orgId, type, resourceId, memberRef));
    }

    /**
     * {@link #remove(Principal, long, String, String, MemberRef)} inside a running transaction of the organization
     * (a write, or a rehearsal of one: a preview), with every rule and gate.
     */
    public Assignment remove(Tx tx, Caller caller, long orgId, String type, String resourceId, MemberRef memberRef) {
        Handle h = tx.handle();
        PermissionModel model = model(tx, orgId);
        ResourceType resourceType = resourceType(model, type, resourceId);
        String what = removing(type, resourceId);
        rules.requireMayManage(caller, model, what);
        requireVisible(h, caller, model, resourceType, resourceId);
        Member member = participant(h, caller, model, resourceType, resourceId, memberRef);
        Assignment current = requireSeen(h, caller, model, type, resourceId, member,
                held(tx, model, orgId, type, resourceId, member.id()));
        rules.requireMayUnassign(h, caller, model, resourceType, resourceId, member, what);
        requireMayTakeAway(h, caller, model, current, what);
        deciding.judge(tx, caller, model, current, null, what);
        assignments.delete(h, current);
        record(tx, List.of(current));
        return current;
    }

    /**
     * Whether {@code caller} sees one resource (one the model does not track counts as existing): what a preview
     * may show of changes on it.
     */
    /** Whether {@code caller} sees every resource of the type (a service key, or the model's rule says so). */
    public boolean seesAll(Caller caller, PermissionModel model, ResourceType type) {
        return rules.seesAll(caller, model, type);
    }

    public boolean sees(Handle h, Caller caller, long orgId, String type, String resourceId) {
        PermissionModel model = orgModels.model(h, orgId);
        ResourceType resourceType = model.resourceType(type).orElse(null);
        return resourceType != null && rules.sees(h, caller, model, resourceType, resourceId);
    }

    /**
     * 404 unless the resource exists where the model tracks its type's resources (rooms of a {@code rooms}
     * organization) and {@code caller} sees it — the same 404 either way; the type must be the model's.
     */
    public void requireVisible(Handle h, Caller caller, long orgId, String type, String resourceId) {
        PermissionModel model = orgModels.model(h, orgId);
        requireVisible(h, caller, model, resourceType(model, type, resourceId), resourceId);
    }

    /**
     * Removes every assignment on one resource (the resource was deleted) that the caller sees; returns how many. A
     * role it may not see there ({@link AssignmentRules#concealment}) is not there for it, and stays: left out by the
     * query, as {@link #listByResource} leaves it out, of what is judged and removed; the others are then each
     * gated as the removal of that member's role ({@link AssignmentRules#requireMayUnassign}), as
     * {@link #removeMember} gates them, since the model's gate for everyone's roles would judge, and name, holders
     * the caller does not see.
     */
    public Written<Integer> removeResource(Principal principal, long orgId, String type, String resourceId) {
        return access.write(principal, orgId, (tx, caller) -> {
            Handle h = tx.handle();
            PermissionModel model = model(tx, orgId);
            ResourceType resourceType = resourceType(model, type, resourceId);
            String what = "removing every role on " + type + " " + resourceId;
            rules.requireMayManage(caller, model, what);
            requireVisible(h, caller, model, resourceType, resourceId);
            endDue(tx, model, orgId); // a role that has ended is not removed, nor judged as held: it has ended
            HolderVisibility.Hidden hidden = holders.onResource(h, caller, model, resourceType, resourceId);
            if (hidden != null) {
                List<Assignment> seen = assignments.listByResource(h, orgId, type, resourceId, 0, Integer.MAX_VALUE,
                        hidden);
                Map<Long, Member> holding = new HashMap<>();
                memberStore.findAll(h, orgId, seen.stream().map(Assignment::memberId).toList())
                        .forEach(m -> holding.put(m.id(), m));
                for (Assignment a : seen) {
                    rules.requireMayUnassign(h, caller, model, resourceType, resourceId, holding.get(a.memberId()),
                            what);
                    requireMayTakeAway(h, caller, model, a, what);
                }
                deciding.judgeRemovals(tx, caller, model, seen, what);
                seen.forEach(a -> assignments.delete(h, a));
                record(tx, seen);
                return seen.size();
            }
            rules.requireMayUnassign(h, caller, model, resourceType, resourceId, null, what);
            if (!caller.isService()) {
                List<Assignment> held = assignments.listByResource(h, orgId, type, resourceId, 0, Integer.MAX_VALUE);
                for (Assignment a : held) {
                    requireMayTakeAway(h, caller, model, a, what);
                }
                deciding.judgeRemovals(tx, caller, model, held, what);
            }
            return removeResource(tx, orgId, type, resourceId).size();
        });
    }

    /**
     * Removes every assignment on one resource inside a running transaction; the calling service has checked
     * the permission gating it (e.g. deleting a Rooms room).
     */
    public List<Assignment> removeResource(Tx tx, long orgId, String type, String resourceId) {
        List<Assignment> removed = assignments.deleteByResource(tx.handle(), orgId, type, resourceId);
        record(tx, removed);
        return removed;
    }

    /**
     * Removes every assignment of one member; returns how many. The caller must be allowed to remove each of
     * them, so a member key cannot clear roles on resources it does not see (nor learn which those are); a role it
     * may not see on a resource it sees ({@link AssignmentRules#concealment}) is not there for it, and stays.
     */
    public Written<Integer> removeMember(Principal principal, long orgId, MemberRef memberRef) {
        return access.write(principal, orgId, (tx, caller) -> {
            Handle h = tx.handle();
            PermissionModel model = model(tx, orgId);
            String what = "removing every resource role of a member";
            rules.requireMayManage(caller, model, what);
            Member member = members.resolve(h, caller, orgId, memberRef);
            endDue(tx, model, orgId); // a role that has ended is not removed, nor judged as held: it has ended
            List<Assignment> held = assignments.listByMember(h, orgId, member.id(), "", "", Integer.MAX_VALUE, null,
                    List.of());
            List<Assignment> seen = new ArrayList<>(held.size());
            for (Assignment a : held) {
                ResourceType resourceType = model.resourceType(a.resourceType()).orElse(null);
                if (resourceType == null || !rules.sees(h, caller, model, resourceType, a.resourceId())) {
                    throw new ForbiddenException("permission_required", what + " needs access to every resource "
                            + "member " + member.id() + " holds a role on; member " + caller.memberId()
                            + " cannot see all of them");
                }
                if (!sees(h, caller, model, resourceType, a)) {
                    continue; // a role the caller may not see is not there for it: it stays
                }
                rules.requireMayUnassign(h, caller, model, resourceType, a.resourceId(), member, what);
                requireMayTakeAway(h, caller, model, a, what);
                seen.add(a);
            }
            deciding.judgeRemovalOfAll(tx, caller, model, seen, what);
            List<Assignment> removed;
            if (seen.size() == held.size()) {
                removed = assignments.deleteByMember(h, orgId, member.id());
            } else {
                seen.forEach(a -> assignments.delete(h, a));
                removed = seen;
            }
            record(tx, removed);
            return removed.size();
        });
    }

    /**
     * Deletes a member's assignments inside the transaction removing the member, recording each as deleted (the
     * assignment as before), just before the member's own record — as its grants and group memberships are — so a
     * reader of the events or webhooks that mirrors assignments sees them go. Part of the members'
     * {@link dev.gatehouse.member.MemberRemoval}.
     */
    public static void dropAll(Tx tx, long orgId, Member member) {
        record(tx, new AssignmentStore().deleteByMember(tx.handle(), orgId, member.id()));
    }

    /**
     * Takes a member's role {@code roleId} away from every resource of the given types it holds it on, inside the
     * transaction whose gates allowed it, recording each as deleted (a v5 user's reach, when its company role
     * changes: {@link dev.gatehouse.member.MemberRules#roleChanged}).
     */
    public static void dropHeld(Tx tx, long orgId, Member member, long roleId, List<String> types) {
        record(tx, new AssignmentStore().deleteHeld(tx.handle(), orgId, member.id(), roleId, types));
    }

    /**
     * A member's roles on resources of the given types, read inside the caller's transaction (a v5 user's reach, when
     * reactivating it: {@link dev.gatehouse.member.MemberRules#requireMayReactivate}).
     */
    public static List<Assignment> heldOn(Handle h, long orgId, long memberId, List<String> types) {
        return new AssignmentStore().findHeld(h, orgId, memberId, types);
    }

    private static void record(Tx tx, List<Assignment> removed) {
        for (Assignment a : removed) {
            tx.change(a.orgId(), ObjectType.ASSIGNMENT, a.objectId(), Action.DELETED, LoggedAssignment.of(a), null);
        }
    }

    /**
     * {@code found}, a member's role on a resource (empty: none), or 404; a role the caller may not see answers as no
     * role: the same 404.
     */
    private Assignment requireSeen(Handle h, Caller caller, PermissionModel model, String type, String resourceId,
                                   Member member, Optional<Assignment> found) {
        Assignment held = found.orElseThrow(() -> noRole(type, resourceId, member));
        if (!sees(h, caller, model, resourceType(model, type, resourceId), held)) {
            throw noRole(type, resourceId, member);
        }
        return held;
    }

    private static NotFoundException noRole(String type, String resourceId, Member member) {
        return new NotFoundException("assignment_not_found", "member " + member.id() + " has no role on "
                + type + " " + resourceId);
    }

    /** The resource exists (where the model tracks them) and the caller sees it; else the same 404 either way. */
    void requireVisible(Handle h, Caller caller, PermissionModel model, ResourceType type, String resourceId) {
        rules.requireExists(h, caller.orgId(), model, type, resourceId);
        if (!rules.sees(h, caller, model, type, resourceId)) {
            throw rules.notFound(model, type, resourceId);
        }
    }

    /** What giving a role on a resource is called in a refusal, whichever path refuses it. */
    public static String assigning(String type, String resourceId) {
        return "assigning a role on " + type + " " + resourceId;
    }

    /** What replacing a member's role on a resource with another is called in a refusal, whichever path refuses it. */
    public static String replacing(String type, String resourceId) {
        return "replacing a role on " + type + " " + resourceId;
    }

    /**
     * What keeping a member's role on a resource and only ending it sooner ({@link EndChange#onlyShortens}) is called
     * in a refusal, whichever path refuses it: giving an end to {@code held} where it had none, else bringing its end
     * forward.
     */
    public static String ending(Assignment held, String type, String resourceId) {
        return (held.expiresAt() == null ? "giving an end to a role on " : "bringing forward the end of a role on ")
                + type + " " + resourceId;
    }

    /** What lifting the end of a member's role on a resource, or moving it later, is called in a refusal. */
    public static String extending(String type, String resourceId) {
        return "lifting or postponing the end of a role on " + type + " " + resourceId;
    }

    /** What taking a role on a resource away is called in a refusal, whichever path refuses it. */
    public static String removing(String type, String resourceId) {
        return "removing a role on " + type + " " + resourceId;
    }

    static ResourceType resourceType(PermissionModel model, String type, String resourceId) {
        ResourceType resourceType = model.resourceType(type).orElseThrow(() -> new InvalidInputException(
                "unknown_resource_type", "model " + model.id() + " has no resource type \"" + type + "\"; it has "
                + model.resourceTypes().stream().map(ResourceType::key).toList(),
                Map.of("type", "unknown resource type")));
        String problem = ResourceType.idProblem(resourceId);
        if (problem != null) {
            throw InvalidInputException.field("id", problem);
        }
        return resourceType;
    }
}
