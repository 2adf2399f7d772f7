package dev.gatehouse.preview;

import dev.gatehouse.access.Access;
import dev.gatehouse.access.Caller;
import dev.gatehouse.access.Principal;
import dev.gatehouse.assignment.AssignmentService;
import dev.gatehouse.changelog.ChangeFeed;
import dev.gatehouse.changelog.ChangeLogStore;
import dev.gatehouse.changelog.ChangeRecord;
import dev.gatehouse.changelog.PendingChange;
import dev.gatehouse.decision.DecisionService;
import dev.gatehouse.engine.DecisionEngine;
import dev.gatehouse.engine.EngineOp;
import dev.gatehouse.engine.Impact;
import dev.gatehouse.enginefeed.ChangeDecoder;
import dev.gatehouse.error.InvalidInputException;
import dev.gatehouse.limit.Places;
import dev.gatehouse.member.Member;
import dev.gatehouse.member.MemberService;
import dev.gatehouse.model.OrgModels;
import dev.gatehouse.role.RoleService;
import dev.gatehouse.store.Tx;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.function.Predicate;
import org.jdbi.v3.core.Handle;

/**
 * Previews of changes: who would gain and who would lose which permissions, where, if a proposed change were made
 * — computed without making it.
 *
 * <p><b>How.</b> The change is <i>rehearsed</i> ({@link Access#rehearse}): the write it previews runs in a
 * transaction of its own — the organization locked, the caller read after the lock, every rule and gate of that
 * write's service — which is then rolled back, so a preview is refused exactly as the write would be (403, 404,
 * 409, 412 and 400 alike) and changes nothing. Under the lock, the change records the write would have appended are
 * decoded by the engine's one decoder ({@link ChangeDecoder}) into engine operations, and the revision the change
 * log has reached is read. That is all the organization's lock and a database connection are held for: a few
 * statements, as long as the write itself would take.
 *
 * <p>The rest runs after the rollback, holding up no write. Once this node has applied every change committed
 * before the rehearsal took the organization's lock, the engine applies the operations to a private copy of the
 * organization's state ({@link DecisionEngine#whatIf}, O(organization), seconds on a large one) with no transaction
 * open. The live engine and the database are untouched. The members listed, and the places the caller sees, are
 * then read in a read of their own ({@link Access#read}, which admits the caller again): as they are stored, never as
 * the write would leave them (a member's version, status or time of change that no stored state has). When that
 * shows some of the effects hidden from the caller, the engine computes the complete lists, again with no
 * transaction open, and a second read counts what the caller sees among them.
 *
 * <p><b>One state.</b> A preview answers as of the state it rehearsed, or not at all: the last statement of each read
 * reads the organization's newest revision, and when a write of the organization has committed since the rehearsal,
 * the attempt is void — its what-if may be of a later state than the rehearsal judged the caller and the change on,
 * and its read of another still (a caller demoted meanwhile was shown a hidden member's roles, a member deleted was
 * counted and not listed) — and the preview is made again from its rehearsal. The {@link #ATTEMPTS}th attempt holds
 * the organization's lock and its connection until it answers, as every preview once did, so that a preview of an
 * organization written without pause still answers.
 *
 * <p><b>Bounded apart.</b> Each what-if copies the organization's state under the lock this node applies every
 * committed write under, then takes processor time and memory of the order of two copies of it: many at once of a
 * large organization once slowed every organization's writes on the node. So the what-ifs, and the reads that show
 * them, run in one of the node's places ({@link Places}, as many as {@link PreviewSettings} says), taken after the rehearsal has rolled back and this node has
 * applied what it waits for, with no connection held and no lock; a preview finding none free in time is refused
 * with 503 {@code previews_busy} and changes nothing. The last attempt takes its place before its rehearsal, so that
 * it never waits for one with the organization locked.
 *
 * <p><b>What the caller sees.</b> Nothing beyond what it may read: effects on resources it does not see (a room
 * it holds no role in, without {@code autoAccessToRooms}) are left out, members it may not read (everyone but
 * itself, for an external member) are neither listed nor counted, and neither is a member on a resource where the
 * caller may not see the role it holds (the model's concealment, {@link AssignmentService#seesHolder}: a user hidden
 * in a room), as the assignment reads leave it out. The one exception is the preview of a member's own change
 * ({@link ProposedChange.MemberEdit}): like {@code /check} about another member, a what-if about that member, which
 * only a caller managing it may ask, answers the truth — the member's roles where it is hidden included.
 *
 * <p>Thread-safe.
 */
public final class PreviewService {

    /**
     * Members one preview lists in all, across its gains, losses and {@code visibilityChanged}, whatever the caller
     * asked: an organization-wide change of a role held by many members reaches each of them once per permission, and
     * listing every one would build an answer of O(members × permissions) — past this, the effects list no more
     * members and their counts stay exact ({@link Preview#truncated}).
     */
    public static final int MAX_LISTED = 10_000;

    /**
     * Effects one preview lists in all, across its gains and then its losses, whatever the caller asked: a change of a
     * role held on many resources reaches each of them (and every resource beneath) once per permission, and listing
     * every one would build an answer of O(resources × permissions), hundreds of megabytes on a large organization —
     * past this, the answer lists no more effects and counts them ({@link Preview#gainsCount},
     * {@link Preview#truncated}).
     */
    public static final int MAX_EFFECTS = 10_000;

    /**
     * Attempts of a preview, the last of them holding the organization's lock throughout: each earlier one is void
     * when the organization changed between its rehearsal and its read (class comment).
     */
    static final int ATTEMPTS = 3;

    /** The savepoint before the rehearsed write of the last attempt, rolled back to once its records are decoded. */
    private static final String REHEARSAL = "rehearsal";

    private final Access access;
    private final OrgModels orgModels;
    private final RoleService roles;
    private final MemberService members;
    private final AssignmentService assignments;
    private final DecisionEngine engine;
    private final ChangeFeed feed;
    private final ChangeLogStore log = new ChangeLogStore();
    private final Places places;

    public PreviewService(Access access, OrgModels orgModels, RoleService roles, MemberService members,
                          AssignmentService assignments, DecisionEngine engine, ChangeFeed feed,
                          PreviewSettings settings) {
        this.access = access;
        this.orgModels = orgModels;
        this.roles = roles;
        this.members = members;
        this.assignments = assignments;
        this.engine = engine;
        this.feed = feed;
        this.places = new Places(settings.atOnce(), settings.waiting(), settings.longestWait(), "previews_busy",
                "computes " + settings.atOnce() + " preview(s) at once");
    }

    /**
     * Refuses a caller that may not address the organization at all — a member key of another organization gets
     * the 404 a nonexistent one gets — before its request is read, as every route does.
     */
    public void requireOrganization(Principal principal, long orgId) {
        access.requireOrg(principal, orgId);
    }

    /**
     * The preview of {@code change} as {@code principal} may see it; each effect lists its first {@code limit}
     * members by id, or every one when {@code all} — until {@link #MAX_LISTED} members, or {@link #MAX_EFFECTS}
     * effects, are listed in all. 503 {@code previews_busy} when the node computes as many previews as it may and no
     * place comes in time ({@link Places}).
     */
    public Preview preview(Principal principal, long orgId, ProposedChange change, int limit, boolean all) {
        if (limit < 0) {
            throw new IllegalArgumentException("limit must be 0 or more: " + limit);
        }
        Objects.requireNonNull(change, "change");
        int asked = all ? Integer.MAX_VALUE : limit;
        boolean concealing = !(change instanceof ProposedChange.MemberEdit);
        for (int attempt = 1; attempt < ATTEMPTS; attempt++) {
            Rehearsal rehearsal = access.rehearse(principal, orgId, (tx, caller) -> rehearsed(tx, caller, orgId, change));
            // The organization's lock and the connection are released: what follows holds neither up.
            feed.awaitRevision(rehearsal.revision(), DecisionService.REVISION_WAIT_MILLIS);
            try {
                return places.hold(() -> computed(orgId, rehearsal, asked, concealing, query -> access.read(principal,
                        orgId, (handle, caller) -> {
                            Preview shown = query.apply(handle, caller);
                            // read after what it shows: a write of the organization committed since the rehearsal,
                            // before or during this read, is seen here
                            if (log.latestRevision(handle, orgId) != rehearsal.orgRevision()) {
                                throw new OrganizationChanged();
                            }
                            return shown;
                        })));
            } catch (OrganizationChanged e) {
                // the what-if, or what was read to show it, may be of another state than the one rehearsed
            }
        }
        // The organization changed under every earlier attempt: this one holds its lock until it answers, and its
        // place from before it takes the lock.
        return places.hold(() -> access.rehearse(principal, orgId, (tx, caller) -> {
            tx.handle().savepoint(REHEARSAL);
            Rehearsal rehearsal = rehearsed(tx, caller, orgId, change);
            // the members and places shown are read as they are stored, not as the rehearsed write left them
            tx.handle().rollbackToSavepoint(REHEARSAL);
            feed.awaitRevision(rehearsal.revision(), DecisionService.REVISION_WAIT_MILLIS);
            return computed(orgId, rehearsal, asked, concealing, query -> query.apply(tx.handle(), caller));
        }));
    }

    /** The rehearsal of {@code change}, in the write transaction {@code tx} (rolled back after). */
    private Rehearsal rehearsed(Tx tx, Caller caller, long orgId, ProposedChange change) {
        try {
            rehearse(tx, caller, orgId, change);
        } catch (InvalidInputException e) {
            throw named(e, change);
        }
        return new Rehearsal(decode(tx), log.latestRevision(tx.handle()), log.latestRevision(tx.handle(), orgId),
                MemberService.seesEveryone(caller));
    }

    /**
     * The preview of a rehearsed change, in a place ({@link Places}): the what-if computed as the engine holds the organization now, with no read
     * open, then what the caller sees of it read through {@code reading}; when that shows some of the effects hidden
     * from the caller, the complete lists are computed, and what the caller sees among them read again.
     */
    private Preview computed(long orgId, Rehearsal rehearsal, int asked, boolean concealing, Reading reading) {
        // no effect lists more than the answer may hold in all; a caller not seeing everyone needs the complete lists
        boolean cut = rehearsal.seesEveryone();
        Impact impact = engine.whatIf(orgId, rehearsal.ops(), cut ? Math.min(asked, MAX_LISTED) : Integer.MAX_VALUE);
        Preview preview = reading.read((handle, caller) -> {
            Shown shown = new Shown(handle, caller, orgId, asked, concealing);
            if (MemberService.seesEveryone(caller) && shown.seesEveryPlace(impact) && shown.concealsNothing(impact)) {
                return shown.of(impact, true);
            }
            return cut ? null : shown.of(impact, false);
        });
        if (preview != null) {
            return preview;
        }
        // Some of it is hidden from the caller: count only what it may see, from the complete lists.
        Impact complete = engine.whatIf(orgId, rehearsal.ops(), Integer.MAX_VALUE);
        return reading.read((handle, caller) -> new Shown(handle, caller, orgId, asked, concealing).of(complete, false));
    }

    /** How a preview reads what it shows: as {@link Access#read} does, or in the rehearsal's own transaction. */
    private interface Reading {
        Preview read(BiFunction<Handle, Caller, Preview> query);
    }

    /** The organization changed between a rehearsal and the read of what its preview shows: the attempt is void. */
    private static final class OrganizationChanged extends RuntimeException {
        private static final long serialVersionUID = 1L;

        OrganizationChanged() {
            super("the organization changed since the rehearsal", null, false, false);
        }
    }

    /**
     * What a rehearsal leaves for the rest of a preview, once its transaction is rolled back and the organization's
     * lock released.
     *
     * @param ops          the engine operations of the changes the rehearsed write recorded
     * @param revision     the newest revision of the change log, read under the organization's lock
     * @param orgRevision  the newest revision of the organization's own records then
     * @param seesEveryone whether the caller, as the rehearsal admitted it, may read every member
     */
    private record Rehearsal(List<EngineOp> ops, long revision, long orgRevision, boolean seesEveryone) {
        Rehearsal {
            ops = List.copyOf(ops);
        }
    }

    /** Runs the write the change stands for, with every rule and gate of its service. */
    private void rehearse(Tx tx, Caller caller, long orgId, ProposedChange change) {
        if (change instanceof ProposedChange.RoleEdit r) {
            roles.update(tx, caller, orgId, r.roleId(), r.input(), r.expectedVersion());
        } else if (change instanceof ProposedChange.MemberEdit m) {
            members.update(tx, caller, orgId, m.member(), m.input(), m.expectedVersion());
        } else if (change instanceof ProposedChange.AssignmentPut a) {
            assignments.put(tx, caller, orgId, a.resourceType(), a.resourceId(), a.member(), a.roleId(),
                    a.expiresAt());
        } else if (change instanceof ProposedChange.AssignmentRemoval a) {
            assignments.remove(tx, caller, orgId, a.resourceType(), a.resourceId(), a.member());
        } else {
            throw new IllegalArgumentException("unknown change " + change);
        }
    }

    /**
     * {@code refused} with its fields named where they lie in the preview's body ({@link ProposedChange#path}), as the
     * preview's own reading of the body names them: the write names {@code expires_at}, the preview
     * {@code assignment.expires_at}.
     */
    private static InvalidInputException named(InvalidInputException refused, ProposedChange change) {
        if (refused.fieldErrors().isEmpty()) {
            return refused;
        }
        Map<String, String> named = new LinkedHashMap<>();
        String detail = refused.detail();
        for (Map.Entry<String, String> e : refused.fieldErrors().entrySet()) {
            String path = change.path(e.getKey());
            named.put(path, e.getValue());
            if (detail.startsWith(e.getKey() + ": ")) {
                detail = path + detail.substring(e.getKey().length());
            }
        }
        return new InvalidInputException(refused.code(), detail, named, refused);
    }

    /** The engine operations of the changes the rehearsed write recorded, by the one decoder. */
    private static List<EngineOp> decode(Tx tx) {
        List<EngineOp> ops = new ArrayList<>();
        Instant now = tx.now();
        for (PendingChange c : tx.pending()) {
            ops.addAll(ChangeDecoder.decode(new ChangeRecord(0L, c.orgId(), now, tx.actor(), c.objectType(),
                    c.objectId(), c.action(), c.changedFields(), c.before(), c.after(), c.delta())));
        }
        return ops;
    }

    /**
     * An {@link Impact} cut to what one caller may see, with member records instead of ids for the members listed —
     * at most {@link #MAX_LISTED} of them, in at most {@link #MAX_EFFECTS} effects; the others are counted, never
     * read. Reads through one request's read ({@link Access#read}), inside it only; used once.
     */
    private final class Shown {
        private final Handle handle;
        private final Caller caller;
        private final long orgId;
        /** Members asked for per effect ({@link Integer#MAX_VALUE}: every one). */
        private final int asked;
        private final boolean concealing;
        private final Map<String, Boolean> seen = new HashMap<>();
        private final Map<String, Boolean> concealed = new HashMap<>();
        private final Map<String, Boolean> seenHolders = new HashMap<>();
        /** Each member's roles on the resources of one type, by resource id: type, then member id. */
        private final Map<String, Map<Long, Map<String, Long>>> held = new HashMap<>();

        /**
         * @param asked      members listed per effect, {@link Integer#MAX_VALUE} for every one
         * @param concealing whether holders the caller may not see on a resource are left out (the class comment)
         */
        Shown(Handle handle, Caller caller, long orgId, int asked, boolean concealing) {
            this.handle = handle;
            this.caller = caller;
            this.orgId = orgId;
            this.asked = asked;
            this.concealing = concealing;
        }

        boolean seesEveryPlace(Impact impact) {
            return impact.gains().stream().allMatch(this::seesPlace) && impact.losses().stream().allMatch(this::seesPlace);
        }

        /** Whether no place of {@code impact} may hide a holder from the caller, so that its counts may stand. */
        boolean concealsNothing(Impact impact) {
            return impact.gains().stream().noneMatch(e -> conceals(e.where()))
                    && impact.losses().stream().noneMatch(e -> conceals(e.where()));
        }

        /**
         * @param exact whether the caller sees all of {@code impact}: its counts stand; else they are counted
         *              here from its complete member lists
         */
        Preview of(Impact impact, boolean exact) {
            List<Impact.Effect> gains = impact.gains().stream().filter(this::seesPlace).map(this::seenHolders).toList();
            List<Impact.Effect> losses = impact.losses().stream().filter(this::seesPlace).map(this::seenHolders)
                    .toList();
            // a model without record visibility has none to change (the engine compares a role's settings, or none)
            Impact.Members visibility = orgModels.model(handle, orgId).visibility().isPresent()
                    ? impact.visibilityChanged() : new Impact.Members(0, List.of());
            Map<Long, Member> read = readable(gains, losses, visibility);
            Predicate<Long> readable = read == null ? id -> true : read::containsKey;
            Listing listing = new Listing();
            List<Chosen> chosenGains = gains.stream().map(e -> listing.choose(e.members(), readable, exact)).toList();
            List<Chosen> chosenLosses = losses.stream().map(e -> listing.choose(e.members(), readable, exact))
                    .toList();
            Chosen chosenVisibility = listing.chooseListed(visibility, readable, exact);
            Map<Long, Member> records = read != null ? read : read(listing.ids.stream().distinct().toList());
            return new Preview(impact.revision(), effects(gains, chosenGains, records),
                    effects(losses, chosenLosses, records), reaching(chosenGains), reaching(chosenLosses),
                    exact ? impact.membersGaining() : distinct(gains, readable),
                    exact ? impact.membersLosing() : distinct(losses, readable), chosenVisibility.members(records),
                    listing.truncated);
        }

        /**
         * The members the caller may read among those the effects reach, by id, read once (an external caller:
         * itself); null for a caller that sees every member: then only the members listed are read ({@link #read}),
         * once chosen.
         */
        private Map<Long, Member> readable(List<Impact.Effect> gains, List<Impact.Effect> losses,
                                           Impact.Members visibility) {
            if (MemberService.seesEveryone(caller)) {
                return null;
            }
            Set<Long> reached = new HashSet<>(visibility.ids());
            gains.forEach(e -> reached.addAll(e.members().ids()));
            losses.forEach(e -> reached.addAll(e.members().ids()));
            return read(List.copyOf(reached));
        }

        /** The records of the members {@code ids} names that the caller may read, by id. */
        private Map<Long, Member> read(List<Long> ids) {
            Map<Long, Member> records = new HashMap<>();
            members.readable(handle, caller, orgId, ids).forEach(m -> records.put(m.id(), m));
            return records;
        }

        private boolean seesPlace(Impact.Effect effect) {
            Impact.Where w = effect.where();
            if (w.organizationWide() || w.resourceId() == null) {
                return true;
            }
            return seen.computeIfAbsent(w.resourceType() + "\u0000" + w.resourceId(),
                    k -> assignments.sees(handle, caller, orgId, w.resourceType(), w.resourceId()));
        }

        /**
         * Whether the caller may not see some holder of a role on the resource of {@code where} (organization-wide
         * and unassigned places have no holder to hide): the model's concealment there, asked once per resource.
         */
        private boolean conceals(Impact.Where where) {
            if (!concealing || where.organizationWide() || where.resourceId() == null) {
                return false;
            }
            return concealed.computeIfAbsent(where.resourceType() + "\u0000" + where.resourceId(),
                    k -> assignments.hiddenFrom(handle, caller, orgId, where.resourceType(), where.resourceId())
                            != null);
        }

        /**
         * {@code effect} without the members whose role on its resource the caller may not see, by the rule of the
         * assignment reads; its member lists are complete wherever that may leave one out ({@link #concealsNothing}).
         */
        private Impact.Effect seenHolders(Impact.Effect effect) {
            Impact.Where w = effect.where();
            if (!conceals(w)) {
                return effect;
            }
            List<Long> kept = effect.members().ids().stream().filter(id -> seesHolder(w, id)).toList();
            return kept.size() == effect.members().count() ? effect
                    : new Impact.Effect(effect.permission(), w, new Impact.Members(kept.size(), kept));
        }

        /** Whether the caller sees {@code memberId} on the resource of {@code where}: holding no role there, it does. */
        private boolean seesHolder(Impact.Where where, long memberId) {
            return seenHolders.computeIfAbsent(where.resourceType() + "\u0000" + where.resourceId() + "\u0000"
                    + memberId, k -> {
                        Long roleId = heldOn(where.resourceType(), memberId).get(where.resourceId());
                        return roleId == null || assignments.seesHolder(handle, caller, orgId, where.resourceType(),
                                where.resourceId(), memberId, roleId);
                    });
        }

        /** The roles {@code memberId} holds on resources of {@code type}, by resource id: read once per member. */
        private Map<String, Long> heldOn(String type, long memberId) {
            return held.computeIfAbsent(type, t -> new HashMap<>()).computeIfAbsent(memberId, m -> {
                Map<String, Long> roles = new HashMap<>();
                AssignmentService.heldOn(handle, orgId, memberId, List.of(type))
                        .forEach(a -> roles.put(a.resourceId(), a.roleId()));
                return roles;
            });
        }

        private List<Preview.Effect> effects(List<Impact.Effect> effects, List<Chosen> chosen,
                                             Map<Long, Member> records) {
            List<Preview.Effect> out = new ArrayList<>();
            for (int i = 0; i < effects.size(); i++) {
                Impact.Effect e = effects.get(i);
                if (chosen.get(i).listed()) {
                    out.add(new Preview.Effect(e.permission(), e.where().resourceType(), e.where().resourceId(),
                            chosen.get(i).members(records)));
                }
            }
            return out;
        }

        /** How many of the effects {@code chosen} reach a member the caller may read: listed or not. */
        private static int reaching(List<Chosen> chosen) {
            return (int) chosen.stream().filter(c -> c.count() > 0).count();
        }

        /** Distinct members the caller may read among complete lists. */
        private static int distinct(List<Impact.Effect> effects, Predicate<Long> readable) {
            return (int) effects.stream().flatMap(e -> e.members().ids().stream()).filter(readable)
                    .distinct().count();
        }

        /**
         * The effects and members listed, effect after effect in the answer's order: the effects reaching a member the
         * caller may read until {@link #MAX_EFFECTS} are listed, each with its first {@link #asked} readable members
         * until {@link #MAX_LISTED} are, or what is left of that bound.
         */
        private final class Listing {
            private final List<Long> ids = new ArrayList<>();
            private int effects;
            /** Whether a bound left out some effect, or left some effect fewer members than asked for. */
            private boolean truncated;

            /**
             * The members of an effect, {@code found}, that the caller may read: how many ({@code found}'s count
             * when {@code exact}), and the ids of those listed — none when the effect is not listed: it reaches no
             * such member, or {@link #MAX_EFFECTS} effects are listed already.
             */
            Chosen choose(Impact.Members found, Predicate<Long> readable, boolean exact) {
                int count = readable(found, readable, exact);
                if (count == 0) {
                    return new Chosen(0, List.of(), false);
                }
                if (effects == MAX_EFFECTS) {
                    truncated = true;
                    return new Chosen(count, List.of(), false);
                }
                effects++;
                return listed(found, readable, count);
            }

            /**
             * The members of {@code found}, in a place the answer lists (an effect within {@link #MAX_EFFECTS}, or
             * {@code visibilityChanged}), that the caller may read: how many ({@code found}'s count when
             * {@code exact}), and the ids of those listed.
             */
            Chosen chooseListed(Impact.Members found, Predicate<Long> readable, boolean exact) {
                return listed(found, readable, readable(found, readable, exact));
            }

            /** The first readable members of {@code found}, which has {@code count} of them, as the bound leaves room. */
            private Chosen listed(Impact.Members found, Predicate<Long> readable, int count) {
                int room = Math.min(asked, MAX_LISTED - ids.size());
                List<Long> first = found.ids().stream().filter(readable).limit(room).toList();
                truncated |= first.size() < Math.min(asked, count);
                ids.addAll(first);
                return new Chosen(count, first, true);
            }

            /** How many members of {@code found} the caller may read: {@code found}'s count when {@code exact}. */
            private static int readable(Impact.Members found, Predicate<Long> readable, boolean exact) {
                return exact ? found.count() : (int) found.ids().stream().filter(readable).count();
            }
        }
    }

    /**
     * How many members an effect has that the caller may read, the ids of those it lists, by id, and whether the
     * answer lists it.
     */
    private record Chosen(int count, List<Long> ids, boolean listed) {

        Preview.Members members(Map<Long, Member> records) {
            return new Preview.Members(count, ids.stream().map(records::get).filter(Objects::nonNull).toList());
        }
    }
}
