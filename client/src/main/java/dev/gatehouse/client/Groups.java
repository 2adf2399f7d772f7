package dev.gatehouse.client;

import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import tools.jackson.databind.JsonNode;

/**
 * Named sets of members ({@code /v1/orgs/{org}/groups}); names are unique per organization ignoring case. Groups
 * decide nothing. Thread-safe.
 */
public interface Groups {

    /** Every group with its members, paging by itself. */
    Stream<Group> list();

    Group get(long groupId);

    Group create(String name);

    Group rename(long groupId, String name);

    /** {@link #rename(long, String)} if the group is still at {@code expectedVersion}. */
    Group rename(long groupId, String name, long expectedVersion);

    /** Deletes the group (its members stay members of the organization). */
    void delete(long groupId);

    /** {@link #delete(long)} if the group is still at {@code expectedVersion}. */
    void delete(long groupId, long expectedVersion);

    /** The group's members, ascending by member id, paging by itself. */
    Stream<GroupMember> members(long groupId);

    /** Adds a member; {@link Membership#added()} is false when it already was one. */
    Membership addMember(long groupId, MemberRef member);

    /**
     * Removes a member from the group ({@link NotFoundException} when it is not in it, unless a retry found it gone:
     * docs/client.md, "Retries").
     */
    void removeMember(long groupId, MemberRef member);

    /** A group and its members. */
    record Group(long id, long orgId, String name, List<GroupMember> members, long version, Instant createdAt,
                 Instant updatedAt) {

        public Group {
            members = List.copyOf(members);
        }

        static Group from(JsonNode n) {
            return new Group(Wire.number(n, "id"), Wire.number(n, "org_id"), Wire.text(n, "name"),
                    Wire.list(n, "members", GroupMember::from), Wire.number(n, "version"),
                    Wire.instant(n, "created_at"), Wire.instant(n, "updated_at"));
        }
    }

    /** A member of a group, by both its ids. */
    record GroupMember(long memberId, String userId) {

        static GroupMember from(JsonNode n) {
            return new GroupMember(Wire.number(n, "member_id"), Wire.text(n, "user_id"));
        }
    }

    /**
     * The answer to {@link #addMember}.
     *
     * @param added true when the member was added now, false when it already was in the group
     */
    record Membership(GroupMember member, boolean added) {
    }
}
