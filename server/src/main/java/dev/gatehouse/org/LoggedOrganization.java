package dev.gatehouse.org;

import dev.gatehouse.json.InstantText;
import dev.gatehouse.json.Json;
import tools.jackson.databind.node.ObjectNode;

/**
 * How the change log stores an organization (object type {@code organization}): the snapshot in a record's
 * {@code before} and {@code after}. A storage format, kept apart from the native API's rendering
 * ({@link OrgSnapshot}) so that the API can change without touching history or decisions: the events API and
 * webhooks show these snapshots as stored, and the engine's decoder reads the fields named below. Existing rows
 * hold this shape; change it only compatibly. Stateless.
 */
public final class LoggedOrganization {

    /** The field the engine's decoder reads back: the organization's model id. */
    public static final String MODEL = "model";

    private LoggedOrganization() {
    }

    public static ObjectNode of(Organization org) {
        ObjectNode n = Json.object();
        n.put("id", org.id());
        n.put("name", org.name());
        n.put(MODEL, org.modelId());
        n.put("account_id", org.accountId().toString());
        n.put("version", org.version());
        n.put("created_at", InstantText.of(org.createdAt()));
        n.put("updated_at", InstantText.of(org.updatedAt()));
        return n;
    }
}
