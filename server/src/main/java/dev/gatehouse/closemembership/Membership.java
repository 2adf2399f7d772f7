package dev.gatehouse.closemembership;

import dev.gatehouse.member.Member;
import java.util.Objects;

/** A member as Close sees it: the member and its Close settings. Immutable. */
public record Membership(Member member, MembershipSettings settings) {

    public Membership {
        Objects.requireNonNull(member, "member");
        Objects.requireNonNull(settings, "settings");
    }
}
