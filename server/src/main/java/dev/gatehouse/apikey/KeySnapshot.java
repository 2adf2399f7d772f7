package dev.gatehouse.apikey;

import dev.gatehouse.json.InstantText;
import dev.gatehouse.json.Json;
import tools.jackson.databind.node.ObjectNode;

/**
 * The native API's representation of a key (never its secret or hash); the change log stores {@link LoggedKey}
 * instead.
 */
public final class KeySnapshot {

    private KeySnapshot() {
    }

    public static ObjectNode of(ApiKey key) {
        ObjectNode n = Json.object();
        n.put("id", key.keyId());
        n.put("kind", key.kind());
        n.put("org_id", key.orgId());
        n.put("member_id", key.memberId());
        n.put("name", key.name());
        n.put("created_at", InstantText.of(key.createdAt()));
        n.put("revoked_at", InstantText.of(key.revokedAt()));
        return n;
    }
}
