package dev.gatehouse.client;

import dev.gatehouse.client.Keys.ApiKey;
import dev.gatehouse.client.Keys.IssuedKey;
import java.util.stream.Stream;

/**
 * Read-only replica keys ({@code /v1/replica-keys}): what a {@link GatehouseReplica} presents to read the snapshot
 * and the change stream of every organization or of one, and nothing else. Managed with the service key. Thread-safe.
 */
public interface ReplicaKeys {

    /**
     * The replica keys, revoked ones too, without secrets, paging by themselves. A key of one organization is deleted
     * with its organization, and is listed no more.
     */
    Stream<ApiKey> list();

    /**
     * Issues a replica key; the secret is in the answer only.
     *
     * @param orgId the one organization it reads, or null for every organization
     */
    IssuedKey issue(String name, Long orgId);

    /** Revokes a replica key by its public id: it stops working on every node at once. */
    void revoke(String keyId);
}
