package dev.gatehouse.engine;

import java.util.Arrays;

/**
 * The assignments on one resource: parallel arrays of member ids (sorted) and their role ids. Immutable
 * and small (the people in one room); an assignment write replaces the entry, costing O(assignments on
 * this resource) and nothing in the size of the organization.
 */
final class ResourceEntry {

    private static final long[] NONE = new long[0];

    /** The resource id; the one String instance shared by both indexes of {@link ResourceIndex}. */
    final String resourceId;
    final long[] memberIds;
    final long[] roleIds;

    private ResourceEntry(String resourceId, long[] memberIds, long[] roleIds) {
        this.resourceId = resourceId;
        this.memberIds = memberIds;
        this.roleIds = roleIds;
    }

    static ResourceEntry empty(String resourceId) {
        return new ResourceEntry(resourceId, NONE, NONE);
    }

    /** The role of a member here, or 0 when the member has no assignment on this resource. */
    long roleOf(long memberId) {
        int i = Arrays.binarySearch(memberIds, memberId);
        return i >= 0 ? roleIds[i] : 0L;
    }

    ResourceEntry with(long memberId, long roleId) {
        int i = Arrays.binarySearch(memberIds, memberId);
        if (i >= 0) {
            long[] roles = roleIds.clone();
            roles[i] = roleId;
            return new ResourceEntry(resourceId, memberIds, roles);
        }
        int at = -i - 1;
        long[] members = new long[memberIds.length + 1];
        long[] roles = new long[roleIds.length + 1];
        System.arraycopy(memberIds, 0, members, 0, at);
        System.arraycopy(roleIds, 0, roles, 0, at);
        members[at] = memberId;
        roles[at] = roleId;
        System.arraycopy(memberIds, at, members, at + 1, memberIds.length - at);
        System.arraycopy(roleIds, at, roles, at + 1, roleIds.length - at);
        return new ResourceEntry(resourceId, members, roles);
    }

    ResourceEntry without(long memberId) {
        int i = Arrays.binarySearch(memberIds, memberId);
        if (i < 0) {
            return this;
        }
        long[] members = new long[memberIds.length - 1];
        long[] roles = new long[roleIds.length - 1];
        System.arraycopy(memberIds, 0, members, 0, i);
        System.arraycopy(roleIds, 0, roles, 0, i);
        System.arraycopy(memberIds, i + 1, members, i, memberIds.length - i - 1);
        System.arraycopy(roleIds, i + 1, roles, i, roleIds.length - i - 1);
        return new ResourceEntry(resourceId, members, roles);
    }

    int size() {
        return memberIds.length;
    }
}
