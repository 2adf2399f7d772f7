package dev.gatehouse.http.close;

import dev.gatehouse.json.Json;
import java.util.List;
import java.util.Set;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Writes Close responses: JSON objects and {@code {"data": [...], "has_more": …}} lists, trimmed to the
 * fields asked for with {@code _fields}. Stateless.
 */
final class CloseReply {

    private CloseReply() {
    }

    static void object(CloseRequest req, int status, ObjectNode body) {
        write(req, status, trim(body, req.fieldsWanted()));
    }

    static void list(CloseRequest req, List<ObjectNode> items, boolean hasMore) {
        ObjectNode body = Json.object();
        ArrayNode data = body.putArray("data");
        Set<String> wanted = req.fieldsWanted();
        items.forEach(item -> data.add(trim(item, wanted)));
        body.put("has_more", hasMore);
        write(req, 200, body);
    }

    /** Close answers some deletes with an empty object (so clients that parse every 200 can). */
    static void empty(CloseRequest req) {
        write(req, 200, Json.object());
    }

    static void noContent(CloseRequest req) {
        req.ctx().status(204);
    }

    static void write(CloseRequest req, int status, JsonNode body) {
        req.ctx().status(status).contentType("application/json").result(Json.write(body));
    }

    /** The object with only the wanted top-level fields, in the object's order. */
    static ObjectNode trim(ObjectNode item, Set<String> wanted) {
        if (wanted == null) {
            return item;
        }
        ObjectNode out = Json.object();
        item.properties().forEach(e -> {
            if (wanted.contains(e.getKey())) {
                out.set(e.getKey(), e.getValue());
            }
        });
        return out;
    }
}
