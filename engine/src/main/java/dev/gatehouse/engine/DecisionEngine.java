package dev.gatehouse.engine;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The in-memory decision engine, as its readers see it: per-organization indexes of roles, members and resource
 * assignments, answering "may this member do this, here?" without locks, I/O or allocation.
 *
 * <p><b>Decision semantics</b> (DESIGN §3): a deactivated member is denied; with a resource, an assignment on it
 * decides entirely; without one, the member's assignment on the nearest ancestor holding one decides (the resource
 * hierarchy: {@link Catalog.ResourceType#parentType()}, {@link EngineOp.PutResource}); without either, an internal
 * member falls back to the company role only where the resource type inherits company roles; without a resource, internal members use the company role and external members are
 * denied. Every question below asks that one rule ({@code DecidingRole}). Unknown organizations, members,
 * permissions and resource types are {@link EngineException}s, never a silent {@code false}; they are checked in
 * that order, before any answer.
 *
 * <p><b>State enters one way</b>: as {@link EngineOp}s applied by the engine's one {@link EngineWriter}, which
 * whoever creates the engine keeps (Gatehouse's change feed; tests and benchmarks through {@link #builder}).
 * This interface has no write method.
 *
 * <p>Thread-safe: any number of readers, concurrently with the writer. Every answer comes from the state of one
 * whole revision — never from a change half applied — and every revision an answer names is that one
 * ({@link Decision#revision()}; several questions and their revision together: {@link #atOneRevision}).
 */
public interface DecisionEngine {

    /** An engine to fill by hand, for tests, benchmarks and library use; {@code catalogs} by their ids. */
    static EngineBuilder builder(Catalog... catalogs) {
        Map<String, Catalog> byId = new HashMap<>();
        Arrays.stream(catalogs).forEach(catalog -> byId.put(catalog.id(), catalog));
        return builder(Map.copyOf(byId)::get);
    }

    /** An engine to fill by hand whose organizations' catalogs are found by id (null when unknown). */
    static EngineBuilder builder(Function<String, Catalog> catalogs) {
        return new EngineBuilder(EngineWriter.create(catalogs));
    }

    /**
     * The revision of the last change applied (0 for an engine filled without revisions). Read apart from an
     * answer, it may be newer (or older) than the state that answer came from: ask {@link #atOneRevision} for both.
     */
    long revision();

    /**
     * Asks {@code questions} of this engine (the argument) against the state of one whole revision, and returns
     * their answer with that revision: the checks of a batch, a lookup's pages, a visibility filter and the revision
     * to report with it. A change applied meanwhile makes the engine ask them again, so they may run more than once
     * and should do nothing but ask the engine; an exception they throw is thrown as it came, once it is known to
     * come from one revision too. Asking within {@code questions} allocates; a single {@link #check} does not.
     *
     * <p>This default, for engines that wrap another, asks again until no revision was applied while the questions
     * ran (each question of the wrapped engine sees one whole revision, so the revision read before and after is
     * theirs); a wrapper should rather pass the call to the engine it wraps, whose readers ask under its writer's
     * monitor after a few tries, so that steady writes cannot starve them.
     */
    default <T> AtRevision<T> atOneRevision(Function<? super DecisionEngine, ? extends T> questions) {
        while (true) {
            long before = revision();
            T answer;
            try {
                answer = questions.apply(this);
            } catch (RuntimeException e) {
                if (revision() == before) {
                    throw e;
                }
                continue;
            }
            if (revision() == before) {
                return new AtRevision<>(answer, before);
            }
        }
    }

    /** Organization-wide check. */
    default boolean check(long orgId, long memberId, String permission) {
        return check(orgId, memberId, permission, null, null);
    }

    /** Check on a resource; {@code resourceType == null} means organization-wide. */
    boolean check(long orgId, long memberId, String permission, String resourceType, String resourceId);

    /** The same decision as {@link #check}, with the role and path that made it and the revision it was made at. */
    Decision explain(long orgId, long memberId, String permission, String resourceType, String resourceId);

    /**
     * Effective permissions of a member, organization-wide ({@code resourceType == null}) or on one resource, in
     * catalog order.
     */
    List<String> permissions(long orgId, long memberId, String resourceType, String resourceId);

    /** The record-visibility filter of a member's company role. */
    VisibilityFilter visibilityFilter(long orgId, long memberId);

    /** Whether a record with the given user-reference field values is visible to the member. */
    default boolean visible(long orgId, long memberId, Map<String, List<String>> fields) {
        return visibilityFilter(orgId, memberId).admits(fields);
    }

    /**
     * Resources of a type on which the member's deciding assignment — on the resource, or on the nearest ancestor
     * holding one — grants the permission, in resource-id order, after {@code cursor}. Where the type inherits company roles, the member can also act on
     * every resource without an assignment when the company role grants the permission; callers learn that from
     * {@link #inheritsOnUnassigned}.
     */
    Page<String> lookupResources(long orgId, long memberId, String permission, String resourceType, String cursor,
                                 int limit);

    /**
     * Whether the member may also act on every resource of the type where it holds no assignment (on the resource
     * nor on any ancestor).
     */
    boolean inheritsOnUnassigned(long orgId, long memberId, String permission, String resourceType);

    /**
     * Members (ids ascending, after {@code cursor}) who may do the permission organization-wide
     * ({@code resourceType == null}) or on one resource.
     */
    Page<Long> lookupMembers(long orgId, String permission, String resourceType, String resourceId, Long cursor,
                             int limit);

    /**
     * What {@code ops} — one proposed change to organization {@code orgId}, such as a role's new permissions, a
     * member's new company role or status, an assignment given or taken — would change in who may do what: the
     * permissions members would gain and lose, where, each with its number of members and the first {@code limit}
     * of them by id. Computed on private copies of the organization's state at the current revision, by the same
     * writer code and decision rule as everything else; the engine itself is not changed. O(organization);
     * never on the check path.
     *
     * @throws EngineException          for an unknown organization, or an operation naming an unknown resource type
     * @throws IllegalArgumentException for an operation of another organization, one removing the organization or
     *                                  changing its model, or a negative limit
     */
    Impact whatIf(long orgId, List<EngineOp> ops, int limit);

    /** The member id for the product's own user id; null when the organization (or the member) is unknown. */
    Long findMemberId(long orgId, String userId);

    /** Whether the organization holds the member (false for unknown organizations). */
    boolean hasMember(long orgId, long memberId);

    /** Whether the member exists and is active (false for unknown organizations and members). */
    boolean isActive(long orgId, long memberId);

    /** The id of an organization's catalog (its model). */
    String modelOf(long orgId);

    /** Number of organizations held. */
    int organizationCount();

    /**
     * A digest of the whole decision state: engines with equal digests answer every question alike. O(state)
     * and serialized with the writer; for tests and diagnostics, never on the check path.
     */
    String digest();
}
