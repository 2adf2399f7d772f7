package dev.gatehouse.closemembership;

/**
 * What one membership update asks for: a company role and any of Close's membership settings. Null fields stay
 * as they are; the two free-text fields can also be cleared ({@code …Sent} says whether they were given, a null
 * value then clears). Immutable.
 */
public record MembershipUpdate(Long roleId, String autoRecordCalls, Boolean trackEmailOpens, boolean callerIdSent,
                               String defaultCallerId, String defaultCallerIdMode, boolean hangupSent,
                               String hangupRecordingUrl, Boolean mayWorkflowsImpersonate) {

    /** The settings after this update. */
    MembershipSettings applyTo(MembershipSettings s) {
        return new MembershipSettings(s.memberId(),
                autoRecordCalls == null ? s.autoRecordCalls() : autoRecordCalls,
                trackEmailOpens == null ? s.trackEmailOpens() : trackEmailOpens,
                callerIdSent ? defaultCallerId : s.defaultCallerId(),
                defaultCallerIdMode == null ? s.defaultCallerIdMode() : defaultCallerIdMode,
                hangupSent ? hangupRecordingUrl : s.hangupRecordingUrl(),
                mayWorkflowsImpersonate == null ? s.mayWorkflowsImpersonate() : mayWorkflowsImpersonate);
    }
}
