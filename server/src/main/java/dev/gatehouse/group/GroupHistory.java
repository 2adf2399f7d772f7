package dev.gatehouse.group;

import dev.gatehouse.changelog.ChangeRecord;
import dev.gatehouse.changelog.ObjectType;
import dev.gatehouse.json.Json;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.transaction.TransactionIsolationLevel;
import tools.jackson.databind.JsonNode;

/**
 * A group's member list around any recorded change, derived from the change log's deltas for readers that show
 * whole lists (Close's group events). The change log records a group without its members and each member change
 * as a delta ({@link GroupService}); the list at a change is the group's members now with the later changes undone,
 * newest first: a later {@code members_added} is taken out again, a later {@code members_removed} put back. A
 * deleted group starts from no members and its deletion's delta puts them all back. Records written before deltas
 * existed carry the whole list in their snapshots, which the walk then takes as is.
 *
 * <p>Reads the group's current members and its later change-log rows in one repeatable-read snapshot, so both
 * describe the same moment. Cost: one pass over the group's changes since the oldest record asked about, each a
 * small row. Stateless and thread-safe.
 */
public final class GroupHistory {

    /** A group's members just before and just after one change, ascending by member id; null where it did not exist. */
    public record Members(List<GroupMember> before, List<GroupMember> after) {
    }

    private GroupHistory() {
    }

    /** For every {@code group} record among {@code records} (by revision), its members before and after. */
    public static Map<Long, Members> around(Handle handle, long orgId, Collection<ChangeRecord> records) {
        Map<String, Long> oldest = new HashMap<>();
        Set<Long> wanted = new HashSet<>();
        for (ChangeRecord r : records) {
            if (r.objectType() == ObjectType.GROUP) {
                oldest.merge(r.objectId(), r.revision(), Math::min);
                wanted.add(r.revision());
            }
        }
        if (wanted.isEmpty()) {
            return Map.of();
        }
        Map<Long, Members> out = new HashMap<>();
        handle.inTransaction(TransactionIsolationLevel.REPEATABLE_READ, h -> {
            oldest.forEach((groupId, from) -> walk(h, orgId, Long.parseLong(groupId), from, wanted, out));
            return null;
        });
        return out;
    }

    private static void walk(Handle h, long orgId, long groupId, long from, Set<Long> wanted, Map<Long, Members> out) {
        TreeMap<Long, String> members = new TreeMap<>();
        h.createQuery("SELECT gm.member_id, m.user_id FROM group_members gm JOIN groups g ON g.id = gm.group_id "
                        + "JOIN members m ON m.id = gm.member_id WHERE gm.group_id = :g AND g.org_id = :org")
                .bind("g", groupId).bind("org", orgId)
                .map((rs, ctx) -> members.put(rs.getLong("member_id"), rs.getString("user_id"))).forEach(x -> { });
        h.createQuery("SELECT revision, before, after, delta FROM change_log WHERE org_id = :org "
                        + "AND object_type = 'group' AND object_id = :id AND revision >= :from ORDER BY revision DESC")
                .bind("org", orgId).bind("id", String.valueOf(groupId)).bind("from", from)
                .map((rs, ctx) -> {
                    long revision = rs.getLong("revision");
                    JsonNode before = json(rs.getString("before"));
                    JsonNode after = json(rs.getString("after"));
                    JsonNode delta = json(rs.getString("delta"));
                    undo(revision, before, after, delta, members, wanted, out);
                    return 0;
                }).forEach(x -> { });
    }

    /** Turns {@code members} from the list after one change into the list before it, noting both when wanted. */
    private static void undo(long revision, JsonNode before, JsonNode after, JsonNode delta, TreeMap<Long, String> members,
                             Set<Long> wanted, Map<Long, Members> out) {
        JsonNode listedAfter = after == null ? null : after.get("members");
        if (listedAfter != null && listedAfter.isArray()) {
            members.clear();
            read(listedAfter, members);
        }
        List<GroupMember> afterList = after == null ? null : list(members);
        JsonNode listedBefore = before == null ? null : before.get("members");
        if (before == null) {
            members.clear();
        } else if (listedBefore != null && listedBefore.isArray()) {
            members.clear();
            read(listedBefore, members);
        } else if (delta != null) {
            for (JsonNode m : delta.path(LoggedGroup.MEMBERS_ADDED)) {
                members.remove(m.get("member_id").longValue());
            }
            read(delta.path(LoggedGroup.MEMBERS_REMOVED), members);
        }
        if (wanted.contains(revision)) {
            out.put(revision, new Members(before == null ? null : list(members), afterList));
        }
    }

    private static void read(JsonNode array, TreeMap<Long, String> into) {
        for (JsonNode m : array) {
            into.put(m.get("member_id").longValue(), m.get("user_id").stringValue());
        }
    }

    private static List<GroupMember> list(TreeMap<Long, String> members) {
        List<GroupMember> out = new ArrayList<>(members.size());
        members.forEach((id, userId) -> out.add(new GroupMember(id, userId)));
        return out;
    }

    private static JsonNode json(String text) {
        return text == null ? null : Json.readTree(text);
    }
}
