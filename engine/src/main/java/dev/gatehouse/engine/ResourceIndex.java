package dev.gatehouse.engine;

import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;

/**
 * All assignments of one organization on one resource type, indexed both ways: by resource (for checks
 * and "who is here") and by member (sorted resource ids, for "where can this member act"), together with
 * what the catalog says of the type (whether it inherits the company role, which permissions apply on it).
 *
 * <p>Readers are lock-free; writes come from the engine's single writer. Every write is
 * O(assignments on the resource + assignments of the member), independent of the organization's size.
 */
final class ResourceIndex {

    private static final String[] NONE = new String[0];

    final String type;
    /** Whether a member without an assignment here falls back to its company role. */
    final boolean inheritsCompanyRole;
    /** The permissions that apply on this type, as a bit set over permission numbers. */
    private final long[] applicable;
    final ConcurrentHashMap<String, ResourceEntry> byResource = new ConcurrentHashMap<>();
    final LongMap<String[]> byMember = new LongMap<>();

    ResourceIndex(Catalog catalog, Catalog.ResourceType type) {
        this.type = type.key();
        this.inheritsCompanyRole = type.inheritsCompanyRole();
        this.applicable = catalog.applicableOn(type.key());
    }

    /** Whether a permission (by number) applies on this type. */
    boolean applies(int permission) {
        return RoleEntry.isSet(applicable, permission);
    }

    /** The permissions of {@code bits} that apply on this type. */
    long[] applicableOf(long[] bits) {
        long[] out = new long[applicable.length];
        for (int i = 0; i < out.length && i < bits.length; i++) {
            out[i] = bits[i] & applicable[i];
        }
        return out;
    }

    /** Puts this index's entries (immutable, shared) into {@code empty}, an index of the same type. */
    void copyInto(ResourceIndex empty) {
        empty.byResource.putAll(byResource);
        byMember.forEach(empty.byMember::put);
    }

    ResourceEntry resource(String resourceId) {
        return byResource.get(resourceId);
    }

    /** Sorted resource ids on which the member holds an assignment. */
    String[] resourcesOf(long memberId) {
        String[] ids = byMember.get(memberId);
        return ids == null ? NONE : ids;
    }

    void put(String resourceId, long memberId, long roleId) {
        ResourceEntry entry = byResource.get(resourceId);
        if (entry == null) {
            entry = ResourceEntry.empty(resourceId);
        }
        boolean isNew = entry.roleOf(memberId) == 0L;
        String id = entry.resourceId;
        byResource.put(id, entry.with(memberId, roleId));
        if (isNew) {
            String[] ids = resourcesOf(memberId);
            int at = -Arrays.binarySearch(ids, id) - 1;
            String[] grown = new String[ids.length + 1];
            System.arraycopy(ids, 0, grown, 0, at);
            grown[at] = id;
            System.arraycopy(ids, at, grown, at + 1, ids.length - at);
            byMember.put(memberId, grown);
        }
    }

    void remove(String resourceId, long memberId) {
        ResourceEntry entry = byResource.get(resourceId);
        if (entry == null || entry.roleOf(memberId) == 0L) {
            return;
        }
        ResourceEntry rest = entry.without(memberId);
        if (rest.size() == 0) {
            byResource.remove(resourceId);
        } else {
            byResource.put(resourceId, rest);
        }
        String[] ids = resourcesOf(memberId);
        int at = Arrays.binarySearch(ids, resourceId);
        if (at >= 0) {
            if (ids.length == 1) {
                byMember.remove(memberId);
            } else {
                String[] shrunk = new String[ids.length - 1];
                System.arraycopy(ids, 0, shrunk, 0, at);
                System.arraycopy(ids, at + 1, shrunk, at, ids.length - at - 1);
                byMember.put(memberId, shrunk);
            }
        }
    }

    /** Drops every assignment of one member (member removed). */
    void removeMember(long memberId) {
        for (String resourceId : resourcesOf(memberId)) {
            remove(resourceId, memberId);
        }
    }
}
