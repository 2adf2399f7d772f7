package dev.gatehouse.client;

import java.net.URI;
import java.time.Duration;

/**
 * A {@link GatehouseReplica}'s settings, checked by its builder. {@code maxLineChars} bounds one line of a snapshot
 * and one event of the change stream ({@link #MAX_LINE_CHARS}; tests set less). Immutable.
 */
record ReplicaSettings(URI url, String key, Long orgId, Duration heartbeat, Duration staleAfter,
                       Duration connectTimeout, Duration maxBackoff, Duration snapshotTimeout, int maxLineChars) {

    /**
     * The longest snapshot line or change event a replica reads: 64 Mi characters, far beyond what the server writes
     * (a snapshot line is one operation; the largest changes, an import's chunks, end at 10,000 lines). A longer one is
     * not read: a snapshot fails, a change makes the replica reload a snapshot.
     */
    static final int MAX_LINE_CHARS = 64 * 1024 * 1024;

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
