package dev.gatehouse.closemembership;

import java.util.Objects;
import java.util.Set;

/**
 * The membership fields Close documents as editable beside the role. Gatehouse decides nothing with them; it
 * stores and returns them so Close's clients can round-trip them. A member without stored settings has
 * {@link #defaults}. Immutable.
 */
public record MembershipSettings(long memberId, String autoRecordCalls, boolean trackEmailOpens,
                                 String defaultCallerId, String defaultCallerIdMode, String hangupRecordingUrl,
                                 boolean mayWorkflowsImpersonate) {

    public static final Set<String> AUTO_RECORD_CALLS = Set.of("unset", "enabled", "disabled");
    public static final Set<String> CALLER_ID_MODES = Set.of("fixed", "auto");

    public MembershipSettings {
        Objects.requireNonNull(autoRecordCalls, "autoRecordCalls");
        Objects.requireNonNull(defaultCallerIdMode, "defaultCallerIdMode");
    }

    public static MembershipSettings defaults(long memberId) {
        return new MembershipSettings(memberId, "unset", false, null, "auto", null, false);
    }
}
