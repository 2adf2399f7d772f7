package dev.gatehouse.apikey;

import dev.gatehouse.json.InstantText;
import dev.gatehouse.json.Json;
import tools.jackson.databind.node.ObjectNode;

/**
 * How the change log stores an API key (object type {@code api_key}; never its secret or hash): the snapshot
 * in a record's {@code before} and {@code after}. Issuing a key records it in {@code after}; revoking it is its
 * {@code deleted}, which records it as it was (not revoked) in {@code before}, like every other deletion. (Records
 * written by earlier versions hold a revocation in {@code after}, revoked, and no {@code before}; what reads these
 * records — the key caches, which evict the record's object id — reads neither.) A storage format, kept apart from
 * the native API's rendering ({@link KeySnapshot}); the events API and webhooks show it as stored. Existing rows hold
 * this shape; change it only compatibly. Stateless.
 */
final class LoggedKey {

    private LoggedKey() {
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
