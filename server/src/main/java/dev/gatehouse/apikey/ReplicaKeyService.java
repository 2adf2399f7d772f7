package dev.gatehouse.apikey;

import dev.gatehouse.access.Access;
import dev.gatehouse.access.Principal;
import dev.gatehouse.store.Store;
import dev.gatehouse.store.Written;
import java.util.List;

/**
 * Replica keys: read-only keys for the snapshot and the change stream ({@code GET /v1/snapshot},
 * {@code GET /v1/changes}) of every organization or of one, which an in-process replica runs with instead of the
 * service key. Only a service key issues, lists and revokes them; a replica key can do nothing else (every other
 * route answers it 403 {@code replica_key_read_only}, {@link KeyService#authenticate}). Issued and revoked like
 * member keys: the secret shown once, a change record of object type {@code api_key} each time, and a revocation
 * effective on every node at once through the change feed. Thread-safe.
 */
public final class ReplicaKeyService {

    private final Access access;
    private final KeyService keys;
    private final Store store;

    public ReplicaKeyService(Access access, Store store, KeyService keys) {
        this.access = access;
        this.store = store;
        this.keys = keys;
    }

    /** A new replica key for every organization ({@code orgId} null) or for one (404 when it does not exist). */
    public Written<KeyService.Issued> create(Principal principal, Long orgId, String name) {
        access.requireService(principal, "creating a replica key");
        return access.writeDeployment(principal, "creating a replica key", (tx, caller) -> {
            // under the organization's row lock, as every write in it: its deletion waits, or went first (a 404)
            if (orgId != null && tx.lockOrganizations(List.of(orgId)).isEmpty()) {
                throw Store.organizationNotFound(orgId);
            }
            return keys.issue(tx, KeyService.REPLICA, orgId, null, name == null ? "" : name);
        });
    }

    /** Replica keys (revoked ones too) in creation order, after the key {@code afterKeyId} when given. */
    public List<ApiKey> list(Principal principal, String afterKeyId, int limit) {
        access.requireService(principal, "listing replica keys");
        return store.read(h -> keys.listReplicaKeys(h, afterKeyId, limit));
    }

    /** Revokes a replica key; revoking it again changes nothing and records nothing. */
    public Written<ApiKey> revoke(Principal principal, String keyId) {
        access.requireService(principal, "revoking a replica key");
        return access.writeDeployment(principal, "revoking a replica key", (tx, caller) -> keys.revokeReplicaKey(tx,
                keyId));
    }
}
