package dev.gatehouse.access;

import dev.gatehouse.changelog.Actor;
import dev.gatehouse.engine.Catalog;
import dev.gatehouse.engine.DecisionEngine;
import dev.gatehouse.error.ForbiddenException;
import dev.gatehouse.error.NotFoundException;
import dev.gatehouse.error.UnauthenticatedException;
import dev.gatehouse.model.MemberGrants;
import dev.gatehouse.model.PermissionModel;
import dev.gatehouse.store.Joint;
import dev.gatehouse.store.Store;
import dev.gatehouse.store.Tx;
import dev.gatehouse.store.Written;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.jdbi.v3.core.Handle;

/**
 * Authorization of the management API itself: who may read and change what. Service keys may do everything;
 * member keys act inside their own organization only, with the permissions of their member's company role.
 *
 * <p><b>One way in.</b> Every management read and write of an organization runs through {@link #read} or
 * {@link #write}, which, in this order: (1) refuse a member key addressing another organization with exactly
 * the 404 a nonexistent organization gets, before any lookup or lock, so another tenant learns nothing, not
 * even by timing; (2) open the transaction (a write locks the organization's row first); (3) read the
 * caller's own state from the database — key not revoked, member present and active, its company role
 * ({@link Caller}); a write first refuses an access token expired at its time ({@link Tx#now()}), so a request
 * outliving its token writes no more than one outliving its key's revocation (a read, one transaction, is judged
 * by the request's authentication just before it). All permission, no-escalation and model-specific checks are
 * made against that {@link Caller}, never against the in-memory engine, which applies a commit only after it: so a
 * write queued behind a demotion, deactivation or key revocation is judged by the state after it, on every node.
 * The engine stays the source of decisions; {@link #requireOrg} serves the decision API.
 *
 * <p>Thread-safe.
 */
public final class Access {

    private final Store store;
    private final DecisionEngine engine;
    private final Function<String, Catalog> catalogs;

    /** @param catalogs each model's catalog by id (null when unknown): which roles take per-member grants */
    public Access(Store store, DecisionEngine engine, Function<String, Catalog> catalogs) {
        this.store = store;
        this.engine = engine;
        this.catalogs = catalogs;
    }

    /** A write of one organization by {@code principal}, authorized against the state it is serialized after. */
    public <T> Written<T> write(Principal principal, long orgId, BiFunction<Tx, Caller, T> work) {
        requireOwnOrganization(principal, orgId);
        return store.write(actor(principal), orgId, tx -> work.apply(tx, caller(tx, principal, orgId)));
    }

    /**
     * Like {@link #write}, for a write that a write lane may run jointly with others of its kind
     * ({@link Joint}): {@code work} is how it runs alone; in a joint run, {@code joint} gets it as
     * a {@link Call}, whose {@link Call#caller} admits the caller exactly as {@link #write} does (step 3 of the class
     * comment; steps 1 and 2 happen here and in the lane).
     */
    public <O, T> Written<T> write(Principal principal, long orgId, BiFunction<Tx, Caller, T> work,
                                   Joint<Call<O>, T> joint, O op) {
        requireOwnOrganization(principal, orgId);
        return store.write(actor(principal), orgId, tx -> work.apply(tx, caller(tx, principal, orgId)), joint,
                new Call<>(this, principal, orgId, op));
    }

    /** One write of a joint run: who asks, in which organization, and what. Immutable. */
    public static final class Call<O> {

        private final Access access;
        private final Principal principal;
        private final long orgId;
        private final O op;

        private Call(Access access, Principal principal, long orgId, O op) {
            this.access = access;
            this.principal = principal;
            this.orgId = orgId;
            this.op = op;
        }

        public long orgId() {
            return orgId;
        }

        public O op() {
            return op;
        }

        /** The caller, admitted in the write's transaction ({@code tx}, after its organization's lock) as {@link #write} admits it. */
        public Caller caller(Tx tx) {
            return access.caller(tx, principal, orgId);
        }
    }

    /**
     * Like {@link #write}, in a transaction of its own on the calling thread ({@link Store#writeAlone}): for long
     * writes such as a chunk of a bulk import, which would hold up the writes batched with them.
     */
    public <T> Written<T> writeAlone(Principal principal, long orgId, BiFunction<Tx, Caller, T> work) {
        requireOwnOrganization(principal, orgId);
        return store.writeAlone(actor(principal), orgId, tx -> work.apply(tx, caller(tx, principal, orgId)));
    }

    /** Like {@link #writeAlone}, this node's applying of the records left to the caller ({@link Store#commitAlone}). */
    public <T> Store.Committed<T> commitAlone(Principal principal, long orgId, BiFunction<Tx, Caller, T> work) {
        requireOwnOrganization(principal, orgId);
        return store.commitAlone(actor(principal), orgId, tx -> work.apply(tx, caller(tx, principal, orgId)));
    }

    /**
     * A rehearsal of a write: {@code work} runs exactly as in {@link #write} — the organization locked, the caller's
     * state read after the lock, every rule and gate — and its transaction is then rolled back, so nothing is
     * committed, logged or published (sequences aside, which PostgreSQL never rolls back). Refuses what
     * {@link #write} refuses, with the same errors. Returns what {@code work} returned; {@link Tx#pending()} says
     * what the write would have recorded.
     *
     * <p>A rehearsal runs in a transaction of its own ({@link Store#writeAlone}), never in a group commit's shared
     * one: it must see committed state only (the state the engine's copy of the organization has), not a batch's
     * uncommitted writes, and its waiting for the engine must hold up no other request.
     */
    public <T> T rehearse(Principal principal, long orgId, BiFunction<Tx, Caller, T> work) {
        requireOwnOrganization(principal, orgId);
        try {
            store.writeAlone(actor(principal), orgId, tx -> {
                throw new Rehearsed(work.apply(tx, caller(tx, principal, orgId)));
            });
        } catch (Rehearsed done) {
            @SuppressWarnings("unchecked")
            T value = (T) done.value;
            return value;
        }
        throw new IllegalStateException("a rehearsal ended without rolling back");
    }

    /** Carries a rehearsal's result out of its transaction, rolling the transaction back. */
    private static final class Rehearsed extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final transient Object value;

        Rehearsed(Object value) {
            super("rehearsal", null, false, false);
            this.value = value;
        }
    }

    /**
     * {@code caller} read again inside the write it was admitted to, as that write admitted it (step 3 of the class
     * comment), after the write changed what it was read from — its member, its company role, its grants: a bulk
     * import's line acting on the importing member itself, whose later lines are judged as their own requests would
     * be after it. Refuses as admitting does: 401 once its key is revoked or its member no longer active. A service key
     * comes back as it is.
     */
    public Caller reread(Handle h, Caller caller) {
        return caller.isService() ? caller : caller(h, caller.principal(), caller.orgId());
    }

    /** A read of one organization by {@code principal}, with the caller's state as of the read. */
    public <T> T read(Principal principal, long orgId, BiFunction<Handle, Caller, T> query) {
        requireOwnOrganization(principal, orgId);
        return store.read(h -> query.apply(h, caller(h, principal, orgId)));
    }

    /** A deployment-level read (every organization at once): service keys only. */
    public <T> T readDeployment(Principal principal, String what, Function<Handle, T> query) {
        requireService(principal, what);
        return store.read(query);
    }

    /**
     * A deployment-level write (models, new organizations, replica keys): service keys only, one at a time across
     * the deployment ({@link Tx#lockDeployment}). The {@link Caller} (the service key, organization 0) is for services
     * that also write inside the new organization (its first admin).
     */
    public <T> Written<T> writeDeployment(Principal principal, String what, BiFunction<Tx, Caller, T> work) {
        requireService(principal, what);
        Caller caller = Caller.service((Principal.Service) principal, 0L);
        return store.write(actor(principal), null, tx -> {
            tx.lockDeployment();
            return work.apply(tx, caller);
        });
    }

    /**
     * Like {@link #writeDeployment}, in a transaction of its own ({@link Store#commitAlone}), this node's applying of
     * the records left to the caller: for a deployment's import, whose chunks create organizations and write
     * inside them ({@link Caller#inOrganization}, after {@link Tx#lockOrganizations} for those that existed before).
     */
    public <T> Store.Committed<T> commitDeploymentAlone(Principal principal, String what,
                                                        BiFunction<Tx, Caller, T> work) {
        requireService(principal, what);
        Caller caller = Caller.service((Principal.Service) principal, 0L);
        return store.commitAlone(actor(principal), null, tx -> work.apply(tx, caller));
    }

    public void requireService(Principal principal, String what) {
        if (!(principal instanceof Principal.Service)) {
            throw new ForbiddenException("service_key_required", what + " needs a service key");
        }
    }

    /**
     * For the decision API, which answers from the engine: the caller may see the organization at all (a
     * member key only its own, while its member is active in the engine).
     */
    public void requireOrg(Principal principal, long orgId) {
        requireOwnOrganization(principal, orgId);
        if (principal instanceof Principal.Member m && !engine.isActive(m.orgId(), m.memberId())) {
            // the engine may be behind the tables the key was read from: say so, and how to wait for them
            throw new UnauthenticatedException("key_member_inactive", "the key's member " + m.memberId()
                    + " is not active in the state this node holds (deactivated, invited and not yet accepted, or "
                    + "removed — or made active on another node since: name min_revision to wait for that)");
        }
    }

    /**
     * No privilege escalation: a member may only create, widen or hand out a role whose permissions are all
     * its own and which sees no records its own company role does not (no more user fields, no records naming
     * nobody unless its own role sees those, all records only if its own role does). Service keys are exempt.
     */
    public void requireNoEscalation(Caller caller, PermissionModel model, Grant handedOut) {
        requireNoEscalation(caller, model, HandedOut.ROLE, handedOut);
    }

    /**
     * {@link #requireNoEscalation(Caller, PermissionModel, Grant)} for what {@code handedOut} comes with
     * ({@code subject}: a role, or a member's grants), which the refusal names.
     */
    public void requireNoEscalation(Caller caller, PermissionModel model, HandedOut subject, Grant handedOut) {
        if (caller.isService()) {
            return;
        }
        List<String> beyond = model.canonical(handedOut.permissions()).stream().filter(p -> !caller.has(p)).toList();
        if (!beyond.isEmpty()) {
            throw new ForbiddenException("privilege_escalation", subject.gives + " permissions the caller "
                    + "does not hold" + (subject.named ? ": " + beyond : ""));
        }
        if (model.visibility().isPresent()) {
            String wider = handedOut.visibilityBeyond(caller.grant());
            if (wider != null) {
                throw new ForbiddenException("privilege_escalation", subject.sees + " "
                        + (subject.named ? wider : "records the caller's role does not"));
            }
        }
    }

    /** What a write hands out, as a refusal of {@link #requireNoEscalation} names it. */
    public enum HandedOut {
        /** A role: created, widened, or given to a member. */
        ROLE("the role grants", "the role sees", true),
        /**
         * A role given by a caller that may not read it (an external member giving a role it holds nowhere): the
         * refusal says that the role grants more than the caller holds, and not what.
         */
        UNREADABLE_ROLE("the role grants", "the role sees", false),
        /** A member's per-member grants, given beside its company role. */
        GRANTS("the grants give", "the grants see", true);

        private final String gives;
        private final String sees;
        /** Whether the refusal names the permissions and records beyond the caller's. */
        private final boolean named;

        HandedOut(String gives, String sees, boolean named) {
            this.gives = gives;
            this.sees = sees;
            this.named = named;
        }
    }

    /**
     * No taking away what one could not hand out: a member key may remove another member's role on a resource, or
     * replace it with another, only when it holds every permission that role grants — as {@link #requireNoEscalation}
     * reads the caller's own (its company role with its counting grants; its own resource roles do not count, as they
     * do not for handing a role out) — and, in a model with record visibility, the role sees no records beyond the
     * caller's. Otherwise 403 {@code privilege_escalation}: without this, a member allowed to manage assignments could
     * strip a room's owner or admin of a role it could never have given. A member's own role and service keys are
     * exempt (giving up power hands nothing out).
     *
     * @param memberId the member whose role is taken away
     * @param taken    what that role grants
     * @param named    whether the refusal may say what the role grants and sees: only to a caller that may read the
     *                 role ({@code role/RoleReading}); to any other it says that the role holds more than the caller
     * @param what     what is being done, for the error ("removing a role on room 7")
     */
    public void requireMayTakeAway(Caller caller, PermissionModel model, long memberId, Grant taken, boolean named,
                                   String what) {
        if (caller.isService() || caller.is(memberId)) {
            return;
        }
        List<String> beyond = permissionsBeyond(caller, model, taken);
        String sees = visibilityBeyond(caller, model, taken);
        if (!beyond.isEmpty() || sees != null) {
            String held = !named ? "holds permissions or records, which member " + caller.memberId()
                    + " does not hold" : beyondCaller(caller, "grants ", beyond, "sees ", sees);
            throw new ForbiddenException("privilege_escalation", what + " is refused: member " + memberId
                    + "'s role there " + held + "; only a member holding all of it, or a service key, may take it "
                    + "away");
        }
    }

    /**
     * No taking away through a role what one could not hand out: changing a custom role's permissions or visibility
     * changes what every member holding it may do, so a member key may change them only when it could hand the role
     * out as it stands — it holds every permission the role grants and, in a model with record visibility, the role
     * sees no records beyond the caller's. Otherwise 403 {@code privilege_escalation}: without this, a member allowed
     * to manage roles could narrow a role held by members who outrank it, then act on them as its peers (deactivate
     * them, revoking their keys). What the role becomes is judged by {@link #requireNoEscalation}. Service keys are
     * exempt.
     *
     * @param roleId  the role being changed
     * @param current what the role grants before the change
     */
    public void requireMayRedefine(Caller caller, PermissionModel model, long roleId, Grant current) {
        requireHoldsRole(caller, model, roleId, current, false);
    }

    /**
     * No deleting a role one could not create: a member key may delete a custom role only when it could hand the role
     * out as it stands, as {@link #requireMayRedefine} reads it. A role in use cannot be deleted at all, so nobody
     * loses access by it; but without this a member allowed to manage roles could remove what those above it defined
     * and it could never define again. Otherwise 403 {@code privilege_escalation}. Service keys are exempt.
     *
     * @param current what the role grants
     */
    public void requireMayDelete(Caller caller, PermissionModel model, long roleId, Grant current) {
        requireHoldsRole(caller, model, roleId, current, true);
    }

    private void requireHoldsRole(Caller caller, PermissionModel model, long roleId, Grant current, boolean deleting) {
        if (caller.isService()) {
            return;
        }
        List<String> beyond = permissionsBeyond(caller, model, current);
        String sees = visibilityBeyond(caller, model, current);
        if (!beyond.isEmpty() || sees != null) {
            Redefining redefining = new Redefining(roleId, deleting, beyond, sees);
            throw ForbiddenException.about(redefining, "privilege_escalation", redefining.what() + " is refused: it "
                    + beyondCaller(caller, "grants ", beyond, "sees ", sees)
                    + (deleting ? "" : "; a change of it could take from its holders what the caller could not hand "
                    + "out") + ". Only a "
                    + "member holding all of it, or a service key, may " + (deleting ? "delete it" : "change them"));
        }
    }

    /**
     * The permissions {@code held} grants that {@code caller} lacks, in the model's order; a permission the model no
     * longer has decides nothing and is passed over.
     */
    private static List<String> permissionsBeyond(Caller caller, PermissionModel model, Grant held) {
        return model.canonical(held.permissions()).stream().filter(p -> !caller.has(p)).toList();
    }

    /**
     * Whether no member can hold more than {@code caller}: it holds every permission of the model and, in a model with
     * record visibility, sees every record. {@link #requireNotAbove} then reads nothing (a hierarchy move judges every
     * member holding a role above the moved resource).
     */
    private static boolean outranksEveryone(Caller caller, PermissionModel model) {
        return model.permissions().stream().allMatch(p -> caller.has(p.key()))
                && (model.visibility().isEmpty() || caller.grant().seesAll());
    }

    /** The records {@code held} sees beyond {@code caller}'s, in a model with record visibility; null when none. */
    private static String visibilityBeyond(Caller caller, PermissionModel model, Grant held) {
        return model.visibility().isPresent() ? held.visibilityBeyond(caller.grant()) : null;
    }

    /**
     * No acting on a member more powerful than the caller: a member key may change, deactivate, demote or remove
     * another member, read or revoke its keys, or change its grants only when everything that member holds is the
     * caller's own too — each permission of its company role and of its grants where they count (role ∪ grants, as
     * the caller's own are read; whatever its status, since reactivating it hands them out again), and, in a model
     * with record visibility, no records its role sees beyond the caller's. Otherwise 403 {@code
     * privilege_escalation} ({@link Outranked}): without this, a member manager holding less could deactivate the
     * organization's admin (revoking its keys), take its role away or strip its grants — power over privileges it may
     * not hand out itself ({@link #requireNoEscalation}). A member acting on itself and service keys are exempt.
     *
     * @param what what is being done, for the error ("removing a member")
     */
    public void requireNotAbove(Handle h, Caller caller, PermissionModel model, long memberId, String what) {
        if (caller.isService() || caller.is(memberId) || outranksEveryone(caller, model)) {
            return;
        }
        CallerStore.KeyState state = CallerStore.memberState(h, caller.orgId(), memberId).orElse(null);
        if (state == null) {
            return;
        }
        Grant held = withGrants(state);
        List<String> beyond = permissionsBeyond(caller, model, held);
        String sees = visibilityBeyond(caller, model, held);
        if (!beyond.isEmpty() || sees != null) {
            Outranked outranked = new Outranked(what, memberId, beyond, sees);
            throw ForbiddenException.about(outranked, "privilege_escalation", what + " is refused: member " + memberId
                    + " holds " + beyondCaller(caller, "the permissions ", beyond, "a role that sees ", sees)
                    + "; only a member holding all of it, or a service key, may act on it");
        }
    }

    /**
     * Permissions and records held beyond the caller's, as one clause of a refusal: the permissions said to be
     * beyond the caller ("the permissions [a], which member 7 does not hold"), then the records, whose phrase
     * ({@link Grant#visibilityBeyond}) already compares them with the caller's role; either may be empty (null).
     */
    private static String beyondCaller(Caller caller, String permissionsLead, List<String> permissions,
                                       String seesLead, String sees) {
        String held = permissions.isEmpty() ? "" : permissionsLead + permissions + ", which member "
                + caller.memberId() + " does not hold";
        if (sees == null) {
            return held;
        }
        return (held.isEmpty() ? "" : held + ", and ") + seesLead + sees;
    }

    /**
     * No privilege escalation through a member's company role: its per-member grants count only while it is active
     * in a role the model lets take them ({@code member_grants}), and stay stored otherwise. Moving a member to such
     * a role, or reactivating it in one, hands its stored grants out again when they did not count before, so the
     * caller must hold each of them, as granting them needs ({@code GrantService}); the role itself is judged by
     * {@link #requireNoEscalation}. Service keys are exempt.
     *
     * @param countedBefore whether the member's grants counted before the change (active, in a role taking them)
     * @param toRoleKey     the system key of the role it holds after (null: a custom role)
     */
    public void requireNoEscalationGrants(Handle h, Caller caller, PermissionModel model, long orgId, long memberId,
                                          boolean countedBefore, String toRoleKey) {
        MemberGrants bounds = model.memberGrants();
        if (caller.isService() || countedBefore || !takesGrants(model, toRoleKey)) {
            return;
        }
        List<String> granted = CallerStore.memberState(h, orgId, memberId).map(CallerStore.KeyState::granted)
                .orElse(List.of());
        List<String> beyond = granted.stream().filter(bounds.permissions()::contains).filter(p -> !caller.has(p))
                .toList();
        if (!beyond.isEmpty()) {
            throw new ForbiddenException("privilege_escalation", "member " + memberId + "'s grants of " + beyond
                    + " would count again under the role \"" + toRoleKey + "\", and the caller does not hold them");
        }
    }

    /** Whether the model lets members of the role with this system key (null: a custom role) take grants. */
    public static boolean takesGrants(PermissionModel model, String roleKey) {
        MemberGrants bounds = model.memberGrants();
        return bounds.allowed() && roleKey != null && bounds.roles().contains(roleKey);
    }

    private static Actor actor(Principal principal) {
        return principal instanceof Principal.Member m ? Actor.member(m.memberId(), m.keyId())
                : Actor.service(principal.keyId());
    }

    /** Another organization looks exactly as if it did not exist (the store's and the loader's 404). */
    private static void requireOwnOrganization(Principal principal, long orgId) {
        if (principal instanceof Principal.Member m && m.orgId() != orgId) {
            throw new NotFoundException("organization_not_found", "organization " + orgId + " not found");
        }
    }

    /**
     * The caller of a write, admitted at the write's time: an access token that expired since its request was
     * authenticated is refused as a new request with it would be, before its state is read — so a long request
     * (a streamed import's chunks, each a write of its own) ends with its token, as it ends with a revoked key.
     */
    private Caller caller(Tx tx, Principal principal, long orgId) {
        if (principal instanceof Principal.Member m && m.expiredAt(tx.now())) {
            throw Principal.Member.expired();
        }
        return caller(tx.handle(), principal, orgId);
    }

    private Caller caller(Handle h, Principal principal, long orgId) {
        if (principal instanceof Principal.Service s) {
            return Caller.service(s, orgId);
        }
        Principal.Member m = (Principal.Member) principal;
        CallerStore.KeyState state = (m.viaToken() ? CallerStore.memberState(h, orgId, m.memberId())
                : CallerStore.keyState(h, m.keyId(), orgId, m.memberId())).orElseThrow(() -> gone(m));
        if (state.revoked()) {
            throw UnauthenticatedException.keyRevoked("the API key was revoked");
        }
        if (!state.active()) {
            throw inactive(m);
        }
        return Caller.member(m, state.external(), state.roleId(), withGrants(state));
    }

    /**
     * The company role's grant, with the member's per-member grants where the model lets the role take them —
     * role ∪ grants, the engine's rule ({@code DecidingRole}) read in this transaction.
     */
    private Grant withGrants(CallerStore.KeyState state) {
        if (state.granted().isEmpty() || state.modelId() == null) {
            return state.grant();
        }
        Catalog catalog = catalogs.apply(state.modelId());
        if (catalog == null || !catalog.grants().takenBy(state.roleKey())) {
            return state.grant();
        }
        Set<String> permissions = new HashSet<>(state.grant().permissions());
        state.granted().stream().filter(catalog.grants().permissions()::contains).forEach(permissions::add);
        return new Grant(permissions, state.grant().visibleFields(), state.grant().allowUnassigned());
    }

    private static UnauthenticatedException inactive(Principal.Member m) {
        return new UnauthenticatedException("key_member_inactive",
                "the key's member " + m.memberId() + " is not active (deactivated, or invited and not yet accepted)");
    }

    /**
     * The caller's key, or its member, was deleted after its request was authenticated (a request queued behind the
     * member's removal): answered as a new request with it is, {@code invalid_key} (or {@code invalid_token}).
     */
    private static UnauthenticatedException gone(Principal.Member m) {
        return m.viaToken() ? new UnauthenticatedException("invalid_token", "the access token is not valid: its "
                + "user is no member of the organization the request's path names") : UnauthenticatedException.invalidKey();
    }
}
