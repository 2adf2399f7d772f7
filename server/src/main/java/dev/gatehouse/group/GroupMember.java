package dev.gatehouse.group;

import java.util.Objects;

/** One member of a group: the Gatehouse member id and the product's user id. Immutable. */
public record GroupMember(long memberId, String userId) {
    public GroupMember {
        Objects.requireNonNull(userId, "userId");
    }
}
