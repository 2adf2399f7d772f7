package dev.gatehouse.grant;

import dev.gatehouse.json.InstantText;
import dev.gatehouse.json.Json;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** The native API's representation of a member's grants; the change log stores {@link LoggedGrants} instead. */
public final class GrantsSnapshot {

    private GrantsSnapshot() {
    }

    /** {@code grants} null: the member holds none (an empty list, no timestamps). */
    public static ObjectNode of(long orgId, long memberId, String userId, GrantSet grants) {
        ObjectNode n = Json.object();
        n.put("org_id", orgId);
        n.put("member_id", memberId);
        n.put("user_id", userId);
        ArrayNode permissions = n.putArray("permissions");
        if (grants == null) {
            n.putNull("updated_at");
        } else {
            grants.permissions().forEach(permissions::add);
            n.put("updated_at", InstantText.of(grants.updatedAt()));
        }
        return n;
    }
}
