package dev.gatehouse.engine;

import java.util.Arrays;

/**
 * The assignments on one resource, as read out of its {@link ResourceTable} record for the questions off the check
 * path (lookups, what-ifs, copies, digests): parallel arrays of member ids (sorted) and their role ids. Immutable.
 */
final class ResourceEntry {

    final String resourceId;
    final long[] memberIds;
    final long[] roleIds;

    private ResourceEntry(String resourceId, long[] memberIds, long[] roleIds) {
        this.resourceId = resourceId;
        this.memberIds = memberIds;
        this.roleIds = roleIds;
    }

    /** @param memberIds ascending, owned by the entry from now on; {@code roleIds} likewise */
    static ResourceEntry of(String resourceId, long[] memberIds, long[] roleIds) {
        return new ResourceEntry(resourceId, memberIds, roleIds);
    }

    /** The role of a member here, or 0 when the member has no assignment on this resource. */
    long roleOf(long memberId) {
        int i = Arrays.binarySearch(memberIds, memberId);
        return i >= 0 ? roleIds[i] : 0L;
    }

    int size() {
        return memberIds.length;
    }
}
