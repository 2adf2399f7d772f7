package dev.gatehouse.changelog;

import dev.gatehouse.json.InstantText;
import dev.gatehouse.json.Json;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The public representation of a change record, the same in the events API and in webhook request
 * bodies:
 * <pre>{@code
 * {"revision": 42, "org_id": 7, "occurred_at": "2026-05-01T10:00:00.123456Z",
 *  "actor": {"type": "member", "member_id": 3, "key_id": "m_ab12…"},
 *  "object_type": "role", "object_id": "12", "action": "updated",
 *  "changed_fields": ["name"], "before": {…}, "after": {…}}
 * }</pre>
 * and, only on records that have one, {@code "delta"}: what the change did beyond the snapshots (a group's
 * {@code members_added} and {@code members_removed}).
 */
public final class EventJson {

    private EventJson() {
    }

    public static ObjectNode of(ChangeRecord r) {
        ObjectNode n = Json.object();
        n.put("revision", r.revision());
        n.put("org_id", r.orgId());
        n.put("occurred_at", InstantText.of(r.occurredAt()));
        ObjectNode actor = n.putObject("actor");
        actor.put("type", r.actor().type());
        actor.put("member_id", r.actor().id());
        actor.put("key_id", r.actor().keyId());
        n.put("object_type", r.objectType().wire());
        n.put("object_id", r.objectId());
        n.put("action", r.action().wire());
        ArrayNode fields = n.putArray("changed_fields");
        r.changedFields().forEach(fields::add);
        n.set("before", r.before() == null ? n.nullNode() : r.before());
        n.set("after", r.after() == null ? n.nullNode() : r.after());
        if (r.delta() != null) {
            n.set("delta", r.delta());
        }
        return n;
    }
}
