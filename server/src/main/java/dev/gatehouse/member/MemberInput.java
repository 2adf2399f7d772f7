package dev.gatehouse.member;

/**
 * What a caller asks to set on a member. For creation {@code userId}, {@code email} and (for internal
 * members) {@code roleId} are required; for an update a null field means "unchanged".
 */
public record MemberInput(String userId, String email, String firstName, String lastName, Long roleId,
                          Boolean external, String status) {
}
