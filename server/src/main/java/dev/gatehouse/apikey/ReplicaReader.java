package dev.gatehouse.apikey;

/**
 * Who reads the snapshot and the change stream: a service key or a replica key, and the organization it is limited
 * to. Immutable.
 *
 * @param keyId the key's public id
 * @param orgId the one organization it may read, or null for every organization
 */
public record ReplicaReader(String keyId, Long orgId) {

    /** Whether it may read organization {@code org}. */
    public boolean mayRead(long org) {
        return orgId == null || orgId == org;
    }
}
