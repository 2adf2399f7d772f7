package dev.gatehouse.group;

import dev.gatehouse.json.Json;
import java.util.List;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The native representation of a group ({@link #of}) and how the change log records groups: a snapshot without
 * the member list ({@link #logged}: {@code member_count} instead) and, for member changes, a {@link #delta} of the
 * members added and removed — so a row's size does not grow with the group (object type {@code group}).
 */
public final class GroupSnapshot {

    /** The delta's fields, and the changed field a member change reports. */
    public static final String MEMBERS_ADDED = "members_added";
    public static final String MEMBERS_REMOVED = "members_removed";
    public static final String MEMBERS = "members";

    private GroupSnapshot() {
    }

    public static ObjectNode of(Group group) {
        ObjectNode n = Json.object();
        n.put("id", group.id());
        n.put("org_id", group.orgId());
        n.put("name", group.name());
        ArrayNode members = n.putArray("members");
        group.members().forEach(m -> members.add(member(m)));
        n.put("version", group.version());
        n.put("created_at", group.createdAt().toString());
        n.put("updated_at", group.updatedAt().toString());
        return n;
    }

    /** A group as the change log records it: its fields and how many members it has, not who they are. */
    public static ObjectNode logged(GroupHeader group, int memberCount) {
        ObjectNode n = Json.object();
        n.put("id", group.id());
        n.put("org_id", group.orgId());
        n.put("name", group.name());
        n.put("member_count", memberCount);
        n.put("version", group.version());
        n.put("created_at", group.createdAt().toString());
        n.put("updated_at", group.updatedAt().toString());
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
