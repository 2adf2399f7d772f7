package dev.gatehouse.group;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A named set of members of one organization (Close's groups). Names are unique per organization ignoring
 * case. Immutable.
 *
 * @param members the members, ascending by member id
 */
public record Group(long id, long orgId, String name, List<GroupMember> members, int version, Instant createdAt,
                    Instant updatedAt) {
    public Group {
        Objects.requireNonNull(name, "name");
        members = List.copyOf(members);
    }

    public GroupHeader header() {
        return new GroupHeader(id, orgId, name, version, createdAt, updatedAt);
    }

    public boolean hasMember(long memberId) {
        return members.stream().anyMatch(m -> m.memberId() == memberId);
    }
}
