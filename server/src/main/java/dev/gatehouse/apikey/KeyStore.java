package dev.gatehouse.apikey;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;

import static dev.gatehouse.store.SqlTime.instant;
import static dev.gatehouse.store.SqlTime.utc;

/** SQL for API keys. Stateless. */
final class KeyStore {

    private static final String COLUMNS = "key_id, kind, org_id, member_id, name, created_at, revoked_at";

    /** A stored key with its hash and whether its member (if any) is active, for authentication only. */
    record Stored(ApiKey key, byte[] hash, boolean memberActive) {
    }

    ApiKey insert(Handle h, String keyId, byte[] hash, String kind, Long orgId, Long memberId, String name, Instant now) {
        return h.createQuery("INSERT INTO api_keys (key_id, secret_hash, kind, org_id, member_id, name, created_at) "
                        + "VALUES (:keyId, :hash, :kind, :org, :member, :name, :now) RETURNING " + COLUMNS)
                .bind("keyId", keyId).bind("hash", hash).bind("kind", kind).bind("org", orgId).bind("member", memberId)
                .bind("name", name).bind("now", utc(now)).map((rs, ctx) -> map(rs)).one();
    }

    Optional<Stored> findForAuth(Handle h, String keyId) {
        return h.createQuery("SELECT " + COLUMNS + ", secret_hash, (SELECT m.status FROM members m "
                        + "WHERE m.id = api_keys.member_id) AS member_status FROM api_keys WHERE key_id = :k")
                .bind("k", keyId).map((rs, ctx) -> new Stored(map(rs), rs.getBytes("secret_hash"),
                        !"deactivated".equals(rs.getString("member_status")))).findOne();
    }

    List<ApiKey> listForMember(Handle h, long memberId, String afterKeyId, int limit) {
        return h.createQuery("SELECT " + COLUMNS + " FROM api_keys WHERE member_id = :m AND id > coalesce("
                        + "(SELECT id FROM api_keys WHERE key_id = :after AND member_id = :m), 0) ORDER BY id LIMIT :limit")
                .bind("m", memberId).bind("after", afterKeyId).bind("limit", limit).map((rs, ctx) -> map(rs)).list();
    }

    Optional<ApiKey> find(Handle h, String keyId, long memberId) {
        return h.createQuery("SELECT " + COLUMNS + " FROM api_keys WHERE key_id = :k AND member_id = :m")
                .bind("k", keyId).bind("m", memberId).map((rs, ctx) -> map(rs)).findOne();
    }

    Optional<ApiKey> revoke(Handle h, String keyId, long memberId, Instant now) {
        return h.createQuery("UPDATE api_keys SET revoked_at = coalesce(revoked_at, :now) WHERE key_id = :k "
                        + "AND member_id = :m RETURNING " + COLUMNS)
                .bind("k", keyId).bind("m", memberId).bind("now", utc(now)).map((rs, ctx) -> map(rs)).findOne();
    }

    /** Revokes every key of the member not revoked yet; returns them as revoked. */
    List<ApiKey> revokeAll(Handle h, long memberId, Instant now) {
        return h.createQuery("UPDATE api_keys SET revoked_at = :now WHERE member_id = :m AND revoked_at IS NULL "
                        + "RETURNING " + COLUMNS)
                .bind("m", memberId).bind("now", utc(now)).map((rs, ctx) -> map(rs)).list();
    }

    /** Replica keys (revoked ones too) in creation order, after the key {@code afterKeyId} when given. */
    List<ApiKey> listReplicaKeys(Handle h, String afterKeyId, int limit) {
        return h.createQuery("SELECT " + COLUMNS + " FROM api_keys WHERE kind = 'replica' AND id > coalesce("
                        + "(SELECT id FROM api_keys WHERE key_id = :after AND kind = 'replica'), 0) ORDER BY id LIMIT :limit")
                .bind("after", afterKeyId).bind("limit", limit).map((rs, ctx) -> map(rs)).list();
    }

    /** Revokes a replica key (keeping the first revocation's time); empty when there is no such replica key. */
    Optional<ApiKey> revokeReplicaKey(Handle h, String keyId, Instant now) {
        return h.createQuery("UPDATE api_keys SET revoked_at = coalesce(revoked_at, :now) WHERE key_id = :k "
                        + "AND kind = 'replica' RETURNING " + COLUMNS)
                .bind("k", keyId).bind("now", utc(now)).map((rs, ctx) -> map(rs)).findOne();
    }

    Optional<ApiKey> findReplicaKey(Handle h, String keyId) {
        return h.createQuery("SELECT " + COLUMNS + " FROM api_keys WHERE key_id = :k AND kind = 'replica'")
                .bind("k", keyId).map((rs, ctx) -> map(rs)).findOne();
    }

    /**
     * Whether the database holds nothing yet: its change log has no record — every write leaves one, and pruning
     * keeps the newest — and it holds no organization and no key of any kind, revoked ones too.
     */
    boolean holdsNothing(Handle h) {
        return h.createQuery("SELECT NOT EXISTS (SELECT 1 FROM change_log) "
                        + "AND NOT EXISTS (SELECT 1 FROM organizations) AND NOT EXISTS (SELECT 1 FROM api_keys)")
                .mapTo(Boolean.class).one();
    }

    /** The service keys not revoked, with their hashes, in creation order. */
    List<Stored> liveServiceKeys(Handle h) {
        return h.createQuery("SELECT " + COLUMNS + ", secret_hash FROM api_keys WHERE kind = 'service' "
                        + "AND revoked_at IS NULL ORDER BY id")
                .map((rs, ctx) -> new Stored(map(rs), rs.getBytes("secret_hash"), true)).list();
    }

    /** Revokes a service key not revoked yet; empty when there is no such key. */
    Optional<ApiKey> revokeServiceKey(Handle h, String keyId, Instant now) {
        return h.createQuery("UPDATE api_keys SET revoked_at = :now WHERE key_id = :k AND kind = 'service' "
                        + "AND revoked_at IS NULL RETURNING " + COLUMNS)
                .bind("k", keyId).bind("now", utc(now)).map((rs, ctx) -> map(rs)).findOne();
    }

    boolean anyServiceKey(Handle h) {
        return h.createQuery("SELECT 1 FROM api_keys WHERE kind = 'service' AND revoked_at IS NULL LIMIT 1")
                .mapTo(Integer.class).findOne().isPresent();
    }

    private static ApiKey map(ResultSet rs) throws SQLException {
        long org = rs.getLong("org_id");
        Long orgId = rs.wasNull() ? null : org;
        long member = rs.getLong("member_id");
        Long memberId = rs.wasNull() ? null : member;
        return new ApiKey(rs.getString("key_id"), rs.getString("kind"), orgId, memberId, rs.getString("name"),
                instant(rs, "created_at"), instant(rs, "revoked_at"));
    }
}
