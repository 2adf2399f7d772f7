package dev.gatehouse.room;

import java.util.List;
import java.util.Objects;

/**
 * Rooms' fields of one company user, kept beside the member. A member without a stored profile (e.g. one
 * added through the native API) has the defaults: access level {@code Admin} when its company role is the
 * model's default admin role, else {@code Contributor}, and no office, title or lock reason.
 *
 * @param lockReason why the user was locked (Rooms' lock is the member's deactivation), null when unlocked
 */
public record RoomsProfile(long memberId, AccessLevel accessLevel, Integer defaultOfficeId, Integer titleId,
                           List<Integer> offices, List<Integer> regions, String eSignPermissionProfileId,
                           String lockReason) {
    public RoomsProfile {
        Objects.requireNonNull(accessLevel, "accessLevel");
        offices = List.copyOf(offices);
        regions = List.copyOf(regions);
    }

    public RoomsProfile withDefaultOffice(Integer officeId) {
        return new RoomsProfile(memberId, accessLevel, officeId, titleId, offices, regions, eSignPermissionProfileId,
                lockReason);
    }

    public RoomsProfile withLockReason(String reason) {
        return new RoomsProfile(memberId, accessLevel, defaultOfficeId, titleId, offices, regions,
                eSignPermissionProfileId, reason);
    }
}
