package dev.gatehouse.group;

import dev.gatehouse.json.InstantText;
import dev.gatehouse.json.Json;
import java.util.List;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * How the change log stores a group (object type {@code group}): a snapshot without the member list
 * ({@link #of}: {@code member_count} instead) and, for member changes, a {@link #delta} of the members added and
 * removed — so a row's size does not grow with the group. A storage format, kept apart from the native API's
 * rendering ({@link GroupSnapshot}); the events API and webhooks show it as stored, {@link GroupHistory} reads the
 * deltas back. Existing rows hold this shape; change it only compatibly. Stateless.
 */
final class LoggedGroup {

    /** The delta's fields, and the changed field a member change reports. */
    public static final String MEMBERS_ADDED = "members_added";
    public static final String MEMBERS_REMOVED = "members_removed";
    public static final String MEMBERS = "members";

    private LoggedGroup() {
    }

    /** A group's fields and how many members it has, not who they are. */
    public static ObjectNode of(GroupHeader group, int memberCount) {
        ObjectNode n = Json.object();
        n.put("id", group.id());
        n.put("org_id", group.orgId());
        n.put("name", group.name());
        n.put("member_count", memberCount);
        n.put("version", group.version());
        n.put("created_at", InstantText.of(group.createdAt()));
        n.put("updated_at", InstantText.of(group.updatedAt()));
        return n;
    }

    /** {@code {"members_added": [{member_id, user_id}…], "members_removed": […]}}. */
    public static ObjectNode delta(List<GroupMember> added, List<GroupMember> removed) {
        ObjectNode n = Json.object();
        ArrayNode a = n.putArray(MEMBERS_ADDED);
        added.forEach(m -> a.add(member(m)));
        ArrayNode r = n.putArray(MEMBERS_REMOVED);
        removed.forEach(m -> r.add(member(m)));
        return n;
    }

    private static ObjectNode member(GroupMember m) {
        return Json.object().put("member_id", m.memberId()).put("user_id", m.userId());
    }
}
