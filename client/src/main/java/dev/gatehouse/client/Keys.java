package dev.gatehouse.client;

import java.time.Instant;
import java.util.stream.Stream;
import tools.jackson.databind.JsonNode;

/**
 * Members' API keys ({@code /v1/orgs/{org}/members/{member}/keys}). A key is issued by a service key or the member
 * itself, and revoked by the member or a member manager. Thread-safe.
 */
public interface Keys {

    /** The member's keys, without secrets, paging by itself. */
    Stream<ApiKey> list(MemberRef member);

    /** Issues a key acting as the member; the secret is in the answer only. */
    IssuedKey issue(MemberRef member, String name);

    /** Revokes one of the member's keys. */
    void revoke(MemberRef member, String keyId);

    /**
     * A key without its secret.
     *
     * @param id        its public id
     * @param kind      {@code member}, {@code service} or {@code replica}
     * @param orgId     the organization it belongs to (a replica key: the one it reads), or null for a key of the
     *                  whole deployment (a service key, a replica key of every organization)
     * @param memberId  the member it acts as (a member key), or null
     * @param revokedAt when it was revoked, or null
     */
    record ApiKey(String id, String kind, Long orgId, Long memberId, String name, Instant createdAt,
                  Instant revokedAt) {

        static ApiKey from(JsonNode n) {
            return new ApiKey(Wire.text(n, "id"), Wire.text(n, "kind"), Wire.longOrNull(n, "org_id"),
                    Wire.longOrNull(n, "member_id"), Wire.text(n, "name"), Wire.instant(n, "created_at"),
                    Wire.instant(n, "revoked_at"));
        }
    }

    /**
     * A key just issued, with its secret: keep {@link #key()} safe, it is not shown again. {@link #toString()} leaves
     * the secret out, so the record can be logged.
     *
     * @param id  the key's public id
     * @param key the secret to send as {@code Authorization: Bearer <key>}
     */
    record IssuedKey(String id, String key) {

        static IssuedKey from(JsonNode n) {
            return new IssuedKey(Wire.text(n, "id"), Wire.text(n, "key"));
        }

        @Override
        public String toString() {
            return "IssuedKey[id=" + id + ", key=(secret)]";
        }
    }
}
