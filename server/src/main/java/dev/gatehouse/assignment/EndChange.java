package dev.gatehouse.assignment;

import java.time.Instant;
import java.util.Objects;

/**
 * What a write does to the end of a member's role on a resource: the one rule every path that sets, moves or lifts an
 * end asks — a put, an import line, {@link AssignmentService#endAt} (Rooms' scheduled revocation and its
 * cancellation) — so that each judges the same change alike. A role that ends later, or no longer ends, is held for
 * longer ({@link #LATER}: on a Rooms room, restoring access); a role given an end where it had none, or an end nearer
 * than the one it had, is taken away sooner ({@link #SOONER}: on a Rooms room, revoking access, now or at that date).
 * A role not held counts as held without an end: giving one with an end schedules its taking away. Stateless.
 */
public enum EndChange {

    /** The end stays as it is (no end before and after included). */
    NONE,
    /** The end is lifted, or moved later. */
    LATER,
    /** An end is set where there was none, or brought nearer. */
    SOONER;

    /**
     * How {@code given} changes {@code held} (each null for no end; both as stored:
     * {@link AssignmentService#stored}).
     */
    public static EndChange of(Instant held, Instant given) {
        if (Objects.equals(held, given)) {
            return NONE;
        }
        if (given == null) {
            return LATER;
        }
        return held != null && given.isAfter(held) ? LATER : SOONER;
    }

    /**
     * Whether a put of role {@code roleId} until {@code given} (null: no end; as stored) where the member holds
     * {@code held} (null: none, or none the caller may see) only takes that role away sooner: it keeps the role held
     * and sets an end where it had none, or brings it nearer. Such a put hands nothing out — it is the removal it
     * partly is, judged as taking the role away (the member's own: exempt), not as handing the role out; every other
     * put, an end moved later or lifted included, gives the role (for longer) and is judged as giving it.
     */
    public static boolean onlyShortens(Assignment held, long roleId, Instant given) {
        return held != null && held.roleId() == roleId && of(held.expiresAt(), given) == SOONER;
    }

    /**
     * Whether a put of role {@code roleId} until {@code given} where the member holds {@code held} only keeps that
     * role for longer: the role held, its end lifted or moved later (what it changes lies after the old end).
     */
    public static boolean onlyLengthens(Assignment held, long roleId, Instant given) {
        return held != null && held.roleId() == roleId && of(held.expiresAt(), given) == LATER;
    }
}
