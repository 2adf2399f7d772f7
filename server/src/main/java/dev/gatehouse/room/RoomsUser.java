package dev.gatehouse.room;

import dev.gatehouse.member.Member;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A company user as Rooms sees it: an internal member, its Rooms fields and its per-member grants (empty: none).
 * Locked out = deactivated, or invited with a lock reason; Pending = invited (neither may act).
 */
public record RoomsUser(Member member, RoomsProfile profile, List<String> grants) {
    public RoomsUser {
        Objects.requireNonNull(member, "member");
        Objects.requireNonNull(profile, "profile");
        grants = List.copyOf(grants);
    }

    /**
     * In a v5 company, the user's ClassicManagerPermissions flags that are on: a Manager's per-member grants; an Admin
     * (whose role holds them all) has every flag; null for an Agent (Contributor), which has none to show.
     */
    public Set<String> classicFlags() {
        return switch (profile.accessLevel()) {
            case CONTRIBUTOR -> null;
            case ADMIN -> Set.copyOf(RoomsPermissions.CLASSIC_MANAGER_FLAGS);
            default -> grants.stream().filter(RoomsPermissions.CLASSIC_MANAGER_FLAGS::contains)
                    .collect(Collectors.toUnmodifiableSet());
        };
    }

    /** Deactivated, or locked while Pending (still invited, with a lock reason: {@link RoomsUserService#lock}). */
    public boolean lockedOut() {
        return Member.DEACTIVATED.equals(member.status()) || member.invited() && profile.lockReason() != null;
    }
}
