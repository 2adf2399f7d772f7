package dev.gatehouse.room;

import dev.gatehouse.member.Member;
import java.util.Objects;

/**
 * A company user as Rooms sees it: an internal member and its Rooms fields. Locked out = deactivated; Pending =
 * invited (neither may act).
 */
public record RoomsUser(Member member, RoomsProfile profile) {
    public RoomsUser {
        Objects.requireNonNull(member, "member");
        Objects.requireNonNull(profile, "profile");
    }

    public boolean lockedOut() {
        return Member.DEACTIVATED.equals(member.status());
    }
}
