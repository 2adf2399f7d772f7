package dev.gatehouse.room;

import dev.gatehouse.member.Member;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A company user as Rooms sees it: an internal member, its Rooms fields and its per-member grants (empty: none).
 * Locked out = deactivated, or invited with a lock reason; Pending = invited (neither may act).
 *
 * @param flagsReadable whether the caller it is shown to may read its grants, and so its ClassicManagerPermissions
 *                      ({@link dev.gatehouse.grant.GrantService#mayRead}: the user itself, or a caller with the
 *                      member-management permission); false until {@link RoomsUserService} judges it
 */
public record RoomsUser(Member member, RoomsProfile profile, List<String> grants, boolean flagsReadable) {
    public RoomsUser {
        Objects.requireNonNull(member, "member");
        Objects.requireNonNull(profile, "profile");
        grants = List.copyOf(grants);
    }

    /**
     * In a v5 company, the user's ClassicManagerPermissions flags that are on, as they take effect: every flag for an
     * Admin (its role holds them all: the level shown is Admin for the Admin role whatever its profile stored, and in
     * a v5 company no write stores Admin for another role, {@link AccessLevel#classicFor}); else its per-member grants,
     * whatever its access level (a Manager added through {@code /v1} is at Contributor, and its grants count all the
     * same); null for a user at Contributor holding none (an Agent), which has none to show. Grants kept by a role that
     * takes none (a Manager moved to Agent) count for nothing: {@link RoomsUserService} shows such a user
     * {@link #withoutGrants}. Null too for a caller that may not read them ({@link #flagsReadable}): an Admin's or a Manager's powers are its grants' to show, as the native
     * {@code …/members/{m}/grants} shows them.
     */
    public Set<String> classicFlags() {
        if (!flagsReadable) {
            return null;
        }
        if (profile.accessLevel() == AccessLevel.ADMIN) {
            return Set.copyOf(RoomsPermissions.CLASSIC_MANAGER_FLAGS);
        }
        Set<String> granted = grants.stream().filter(RoomsPermissions.CLASSIC_MANAGER_FLAGS::contains)
                .collect(Collectors.toUnmodifiableSet());
        return granted.isEmpty() && profile.accessLevel() == AccessLevel.CONTRIBUTOR ? null : granted;
    }

    /** This user without grants: for one whose company role takes none, which then count for nothing. */
    RoomsUser withoutGrants() {
        return grants.isEmpty() ? this : new RoomsUser(member, profile, List.of(), flagsReadable);
    }

    /** This user as shown to a caller that may read its flags ({@code readable}) or not. */
    RoomsUser readBy(boolean readable) {
        return readable == flagsReadable ? this : new RoomsUser(member, profile, grants, readable);
    }

    /** Deactivated, or locked while Pending (still invited, with a lock reason: {@link RoomsUserService#lock}). */
    public boolean lockedOut() {
        return Member.DEACTIVATED.equals(member.status()) || member.invited() && profile.lockReason() != null;
    }
}
