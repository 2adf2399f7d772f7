package dev.gatehouse.closemembership;

import tools.jackson.databind.JsonNode;

/**
 * The other half of a Close membership around one of its change records ({@link MembershipHistory}): its snapshot
 * before the record's write ({@code before}) and as it stood at the record ({@code after}) — the same snapshot unless
 * that write changed it too, just before the record — and, for a member record whose write goes on to change the
 * settings, the revision of that settings record ({@code shownAt}), whose Close event shows both changes — and for
 * a settings record deleting them with their member, the revision of the member's removal, whose Close event shows
 * it. Either snapshot may be null (no half known). {@code begun} tells whether the Close membership had begun before
 * the record: whether its member was active at one of its records before it (Close has no invited memberships; one
 * begins when it is activated). Immutable.
 */
public record OtherHalf(JsonNode before, JsonNode after, Long shownAt, boolean begun) {
}
