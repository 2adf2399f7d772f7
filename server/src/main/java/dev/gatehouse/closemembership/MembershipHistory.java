package dev.gatehouse.closemembership;

import dev.gatehouse.changelog.ChangeRecord;
import dev.gatehouse.changelog.ObjectType;
import dev.gatehouse.json.Json;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.transaction.TransactionIsolationLevel;
import tools.jackson.databind.JsonNode;

/**
 * The other half of a Close membership around a change, for readers that show the whole membership (Close's
 * membership events). A membership is two objects in the change log: the member ({@code member}: user id, role,
 * status) and its Close settings ({@code close_membership_settings}); a change record carries only the half it
 * changed. The other half at a change is its latest snapshot recorded at or before that change's revision — for
 * settings never recorded (a member the native API created), the defaults.
 *
 * <p>One small indexed query per record asked about (a page holds at most a few dozen), all in one
 * repeatable-read snapshot. Stateless and thread-safe.
 */
final class MembershipHistory {

    private static final String LATEST = "SELECT after FROM change_log WHERE org_id = :org AND object_type = :type "
            + "AND object_id = :id AND revision <= :rev AND after IS NOT NULL ORDER BY revision DESC LIMIT 1";

    private MembershipHistory() {
    }

    /**
     * For every {@code member} and {@code close_membership_settings} record among {@code records} (by revision),
     * the other half's snapshot as it stood then; absent when there was none (a member record of a member whose
     * half is unknown never happens: a settings record always follows its member).
     */
    static Map<Long, JsonNode> otherHalves(Handle handle, long orgId, Collection<ChangeRecord> records) {
        Map<Long, JsonNode> out = new HashMap<>();
        if (records.stream().noneMatch(MembershipHistory::isMembership)) {
            return out;
        }
        handle.inTransaction(TransactionIsolationLevel.REPEATABLE_READ, h -> {
            for (ChangeRecord r : records) {
                if (!isMembership(r)) {
                    continue;
                }
                boolean member = r.objectType() == ObjectType.MEMBER;
                JsonNode half = h.createQuery(LATEST).bind("org", orgId)
                        .bind("type", member ? ObjectType.CLOSE_MEMBERSHIP_SETTINGS.wire() : ObjectType.MEMBER.wire())
                        .bind("id", r.objectId()).bind("rev", r.revision())
                        .mapTo(String.class).findOne().map(Json::readTree).orElse(null);
                if (half == null && member) {
                    JsonNode state = r.after() != null ? r.after() : r.before();
                    half = MembershipSnapshots.settings(MembershipSettings.defaults(Long.parseLong(r.objectId())),
                            state == null || state.get("user_id") == null ? null : state.get("user_id").stringValue());
                }
                if (half != null) {
                    out.put(r.revision(), half);
                }
            }
            return null;
        });
        return out;
    }

    private static boolean isMembership(ChangeRecord r) {
        return r.objectType() == ObjectType.MEMBER || r.objectType() == ObjectType.CLOSE_MEMBERSHIP_SETTINGS;
    }
}
