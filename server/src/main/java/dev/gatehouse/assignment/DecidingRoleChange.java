package dev.gatehouse.assignment;

import dev.gatehouse.access.Access;
import dev.gatehouse.access.Caller;
import dev.gatehouse.error.ForbiddenException;
import dev.gatehouse.model.PermissionModel;
import dev.gatehouse.model.ResourceType;
import dev.gatehouse.role.Role;
import dev.gatehouse.role.RoleStore;
import dev.gatehouse.store.Tx;
import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;
import org.jdbi.v3.core.Handle;

import static dev.gatehouse.store.SqlTime.instant;

/**
 * The rule every assignment write is judged by, whichever way it changes a member's role on a resource — given,
 * replaced, removed (one by one, by resource, by member, an import's line), its end moved: what it changes in the
 * role that <em>decides</em> for the member there, the engine's rule ({@code DecidingRole}) read in the write's
 * transaction. Before and after the write that is the member's own role on the resource; without one, its role on
 * the nearest ancestor holding one (the resource hierarchy, table {@code resources}); without any, an internal
 * member's company role (with its grants where they count) where the type inherits it; else none. A write that lets
 * an ancestor's role or the company role decide again (a role removed) hands out what that role grants; one that
 * overrides them (a role given, even an empty one) takes away what they granted. So the write is judged as giving
 * the permissions the deciding role after has and the one before lacks — the caller must hold each of them, its own
 * roles on resources not counting, as for handing a role out; a member taking away its own role is exempt only when
 * it gains nothing — and as taking away the permissions the deciding role before has and the one after lacks — the
 * caller must hold them, and act on the member at all ({@link Access#requireNotAbove}): taking away what decides for
 * the member there — its own role on the resource, a role given above it (on an ancestor), or its company role —
 * demotes the member there, which only a caller holding all the member holds may do, whichever role decided (a v5
 * Manager's flags count wherever it manages a room, through its role on an office, a region or the company, so an
 * office's Manager may not give, in a room, a lesser role to a region's Manager holding a flag it lacks, whether that
 * replaces its room role or overrides its region's); a member's own loss and service keys are exempt.
 *
 * <p>A descendant holding a role of its own is untouched by the write; every other descendant decides through this
 * resource, so as this resource does, and judging the resource covers the whole subtree — except where the company
 * role decides, which counts only on the types that inherit it: it is counted as deciding wherever a type of the
 * subtree inherits it when it would give or take something, and as deciding only when every type of the subtree
 * inherits it when it would spare the write from being judged (the stricter reading either way). Only the
 * permissions that apply on the resource's type or a type that may lie beneath it count, on both sides (a role grants
 * no other there, as the engine decides): an organization-only permission is neither gained nor lost on a resource.
 * Time counts too, moment by moment: a role with an end (on the resource or an ancestor) decides until then and
 * what lies beneath it after, and each moment is judged by what decides then before the write against what decides
 * then after it ({@link #aligned}), from the write's time ({@link Tx#now()}) on: a moment before it has passed, so a
 * role whose end has come by then decides at none, though its row stays until the expiry job's next run
 * ({@link AssignmentExpiry}). So an end brought nearer is judged as taking the role away from then, one moved later
 * as giving it for longer, and a write that changes what decides at no moment — a role given on the resource until
 * before an ancestor's same role ends, or removed again — changes nothing. Record visibility is a matter of the
 * company role and of the role handed out (judged by {@link Access#requireNoEscalation}), not of which role decides
 * on a resource, and is not judged here.
 *
 * <p>A change of the hierarchy is judged by the same rule ({@link #judgeMove}, for {@link HierarchyMoves}): moving a
 * resource to another parent, or out of one, sets, for every member holding no role on it, the role it holds on the
 * nearest new ancestor (else its company role) in place of the one on the nearest old ancestor — what removing its
 * role on the old ancestor and giving one on the new would do — so what a member gains there the caller must hold,
 * and what another member loses too. Ends count moment by moment: a role on an ancestor decides until its end, what
 * lies beneath it after; a member whose own role on it has an end is judged for the time after that end (where that
 * end lies after the write's time), and a refusal then names it.
 *
 * <p>Reads the member's roles on the resource's ancestors and its company role in one statement (a recursive query
 * over the resources' parents, {@link #read}); a move, every member's roles on both chains of ancestors and their
 * company roles in one statement too; none for a service key, which passes, or where nothing but the resource's own
 * roles can decide. Stateless, thread-safe.
 */
final class DecidingRoleChange {

    /**
     * What a batch holds of a member's assignments that the table may not hold yet (an import's rows put and not yet
     * flushed): the assignment on a resource as the write sees it, given the table's ({@code stored}, null: none).
     */
    @FunctionalInterface
    interface Pending {
        Pending NONE = (type, resourceId, memberId, stored) -> stored;

        Assignment held(String type, String resourceId, long memberId, Assignment stored);
    }

    /** More levels than any model has resource types (a model declares at most 50). */
    private static final int MAX_DEPTH = 64;

    private final Access access;

    DecidingRoleChange(Access access) {
        this.access = access;
    }

    /**
     * 403 {@code privilege_escalation} unless {@code caller} may change a member's role on a resource from
     * {@code before} to {@code after} (null: none; both of the same member and resource) in write {@code tx} — see
     * the class comment.
     */
    void judge(Tx tx, Caller caller, PermissionModel model, Assignment before, Assignment after, String what) {
        judge(tx, caller, model, before, after, Pending.NONE, what);
    }

    /** {@link #judge(Tx, Caller, PermissionModel, Assignment, Assignment, String)} inside a batch. */
    void judge(Tx tx, Caller caller, PermissionModel model, Assignment before, Assignment after, Pending pending,
               String what) {
        if (caller.isService() || before == null && after == null) {
            return;
        }
        Handle h = tx.handle();
        Assignment one = after == null ? before : after;
        Read read = read(h, model, one, List.of(one.memberId()), roleIds(Arrays.asList(before, after)), true, pending);
        judge(tx, caller, model, one, before, after, read, read.fallbacks.get(one.memberId()), what);
    }

    /**
     * Judges taking away each of {@code held} — the roles of one resource, each of another member — as
     * {@link #judge} would one by one, reading them all in one statement.
     */
    void judgeRemovals(Tx tx, Caller caller, PermissionModel model, List<Assignment> held, String what) {
        if (caller.isService() || held.isEmpty()) {
            return;
        }
        Read read = read(tx.handle(), model, held.get(0), held.stream().map(Assignment::memberId).toList(),
                roleIds(held), true, Pending.NONE);
        for (Assignment a : held) {
            judge(tx, caller, model, a, a, null, read, read.fallbacks.get(a.memberId()), what);
        }
    }

    /**
     * Judges taking away every one of {@code held} — all roles of one member, at once: without any, its company role
     * decides (where the types inherit it) on every resource. One statement.
     */
    void judgeRemovalOfAll(Tx tx, Caller caller, PermissionModel model, List<Assignment> held, String what) {
        if (caller.isService() || held.isEmpty()) {
            return;
        }
        Read read = read(tx.handle(), model, held.get(0), List.of(held.get(0).memberId()), roleIds(held), false,
                Pending.NONE);
        Company company = read.companies.getOrDefault(held.get(0).memberId(), Company.NONE);
        for (Assignment a : held) {
            judge(tx, caller, model, a, a, null, read, List.of(new Timed(company.deciding(model, a.resourceType()),
                    null)), what);
        }
    }

    /**
     * Judges moving a resource from under {@code from} to under {@code to} (null: at the top, or not recorded) — a
     * resource recorded, moved, taken to the top or deleted — as the assignment writes it amounts to: for every
     * member holding no role on the resource (or one with an end, from that end on), the role deciding there is its
     * role on the nearest ancestor holding one, else its company role; the move sets the one of the new ancestors in
     * place of the one of the old, there and on every resource beneath that decides through it. Members holding a
     * role on none of the ancestors, old or new, keep their company role deciding and are not judged (the caller
     * among them). One statement (a recursive query over both chains of ancestors, with the roles held there and the
     * judged members' company roles); none for a service key or when the parent stays.
     */
    void judgeMove(Tx tx, Caller caller, PermissionModel model, long orgId, String type, String id, Parent from,
                   Parent to, String what) {
        if (caller.isService() || Objects.equals(from, to)) {
            return;
        }
        Handle h = tx.handle();
        Map<Long, List<Row>> old = new HashMap<>();
        Map<Long, List<Row>> moved = new HashMap<>();
        Map<Long, Row> own = new HashMap<>();
        Map<Long, Company> companies = new HashMap<>();
        h.createQuery(MOVE).bind("org", orgId).bind("type", type).bind("rid", id)
                .bind("otype", from == null ? null : from.type()).bind("oid", from == null ? null : from.id())
                .bind("ntype", to == null ? null : to.type()).bind("nid", to == null ? null : to.id())
                .map((rs, ctx) -> Map.entry(rs.getString("side"), row(rs))).forEach(e -> {
                    Row row = e.getValue();
                    switch (e.getKey()) {
                        case OLD -> old.computeIfAbsent(row.memberId, m -> new ArrayList<>()).add(row);
                        case NEW -> moved.computeIfAbsent(row.memberId, m -> new ArrayList<>()).add(row);
                        case OWN -> own.put(row.memberId, row);
                        default -> companies.put(row.memberId, new Company(row.external, companyPermissions(model,
                                row)));
                    }
                });
        Set<Long> members = new TreeSet<>(old.keySet());
        members.addAll(moved.keySet());
        for (long memberId : members) {
            Row held = own.get(memberId);
            if (held != null && held.expiresAt == null) {
                continue; // its own role decides there, and beneath, before and after
            }
            Company company = companies.getOrDefault(memberId, Company.NONE);
            // its own role there decides until its end: what changes lies after it, named in a refusal; one that
            // has ended by the write's time (the expiry job has not yet removed it) decides no more
            Instant ownEnd = held == null || !held.expiresAt.isAfter(tx.now()) ? null : held.expiresAt;
            Judged judged = new Judged(model, type);
            aligned(judged, timeline(old.getOrDefault(memberId, List.of()), company, model, type),
                    timeline(moved.getOrDefault(memberId, List.of()), company, model, type),
                    ownEnd == null ? tx.now() : ownEnd);
            require(h, caller, model, memberId, type, id, judged, ownEnd, what);
        }
    }

    /** A resource's parent, before or after a move (a resource at the top, or not recorded, has none: null). */
    record Parent(String type, String id) {
        Parent {
            Objects.requireNonNull(type, "type");
            Objects.requireNonNull(id, "id");
        }
    }

    /** A role deciding until {@code until} (null: with no end). */
    private record Timed(Decider decider, Instant until) {
    }

    /**
     * What decides in turn for a member on a resource below {@code chain} (its roles on the ancestors, nearest first):
     * the nearest role until its end, the next one then…, the company role after the last role with an end.
     */
    private static List<Timed> timeline(List<Row> chain, Company company, PermissionModel model, String type) {
        List<Timed> timeline = new ArrayList<>();
        for (Row link : chain) {
            timeline.add(new Timed(Decider.of(link.permissions), link.expiresAt));
            if (link.expiresAt == null) {
                return timeline;
            }
        }
        timeline.add(new Timed(company.deciding(model, type), null));
        return timeline;
    }

    /**
     * Adds to {@code judged} what deciding by {@code is} instead of {@code was} changes, each moment against the
     * same moment, from {@code from} on — the write's time, or later: a moment before it has passed and is not
     * judged, so a role ended by then (its row stored until the expiry job's next run) is passed over. Each timeline
     * lists what decides in turn, nearest first, each until its end and the last with none: one decides from the end
     * of those before it, so one ending no later than they do never decides and is passed over. The company role
     * against itself changes nothing.
     */
    private static void aligned(Judged judged, List<Timed> was, List<Timed> is, Instant from) {
        int i = 0;
        int j = 0;
        Instant start = from; // the start of the moments compared next
        while (true) {
            while (endsBy(was.get(i), start)) {
                i++;
            }
            while (endsBy(is.get(j), start)) {
                j++;
            }
            Timed before = was.get(i);
            Timed after = is.get(j);
            Instant end = before.until == null ? after.until : after.until == null ? before.until
                    : before.until.isBefore(after.until) ? before.until : after.until;
            if (!(before.decider.company && after.decider.company)) {
                judged.add(before.decider, after.decider);
            }
            if (end == null) {
                return;
            }
            start = end;
        }
    }

    /** Whether {@code timed} has ended by {@code start}. */
    private static boolean endsBy(Timed timed, Instant start) {
        return timed.until != null && !timed.until.isAfter(start);
    }

    private static List<Long> roleIds(List<Assignment> assignments) {
        return assignments.stream().filter(Objects::nonNull).map(Assignment::roleId).distinct().toList();
    }

    /**
     * Judges {@code before} replaced by {@code after} (null: none) as {@link #aligned} does: each decides until its
     * end, and {@code fallback} — what decides where the member holds no role on the resource, in turn — beneath it
     * and after it. So an end brought nearer is judged as taking the role away from then, one moved later as giving
     * it for longer, and a role on an ancestor with an end as deciding until then, each moment from the write's time
     * on against the same moment: a write that changes nothing at any moment is judged as changing nothing.
     */
    private void judge(Tx tx, Caller caller, PermissionModel model, Assignment one, Assignment before,
                       Assignment after, Read read, List<Timed> fallback, String what) {
        Judged judged = new Judged(model, one.resourceType());
        aligned(judged, deciding(read, before, fallback), deciding(read, after, fallback), tx.now());
        Instant from = null; // where what changes lies after the role's end only, that end: named in a refusal
        if (before != null && after != null && before.roleId() == after.roleId() && before.expiresAt() != null
                && (after.expiresAt() == null || after.expiresAt().isAfter(before.expiresAt()))) {
            from = before.expiresAt(); // the role kept, deciding for longer instead of what lies beneath
        }
        require(tx.handle(), caller, model, one.memberId(), one.resourceType(), one.resourceId(), judged, from, what);
    }

    /** What decides in turn with {@code held} on the resource (null: none): it until its end, then {@code fallback}. */
    private static List<Timed> deciding(Read read, Assignment held, List<Timed> fallback) {
        if (held == null) {
            return fallback;
        }
        Timed own = new Timed(read.role(held.roleId()), held.expiresAt());
        if (held.expiresAt() == null) {
            return List.of(own);
        }
        List<Timed> deciding = new ArrayList<>(fallback.size() + 1);
        deciding.add(own);
        deciding.addAll(fallback);
        return deciding;
    }

    /**
     * 403 {@code privilege_escalation} unless {@code caller} may make the change {@code judged} holds for member
     * {@code memberId} on a resource and the resources deciding through it: hold every permission it gains, and,
     * unless the caller is the member, every one it loses, and act on the member where it loses any.
     * {@code ownEnd}: the end of the member's own role on the resource when the change counts only after it (a move;
     * that role kept with its end lifted or moved later),
     * named in the refusal; else null.
     */
    private void require(Handle h, Caller caller, PermissionModel model, long memberId, String type, String id,
                         Judged judged, Instant ownEnd, String what) {
        String after = ownEnd == null ? "" : " after its own role there ends at " + ownEnd;
        List<String> gained = model.canonical(judged.gains).stream().filter(Predicate.not(caller::has)).toList();
        if (!gained.isEmpty()) {
            throw new ForbiddenException("privilege_escalation", what + " is refused: member " + memberId
                    + " would gain " + gained + " on " + type + " " + id + " and the "
                    + "resources beneath it that decide through it (from its role on an ancestor, or its company "
                    + "role)" + after + ", which member " + caller.memberId() + " does not hold; only a member "
                    + "holding all of it, or a service key, may");
        }
        if (caller.is(memberId)) {
            return;
        }
        List<String> lost = model.canonical(judged.losses).stream().filter(Predicate.not(caller::has)).toList();
        if (!lost.isEmpty()) {
            throw new ForbiddenException("privilege_escalation", what + " is refused: member " + memberId
                    + " would lose " + lost + " on " + type + " " + id + " and the "
                    + "resources beneath it that decide through it" + after + ", which member " + caller.memberId()
                    + " does not hold; only a member holding all of it, or a service key, may take it away");
        }
        if (!judged.losses.isEmpty()) {
            access.requireNotAbove(h, caller, model, memberId, what);
        }
    }

    /**
     * What one judged change gives and takes away on a resource and beneath, over every pair of roles deciding at the
     * same moment before and after it ({@link #aligned}). Only the permissions that apply there count
     * ({@code applicable}: on the resource's type or a type that may lie beneath it, as the engine decides which a
     * type has), on both sides: a role deciding there grants no other, so an organization-only permission is neither
     * gained nor lost by the change.
     */
    private static final class Judged {
        final Set<String> applicable;
        final Set<String> gains = new LinkedHashSet<>();
        final Set<String> losses = new LinkedHashSet<>();

        Judged(PermissionModel model, String type) {
            Set<String> applicable = new HashSet<>();
            subtree(model, type).forEach(t -> applicable.addAll(model.permissionsOn(t.key())));
            this.applicable = applicable;
        }

        /** Adds what {@code after} deciding at some moment in place of {@code before} gives and takes away. */
        void add(Decider before, Decider after) {
            after.most.stream().filter(p -> !before.least.contains(p) && applicable.contains(p)).forEach(gains::add);
            before.most.stream().filter(p -> !after.least.contains(p) && applicable.contains(p)).forEach(losses::add);
        }
    }

    /**
     * A role that may decide on the resource and the resources deciding through it: {@code most}, the permissions it
     * grants on some of them; {@code least}, those it grants on all of them ({@code company}: it is the company role,
     * which counts only on the types inheriting it).
     */
    private record Decider(Set<String> most, Set<String> least, boolean company) {
        static final Decider NOTHING = new Decider(Set.of(), Set.of(), false);

        /** A role held on the resource itself or on an ancestor of it. */
        static Decider of(List<String> permissions) {
            Set<String> all = Set.copyOf(permissions);
            return new Decider(all, all, false);
        }
    }

    /** A member's company role as it decides on resources: its permissions with its grants where they count. */
    private record Company(boolean external, Set<String> permissions) {
        static final Company NONE = new Company(true, Set.of());

        Decider deciding(PermissionModel model, String type) {
            if (external || permissions.isEmpty()) {
                return Decider.NOTHING;
            }
            List<ResourceType> subtree = subtree(model, type);
            boolean somewhere = subtree.stream().anyMatch(ResourceType::inheritsCompanyRole);
            boolean everywhere = subtree.stream().allMatch(ResourceType::inheritsCompanyRole);
            return new Decider(somewhere ? permissions : Set.of(), everywhere ? permissions : Set.of(), somewhere);
        }
    }

    /** The type and every type whose resources may lie beneath one of it (the model's parent types have no cycle). */
    private static List<ResourceType> subtree(PermissionModel model, String type) {
        List<ResourceType> found = new ArrayList<>();
        model.resourceType(type).ifPresent(found::add);
        for (int i = 0; i < found.size(); i++) {
            String parent = found.get(i).key();
            model.resourceTypes().stream().filter(t -> parent.equals(t.parentType())).forEach(found::add);
        }
        return found;
    }

    /**
     * What {@link #read} read: for each member, the roles that decide on the resource where it holds none there,
     * nearest first, each until its end — its role on the nearest ancestor holding one (and, where that one ends,
     * what decides after it), else its company role, with no end; the company roles; the roles asked for by id.
     */
    private record Read(Map<Long, List<Timed>> fallbacks, Map<Long, Company> companies, Map<Long, Decider> roles) {
        Decider role(long roleId) {
            return roles.getOrDefault(roleId, Decider.NOTHING);
        }
    }

    /**
     * Reads, in one statement, the roles {@code roleIds}, the company roles of {@code members} and, with
     * {@code chain}, their roles on the ancestors of {@code on}'s resource (as {@code pending} holds them).
     */
    private static Read read(Handle h, PermissionModel model, Assignment on, List<Long> members, List<Long> roleIds,
                             boolean chain, Pending pending) {
        Map<Long, Company> companies = new HashMap<>();
        Map<Long, List<Row>> chains = new HashMap<>();
        Map<Long, Decider> roles = new HashMap<>();
        h.createQuery((chain ? CHAIN + "UNION ALL " : "") + COMPANY_AND_ROLES + "ORDER BY 2, 1")
                .bind("org", on.orgId()).bind("type", on.resourceType()).bind("rid", on.resourceId())
                .bindArray("members", Long.class, members)
                .bindArray("roles", Long.class, roleIds)
                .map((rs, ctx) -> row(rs)).forEach(row -> {
                    if (row.depth == ROLE) {
                        roles.put(row.roleId, Decider.of(row.permissions));
                    } else if (row.depth == COMPANY) {
                        companies.put(row.memberId, new Company(row.external, companyPermissions(model, row)));
                    } else {
                        chains.computeIfAbsent(row.memberId, m -> new ArrayList<>()).add(row);
                    }
                });
        Map<Long, List<Timed>> fallbacks = new HashMap<>();
        for (long memberId : members) {
            List<Timed> deciding = new ArrayList<>();
            boolean endless = false;
            for (Row link : chains.getOrDefault(memberId, List.of())) {
                Assignment stored = link.roleId == null ? null : new Assignment(on.orgId(), link.type, link.id,
                        memberId, link.roleId, link.expiresAt, link.expiresAt, link.expiresAt);
                Assignment held = pending.held(link.type, link.id, memberId, stored);
                if (held == null) {
                    continue;
                }
                deciding.add(new Timed(held == stored ? Decider.of(link.permissions) : ROLE_STORE.find(h,
                        on.orgId(), held.roleId()).map(Role::permissions).map(Decider::of)
                        .orElse(Decider.NOTHING), held.expiresAt()));
                if (held.expiresAt() == null) {
                    endless = true;
                    break;
                }
            }
            if (!endless) {
                deciding.add(new Timed(companies.getOrDefault(memberId, Company.NONE).deciding(model,
                        on.resourceType()), null));
            }
            fallbacks.put(memberId, deciding);
        }
        return new Read(fallbacks, companies, roles);
    }

    private static final RoleStore ROLE_STORE = new RoleStore();

    /** The company role's permissions with the member's grants where the model lets the role take them. */
    private static Set<String> companyPermissions(PermissionModel model, Row row) {
        Set<String> permissions = new HashSet<>(row.permissions);
        if (Access.takesGrants(model, row.systemKey)) {
            row.granted.stream().filter(model.memberGrants().permissions()::contains).forEach(permissions::add);
        }
        return permissions;
    }

    /** The {@code depth} of a company role's row and of a role's row. */
    private static final int COMPANY = -1;
    private static final int ROLE = -2;

    /**
     * The ancestors of a resource (its parent first, at most {@link #MAX_DEPTH} levels), each with each member's role
     * there (null: none).
     */
    private static final String CHAIN = "WITH RECURSIVE chain (resource_type, resource_id, depth) AS ("
            + "SELECT CAST(:type AS text), CAST(:rid AS text), 0 "
            + "UNION ALL SELECT p.parent_type, p.parent_id, c.depth + 1 FROM chain c JOIN resources p "
            + "ON p.org_id = :org AND p.resource_type = c.resource_type AND p.resource_id = c.resource_id "
            + "WHERE p.parent_id IS NOT NULL AND c.depth < " + MAX_DEPTH + ") "
            + "SELECT c.depth, m.member_id, c.resource_type, c.resource_id, a.role_id, a.expires_at, r.permissions, "
            + "CAST(NULL AS text) AS system_key, CAST(NULL AS text[]) AS granted, false AS external "
            + "FROM chain c CROSS JOIN unnest(CAST(:members AS bigint[])) AS m (member_id) "
            + "LEFT JOIN assignments a ON a.org_id = :org AND a.resource_type = c.resource_type "
            + "AND a.resource_id = c.resource_id AND a.member_id = m.member_id LEFT JOIN roles r ON r.id = a.role_id "
            + "WHERE c.depth > 0 ";

    /** Each member's company role ({@code depth} {@link #COMPANY}), each role asked for ({@link #ROLE}). */
    private static final String COMPANY_AND_ROLES = "SELECT " + COMPANY + " AS depth, m.id AS member_id, "
            + "CAST(NULL AS text) AS resource_type, CAST(NULL AS text) AS resource_id, m.role_id, "
            + "CAST(NULL AS timestamptz) AS expires_at, r.permissions, r.system_key, g.permissions AS granted, "
            + "m.external FROM members m LEFT JOIN roles r ON r.id = m.role_id LEFT JOIN member_grants g "
            + "ON g.org_id = m.org_id AND g.member_id = m.id WHERE m.org_id = :org AND m.id = ANY(:members) "
            + "UNION ALL SELECT " + ROLE + ", 0, NULL, NULL, r.id, NULL, r.permissions, NULL, NULL, false FROM roles r "
            + "WHERE r.org_id = :org AND r.id = ANY(:roles) ";

    /** The {@code side} of {@link #MOVE}'s rows: a role on an old ancestor, a new one, the resource itself. */
    private static final String OLD = "old";
    private static final String NEW = "new";
    private static final String OWN = "own";

    /**
     * Both chains of ancestors of a moved resource ({@code side} {@value #OLD} from its parent before,
     * {@value #NEW} from its parent after, each at most {@link #MAX_DEPTH} levels) with every role held there; of
     * the members holding one, the role on the resource itself ({@value #OWN}) and the company role
     * ({@code company}).
     */
    private static final String MOVE = "WITH RECURSIVE chain (side, resource_type, resource_id, depth) AS ("
            + "SELECT s.side, s.resource_type, s.resource_id, 1 FROM (VALUES ('" + OLD + "', CAST(:otype AS text), "
            + "CAST(:oid AS text)), ('" + NEW + "', CAST(:ntype AS text), CAST(:nid AS text))) "
            + "AS s (side, resource_type, resource_id) WHERE s.resource_id IS NOT NULL "
            + "UNION ALL SELECT c.side, p.parent_type, p.parent_id, c.depth + 1 FROM chain c JOIN resources p "
            + "ON p.org_id = :org AND p.resource_type = c.resource_type AND p.resource_id = c.resource_id "
            + "WHERE p.parent_id IS NOT NULL AND c.depth < " + MAX_DEPTH + "), "
            + "held AS (SELECT c.side, c.depth, a.member_id, c.resource_type, c.resource_id, a.role_id, a.expires_at "
            + "FROM chain c JOIN assignments a ON a.org_id = :org AND a.resource_type = c.resource_type "
            + "AND a.resource_id = c.resource_id), "
            + "judged AS (SELECT DISTINCT member_id FROM held) "
            + "SELECT h.side, h.depth, h.member_id, h.resource_type, h.resource_id, h.role_id, h.expires_at, "
            + "r.permissions, CAST(NULL AS text) AS system_key, CAST(NULL AS text[]) AS granted, false AS external "
            + "FROM held h LEFT JOIN roles r ON r.id = h.role_id "
            + "UNION ALL SELECT '" + OWN + "', 0, a.member_id, a.resource_type, a.resource_id, a.role_id, "
            + "a.expires_at, NULL, NULL, NULL, false FROM assignments a WHERE a.org_id = :org "
            + "AND a.resource_type = :type AND a.resource_id = :rid AND a.member_id IN (SELECT member_id FROM judged) "
            + "UNION ALL SELECT 'company', " + COMPANY + ", m.id, NULL, NULL, m.role_id, NULL, r.permissions, "
            + "r.system_key, g.permissions, m.external FROM members m LEFT JOIN roles r ON r.id = m.role_id "
            + "LEFT JOIN member_grants g ON g.org_id = m.org_id AND g.member_id = m.id "
            + "WHERE m.org_id = :org AND m.id IN (SELECT member_id FROM judged) "
            + "ORDER BY 3, 1, 2";

    /** One row of {@link #CHAIN} and {@link #COMPANY_AND_ROLES}, and of {@link #MOVE} but its side. */
    private record Row(int depth, long memberId, String type, String id, Long roleId, Instant expiresAt,
                       List<String> permissions, String systemKey, List<String> granted, boolean external) {
    }

    private static Row row(ResultSet rs) throws SQLException {
        long role = rs.getLong("role_id");
        Long roleId = rs.wasNull() ? null : role;
        return new Row(rs.getInt("depth"), rs.getLong("member_id"), rs.getString("resource_type"),
                rs.getString("resource_id"), roleId, instant(rs, "expires_at"), strings(rs, "permissions"),
                rs.getString("system_key"), strings(rs, "granted"), rs.getBoolean("external"));
    }

    private static List<String> strings(ResultSet rs, String column) throws SQLException {
        Array array = rs.getArray(column);
        return array == null ? List.of() : Arrays.asList((String[]) array.getArray());
    }
}
