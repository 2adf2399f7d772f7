package dev.gatehouse.org;

import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/** A tenant. Created with one model, which seeds its system roles; nothing crosses organizations. */
public record Organization(long id, UUID accountId, String name, String modelId, int version, Instant createdAt,
                           Instant updatedAt) {
    public Organization {
        Objects.requireNonNull(accountId, "accountId");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(modelId, "modelId");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(updatedAt, "updatedAt");
    }
}
