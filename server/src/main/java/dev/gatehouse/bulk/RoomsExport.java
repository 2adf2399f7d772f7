package dev.gatehouse.bulk;

import dev.gatehouse.json.InstantText;
import dev.gatehouse.json.Json;
import dev.gatehouse.store.SqlTime;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Map;
import org.jdbi.v3.core.Handle;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The lines of an export about the Rooms dialect's own objects, for {@link ExportService}, read in its snapshot:
 * regions, offices and company users' Rooms profiles ({@link #places}, after the members), then rooms and their users'
 * rows ({@link #rooms}, before the hierarchy and the assignments that name them). Regions, offices and rooms keep their
 * ids, which {@link RoomsLines} maps to the objects an import creates; members are named by user id, roles by name.
 * Stateless.
 */
final class RoomsExport {

    private static final int FETCH = 1_000;

    private RoomsExport() {
    }

    static void places(Handle h, long orgId, Spool out) {
        h.createQuery("SELECT id, name, created_at FROM regions WHERE org_id = :org ORDER BY id")
                .bind("org", orgId).setFetchSize(FETCH)
                .map((rs, ctx) -> {
                    ObjectNode n = ExportService.line("region").put("id", rs.getInt("id")).put("name", rs.getString("name"));
                    return dated(n, rs, "created_at");
                })
                .forEach(out::line);
        h.createQuery("SELECT id, name, region_id, address1, address2, city, state_id, postal_code, country_id, "
                        + "time_zone_id, phone, created_at FROM offices WHERE org_id = :org ORDER BY id")
                .bind("org", orgId).setFetchSize(FETCH)
                .map((rs, ctx) -> {
                    ObjectNode n = ExportService.line("office").put("id", rs.getInt("id")).put("name", rs.getString("name"));
                    integer(n, rs, "region_id");
                    for (String column : new String[] {"address1", "address2", "city", "state_id", "postal_code",
                            "country_id", "time_zone_id", "phone"}) {
                        text(n, rs, column);
                    }
                    return dated(n, rs, "created_at");
                })
                .forEach(out::line);
        h.createQuery("SELECT m.user_id, p.access_level, p.default_office_id, p.title_id, p.offices, p.regions, "
                        + "p.esign_permission_profile_id, p.lock_reason, p.invited_at FROM rooms_profiles p "
                        + "JOIN members m ON m.id = p.member_id WHERE p.org_id = :org ORDER BY m.id")
                .bind("org", orgId).setFetchSize(FETCH)
                .map((rs, ctx) -> {
                    ObjectNode n = ExportService.line("rooms_profile").put("user_id", rs.getString("user_id"))
                            .put("access_level", rs.getString("access_level"));
                    integer(n, rs, "default_office_id");
                    integer(n, rs, "title_id");
                    ints(n.putArray("offices"), rs, "offices");
                    ints(n.putArray("regions"), rs, "regions");
                    text(n, rs, "esign_permission_profile_id");
                    text(n, rs, "lock_reason");
                    return dated(n, rs, "invited_at");
                })
                .forEach(out::line);
    }

    /**
     * Rooms (owners and creator by user id: a member removed since is left out), then every room user's row — those
     * whose access is revoked travel only so, their role kept by name.
     */
    static void rooms(Handle h, long orgId, Map<Long, String> roleNames, Spool out) {
        h.createQuery("SELECT r.id, r.name, r.office_id, r.status, r.transaction_side_id, r.template_id, "
                        + "r.listing_source, r.field_data, r.created_at, r.updated_at, "
                        + "(SELECT user_id FROM members WHERE id = r.created_by) AS created_by, "
                        + "ARRAY(SELECT m.user_id FROM unnest(r.owner_ids) WITH ORDINALITY AS o(id, n) "
                        + "JOIN members m ON m.id = o.id ORDER BY o.n) AS owners "
                        + "FROM rooms r WHERE r.org_id = :org ORDER BY r.id")
                .bind("org", orgId).setFetchSize(FETCH)
                .map((rs, ctx) -> {
                    ObjectNode n = ExportService.line("room").put("id", rs.getInt("id")).put("name", rs.getString("name"));
                    integer(n, rs, "office_id");
                    n.put("status", rs.getString("status"));
                    ArrayNode owners = n.putArray("owners");
                    for (String owner : (String[]) rs.getArray("owners").getArray()) {
                        owners.add(owner);
                    }
                    text(n, rs, "created_by");
                    text(n, rs, "transaction_side_id");
                    integer(n, rs, "template_id");
                    text(n, rs, "listing_source");
                    if (rs.getString("field_data") != null) {
                        n.set("field_data", Json.readTree(rs.getString("field_data")));
                    }
                    dated(n, rs, "created_at");
                    return dated(n, rs, "updated_at");
                })
                .forEach(out::line);
        h.createQuery("SELECT ru.room_id, m.user_id, (SELECT user_id FROM members WHERE id = ru.invited_by) AS invited_by, "
                        + "ru.transaction_side_id, ru.revoked_role_id, ru.revoked_at FROM room_users ru "
                        + "JOIN members m ON m.id = ru.member_id WHERE ru.org_id = :org ORDER BY ru.room_id, m.id")
                .bind("org", orgId).setFetchSize(FETCH)
                .map((rs, ctx) -> {
                    ObjectNode n = ExportService.line("room_user").put("room_id", rs.getInt("room_id"))
                            .put("user_id", rs.getString("user_id"));
                    text(n, rs, "invited_by");
                    text(n, rs, "transaction_side_id");
                    long revokedRole = rs.getLong("revoked_role_id");
                    if (!rs.wasNull()) {
                        n.put("revoked_role", roleNames.get(revokedRole));
                        dated(n, rs, "revoked_at");
                    }
                    return n;
                })
                .forEach(out::line);
    }

    private static ObjectNode dated(ObjectNode n, ResultSet rs, String column) throws SQLException {
        Instant at = SqlTime.instant(rs, column);
        if (at != null) {
            n.put(column, InstantText.of(at));
        }
        return n;
    }

    /** The column's text under its own name, when it is not null. */
    private static void text(ObjectNode n, ResultSet rs, String column) throws SQLException {
        String value = rs.getString(column);
        if (value != null) {
            n.put(column, value);
        }
    }

    private static void integer(ObjectNode n, ResultSet rs, String column) throws SQLException {
        int value = rs.getInt(column);
        if (!rs.wasNull()) {
            n.put(column, value);
        }
    }

    private static void ints(ArrayNode array, ResultSet rs, String column) throws SQLException {
        java.sql.Array values = rs.getArray(column);
        if (values != null) {
            for (Integer id : (Integer[]) values.getArray()) {
                array.add(id);
            }
        }
    }
}
