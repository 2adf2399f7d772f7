package dev.gatehouse.engine;

/**
 * A member as read out of its organization's {@link MemberTable} for the questions off the check path (copies,
 * digests, visibility, the writer's bookkeeping of user ids). Immutable.
 *
 * @param roleId the company role, 0 for external members
 */
record MemberEntry(long id, String userId, long roleId, boolean external, boolean active) {
}
