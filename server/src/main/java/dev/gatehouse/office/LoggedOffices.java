package dev.gatehouse.office;

import dev.gatehouse.json.InstantText;
import dev.gatehouse.json.Json;
import tools.jackson.databind.node.ObjectNode;

/**
 * How the change log stores offices and regions (object types {@code office} and {@code region}). A storage format
 * of its own, shown as stored by the events API and webhooks; change it only compatibly. Stateless.
 */
final class LoggedOffices {

    private LoggedOffices() {
    }

    static ObjectNode region(Region r) {
        ObjectNode n = Json.object();
        n.put("id", r.id());
        n.put("org_id", r.orgId());
        n.put("name", r.name());
        n.put("version", r.version());
        n.put("created_at", InstantText.of(r.createdAt()));
        n.put("updated_at", InstantText.of(r.updatedAt()));
        return n;
    }

    static ObjectNode office(Office o) {
        OfficeFields f = o.fields();
        ObjectNode n = Json.object();
        n.put("id", o.id());
        n.put("org_id", o.orgId());
        n.put("name", f.name());
        n.put("region_id", f.regionId());
        n.put("address1", f.address1());
        n.put("address2", f.address2());
        n.put("city", f.city());
        n.put("state_id", f.stateId());
        n.put("postal_code", f.postalCode());
        n.put("country_id", f.countryId());
        n.put("time_zone_id", f.timeZoneId());
        n.put("phone", f.phone());
        n.put("version", o.version());
        n.put("created_at", InstantText.of(o.createdAt()));
        n.put("updated_at", InstantText.of(o.updatedAt()));
        return n;
    }
}
