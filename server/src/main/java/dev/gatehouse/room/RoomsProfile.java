package dev.gatehouse.room;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Rooms' fields of one company user, kept beside the member. A member without a stored profile (e.g. one
 * added through the native API) has the defaults: access level {@code Admin} when its company role is the
 * model's default admin role, else {@code Contributor}, and no office, title or lock reason.
 *
 * @param offices    ids of the offices the user works in (offices of the organization), in the order added
 * @param regions    ids of its regions, likewise
 * @param lockReason why the user was locked (Rooms' lock is the member's deactivation): {@link #NO_LOCK_REASON} when
 *                   locked without one, null when unlocked (a Pending user's lock is known by it alone)
 * @param invitedAt  when its Rooms invitation was last sent ({@code invite_user}, {@code reinvite}), null when it
 *                   never was (a member added through the native API)
 */
public record RoomsProfile(long memberId, AccessLevel accessLevel, Integer defaultOfficeId, Integer titleId,
                           List<Integer> offices, List<Integer> regions, String eSignPermissionProfileId,
                           String lockReason, Instant invitedAt) {
    /** The lock reason of a user locked without one: no reason shown, yet not null, which is unlocked. */
    public static final String NO_LOCK_REASON = "";

    public RoomsProfile {
        Objects.requireNonNull(accessLevel, "accessLevel");
        offices = List.copyOf(offices);
        regions = List.copyOf(regions);
    }

    public RoomsProfile withAccessLevel(AccessLevel level) {
        return new RoomsProfile(memberId, level, defaultOfficeId, titleId, offices, regions, eSignPermissionProfileId,
                lockReason, invitedAt);
    }

    public RoomsProfile withDefaultOffice(Integer officeId) {
        return new RoomsProfile(memberId, accessLevel, officeId, titleId, offices, regions, eSignPermissionProfileId,
                lockReason, invitedAt);
    }

    public RoomsProfile withLockReason(String reason) {
        return new RoomsProfile(memberId, accessLevel, defaultOfficeId, titleId, offices, regions,
                eSignPermissionProfileId, reason, invitedAt);
    }

    public RoomsProfile withInvitedAt(Instant at) {
        return new RoomsProfile(memberId, accessLevel, defaultOfficeId, titleId, offices, regions,
                eSignPermissionProfileId, lockReason, at);
    }

    /** With {@code officeId} among its offices ({@code member} true) or not; the same profile when nothing changes. */
    public RoomsProfile withOffice(int officeId, boolean member) {
        List<Integer> changed = toggled(offices, officeId, member);
        return changed == offices ? this : new RoomsProfile(memberId, accessLevel, defaultOfficeId, titleId, changed,
                regions, eSignPermissionProfileId, lockReason, invitedAt);
    }

    /** With {@code regionId} among its regions ({@code member} true) or not; the same profile when nothing changes. */
    public RoomsProfile withRegion(int regionId, boolean member) {
        List<Integer> changed = toggled(regions, regionId, member);
        return changed == regions ? this : new RoomsProfile(memberId, accessLevel, defaultOfficeId, titleId, offices,
                changed, eSignPermissionProfileId, lockReason, invitedAt);
    }

    private static List<Integer> toggled(List<Integer> ids, int id, boolean member) {
        if (ids.contains(id) == member) {
            return ids;
        }
        List<Integer> out = new ArrayList<>(ids);
        if (member) {
            out.add(id);
        } else {
            out.remove(Integer.valueOf(id));
        }
        return List.copyOf(out);
    }
}
