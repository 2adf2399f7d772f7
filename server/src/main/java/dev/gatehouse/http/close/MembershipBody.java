package dev.gatehouse.http.close;

import dev.gatehouse.closemembership.MembershipSettings;
import dev.gatehouse.closemembership.MembershipUpdate;
import dev.gatehouse.json.Fields;
import dev.gatehouse.role.Role;
import java.util.Set;

/**
 * Reads the body of a membership update: a role (by Close id) and any of Close's membership settings, into a
 * {@link MembershipUpdate}. The two free-text fields can be cleared with null or "". Stateless.
 */
final class MembershipBody {

    /** The fields Close documents as editable on a membership. */
    static final Set<String> EDITABLE = Set.of("role_id", "auto_record_calls", "default_caller_id",
            "default_caller_id_mode", "hangup_recording_url", "may_workflows_impersonate", "track_email_opens");

    private MembershipBody() {
    }

    /** Reads and validates a body; {@code extra} names other fields it may hold. A 400 names every problem. */
    static MembershipUpdate read(Fields f, OrgRoles roles, Set<String> extra) {
        for (String name : f.node().propertyNames()) {
            if (!EDITABLE.contains(name) && !extra.contains(name)) {
                f.error(name, "Unknown field.");
            }
        }
        CloseFields.notNull(f, "role_id", "track_email_opens", "may_workflows_impersonate", "auto_record_calls",
                "default_caller_id_mode");
        Role role = role(f, roles, false);
        String autoRecord = oneOf(f, "auto_record_calls", MembershipSettings.AUTO_RECORD_CALLS);
        String mode = oneOf(f, "default_caller_id_mode", MembershipSettings.CALLER_ID_MODES);
        String callerId = f.string("default_caller_id", false, 100);
        String hangup = f.string("hangup_recording_url", false, 2000);
        if (hangup != null && !hangup.isEmpty() && !CloseFields.httpUrl(hangup)) {
            f.error("hangup_recording_url", "Must be an http(s) URL with a host, and a port (if any) from 1 to 65535, "
                    + "such as https://example.com/bye.mp3.");
        }
        Boolean track = f.bool("track_email_opens");
        Boolean impersonate = f.bool("may_workflows_impersonate");
        f.check();
        return new MembershipUpdate(role == null ? null : role.id(), autoRecord, track, f.has("default_caller_id"),
                blankToNull(callerId), mode, f.has("hangup_recording_url"), blankToNull(hangup), impersonate);
    }

    /**
     * The role {@code role_id} names by its Close id, taken verbatim as every id is ({@code " admin"} names no role,
     * as it names none in a path); null when absent, or unknown (then a field error).
     */
    static Role role(Fields f, OrgRoles roles, boolean required) {
        String ref = f.string("role_id", required, 100);
        Role role = ref == null ? null : roles.resolve(ref);
        if (ref != null && role == null) {
            f.error("role_id", "Unknown role \"" + Fields.abbreviate(ref) + "\".");
        }
        return role;
    }

    private static String oneOf(Fields f, String name, Set<String> allowed) {
        String value = f.string(name, false, 64);
        if (value != null && !allowed.contains(value)) {
            f.error(name, "Must be one of: " + String.join(", ", allowed.stream().sorted().toList()) + ".");
            return null;
        }
        return value;
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
