package dev.gatehouse.org;

import dev.gatehouse.json.InstantText;
import dev.gatehouse.json.Json;
import tools.jackson.databind.node.ObjectNode;

/** The native API's representation of an organization; the change log stores {@link LoggedOrganization} instead. */
public final class OrgSnapshot {

    private OrgSnapshot() {
    }

    public static ObjectNode of(Organization org) {
        ObjectNode n = Json.object();
        n.put("id", org.id());
        n.put("name", org.name());
        n.put("model", org.modelId());
        n.put("account_id", org.accountId().toString());
        n.put("version", org.version());
        n.put("created_at", InstantText.of(org.createdAt()));
        n.put("updated_at", InstantText.of(org.updatedAt()));
        return n;
    }
}
