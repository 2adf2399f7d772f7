package dev.gatehouse.client;

import java.net.URI;
import java.time.Duration;

/** A {@link GatehouseReplica}'s settings, checked by its builder. Immutable. */
record ReplicaSettings(URI url, String key, Long orgId, Duration heartbeat, Duration staleAfter,
                       Duration connectTimeout, Duration maxBackoff, Duration snapshotTimeout) {

    /** {@code path} with the organization scope (when set) and {@code query} appended. */
    URI uri(String path, String query) {
        StringBuilder q = new StringBuilder(query == null ? "" : query);
        if (orgId != null) {
            q.append(q.length() == 0 ? "" : "&").append("org=").append(orgId);
        }
        String base = url.toString().replaceAll("/+$", "");
        return URI.create(base + path + (q.length() == 0 ? "" : "?" + q));
    }
}
