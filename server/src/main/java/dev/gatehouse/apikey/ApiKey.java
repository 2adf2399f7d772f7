package dev.gatehouse.apikey;

import java.time.Instant;
import java.util.Objects;

/**
 * An API key as stored: its public id, never its secret (only a SHA-256 hash of it is kept).
 *
 * @param kind {@code service} or {@code member}
 */
public record ApiKey(String keyId, String kind, Long orgId, Long memberId, String name, Instant createdAt,
                     Instant revokedAt) {
    public ApiKey {
        Objects.requireNonNull(keyId, "keyId");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(createdAt, "createdAt");
    }

    public boolean revoked() {
        return revokedAt != null;
    }

    /** This key as it was before its revocation, which sets {@code revokedAt} and nothing else. */
    ApiKey beforeRevocation() {
        return new ApiKey(keyId, kind, orgId, memberId, name, createdAt, null);
    }
}
