package dev.gatehouse.client;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * One of the product's resources: a resource type of the organization's model (e.g. {@code room}, {@code doc}) and
 * the product's id for it. Immutable.
 *
 * @param type a resource type key of the model
 * @param id   the product's resource id
 */
public record ResourceRef(String type, String id) {

    public ResourceRef {
        Arguments.required(type, "type");
        Arguments.required(id, "id");
        if (type.isEmpty() || id.isEmpty()) {
            throw new IllegalArgumentException("a resource needs a type and an id, got \"" + type + "\" and \"" + id
                    + "\"");
        }
    }

    /** The resource of this type and id. */
    public static ResourceRef of(String type, String id) {
        return new ResourceRef(type, id);
    }

    /** {@code /resources/{type}/{id}}, percent-encoded. */
    String path() {
        return "/resources/" + Wire.encode(type) + "/" + Wire.encode(id);
    }

    ObjectNode json() {
        return Wire.object().put("type", type).put("id", id);
    }

    /** The resource of a {@code {type, id}} object, or null. */
    static ResourceRef from(JsonNode node) {
        return node == null || node.isNull() ? null : new ResourceRef(Wire.text(node, "type"), Wire.text(node, "id"));
    }
}
