package dev.gatehouse.engine;

import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;

/**
 * All assignments of one organization on one resource type, indexed both ways: by resource (for checks
 * and "who is here", a {@link ResourceTable}) and by member (sorted resource ids, for "where can this member act"), together with
 * what the catalog says of the type (whether it inherits the company role, which permissions apply on it, its
 * parent type) and the hierarchy's links of its resources: each resource's parent (a resource of the parent
 * type's index, {@link #parent}) and, per parent, its children of this type (sorted ids).
 *
 * <p>Readers are lock-free; writes come from the engine's single writer. Every assignment write is
 * O(assignments on the resource + assignments of the member) (amortized over the table's growth), a parent write
 * O(children of the old and the new parent); both independent of the organization's size.
 */
final class ResourceIndex {

    private static final String[] NONE = new String[0];

    final String type;
    /** Whether a member without an assignment here falls back to its company role. */
    final boolean inheritsCompanyRole;
    /** The permissions that apply on this type, as a bit set over permission numbers. */
    private final long[] applicable;
    /** Resource id → its assignments, packed for the check path. */
    final ResourceTable byResource = new ResourceTable();
    final LongMap<String[]> byMember = new LongMap<>();
    /** The index of the parent type, null for a type at the top of the hierarchy. */
    final ResourceIndex parent;
    /** Resource id → its parent's id (a resource of {@link #parent}'s type); resources without a parent absent. */
    final ConcurrentHashMap<String, String> parents = new ConcurrentHashMap<>();
    /**
     * The indexes of the types whose parent type is this one. Filled while the organization's state is built,
     * before anyone can read it; never changed after.
     */
    final java.util.List<ResourceIndex> childTypes = new java.util.ArrayList<>(1);
    /** Parent id → the sorted ids of its children of this type. */
    final ConcurrentHashMap<String, String[]> children = new ConcurrentHashMap<>();

    /** @param parent the index of the type's parent type (built first), null when it has none */
    ResourceIndex(Catalog catalog, Catalog.ResourceType type, ResourceIndex parent) {
        this.type = type.key();
        this.inheritsCompanyRole = type.inheritsCompanyRole();
        this.applicable = catalog.applicableOn(type.key());
        this.parent = parent;
    }

    /** The parent of a resource of this type, null when it has none. */
    String parentOf(String resourceId) {
        return parent == null ? null : parents.get(resourceId);
    }

    /** The sorted ids of the resources of this type whose parent is {@code parentId}. */
    String[] childrenOf(String parentId) {
        String[] ids = children.get(parentId);
        return ids == null ? NONE : ids;
    }

    /** What giving a parent to a resource of a type without a parent type throws. */
    static IllegalArgumentException noParentType(String type, String resourceId, String parentId) {
        return new IllegalArgumentException("resource type " + type + " has no parent type; " + resourceId
                + " cannot have parent " + parentId);
    }

    /**
     * Sets (or, with null, clears) a resource's parent: one write that every question sees at once, since they
     * all follow the links. Replaces the sorted child lists of the old and the new parent.
     */
    void setParent(String resourceId, String parentId) {
        if (parentId != null && parent == null) {
            throw noParentType(type, resourceId, parentId);
        }
        String previous = parents.get(resourceId);
        if (java.util.Objects.equals(previous, parentId)) {
            return;
        }
        if (previous != null) {
            String[] rest = without(childrenOf(previous), resourceId);
            if (rest.length == 0) {
                children.remove(previous);
            } else {
                children.put(previous, rest);
            }
        }
        if (parentId == null) {
            parents.remove(resourceId);
        } else {
            parents.put(resourceId, parentId);
            children.put(parentId, with(childrenOf(parentId), resourceId));
        }
    }

    /** Visits every descendant of one resource of this type (children first, then theirs), any depth. */
    void forEachDescendant(String resourceId, java.util.function.BiConsumer<ResourceIndex, String> visit) {
        for (ResourceIndex childType : childTypes) {
            for (String child : childType.childrenOf(resourceId)) {
                visit.accept(childType, child);
                childType.forEachDescendant(child, visit);
            }
        }
    }

    private static String[] with(String[] ids, String id) {
        int at = Arrays.binarySearch(ids, id);
        if (at >= 0) {
            return ids;
        }
        at = -at - 1;
        String[] grown = new String[ids.length + 1];
        System.arraycopy(ids, 0, grown, 0, at);
        grown[at] = id;
        System.arraycopy(ids, at, grown, at + 1, ids.length - at);
        return grown;
    }

    private static String[] without(String[] ids, String id) {
        int at = Arrays.binarySearch(ids, id);
        if (at < 0) {
            return ids;
        }
        String[] shrunk = new String[ids.length - 1];
        System.arraycopy(ids, 0, shrunk, 0, at);
        System.arraycopy(ids, at + 1, shrunk, at, ids.length - at - 1);
        return shrunk;
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
        byResource.forEach(entry -> {
            for (int i = 0; i < entry.memberIds.length; i++) {
                empty.byResource.put(entry.resourceId, entry.memberIds[i], entry.roleIds[i]);
            }
        });
        byMember.forEach(empty.byMember::put);
        empty.parents.putAll(parents);
        empty.children.putAll(children);
    }

    /** The assignments on a resource of this type (read out of the table: allocates), null when it has none. */
    ResourceEntry resource(String resourceId) {
        return byResource.entry(resourceId);
    }

    /** The role a member holds on a resource of this type, 0 for none. The check path: no allocation. */
    long roleOf(String resourceId, long memberId) {
        return byResource.roleOf(resourceId, memberId);
    }

    /** The members assigned on a resource, ascending. */
    long[] membersOn(String resourceId) {
        return byResource.members(resourceId);
    }

    /** Sorted resource ids on which the member holds an assignment. */
    String[] resourcesOf(long memberId) {
        String[] ids = byMember.get(memberId);
        return ids == null ? NONE : ids;
    }

    void put(String resourceId, long memberId, long roleId) {
        boolean isNew = byResource.put(resourceId, memberId, roleId) == 0L;
        String id = resourceId;
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
        if (byResource.remove(resourceId, memberId) == 0L) {
            return;
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
