package dev.gatehouse.closemembership;

import dev.gatehouse.json.Json;
import dev.gatehouse.member.Member;
import java.util.List;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The change-log snapshots of Close's membership state, in Close's field names: {@code close_membership_settings}
 * and {@code close_pinned_views}, each naming the member by id and user id. Stateless.
 */
final class MembershipSnapshots {

    private MembershipSnapshots() {
    }

    static ObjectNode settings(MembershipSettings s, String userId) {
        ObjectNode n = Json.object();
        n.put("member_id", s.memberId());
        n.put("user_id", userId);
        n.put("auto_record_calls", s.autoRecordCalls());
        n.put("track_email_opens", s.trackEmailOpens());
        n.put("default_caller_id", s.defaultCallerId());
        n.put("default_caller_id_mode", s.defaultCallerIdMode());
        n.put("hangup_recording_url", s.hangupRecordingUrl());
        n.put("may_workflows_impersonate", s.mayWorkflowsImpersonate());
        return n;
    }

    static ObjectNode pinnedViews(Member member, List<String> ids) {
        ObjectNode n = Json.object();
        ArrayNode array = n.putArray("saved_view_ids");
        ids.forEach(array::add);
        n.put("member_id", member.id());
        n.put("user_id", member.userId());
        return n;
    }
}
