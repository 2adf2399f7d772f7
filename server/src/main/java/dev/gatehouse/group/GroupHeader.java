package dev.gatehouse.group;

import java.time.Instant;
import java.util.Objects;

/** A group without its members: what the change log records of a group. Immutable. */
public record GroupHeader(long id, long orgId, String name, int version, Instant createdAt, Instant updatedAt) {
    public GroupHeader {
        Objects.requireNonNull(name, "name");
    }
}
