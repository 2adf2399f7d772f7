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
     * In a v5 company, the user's ClassicManagerPermissions flags that are on, as they take effect: every flag for an
     * Admin (its role holds them all); else its per-member grants, whatever its access level (a Manager added through
     * {@code /v1} is at Contributor, and its grants count all the same); null for a user at Contributor holding none
     * (an Agent), which has none to show. Grants kept by a role that takes none (a Manager moved to Agent) count for
     * nothing: {@link RoomsUserService} shows such a user {@link #withoutGrants}.
     */
    public Set<String> classicFlags() {
        if (profile.accessLevel() == AccessLevel.ADMIN) {
            return Set.copyOf(RoomsPermissions.CLASSIC_MANAGER_FLAGS);
        }
        Set<String> granted = grants.stream().filter(RoomsPermissions.CLASSIC_MANAGER_FLAGS::contains)
                .collect(Collectors.toUnmodifiableSet());
        return granted.isEmpty() && profile.accessLevel() == AccessLevel.CONTRIBUTOR ? null : granted;
    }

    /** This user without grants: for one whose company role takes none, which then count for nothing. */
    RoomsUser withoutGrants() {
        return grants.isEmpty() ? this : new RoomsUser(member, profile, List.of());
    }

    /** Deactivated, or locked while Pending (still invited, with a lock reason: {@link RoomsUserService#lock}). */
    public boolean lockedOut() {
        return Member.DEACTIVATED.equals(member.status()) || member.invited() && profile.lockReason() != null;
    }
}
