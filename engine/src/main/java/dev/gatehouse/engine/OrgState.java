package dev.gatehouse.engine;

import java.util.HashMap;
import java.util.Map;

/**
 * The in-memory indexes of one organization: its catalog, roles, members (by id, packed in a {@link MemberTable},
 * and by the product's user id)
 * one {@link ResourceIndex} per resource type of the catalog, and each member's per-member grants (a bit set over
 * the catalog's grantable permissions, by member id; immutable arrays, replaced whole). Readers are lock-free; all writes come from
 * the engine's single writer.
 */
final class OrgState {

    final long id;
    final Catalog catalog;
    final LongMap<RoleEntry> roles = new LongMap<>();
    /** Member id → company role and flags, packed for the check path (and the user id beside them). */
    final MemberTable members = new MemberTable();
    /** The product's user id → member id. */
    final UserIdIndex membersByUserId = new UserIdIndex();
    /** Member id → its grants; only members with at least one grant are present. */
    final LongMap<long[]> grants = new LongMap<>();
    /** One index per resource type of the catalog; the map itself never changes. */
    final Map<String, ResourceIndex> resources;

    OrgState(long id, Catalog catalog) {
        this.id = id;
        this.catalog = catalog;
        Map<String, ResourceIndex> indexes = new HashMap<>();
        for (Catalog.ResourceType type : catalog.resourceTypes()) {
            index(catalog, type, indexes);
        }
        this.resources = Map.copyOf(indexes);
    }

    /** The index of {@code type}, built after its parent type's (the catalog's parent types have no cycle). */
    private static ResourceIndex index(Catalog catalog, Catalog.ResourceType type, Map<String, ResourceIndex> built) {
        ResourceIndex index = built.get(type.key());
        if (index == null) {
            ResourceIndex parent = type.parentType() == null ? null
                    : index(catalog, catalog.resourceType(type.parentType()), built);
            index = new ResourceIndex(catalog, type, parent);
            if (parent != null) {
                parent.childTypes.add(index);
            }
            built.put(type.key(), index);
        }
        return index;
    }

    /**
     * A private copy of this state for a what-if ({@link WhatIf}): new maps holding the same immutable entries,
     * O(roles + members + grants + assignments). The caller holds the writer's monitor, so the copy is of one moment.
     */
    OrgState copy() {
        OrgState copy = new OrgState(id, catalog);
        roles.forEach(copy.roles::put);
        members.forEachEntry(m -> copy.members.put(m.id(), m.userId(),
                MemberTable.word(m.roleId(), m.external(), m.active()), grants.get(m.id()) != null));
        membersByUserId.copyInto(copy.membersByUserId);
        grants.forEach(copy.grants::put);
        resources.forEach((type, index) -> index.copyInto(copy.resources.get(type)));
        return copy;
    }
}
