package dev.gatehouse.engine;

import dev.gatehouse.model.PermissionModel;
import dev.gatehouse.model.ResourceType;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The in-memory indexes of one organization. Readers are lock-free; all writes come from the engine's
 * applying thread.
 */
final class OrgState {

    final long id;
    final PermissionModel model;
    final LongMap<RoleEntry> roles = new LongMap<>();
    final LongMap<MemberEntry> members = new LongMap<>();
    final ConcurrentHashMap<String, MemberEntry> membersByUserId = new ConcurrentHashMap<>();
    /** One index per resource type of the model; the map itself never changes. */
    final Map<String, ResourceIndex> resources;
    final Map<String, Boolean> inherits;

    OrgState(long id, PermissionModel model) {
        this.id = id;
        this.model = model;
        Map<String, ResourceIndex> indexes = new HashMap<>();
        Map<String, Boolean> inheritance = new HashMap<>();
        for (ResourceType type : model.resourceTypes()) {
            indexes.put(type.key(), new ResourceIndex());
            inheritance.put(type.key(), type.inheritsCompanyRole());
        }
        this.resources = Map.copyOf(indexes);
        this.inherits = Map.copyOf(inheritance);
    }
}
