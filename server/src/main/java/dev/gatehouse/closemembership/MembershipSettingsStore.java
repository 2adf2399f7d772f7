package dev.gatehouse.closemembership;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Handle;

import static dev.gatehouse.store.SqlTime.utc;

/** SQL for Close's own membership state: settings and pinned views, one row of each per member. Stateless. */
final class MembershipSettingsStore {

    private static final String COLUMNS = "member_id, auto_record_calls, track_email_opens, default_caller_id, "
            + "default_caller_id_mode, hangup_recording_url, may_workflows_impersonate";

    MembershipSettings settings(Handle h, long memberId) {
        return h.createQuery("SELECT " + COLUMNS + " FROM close_membership_settings WHERE member_id = :m")
                .bind("m", memberId).map((rs, ctx) -> map(rs)).findOne()
                .orElseGet(() -> MembershipSettings.defaults(memberId));
    }

    /** Stored settings of an organization's members by member id; members without a row are absent. */
    Map<Long, MembershipSettings> settingsOf(Handle h, long orgId) {
        Map<Long, MembershipSettings> out = new HashMap<>();
        h.createQuery("SELECT " + COLUMNS + " FROM close_membership_settings WHERE org_id = :org")
                .bind("org", orgId).map((rs, ctx) -> map(rs)).forEach(s -> out.put(s.memberId(), s));
        return out;
    }

    void save(Handle h, long orgId, MembershipSettings s, Instant now) {
        h.createUpdate("INSERT INTO close_membership_settings (member_id, org_id, auto_record_calls, track_email_opens, "
                        + "default_caller_id, default_caller_id_mode, hangup_recording_url, may_workflows_impersonate, "
                        + "updated_at) VALUES (:m, :org, :arc, :teo, :dci, :dcim, :hru, :mwi, :now) "
                        + "ON CONFLICT (member_id) DO UPDATE SET auto_record_calls = :arc, track_email_opens = :teo, "
                        + "default_caller_id = :dci, default_caller_id_mode = :dcim, hangup_recording_url = :hru, "
                        + "may_workflows_impersonate = :mwi, updated_at = :now")
                .bind("m", s.memberId()).bind("org", orgId).bind("arc", s.autoRecordCalls())
                .bind("teo", s.trackEmailOpens()).bind("dci", s.defaultCallerId())
                .bind("dcim", s.defaultCallerIdMode()).bind("hru", s.hangupRecordingUrl())
                .bind("mwi", s.mayWorkflowsImpersonate()).bind("now", utc(now)).execute();
    }

    /** Deletes a member's stored settings; returns them, or empty when it had none (its settings were the defaults). */
    Optional<MembershipSettings> deleteSettings(Handle h, long orgId, long memberId) {
        return h.createQuery("DELETE FROM close_membership_settings WHERE member_id = :m AND org_id = :org RETURNING "
                        + COLUMNS)
                .bind("m", memberId).bind("org", orgId).map((rs, ctx) -> map(rs)).findOne();
    }

    List<String> pinnedViews(Handle h, long memberId) {
        return h.createQuery("SELECT saved_view_ids FROM close_pinned_views WHERE member_id = :m")
                .bind("m", memberId).map((rs, ctx) -> Arrays.asList((String[]) rs.getArray(1).getArray()))
                .findOne().orElse(List.of());
    }

    void savePinnedViews(Handle h, long orgId, long memberId, List<String> ids, Instant now) {
        h.createUpdate("INSERT INTO close_pinned_views (member_id, org_id, saved_view_ids, updated_at) "
                        + "VALUES (:m, :org, :ids, :now) ON CONFLICT (member_id) DO UPDATE SET saved_view_ids = :ids, "
                        + "updated_at = :now")
                .bind("m", memberId).bind("org", orgId).bind("ids", ids.toArray(new String[0]))
                .bind("now", utc(now)).execute();
    }

    /** Deletes a member's stored pinned views; returns them, or empty when it had none stored. */
    Optional<List<String>> deletePinnedViews(Handle h, long orgId, long memberId) {
        return h.createQuery("DELETE FROM close_pinned_views WHERE member_id = :m AND org_id = :org "
                        + "RETURNING saved_view_ids")
                .bind("m", memberId).bind("org", orgId)
                .map((rs, ctx) -> Arrays.asList((String[]) rs.getArray(1).getArray())).findOne();
    }

    private static MembershipSettings map(ResultSet rs) throws SQLException {
        return new MembershipSettings(rs.getLong("member_id"), rs.getString("auto_record_calls"),
                rs.getBoolean("track_email_opens"), rs.getString("default_caller_id"),
                rs.getString("default_caller_id_mode"), rs.getString("hangup_recording_url"),
                rs.getBoolean("may_workflows_impersonate"));
    }
}
