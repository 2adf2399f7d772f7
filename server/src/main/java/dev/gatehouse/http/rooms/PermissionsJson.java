package dev.gatehouse.http.rooms;

import dev.gatehouse.json.Fields;
import dev.gatehouse.json.Json;
import dev.gatehouse.model.Permission;
import dev.gatehouse.model.PermissionModel;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Rooms' {@code Permissions}: a flat object of booleans, one per permission of the {@code rooms} model (on
 * {@code rooms_v5}, the same 66: its ClassicManagerPermissions flags are shown per user), all
 * of them always present in responses. Requests may name fewer (missing = false), older names
 * ({@code isVisibleInRooms}, {@code canCreateAndManagePackages}) and unknown ones: those are ignored, as the
 * SDKs ignore unknown properties.
 */
final class PermissionsJson {

    /** Names older SDKs and the spec's NullablePermissions send, accepted and ignored. */
    static final Set<String> RETIRED = Set.of("isVisibleInRooms", "canCreateAndManagePackages");

    /**
     * The {@code rooms_v5} model's category of ClassicManagerPermissions' flags: a user's, shown in
     * {@code User.permissions}, never in a role's 66 booleans.
     */
    private static final String CLASSIC_CATEGORY = "classic_manager";

    private PermissionsJson() {
    }

    static ObjectNode write(PermissionModel model, List<String> granted) {
        Set<String> set = Set.copyOf(granted);
        ObjectNode n = Json.object();
        for (Permission p : model.permissions()) {
            if (!CLASSIC_CATEGORY.equals(p.category())) {
                n.put(p.key(), set.contains(p.key()));
            }
        }
        return n;
    }

    /** The permissions set to true in {@code permissions}; null when the field is absent or null. */
    static List<String> read(Fields f, PermissionModel model) {
        JsonNode node = f.node().get("permissions");
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isObject()) {
            f.error("permissions", "must be an object of permission booleans");
            return null;
        }
        List<String> granted = new ArrayList<>();
        for (String name : node.propertyNames()) {
            if (!model.hasPermission(name)) {
                continue;
            }
            JsonNode v = node.get(name);
            if (v.isBoolean()) {
                if (v.booleanValue()) {
                    granted.add(name);
                }
            } else if (!v.isNull()) {
                f.error("permissions." + name, "must be true or false");
            }
        }
        return granted;
    }
}
