package dev.gatehouse.resource;

import dev.gatehouse.json.InstantText;
import dev.gatehouse.json.Json;
import tools.jackson.databind.node.ObjectNode;

/**
 * How the change log stores a resource of the hierarchy (object type {@code resource}): the snapshot in a
 * record's {@code before} and {@code after}. A storage format, kept apart from the native API's rendering
 * ({@link ResourceSnapshot}); the engine's decoder reads the fields named below (of a deleted resource, from
 * {@code before}). Existing rows hold this shape; change it only compatibly. Stateless.
 */
public final class LoggedResource {

    /** Fields the engine's decoder reads back: the resource's type and id, and its parent's id (null: none). */
    public static final String TYPE = "type";
    public static final String ID = "id";
    public static final String PARENT = "parent";
    public static final String PARENT_TYPE = "type";
    public static final String PARENT_ID = "id";

    private LoggedResource() {
    }

    public static ObjectNode of(Resource r) {
        ObjectNode n = Json.object();
        n.put("org_id", r.orgId());
        n.put(TYPE, r.type());
        n.put(ID, r.id());
        if (r.parentId() == null) {
            n.putNull(PARENT);
        } else {
            n.putObject(PARENT).put(PARENT_TYPE, r.parentType()).put(PARENT_ID, r.parentId());
        }
        n.put("created_at", InstantText.of(r.createdAt()));
        n.put("updated_at", InstantText.of(r.updatedAt()));
        return n;
    }
}
