package dev.gatehouse.engine;

/**
 * A member as the engine sees it. Immutable; an update replaces the entry.
 *
 * @param roleId the company role, 0 for external members
 */
record MemberEntry(long id, String userId, long roleId, boolean external, boolean active) {
}
