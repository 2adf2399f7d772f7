package dev.gatehouse.client;

import java.time.Instant;
import java.util.stream.Stream;
import tools.jackson.databind.JsonNode;

/**
 * The resource hierarchy of an organization ({@code /v1/orgs/{org}/resources/{type}/{id}}): for the resource types
 * whose model declares a parent type, which resource lies under which (a room under an office, an office under a
 * region). A member's role on an ancestor applies on a resource where the member holds no role of its own. Changing
 * the hierarchy needs the model's {@code management.assignments} permission. Thread-safe.
 */
public interface Resources {

    /**
     * Records {@code resource} under {@code parent} (null: at the top), or moves it there — one write that every
     * decision follows at once.
     */
    Resource put(ResourceRef resource, ResourceRef parent);

    /** The recorded resource; {@link NotFoundException} when it is not recorded. */
    Resource get(ResourceRef resource);

    /** Takes the resource out of the hierarchy ({@link ConflictException} while it has children); its roles stay. */
    void delete(ResourceRef resource);

    /** The resources whose parent is {@code resource}, by type and id, paging by itself. */
    Stream<Resource> children(ResourceRef resource);

    /** A recorded resource and its parent (null at the top). */
    record Resource(ResourceRef resource, ResourceRef parent, Instant createdAt, Instant updatedAt) {

        static Resource from(JsonNode n) {
            return new Resource(new ResourceRef(Wire.text(n, "type"), Wire.text(n, "id")),
                    ResourceRef.from(n.get("parent")), Wire.instant(n, "created_at"), Wire.instant(n, "updated_at"));
        }
    }
}
