package dev.gatehouse.client;

import tools.jackson.databind.node.ObjectNode;

/**
 * A member named explicitly: by its Gatehouse id ({@link #id(long)}) or by the product's own user id
 * ({@link #user(String)}). The client always sends the explicit forms ({@code id:42}, {@code user:u-42} in paths;
 * {@code member_id} or {@code user_id} in bodies), so a numeric user id is never mistaken for a Gatehouse id
 * (docs/api.md, "Naming a member"). Exactly one of the two components is set, a member id is positive and a user id
 * is not blank. Immutable.
 *
 * @param memberId the Gatehouse id, or null
 * @param userId   the product's user id, or null
 */
public record MemberRef(Long memberId, String userId) {

    public MemberRef {
        if ((memberId == null) == (userId == null)) {
            throw new IllegalArgumentException("name a member by exactly one of memberId and userId, got "
                    + memberId + " and " + userId);
        }
        if (memberId != null && memberId < 1) {
            // the server's rule: a member id is positive, as an organization's is (OrgClient)
            throw new IllegalArgumentException("memberId must be positive, got " + memberId);
        }
        if (userId != null && userId.isBlank()) {
            // the server strips user ids when it stores them: a blank one names nobody, and an empty one would
            // send a path naming no member at all
            throw new IllegalArgumentException("userId must not be blank, got \"" + userId + "\"");
        }
    }

    /** The member with this Gatehouse id. */
    public static MemberRef id(long memberId) {
        return new MemberRef(memberId, null);
    }

    /** The member with this user id (the product's own). */
    public static MemberRef user(String userId) {
        return new MemberRef(null, Arguments.required(userId, "userId"));
    }

    /** The member as a path segment: {@code id:42} or {@code user:<user id>}, percent-encoded. */
    String pathSegment() {
        return memberId != null ? "id:" + memberId : "user:" + Wire.encode(userId);
    }

    /** Names the member in a request body: {@code member_id} or {@code user_id}. */
    void putInto(ObjectNode body) {
        if (memberId != null) {
            body.put("member_id", memberId.longValue());
        } else {
            body.put("user_id", userId);
        }
    }
}
