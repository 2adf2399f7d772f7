package dev.gatehouse.office;

import java.time.Instant;
import java.util.Objects;

/** A region of a {@code rooms} organization: a named group of offices. Its id is a Rooms id (32-bit). */
public record Region(int id, long orgId, String name, int version, Instant createdAt, Instant updatedAt) {
    public Region {
        Objects.requireNonNull(name, "name");
    }
}
