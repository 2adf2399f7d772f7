package dev.gatehouse.http.close;

import dev.gatehouse.json.Json;
import java.util.Objects;
import java.util.Set;
import tools.jackson.databind.node.ObjectNode;

/**
 * The membership fields Close documents as editable beside {@code role_id}. Gatehouse decides nothing with
 * them; the Close dialect stores and returns them so Close's clients can round-trip them. A member without
 * stored settings has {@link #defaults}. Immutable.
 */
record MembershipSettings(long memberId, String autoRecordCalls, boolean trackEmailOpens, String defaultCallerId,
                          String defaultCallerIdMode, String hangupRecordingUrl, boolean mayWorkflowsImpersonate) {

    static final Set<String> AUTO_RECORD_CALLS = Set.of("unset", "enabled", "disabled");
    static final Set<String> CALLER_ID_MODES = Set.of("fixed", "auto");

    MembershipSettings {
        Objects.requireNonNull(autoRecordCalls, "autoRecordCalls");
        Objects.requireNonNull(defaultCallerIdMode, "defaultCallerIdMode");
    }

    static MembershipSettings defaults(long memberId) {
        return new MembershipSettings(memberId, "unset", false, null, "auto", null, false);
    }

    /** The change-log snapshot (object type {@code close_membership_settings}), in Close's field names. */
    ObjectNode snapshot(String userId) {
        ObjectNode n = Json.object();
        n.put("member_id", memberId);
        n.put("user_id", userId);
        putFields(n);
        return n;
    }

    void putFields(ObjectNode n) {
        n.put("auto_record_calls", autoRecordCalls);
        n.put("track_email_opens", trackEmailOpens);
        n.put("default_caller_id", defaultCallerId);
        n.put("default_caller_id_mode", defaultCallerIdMode);
        n.put("hangup_recording_url", hangupRecordingUrl);
        n.put("may_workflows_impersonate", mayWorkflowsImpersonate);
    }
}
