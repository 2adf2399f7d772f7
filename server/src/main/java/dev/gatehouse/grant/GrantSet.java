package dev.gatehouse.grant;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * One member's per-member grants as stored: the permissions it holds beside its company role (in the model's
 * order, no repeats, at least one). A member without grants has no row. Immutable.
 */
public record GrantSet(long orgId, long memberId, String userId, List<String> permissions, Instant createdAt,
                           Instant updatedAt) {

    public GrantSet {
        Objects.requireNonNull(userId, "userId");
        permissions = List.copyOf(permissions);
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(updatedAt, "updatedAt");
    }

    /** The change log's object id: the member's id. */
    public String objectId() {
        return String.valueOf(memberId);
    }
}
