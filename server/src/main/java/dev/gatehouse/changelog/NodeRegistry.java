package dev.gatehouse.changelog;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This node's entry in {@code gatehouse_nodes}: an id for this run, refreshed every
 * {@link #HEARTBEAT_SECONDS} with the revision the node has applied. Other nodes read the table to learn
 * which change-log records are still needed ({@link #lowestLiveRevision}); operators read it to see every
 * node and how far behind it is. The row is removed on a clean shutdown; rows of crashed nodes stop counting
 * after {@link #LIVE_SECONDS} and are deleted after a day. The id is made at each start (the host name and 8 random
 * hex digits) and logged once then, so that an operator can tell which node a webhook delivery's {@code node_id}
 * names: it appeared nowhere but in the database. The row carries the fingerprints of the service key the node was
 * configured with and of the previous key it accepts beside it while the deployment rotates its key
 * ({@code apikey/KeyFingerprint}; null without them), which a start with a configured key compares with every live
 * node's ({@link #liveFingerprints}).
 *
 * <p>Thread-safe.
 */
public final class NodeRegistry implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(NodeRegistry.class);
    static final int HEARTBEAT_SECONDS = 5;
    /** A node whose heartbeat is older than this no longer holds back retention. */
    public static final int LIVE_SECONDS = 60;

    /** One row of the registry. */
    public record Node(String nodeId, String host, long appliedRevision, double secondsSinceSeen) {
    }

    /**
     * The fingerprints of a node's configured service key and of its previous key, which it accepts beside it; either
     * null without that key (the previous one is given only with a key).
     */
    public record KeyFingerprints(String serviceKey, String previousServiceKey) {

        public KeyFingerprints {
            if (serviceKey == null && previousServiceKey != null) {
                throw new IllegalArgumentException("a previous service key is accepted beside a service key only");
            }
        }
    }

    /**
     * Another live node's id, how long ago it was seen, and the fingerprints of its configured service key and of its
     * previous one (null without one, and for nodes of builds that record none).
     */
    public record LiveFingerprint(String nodeId, double secondsSinceSeen, String fingerprint,
                                  String previousFingerprint) {
    }

    private final Jdbi jdbi;
    private final ChangeFeed feed;
    private final String nodeId;
    private final String host;
    private final KeyFingerprints fingerprints;
    private final ScheduledExecutorService timer;

    /**
     * @param fingerprints the fingerprints of the service key this node was configured with and of its previous key,
     *                     recorded in its row ({@link #liveFingerprints})
     */
    public NodeRegistry(Jdbi jdbi, ChangeFeed feed, KeyFingerprints fingerprints) {
        this.jdbi = jdbi;
        this.feed = feed;
        this.fingerprints = Objects.requireNonNull(fingerprints, "fingerprints");
        this.host = hostName();
        this.nodeId = host + "-" + UUID.randomUUID().toString().substring(0, 8);
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "gatehouse-node-heartbeat");
            t.setDaemon(true);
            return t;
        });
    }

    /** Registers this node (synchronously, so retention sees it before the node serves) and starts the heartbeat. */
    public NodeRegistry start() {
        jdbi.useHandle(this::insert);
        LOG.info("this node's id is {} until it stops: gatehouse_nodes and webhook deliveries (node_id, "
                + "delivering_node) name it so", nodeId);
        timer.scheduleWithFixedDelay(this::beat, HEARTBEAT_SECONDS, HEARTBEAT_SECONDS, TimeUnit.SECONDS);
        return this;
    }

    /** This run's id, unique across the deployment: also the owner name of webhook delivery leases. */
    public String nodeId() {
        return nodeId;
    }

    /** Refreshes this node's row now (also done every few seconds in the background). */
    public void beat() {
        try {
            jdbi.useHandle(h -> {
                int updated = h.createUpdate("UPDATE gatehouse_nodes SET seen_at = now(), applied_revision = :revision "
                        + "WHERE node_id = :id").bind("id", nodeId).bind("revision", feed.applied()).execute();
                if (updated == 0) {
                    insert(h);
                }
                h.createUpdate("DELETE FROM gatehouse_nodes WHERE seen_at < now() - interval '1 day'").execute();
            });
        } catch (RuntimeException e) {
            LOG.debug("heartbeat failed: {}", e.getMessage());
        }
    }

    /** This node's row, as of now (again after it was deleted as stale, e.g. after a long pause). */
    private void insert(Handle h) {
        h.createUpdate("INSERT INTO gatehouse_nodes (node_id, host, started_at, seen_at, applied_revision, "
                        + "service_key_fingerprint, previous_service_key_fingerprint) VALUES (:id, :host, now(), "
                        + "now(), :revision, :fingerprint, :previous)")
                .bind("id", nodeId).bind("host", host).bind("revision", feed.applied())
                .bind("fingerprint", fingerprints.serviceKey())
                .bind("previous", fingerprints.previousServiceKey()).execute();
    }

    /**
     * The lowest revision applied by any node seen within {@link #LIVE_SECONDS}; change-log records above it
     * are still needed. {@code Long.MAX_VALUE} when no node is live.
     */
    public static long lowestLiveRevision(Handle h) {
        return h.createQuery("SELECT coalesce(min(applied_revision), " + Long.MAX_VALUE + ") FROM gatehouse_nodes "
                        + "WHERE seen_at > now() - make_interval(secs => :live)")
                .bind("live", LIVE_SECONDS).mapTo(Long.class).one();
    }

    /** Whether any node has been seen within {@link #LIVE_SECONDS}. */
    public static boolean anyLive(Handle h) {
        return h.createQuery("SELECT 1 FROM gatehouse_nodes WHERE seen_at > now() - make_interval(secs => :live) "
                        + "LIMIT 1")
                .bind("live", LIVE_SECONDS).mapTo(Integer.class).findOne().isPresent();
    }

    /**
     * The nodes but {@code exceptNodeId} seen within {@link #LIVE_SECONDS} that run with a configured service key
     * (nodes without one, and nodes of builds that record none, have no fingerprint), with the fingerprint of their
     * previous key when they have one, most recently seen first. A node
     * that stopped without removing its row (killed, or its database lost) is among them until it has not been seen
     * for {@link #LIVE_SECONDS}.
     */
    public static List<LiveFingerprint> liveFingerprints(Handle h, String exceptNodeId) {
        return h.createQuery("SELECT node_id, extract(epoch FROM now() - seen_at)::float8 AS age, "
                        + "service_key_fingerprint, previous_service_key_fingerprint FROM gatehouse_nodes "
                        + "WHERE seen_at > now() - make_interval(secs => :live) AND node_id <> :self "
                        + "AND service_key_fingerprint IS NOT NULL ORDER BY seen_at DESC")
                .bind("live", LIVE_SECONDS).bind("self", exceptNodeId)
                .map((rs, ctx) -> new LiveFingerprint(rs.getString("node_id"), rs.getDouble("age"),
                        rs.getString("service_key_fingerprint"), rs.getString("previous_service_key_fingerprint")))
                .list();
    }

    /** Every registered node, live or not, most recently seen first. */
    public static List<Node> list(Handle h) {
        return h.createQuery("SELECT node_id, host, applied_revision, "
                        + "extract(epoch FROM now() - seen_at)::float8 AS age FROM gatehouse_nodes ORDER BY seen_at DESC")
                .map((rs, ctx) -> new Node(rs.getString("node_id"), rs.getString("host"),
                        rs.getLong("applied_revision"), rs.getDouble("age"))).list();
    }

    @Override
    public void close() {
        timer.shutdownNow();
        try {
            jdbi.useHandle(h -> h.createUpdate("DELETE FROM gatehouse_nodes WHERE node_id = :id").bind("id", nodeId)
                    .execute());
        } catch (RuntimeException e) {
            LOG.debug("could not unregister node {}: {}", nodeId, e.getMessage());
        }
    }

    private static String hostName() {
        try {
            String name = InetAddress.getLocalHost().getHostName();
            return name.length() > 40 ? name.substring(0, 40) : name;
        } catch (UnknownHostException e) {
            return "node";
        }
    }
}
