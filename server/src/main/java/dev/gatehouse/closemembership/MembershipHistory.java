package dev.gatehouse.closemembership;

import dev.gatehouse.changelog.Action;
import dev.gatehouse.changelog.ChangeLogStore;
import dev.gatehouse.changelog.ChangeRecord;
import dev.gatehouse.changelog.ObjectType;
import dev.gatehouse.json.Json;
import dev.gatehouse.member.LoggedMember;
import dev.gatehouse.member.Member;
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
 * <p>One write may change both halves: Close's membership update moves the member to its new role, then records the
 * settings, two records of one write about one membership, which Close shows as the one change it was. So the
 * membership's change record next to a record in the log is read too: a member {@code updated} whose next membership
 * record is a settings record of the same write is shown by that record ({@link OtherHalf#shownAt});
 * that settings record's other half before is the member before its write. Removing a member deletes its settings
 * just before the member's own record, by the same write: that settings record is shown by the member's removal
 * ({@link OtherHalf#shownAt}), which Close shows as the membership's deactivation. A write is told by its records: one
 * commit, one actor, one time — each write of a shared transaction has a time of its own (the node's clock, read
 * after its organization's lock, to the microsecond).
 *
 * <p>Whether a membership had begun before a record ({@link OtherHalf#begun}) is read from its member's records: it
 * had if the member was active at one of them before it. When retention has removed the member's creation, the
 * records kept begin with one whose state before tells: a member then invited had not begun; one then active, or
 * deactivated with its past unknown, is taken to have.
 *
 * <p>A few small indexed queries per record asked about (a page holds at most a few dozen), and one for the
 * beginnings of all their memberships, all in one repeatable-read snapshot. Stateless and thread-safe.
 */
final class MembershipHistory {

    private static final String LATEST = "SELECT after FROM change_log WHERE org_id = :org AND object_type = :type "
            + "AND object_id = :id AND revision <= :rev AND after IS NOT NULL ORDER BY revision DESC LIMIT 1";

    private static final String COLUMNS = "revision, org_id, occurred_at, actor_type, actor_id, key_id, object_type, "
            + "object_id, action, changed_fields, before, after, delta, objects, commit_last";

    /**
     * Per member asked about whose membership has begun: the revision from which it had, its first record leaving it
     * active, or 0 when its oldest record kept is no creation and its member was not invited before that record
     * ({@link OtherHalf#begun}).
     */
    private static final String BEGUN = "SELECT object_id, begun FROM (SELECT object_id, "
            + "CASE WHEN (array_agg(action ORDER BY revision))[1] <> :created "
            + "AND (array_agg(before ->> :status ORDER BY revision))[1] IS DISTINCT FROM :invited THEN 0 "
            + "ELSE min(revision) FILTER (WHERE after ->> :status = :active) END AS begun "
            + "FROM change_log WHERE org_id = :org AND object_type = :member AND object_id = ANY(:ids) "
            + "GROUP BY object_id) b WHERE begun IS NOT NULL";

    /** The membership's next change record in the same commit, of either half. */
    private static final String NEXT = nearest("revision > :rev AND revision <= :last", "ASC");
    /** The membership's previous change record, of either half. */
    private static final String PREVIOUS = nearest("revision < :rev", "DESC");

    private MembershipHistory() {
    }

    /**
     * For every {@code member} and {@code close_membership_settings} record among {@code records} (by revision),
     * the other half around it ({@link OtherHalf}), its snapshots null when there was none (a member record of
     * a member whose half is unknown never happens: a settings record always follows its member).
     */
    static Map<Long, OtherHalf> otherHalves(Handle handle, long orgId, Collection<ChangeRecord> records) {
        Map<Long, OtherHalf> out = new HashMap<>();
        if (records.stream().noneMatch(MembershipHistory::isMembership)) {
            return out;
        }
        handle.inTransaction(TransactionIsolationLevel.REPEATABLE_READ, h -> {
            Map<String, Long> begun = begun(h, orgId, records);
            for (ChangeRecord r : records) {
                if (isMembership(r)) {
                    Long since = begun.get(r.objectId());
                    out.put(r.revision(), otherHalf(h, orgId, r, since != null && since < r.revision()));
                }
            }
            return null;
        });
        return out;
    }

    /** Per member of the membership records among {@code records}: the revision from which it had begun, if it has. */
    private static Map<String, Long> begun(Handle h, long orgId, Collection<ChangeRecord> records) {
        String[] ids = records.stream().filter(MembershipHistory::isMembership).map(ChangeRecord::objectId).distinct()
                .toArray(String[]::new);
        Map<String, Long> begun = new HashMap<>();
        h.createQuery(BEGUN).bind("org", orgId).bind("member", ObjectType.MEMBER.wire()).bind("ids", ids)
                .bind("created", Action.CREATED.wire()).bind("status", LoggedMember.STATUS)
                .bind("invited", Member.INVITED).bind("active", Member.ACTIVE)
                .map((rs, ctx) -> Map.entry(rs.getString("object_id"), rs.getLong("begun")))
                .forEach(e -> begun.put(e.getKey(), e.getValue()));
        return begun;
    }

    private static OtherHalf otherHalf(Handle h, long orgId, ChangeRecord r, boolean begun) {
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
        if (member) {
            ChangeRecord next = r.action().equals(Action.UPDATED) && r.commitLast() > r.revision()
                    ? neighbour(h, true, orgId, r) : null;
            boolean shownByNext = next != null && next.objectType() == ObjectType.CLOSE_MEMBERSHIP_SETTINGS
                    && sameWrite(r, next);
            return new OtherHalf(half, half, shownByNext ? next.revision() : null, begun);
        }
        if (r.action().equals(Action.DELETED)) {
            ChangeRecord next = r.commitLast() > r.revision() ? neighbour(h, true, orgId, r) : null;
            boolean shownByNext = next != null && next.objectType() == ObjectType.MEMBER
                    && next.action().equals(Action.DELETED) && sameWrite(r, next);
            return new OtherHalf(half, half, shownByNext ? next.revision() : null, begun);
        }
        ChangeRecord previous = neighbour(h, false, orgId, r);
        boolean showsPrevious = previous != null && previous.objectType() == ObjectType.MEMBER
                && previous.action().equals(Action.UPDATED) && sameWrite(previous, r);
        return new OtherHalf(showsPrevious ? previous.before() : half, half, null, begun);
    }

    /** The membership's change record next to {@code r}: the one after it in its commit, or the one before it. */
    private static ChangeRecord neighbour(Handle h, boolean after, long orgId, ChangeRecord r) {
        var query = h.createQuery(after ? NEXT : PREVIOUS).bind("org", orgId).bind("member", ObjectType.MEMBER.wire())
                .bind("settings", ObjectType.CLOSE_MEMBERSHIP_SETTINGS.wire()).bind("id", r.objectId())
                .bind("rev", r.revision());
        if (after) {
            query.bind("last", r.commitLast());
        }
        return query.map((rs, ctx) -> ChangeLogStore.map(rs)).findOne().orElse(null);
    }

    /** The nearer of the two halves' records nearest a revision, each found by its own index scan. */
    private static String nearest(String range, String order) {
        String half = "(SELECT " + COLUMNS + " FROM change_log WHERE org_id = :org AND object_type = :%s "
                + "AND object_id = :id AND " + range + " ORDER BY revision " + order + " LIMIT 1)";
        return "SELECT " + COLUMNS + " FROM (" + half.formatted("member") + " UNION ALL " + half.formatted("settings")
                + ") n ORDER BY revision " + order + " LIMIT 1";
    }

    /** Whether two records were written by one write: one commit, one actor, one time. */
    private static boolean sameWrite(ChangeRecord a, ChangeRecord b) {
        return a.commitLast() == b.commitLast() && a.actor().equals(b.actor()) && a.occurredAt().equals(b.occurredAt());
    }

    private static boolean isMembership(ChangeRecord r) {
        return r.objectType() == ObjectType.MEMBER || r.objectType() == ObjectType.CLOSE_MEMBERSHIP_SETTINGS;
    }
}
