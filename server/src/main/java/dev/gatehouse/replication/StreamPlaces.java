package dev.gatehouse.replication;

import dev.gatehouse.error.UnavailableException;
import java.util.HashMap;
import java.util.Map;

/**
 * How many replica reads — a change stream, a long poll while it waits, a snapshot while it is written — one node
 * holds at once. Each holds one of the node's request threads for as long as it lasts, and every tenant shares those
 * threads (250; the web server's pool), so without a bound one key's followers could take them all and the node
 * would answer nobody, not even its health checks. At most {@code perNode} in all, leaving the rest of the threads to
 * every other request, and {@code perKey} per key, so one key's followers leave room for the others'. One more is 503
 * {@code too_many_streams} (with {@code Retry-After}); followers retry. Thread-safe.
 */
final class StreamPlaces {

    /** Places on one node: 50 of the 250 request threads stay for everything else. */
    static final int PER_NODE = 200;
    /** Places per key: a key's followers (a fleet sharing one key) leave three quarters of the node's to others. */
    static final int PER_KEY = 50;

    private final int perNode;
    private final int perKey;
    private final Map<String, Integer> byKey = new HashMap<>();
    private int held;

    StreamPlaces(int perNode, int perKey) {
        this.perNode = perNode;
        this.perKey = perKey;
    }

    /** A place for one read by {@code keyId}, to close when the read ends; 503 when none is free. */
    synchronized StreamPlace take(String keyId) {
        int ofKey = byKey.getOrDefault(keyId, 0);
        if (ofKey >= perKey) {
            throw new UnavailableException("too_many_streams", "key " + keyId + " holds " + ofKey + " streams, "
                    + "snapshots and waiting polls on this node, the most one key may; end one, or give another "
                    + "group of followers a key of its own");
        }
        if (held >= perNode) {
            throw new UnavailableException("too_many_streams", "this node holds " + held + " streams, snapshots and "
                    + "waiting polls, the most it serves at once; retry shortly, or follow another node");
        }
        held++;
        byKey.put(keyId, ofKey + 1);
        return new StreamPlace(() -> give(keyId));
    }

    private synchronized void give(String keyId) {
        held--;
        byKey.computeIfPresent(keyId, (k, n) -> n == 1 ? null : n - 1);
    }
}
