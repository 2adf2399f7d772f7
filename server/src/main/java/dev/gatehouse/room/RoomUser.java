package dev.gatehouse.room;

import dev.gatehouse.member.Member;
import java.time.Instant;
import java.util.Objects;

/**
 * A user's place in one room: the role it holds there (its resource assignment) or, while its access is
 * revoked, the role it held and will get back on restore.
 *
 * @param invitedBy member id of whoever invited the user into the room, null when unknown (a service key, or
 *                  an assignment made through the native API)
 * @param titleId   the user's Rooms title (company-wide), null when none
 * @param revokedAt when its access was revoked, null while it has access
 * @param accessEndsAt when its access is scheduled to end (its assignment's {@code expires_at}), null when it is not
 */
public record RoomUser(int roomId, Member member, long roleId, String roleName, boolean revoked, Long invitedBy,
                       String transactionSideId, Integer titleId, Instant revokedAt, Instant accessEndsAt) {
    public RoomUser {
        Objects.requireNonNull(member, "member");
        Objects.requireNonNull(roleName, "roleName");
    }
}
