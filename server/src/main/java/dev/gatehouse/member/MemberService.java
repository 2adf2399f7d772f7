package dev.gatehouse.member;

import dev.gatehouse.access.Access;
import dev.gatehouse.access.Caller;
import dev.gatehouse.access.Principal;
import dev.gatehouse.apikey.KeyService;
import dev.gatehouse.changelog.Action;
import dev.gatehouse.changelog.ObjectType;
import dev.gatehouse.error.ConflictException;
import dev.gatehouse.error.ForbiddenException;
import dev.gatehouse.error.InvalidInputException;
import dev.gatehouse.error.NotFoundException;
import dev.gatehouse.model.OrgModels;
import dev.gatehouse.model.PermissionModel;
import dev.gatehouse.role.Role;
import dev.gatehouse.role.RoleReading;
import dev.gatehouse.role.RoleStore;
import dev.gatehouse.store.Tx;
import dev.gatehouse.store.Written;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.LongFunction;
import org.jdbi.v3.core.Handle;

import static dev.gatehouse.error.PreconditionFailedException.requireVersion;

/**
 * Members of an organization and their rules: internal members hold exactly one internal company role,
 * external members none; user ids and emails are unique per organization; who may add, change and remove
 * members is the model's {@link MemberRules} (a member key needs the model's member-management permission,
 * and on {@code rooms} organizations Rooms' access-level gates, through every API); nobody but a service key
 * hands out a role with permissions or record visibility beyond their own, nor changes, deactivates or removes a
 * member holding such (its role, its grants: {@link Access#requireNotAbove}); the last active member able to
 * manage roles cannot be demoted, deactivated or removed; deactivating a member revokes its keys, and
 * reactivating it does not revive them; a member may be added {@code invited} (no access until its invitation is
 * {@link #accept accepted}, judged as reactivating it, and never invited again); updates honour the expected version.
 *
 * <p>Reads: an external member sees only itself (others look nonexistent); internal members see the whole
 * directory. Members are named by {@link MemberRef}. Thread-safe.
 */
public final class MemberService {

    private final Access access;
    private final MemberStore members = new MemberStore();
    private final RoleStore roles = new RoleStore();
    private final OrgModels orgModels;
    private final MemberRules rules;
    private final KeyService keys;
    private final MemberRemoval removal;

    /** @param removal what other features undo when a member is removed (its groups) */
    public MemberService(Access access, OrgModels orgModels, MemberRules rules, KeyService keys,
                         MemberRemoval removal) {
        this.access = access;
        this.orgModels = orgModels;
        this.rules = rules;
        this.keys = keys;
        this.removal = removal;
    }

    public List<Member> list(Principal principal, long orgId, long after, int limit, String status, Long roleId) {
        return list(principal, orgId, after, limit, status, roleId, null);
    }

    /** A page of members (see {@link MemberStore#list}); {@code search} null or a text to look for. */
    public List<Member> list(Principal principal, long orgId, long after, int limit, String status, Long roleId,
                             String search) {
        return access.read(principal, orgId, (h, caller) -> {
            model(h, orgId);
            return members.list(h, orgId, after, limit, status, roleId, search, onlySelf(caller));
        });
    }

    /** Active members in {@code order}, a page at a time by offset (directories such as Close's users). */
    public List<Member> listActive(Principal principal, long orgId, MemberOrder order, int offset, int limit) {
        return access.read(principal, orgId, (h, caller) -> members.listActive(h, orgId, order, offset, limit,
                onlySelf(caller)));
    }

    /** Members by id, in ascending id order (unknown ids, and ids the caller may not see, are skipped). */
    public List<Member> getAll(Principal principal, long orgId, List<Long> ids) {
        return access.read(principal, orgId, (h, caller) -> readable(h, caller, orgId, ids));
    }

    /** {@link #getAll} inside a running transaction, as {@code caller} may see them. */
    public List<Member> readable(Handle h, Caller caller, long orgId, List<Long> ids) {
        Long only = onlySelf(caller);
        List<Long> wanted = only == null ? ids : ids.stream().filter(only::equals).toList();
        return wanted.isEmpty() ? List.of() : members.findAll(h, orgId, wanted);
    }

    /** The member a reference names; 404 when none the caller may see, 409 when it is ambiguous. */
    public Member get(Principal principal, long orgId, MemberRef ref) {
        return access.read(principal, orgId, (h, caller) -> {
            model(h, orgId);
            return resolve(h, caller, orgId, ref);
        });
    }

    /** Like {@link #get}, empty instead of a 404. */
    public Optional<Member> find(Principal principal, long orgId, MemberRef ref) {
        try {
            return Optional.of(get(principal, orgId, ref));
        } catch (NotFoundException e) {
            if ("member_not_found".equals(e.code())) {
                return Optional.empty();
            }
            throw e;
        }
    }

    public Written<Member> create(Principal principal, long orgId, MemberInput in) {
        return access.write(principal, orgId, (tx, caller) -> {
            PermissionModel model = model(tx.handle(), orgId);
            boolean external = Boolean.TRUE.equals(in.external());
            requireMay(tx.handle(), caller, model, MemberRules.Action.ADD, null, external ? null : in.roleId(),
                    external, "adding a member");
            return insert(tx, caller, model, orgId, in);
        });
    }

    /**
     * Adds a member inside a running transaction with every rule of {@link #create} except the gate of
     * {@link MemberRules}, which the calling service has applied (a dialect's own gate, such as Rooms' access
     * level asked for an invitee, or a room invitation; an organization's first admin).
     */
    public Member insert(Tx tx, Caller caller, PermissionModel model, long orgId, MemberInput in) {
        Handle h = tx.handle();
        requireValidNew(caller, model, orgId, in, roleId -> roles.find(h, orgId, roleId), false);
        requireUnique(h, orgId, in.userId(), in.email(), 0L);
        tx.limits().beforeAddingMember(orgId);
        Member member = members.insert(h, orgId, in, tx.now());
        tx.change(orgId, ObjectType.MEMBER, member.id(), Action.CREATED, null, LoggedMember.of(member));
        return member;
    }

    /**
     * Many members added together inside a running transaction (a bulk import's run of new members), each with
     * every rule of {@link #insert}, in a few statements ({@link MemberBatch}).
     */
    public MemberBatch batch(Tx tx, Caller caller, PermissionModel model, long orgId) {
        return new MemberBatch(this, members, roles, tx, caller, model, orgId);
    }

    /**
     * The rules of {@link #insert} that need no other member: a user id by {@link MemberRef#userIdProblem} (1 to
     * {@link MemberRef#MAX_LENGTH} characters, no control character, no reference's prefix: held there for every API,
     * including those that derive the id, and for a command line that checks an id before sending it); internal
     * with one internal company role the caller may hand out (looked up by {@code role}), or external without one;
     * active or invited, or deactivated where {@code restoring} (a bulk import's member line, which writes a member
     * as an export holds it: created deactivated in one change, never active).
     */
    void requireValidNew(Caller caller, PermissionModel model, long orgId, MemberInput in,
                         LongFunction<Optional<Role>> role, boolean restoring) {
        String userIdProblem = MemberRef.userIdProblem(in.userId(), model.id());
        if (userIdProblem != null) {
            throw InvalidInputException.field("user_id", userIdProblem);
        }
        boolean external = Boolean.TRUE.equals(in.external());
        if (external && !model.externalRoles()) {
            throw InvalidInputException.field("external", "model " + model.id() + " has no external members");
        }
        if (external && in.roleId() != null) {
            throw InvalidInputException.field("role_id", "external members hold no company role; must be absent");
        }
        if (!external && in.roleId() == null) {
            throw InvalidInputException.field("role_id", "is required for internal members");
        }
        if (!external) {
            requireCompanyRole(caller, model, orgId, in.roleId(), role.apply(in.roleId()));
        }
        if (in.status() != null && !in.status().equals(Member.ACTIVE) && !in.status().equals(Member.INVITED)
                && !(restoring && in.status().equals(Member.DEACTIVATED))) {
            throw InvalidInputException.field("status", "a new member is active or invited, not " + in.status());
        }
    }

    public Written<Member> update(Principal principal, long orgId, MemberRef ref, MemberInput in,
                                  Integer expectedVersion) {
        return access.write(principal, orgId, (tx, caller) -> update(tx, caller, orgId, ref, in, expectedVersion));
    }

    /**
     * {@link #update(Principal, long, MemberRef, MemberInput, Integer)} inside a running transaction of the
     * organization (a write, or a rehearsal of one: a preview), with every rule and gate.
     */
    public Member update(Tx tx, Caller caller, long orgId, MemberRef ref, MemberInput in, Integer expectedVersion) {
        PermissionModel model = model(tx.handle(), orgId);
        Member current = resolve(tx.handle(), caller, orgId, ref);
        requireVersion("member", current.id(), current.version(), expectedVersion);
        Changeable gated = requireMayChange(tx.handle(), caller, model, current,
                in.roleId() == null ? current.roleId() : in.roleId(), current.external(), "updating a member");
        return update(tx, caller, model, orgId, gated, in);
    }

    /**
     * Updates a member inside a running transaction with every rule of {@link #update(Principal, long, MemberRef,
     * MemberInput, Integer)}; the gate of {@link MemberRules} is the one the calling service applied to get
     * {@code gated} ({@link #requireMayChange}), so that no service changes a member without it.
     */
    public Member update(Tx tx, Caller caller, PermissionModel model, long orgId, Changeable gated, MemberInput in) {
        Handle h = tx.handle();
        Member current = gated.member();
        if (in.userId() != null && !in.userId().equals(current.userId())) {
            throw InvalidInputException.field("user_id", "cannot be changed");
        }
        if (in.external() != null && in.external() != current.external()) {
            throw InvalidInputException.field("external", "cannot be changed");
        }
        if (current.external() && in.roleId() != null) {
            throw InvalidInputException.field("role_id", "external members hold no company role");
        }
        Long roleId = in.roleId() == null ? current.roleId() : in.roleId();
        String status = in.status() == null ? current.status() : in.status();
        boolean activated = !current.active() && Member.ACTIVE.equals(status);
        if (activated && current.invited()) {
            // accepting its invitation, whichever way (accept, a PATCH, an import's member line): the model may hold
            // it back (a Pending Rooms user locked out, whose unlock is judged as reactivating it)
            rules.requireMayAccept(h, model, current);
        }
        if (roleId != null && (!Objects.equals(roleId, current.roleId()) || activated)) {
            // moving a member to a role, or activating it in one (reactivating it, or accepting its invitation for
            // it), hands the role (and the grants it takes) out
            Role to = requireCompanyRole(h, caller, model, orgId, roleId);
            String from = current.roleId() == null ? null
                    : roles.find(h, orgId, current.roleId()).map(Role::systemKey).orElse(null);
            access.requireNoEscalationGrants(h, caller, model, orgId, current.id(),
                    current.active() && Access.takesGrants(model, from), to.systemKey());
        }
        if (activated) {
            // reactivating it, or accepting its invitation for it: its roles on resources count from now on, so the
            // caller gives them out (an external member too, which holds no company role, only roles on resources)
            requireMayReactivateOnResources(h, caller, model, orgId, current);
        }
        if (Member.INVITED.equals(status) && !current.invited()) {
            throw InvalidInputException.field("status", "member " + current.id() + " is " + current.status()
                    + "; only a new member is invited");
        }
        // judged by the database's lower(), as the unique index is: Java's equalsIgnoreCase folds differently
        // ("I" and dotless "ı" are equal to it, not to lower())
        if (in.email() != null && !in.email().equals(current.email())) {
            requireUnique(h, orgId, null, in.email(), current.id());
        }
        Member changed = new Member(current.id(), orgId, current.userId(),
                in.email() == null ? current.email() : in.email(),
                in.firstName() == null ? current.firstName() : in.firstName(),
                in.lastName() == null ? current.lastName() : in.lastName(),
                roleId, current.external(), status, current.version(), current.createdAt(), current.updatedAt());
        if (sameState(current, changed)) {
            // a write that changes nothing records nothing: no new version, no change record, no webhook
            return current;
        }
        if (!changed.active() || !Objects.equals(roleId, current.roleId())) {
            requireNotLastManager(h, model, orgId, current, changed);
        }
        Member updated = members.update(h, changed, tx.now());
        // a change of status is named for where it goes: an invited member withdrawn is deactivated too
        Action action = updated.status().equals(current.status()) ? Action.UPDATED
                : updated.active() ? Action.ACTIVATED
                : Member.DEACTIVATED.equals(updated.status()) ? Action.DEACTIVATED : Action.UPDATED;
        tx.change(orgId, ObjectType.MEMBER, current.id(), action, LoggedMember.of(current), LoggedMember.of(updated));
        if (!Objects.equals(roleId, current.roleId())) {
            rules.roleChanged(tx, model, current, updated);
        }
        if (!Member.DEACTIVATED.equals(current.status()) && Member.DEACTIVATED.equals(updated.status())) {
            keys.revokeAll(tx, orgId, current.id());
        }
        return updated;
    }

    /**
     * Revokes a member's keys inside a running transaction, as deactivating it does, its status left as it is (Rooms'
     * lock of a Pending user, which stays invited).
     */
    public void revokeKeys(Tx tx, long orgId, Member member) {
        keys.revokeAll(tx, orgId, member.id());
    }

    /**
     * Marks an invited member's invitation accepted: it becomes active (an {@code activated} change) and from then
     * on acts and is allowed what its roles grant. Gated like any change of the member, and judged as reactivating it
     * is ({@link #requireMayReactivate}): its company role and the roles it holds on resources count from then on, so
     * the caller must be able to give each of them (403 {@code privilege_escalation}). Accepting for an active
     * member changes nothing (an invitation accepted twice); a deactivated one is a 409 {@code member_not_invited}, and
     * one its model's rules hold back (a locked Pending Rooms user) the 409 they give. With {@code expectedVersion}
     * (not null) only while the member is at that version, as every change of it.
     */
    public Written<Member> accept(Principal principal, long orgId, MemberRef ref, Integer expectedVersion) {
        return access.write(principal, orgId, (tx, caller) -> {
            PermissionModel model = model(tx.handle(), orgId);
            Member current = resolve(tx.handle(), caller, orgId, ref);
            requireVersion("member", current.id(), current.version(), expectedVersion);
            Changeable gated = requireMayChange(tx.handle(), caller, model, current, current.roleId(),
                    current.external(), "accepting a member's invitation");
            if (current.active()) {
                return current;
            }
            if (!current.invited()) {
                throw new ConflictException("member_not_invited", "member " + current.id() + " is " + current.status()
                        + ", not invited: there is no invitation to accept");
            }
            return update(tx, caller, model, orgId, gated, new MemberInput(null, null, null, null, null, null,
                    Member.ACTIVE));
        });
    }

    /**
     * Removes a member, its resource assignments and its keys, and takes it out of its groups; what its model keeps
     * beside it goes too, recorded ({@link MemberRules#removing}).
     */
    public Written<Member> delete(Principal principal, long orgId, MemberRef ref, Integer expectedVersion) {
        return access.write(principal, orgId, (tx, caller) -> {
            PermissionModel model = model(tx.handle(), orgId);
            Member current = resolve(tx.handle(), caller, orgId, ref);
            requireVersion("member", current.id(), current.version(), expectedVersion);
            requireMay(tx.handle(), caller, model, MemberRules.Action.REMOVE, current, null, current.external(),
                    "removing a member");
            return delete(tx, model, orgId, current);
        });
    }

    /**
     * Removes a member inside a running transaction with every rule of {@link #delete(Principal, long, MemberRef,
     * Integer)} except the gate of {@link MemberRules}, which the calling service has applied. Its keys go with it,
     * each revocation recorded as deactivating it records them, before the member's own removal.
     */
    public Member delete(Tx tx, PermissionModel model, long orgId, Member current) {
        requireNotLastManager(tx.handle(), model, orgId, current, null);
        removal.removing(tx, orgId, current);
        rules.removing(tx, model, current);
        keys.revokeAll(tx, orgId, current.id());
        members.delete(tx.handle(), current.id());
        tx.change(orgId, ObjectType.MEMBER, current.id(), Action.DELETED, LoggedMember.of(current), null);
        return current;
    }

    /**
     * The member a reference names, as {@code caller} may see it (an external member sees only itself); 404
     * when there is none, 409 when a bare number names two different members (see {@link MemberRef}).
     */
    public Member resolve(Handle h, Caller caller, long orgId, MemberRef ref) {
        return resolve(caller, orgId, ref, members.findNamed(h, orgId, ref.namedId(), ref.namedUserId()));
    }

    /**
     * The members that references of one organization or several may name, read in one query for all of them:
     * {@code refs[i]} of organization {@code orgIds[i]}. Each reference is then resolved against them with
     * {@link #resolve(Caller, long, MemberRef, List)}.
     */
    public List<Member> named(Handle h, List<Long> orgIds, List<MemberRef> refs) {
        return members.findNamedAll(h, orgIds, refs.stream().map(MemberRef::namedId).toList(),
                refs.stream().map(MemberRef::namedUserId).toList());
    }

    /**
     * {@link #resolve(Handle, Caller, long, MemberRef)} against members read before ({@code named}: at least those
     * of organization {@code orgId} the reference may name; others are passed over).
     */
    public Member resolve(Caller caller, long orgId, MemberRef ref, List<Member> named) {
        Long only = onlySelf(caller);
        List<Member> seen = named.stream().filter(m -> m.orgId() == orgId && (only == null || only == m.id()))
                .toList();
        return ref.resolve(orgId, id -> seen.stream().filter(m -> m.id() == id).findFirst(),
                userId -> seen.stream().filter(m -> userId.equals(m.userId())).findFirst(), Member::id);
    }

    /**
     * The members with the given user ids that {@code caller} may see (an external member sees only itself), by
     * user id; user ids without such a member are missing from the map. One query, for bulk writes.
     */
    public Map<String, Member> resolveUserIds(Handle h, Caller caller, long orgId, Collection<String> userIds) {
        Long only = onlySelf(caller);
        Map<String, Member> found = new HashMap<>();
        if (userIds.isEmpty()) {
            return found;
        }
        for (Member m : members.findAllByUserId(h, orgId, List.copyOf(userIds))) {
            if (only == null || only == m.id()) {
                found.put(m.userId(), m);
            }
        }
        return found;
    }

    /**
     * The gate of the model's {@link MemberRules} (see there), and, for a member acted on, that it holds nothing
     * beyond the caller ({@link Access#requireNotAbove}: 403 {@code privilege_escalation}) — for this service's own
     * entry points, and for services that add or change members inside a transaction of their own (a dialect's
     * membership or user endpoints, a member's keys and grants, an import).
     */
    public void requireMay(Handle h, Caller caller, PermissionModel model, MemberRules.Action action, Member current,
                           Long roleAfter, boolean external, String what) {
        rules.requireMay(h, caller, model, action, current, roleAfter, external, what);
        if (current != null) {
            access.requireNotAbove(h, caller, model, current.id(), what);
        }
    }

    /**
     * {@link #requireMay} for changing {@code current} ({@link MemberRules.Action#MANAGE}, the member gate and
     * nothing held beyond the caller); returns what {@link #update(Tx, Caller, PermissionModel, long, Changeable,
     * MemberInput)} takes.
     */
    public Changeable requireMayChange(Handle h, Caller caller, PermissionModel model, Member current,
                                       Long roleAfter, boolean external, String what) {
        requireMay(h, caller, model, MemberRules.Action.MANAGE, current, roleAfter, external, what);
        return new Changeable(current);
    }

    /**
     * A member the caller passed the gate to change ({@link #requireMayChange}): the only way to a member's
     * {@link #update(Tx, Caller, PermissionModel, long, Changeable, MemberInput)}, so that every path to a change of
     * a member — every dialect's, an import's — passes the gate first.
     */
    public static final class Changeable {

        private final Member member;

        private Changeable(Member member) {
            this.member = member;
        }

        public Member member() {
            return member;
        }
    }

    /** Whether {@code caller} may read every member of its organization (an external member reads only itself). */
    public static boolean seesEveryone(Caller caller) {
        return onlySelf(caller) == null;
    }

    /** {@link #seesEveryone(Caller)} for {@code principal} in organization {@code orgId}, read from the database. */
    public boolean seesEveryone(Principal principal, long orgId) {
        return access.read(principal, orgId, (h, caller) -> seesEveryone(caller));
    }

    /** The one member an external caller may see (itself); null when the caller sees every member. */
    private static Long onlySelf(Caller caller) {
        return caller.external() ? caller.memberId() : null;
    }

    /** Whether two states of a member hold the same values a write may change. */
    private static boolean sameState(Member a, Member b) {
        return a.email().equals(b.email()) && Objects.equals(a.firstName(), b.firstName())
                && Objects.equals(a.lastName(), b.lastName()) && Objects.equals(a.roleId(), b.roleId())
                && a.status().equals(b.status());
    }

    /**
     * Judges letting a member count again that its model holds back without deactivating it — Rooms' unlock of a
     * Pending user locked out, which stays invited — by every rule of reactivating a deactivated one: the lock stopped
     * its roles on resources as a deactivation would, and they count once its invitation is accepted (judged so again
     * then, by whoever accepts it). {@code gated} is the member the calling service's gate let through
     * ({@link #requireMayChange}).
     */
    public void requireMayReactivate(Handle h, Caller caller, PermissionModel model, long orgId, Changeable gated) {
        requireMayReactivateOnResources(h, caller, model, orgId, gated.member());
    }

    /**
     * Activating a member — reactivating it, or accepting its invitation — makes the roles it holds on resources count,
     * which deactivating it had stopped or which never counted yet: the caller must hold all each of them grants, as
     * for giving it (a member manager could otherwise revive a resource role it could never hand out), and the model
     * may say where the caller may give them ({@link MemberRules#requireMayReactivate}: on {@code rooms_v5}, a
     * Manager's reach only in places the caller manages). An invited member's roles were judged when they were given,
     * but by whoever gave them: the member manager that accepts the invitation is the one that makes them count, as
     * the one that reactivates a member is (an invited member cannot act, so it never accepts its own invitation).
     * A refusal names the role and a resource the member holds it on ({@link #revivalRefused}).
     */
    private void requireMayReactivateOnResources(Handle h, Caller caller, PermissionModel model, long orgId,
                                                 Member current) {
        if (caller.isService()) {
            return;
        }
        for (Role held : roles.list(h, orgId, 0, Integer.MAX_VALUE, current.id())) {
            try {
                access.requireNoEscalation(caller, model, held.grant());
            } catch (ForbiddenException e) {
                throw revivalRefused(h, caller, model, orgId, current, held, e);
            }
        }
        rules.requireMayReactivate(h, caller, model, current);
    }

    /**
     * The refusal to have {@code held}, a role {@code member} holds on resources, count again ({@code refused}: why):
     * it names the first resource the member holds it on where the caller sees it holding the role
     * ({@link MemberRules#seesHolding}), with that place as its subject ({@link RevivedRole}); where the caller sees it
     * on none, it names no resource, so that a refusal tells nobody of a resource, or a holder, hidden from it.
     */
    private ForbiddenException revivalRefused(Handle h, Caller caller, PermissionModel model, long orgId, Member member,
                                              Role held, ForbiddenException refused) {
        for (MemberStore.Place place : members.placesHolding(h, orgId, member.id(), held.id())) {
            if (rules.seesHolding(h, caller, model, place.type(), place.resourceId(), member, held)) {
                RevivedRole revived = new RevivedRole(member.id(), place.type(), place.resourceId(), held.name(),
                        RevivedRole.effect(member), refused.getMessage());
                return ForbiddenException.about(revived, refused.code(), "member " + member.id() + "'s role \""
                        + held.name() + "\" on " + place.type() + " " + place.resourceId() + " "
                        + revived.effect() + ": " + refused.getMessage());
            }
        }
        return new ForbiddenException(refused.code(), "member " + member.id() + "'s role \"" + held.name()
                + "\" on a resource " + RevivedRole.effect(member) + ": " + refused.getMessage());
    }

    private Role requireCompanyRole(Handle h, Caller caller, PermissionModel model, long orgId, long roleId) {
        return requireCompanyRole(caller, model, orgId, roleId, roles.find(h, orgId, roleId));
    }

    private Role requireCompanyRole(Caller caller, PermissionModel model, long orgId, long roleId,
                                    Optional<Role> found) {
        Role role = found.orElseThrow(() -> RoleReading.notFound(orgId, roleId));
        if (role.external()) {
            throw InvalidInputException.field("role_id", "role " + roleId + " is external; a company role must be internal");
        }
        access.requireNoEscalation(caller, model, role.grant());
        return role;
    }

    private void requireUnique(Handle h, long orgId, String userId, String email, long self) {
        if (userId != null) {
            members.findByUserId(h, orgId, userId).filter(m -> m.id() != self).ifPresent(m -> {
                throw userIdTaken(orgId, userId, m);
            });
        }
        members.findByEmail(h, orgId, email).filter(m -> m.id() != self).ifPresent(m -> {
            throw emailTaken(orgId, email, m);
        });
    }

    static ConflictException userIdTaken(long orgId, String userId, Member holder) {
        return userIdTaken(orgId, userId, holder, "id " + holder.id());
    }

    /**
     * 409 {@code member_exists}: {@code holder} has the user id. {@code origin} says which member that is besides its
     * user id: its id, or — where the refusal rolls the holder back with it, as an import's chunk does with a member
     * one of its lines added — what outlives it, such as that line.
     */
    public static ConflictException userIdTaken(long orgId, String userId, Member holder, String origin) {
        return ConflictException.about(holder, "member_exists", "organization " + orgId + " already has a member with "
                + "user_id \"" + userId + "\" (" + origin + ")");
    }

    static ConflictException emailTaken(long orgId, String email, Member holder) {
        return emailTaken(orgId, email, holder, "id " + holder.id());
    }

    /**
     * 409 {@code member_exists}: {@code holder} has the email, quoted as it has it, and {@code email} too when it
     * differs (in case only: emails are compared folded); the holder named by its user id and {@code origin}, as by
     * {@link #userIdTaken(long, String, Member, String)}.
     */
    public static ConflictException emailTaken(long orgId, String email, Member holder, String origin) {
        String same = holder.email().equals(email) ? "" : ", the same as \"" + email + "\" ignoring case";
        return ConflictException.about(holder, "member_exists", "organization " + orgId + " already has a member with "
                + "email \"" + holder.email() + "\"" + same + ": user_id \"" + holder.userId() + "\" (" + origin + ")");
    }

    /** {@code after == null} means removal. */
    private void requireNotLastManager(Handle h, PermissionModel model, long orgId, Member current, Member after) {
        String manage = model.management().roles();
        boolean managesNow = current.active() && current.roleId() != null
                && roles.manages(h, orgId, model, current.id(), current.roleId());
        if (!managesNow) {
            return;
        }
        boolean managesAfter = after != null && after.active() && after.roleId() != null
                && roles.manages(h, orgId, model, current.id(), after.roleId());
        if (!managesAfter && roles.countManagers(h, orgId, model, current.id(), 0L) == 0) {
            throw ConflictException.about(current, "last_role_manager", "member " + current.id() + " is the last active member "
                    + "of organization " + orgId + " able to manage roles (\"" + manage + "\"); it cannot be "
                    + (after == null ? "removed" : after.active() ? "demoted" : "deactivated"));
        }
    }

    private PermissionModel model(Handle h, long orgId) {
        return orgModels.model(h, orgId);
    }
}
