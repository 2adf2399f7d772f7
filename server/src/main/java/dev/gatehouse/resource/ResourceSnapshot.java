package dev.gatehouse.resource;

import dev.gatehouse.json.InstantText;
import dev.gatehouse.json.Json;
import tools.jackson.databind.node.ObjectNode;

/** The native API's representation of a resource; the change log stores {@link LoggedResource} instead. */
public final class ResourceSnapshot {

    private ResourceSnapshot() {
    }

    public static ObjectNode of(Resource r) {
        ObjectNode n = Json.object();
        n.put("org_id", r.orgId());
        n.put("type", r.type());
        n.put("id", r.id());
        if (r.parentId() == null) {
            n.putNull("parent");
        } else {
            n.putObject("parent").put("type", r.parentType()).put("id", r.parentId());
        }
        n.put("created_at", InstantText.of(r.createdAt()));
        n.put("updated_at", InstantText.of(r.updatedAt()));
        return n;
    }
}
