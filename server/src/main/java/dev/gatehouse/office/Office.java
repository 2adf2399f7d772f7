package dev.gatehouse.office;

import java.time.Instant;
import java.util.Objects;

/**
 * An office of a {@code rooms} organization. Rooms users belong to offices (their default office and their
 * office list) and rooms are held in one; an office may lie in a region. Its id is a Rooms id (32-bit).
 *
 * @param fields its name, region and address
 */
public record Office(int id, long orgId, OfficeFields fields, int version, Instant createdAt, Instant updatedAt) {
    public Office {
        Objects.requireNonNull(fields, "fields");
        Objects.requireNonNull(fields.name(), "name");
    }

    public String name() {
        return fields.name();
    }

    public Integer regionId() {
        return fields.regionId();
    }
}
