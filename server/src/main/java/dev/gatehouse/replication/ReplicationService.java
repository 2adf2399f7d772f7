package dev.gatehouse.replication;

import dev.gatehouse.apikey.ReplicaReader;
import dev.gatehouse.bulk.Spool;
import dev.gatehouse.bulk.SpoolReads;
import dev.gatehouse.changelog.Action;
import dev.gatehouse.changelog.ChangeFeed;
import dev.gatehouse.changelog.NodeRegistry;
import dev.gatehouse.changelog.ObjectType;
import dev.gatehouse.engine.Catalog;
import dev.gatehouse.engine.wire.EngineWire;
import dev.gatehouse.enginefeed.EngineLoader;
import dev.gatehouse.error.NotFoundException;
import dev.gatehouse.json.Json;
import java.io.OutputStream;
import java.util.List;
import java.util.function.Function;
import java.util.function.LongConsumer;
import java.util.function.Predicate;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.transaction.TransactionIsolationLevel;
import tools.jackson.databind.node.ObjectNode;

/**
 * What an in-process replica reads (docs/api.md, "Replication"): a consistent snapshot of the decision state at one
 * revision, and the committed changes after a revision. Both speak in engine operations and catalogs
 * ({@link EngineWire}), built by the same code that fills this node's own engine — the snapshot by
 * {@link EngineLoader}, the changes by the one change decoder — so a replica holds exactly what a node holds.
 *
 * <p>Read by a service key (everything, or one organization with {@code org}) or a replica key (its scope); an
 * organization outside a scoped key's scope does not exist for it (404). A change stream outlives the request that
 * authenticated it, so it asks {@code stillReads} before each page whether its key still reads (not revoked, nor
 * deleted with its organization), and ends when it does not — a key deleted with its organization after serving
 * that deletion ({@link ChangeStream}).
 *
 * <p>Revisions number one history: the change log of one database. Its identity ({@link #deployment()}, a random id
 * the database was created with) goes with the snapshot and the change stream, so that a follower whose URL now names
 * another history — a deployment re-created by export and import, a new cluster — loads a snapshot of it rather than
 * applying its revisions on top of another's. A database restored from a backup keeps the id of the one it was
 * taken from, until a node starts on it with {@code --new-deployment-id} ({@link #renewDeployment}). Thread-safe.
 */
public final class ReplicationService {

    private final Jdbi jdbi;
    private final ChangeFeed feed;
    private final ReplicationHub hub;
    private final Function<String, Catalog> catalogs;
    private final Predicate<ReplicaReader> stillReads;
    private final StreamPlaces places = new StreamPlaces(StreamPlaces.PER_NODE, StreamPlaces.PER_KEY);
    private final SpoolReads reads = new SpoolReads("snapshots_busy", "snapshots");
    private final String deployment;

    /**
     * Reads the deployment's identity ({@link #deployment()}) once, from the database the node serves.
     *
     * @param stillReads whether a reader's key still reads ({@code KeyService.stillReads})
     */
    public ReplicationService(Jdbi jdbi, ChangeFeed feed, ReplicationHub hub, Function<String, Catalog> catalogs,
                              Predicate<ReplicaReader> stillReads) {
        this.jdbi = jdbi;
        this.feed = feed;
        this.hub = hub;
        this.catalogs = catalogs;
        this.stillReads = stillReads;
        // FOR SHARE: waits for a renewal under way (renewDeployment), whose node did not yet see this one
        this.deployment = jdbi.withHandle(h -> h.createQuery("SELECT CAST(id AS text) FROM deployment FOR SHARE")
                .mapTo(String.class).one());
    }

    /** The deployment's id before and after {@link #renewDeployment}. */
    public record Renewal(String previous, String current) {
    }

    /**
     * Gives the deployment a new random id ({@code --new-deployment-id}, after restoring a backup: docs/deployment.md,
     * "Backing up"), on the start of the node registered as {@code nodeId}, before it serves: every follower of the
     * original's history then finds another {@code Gatehouse-Deployment} and loads a fresh snapshot. Refused with an
     * {@link IllegalStateException} naming them while other nodes run on the database (seen within
     * {@link NodeRegistry#LIVE_SECONDS}): each keeps the id it read at its start and would go on serving the old one.
     *
     * <p>One transaction that locks the id's row before it reads the registry: a node registered before the read is
     * seen and refuses the renewal; one registered after it reads the id (this class's constructor) only once the
     * renewal has committed. So of two nodes started with the option at once, the second is refused.
     */
    public static Renewal renewDeployment(Jdbi jdbi, String nodeId) {
        return jdbi.inTransaction(h -> {
            String previous = h.createQuery("SELECT CAST(id AS text) FROM deployment FOR UPDATE").mapTo(String.class)
                    .one();
            List<String> others = NodeRegistry.list(h).stream()
                    .filter(node -> !node.nodeId().equals(nodeId)
                            && node.secondsSinceSeen() < NodeRegistry.LIVE_SECONDS)
                    .map(node -> node.nodeId() + " (seen " + Math.round(node.secondsSinceSeen()) + " s ago)")
                    .toList();
            if (!others.isEmpty()) {
                throw new IllegalStateException("--new-deployment-id is refused while other nodes run on this "
                        + "database, which would go on serving the id they read at their start: " + String.join(", ",
                        others) + "; stop them, start one node with the option and the others after it without "
                        + "(a node that stopped without unregistering counts until it has not been seen for "
                        + NodeRegistry.LIVE_SECONDS + " s)");
            }
            String current = h.createQuery("UPDATE deployment SET id = gen_random_uuid() RETURNING CAST(id AS text)")
                    .mapTo(String.class).one();
            return new Renewal(previous, current);
        });
    }

    /**
     * The identity of this deployment's change log ({@code Gatehouse-Deployment}): a random UUID created once with the
     * database, the same on every node of the deployment and across restarts, another for another database. A
     * database restored from a backup keeps the id of the one it was taken from, unless a start renews it
     * ({@link #renewDeployment}).
     */
    public String deployment() {
        return deployment;
    }

    /**
     * A place for one read by {@code reader} that holds a request thread while it lasts (a snapshot, a change stream, a
     * long poll), to close when it ends; 503 {@code too_many_streams} when the node or the reader's key holds as many
     * as it may ({@link StreamPlaces}).
     */
    public StreamPlace hold(ReplicaReader reader) {
        return places.take(reader.keyId());
    }

    /**
     * Writes to {@code out} the snapshot of every organization the reader may see, or of {@code orgId}, as lines: a
     * header {@code {"type": "snapshot", "revision", "org_id"}}, the catalogs of the models in use
     * ({@code {"type": "catalog", "catalog"}}), every operation ({@code {"type": "op", "op"}}), and a trailer
     * {@code {"type": "end", "revision", "ops"}} (a replica that misses it knows the snapshot was cut short).
     * One repeatable-read transaction, its rows written as they are read into a {@link Spool} (bounded memory, the
     * rest in a temporary file), which goes to {@code out} once the transaction has ended: a replica that reads
     * slowly, or not at all, holds no database connection. {@code atRevision} learns the revision before the first
     * line is written, after the read (an error of the read, a 404 included, comes before any line).
     */
    public void snapshot(ReplicaReader reader, Long orgId, LongConsumer atRevision, OutputStream out) {
        Long scope = scope(reader, orgId);
        try (Spool spool = new Spool()) {
            long revision = reads.read(() -> jdbi.inTransaction(TransactionIsolationLevel.REPEATABLE_READ, h -> {
                long at = h.createQuery("SELECT coalesce(max(revision), 0) FROM change_log").mapTo(Long.class).one();
                List<String> models = scope == null
                        ? h.createQuery("SELECT DISTINCT model_id FROM organizations ORDER BY model_id")
                                .mapTo(String.class).list()
                        : h.createQuery("SELECT model_id FROM organizations WHERE id = :org")
                                .bind("org", scope.longValue()).mapTo(String.class).list();
                if (scope != null && models.isEmpty()) {
                    throw notFound(scope);
                }
                spool.line(Json.object().put("type", "snapshot").put("revision", at).put("org_id", scope));
                for (String model : models) {
                    Catalog catalog = catalogs.apply(model);
                    if (catalog != null) {
                        ObjectNode line = Json.object().put("type", "catalog");
                        line.set("catalog", EngineWire.write(catalog));
                        spool.line(line);
                    }
                }
                long[] count = {0};
                EngineLoader.read(h, scope, op -> {
                    ObjectNode line = Json.object().put("type", "op");
                    line.set("op", EngineWire.write(op));
                    spool.line(line);
                    count[0]++;
                });
                spool.line(Json.object().put("type", "end").put("revision", at).put("ops", count[0]));
                return at;
            }));
            atRevision.accept(revision);
            spool.copyTo(out);
        }
    }

    /**
     * A follower of the changes after {@code after}, of every organization the reader may see or of {@code orgId}.
     * A {@code resync_required} conflict at once when {@code after} lies beyond the end of the change log (a
     * replica of another deployment, or of a database restored from a backup). An organization that does not exist
     * is 404, unless it was deleted after {@code after}: then the follower still gets what it missed, the removal
     * included, or it would go on answering for an organization that is gone.
     */
    public ChangeStream changes(ReplicaReader reader, Long orgId, long after) {
        Long scope = scope(reader, orgId);
        if (scope != null) {
            boolean followable = jdbi.withHandle(h -> h.createQuery("SELECT EXISTS (SELECT 1 FROM organizations "
                            + "WHERE id = :org) OR EXISTS (SELECT 1 FROM change_log WHERE org_id = :org AND revision > "
                            + ":after AND object_type = :type AND action = :deleted)")
                    .bind("org", scope.longValue()).bind("after", after).bind("type", ObjectType.ORGANIZATION.wire())
                    .bind("deleted", Action.DELETED.wire()).mapTo(Boolean.class).one());
            if (!followable) {
                throw notFound(scope);
            }
        }
        if (after > feed.applied()) {
            long head = feed.read(h -> feed.log().latestRevision(h));
            if (after > head) {
                throw ChangeStream.resyncRequired("revision " + after + " is beyond the end of this deployment's "
                        + "change log (" + head + "); load a snapshot");
            }
        }
        return new ChangeStream(hub, feed, catalogs, () -> stillReads.test(reader),
                position -> deletedWithOrganization(reader, position), scope, after);
    }

    /**
     * The revision after {@code position} at which the reader's key, a key of one organization that no longer reads,
     * was deleted with its organization; 0 when it was revoked first (or is of every organization, or the deletion is
     * no longer in the change log): then the stream ends at once. The first of the two changes after the position
     * decides: a key revoked, then its organization deleted, ended at its revocation.
     */
    private long deletedWithOrganization(ReplicaReader reader, long position) {
        if (reader.orgId() == null) {
            return 0;
        }
        return jdbi.withHandle(h -> h.createQuery("SELECT revision, object_type FROM change_log WHERE org_id = :org "
                        + "AND revision > :after AND action = :deleted AND (object_type = :organization "
                        + "OR object_type = :key AND object_id = :keyId) ORDER BY revision LIMIT 1")
                .bind("org", reader.orgId().longValue()).bind("after", position).bind("deleted", Action.DELETED.wire())
                .bind("organization", ObjectType.ORGANIZATION.wire()).bind("key", ObjectType.API_KEY.wire())
                .bind("keyId", reader.keyId())
                .map((rs, ctx) -> ObjectType.ORGANIZATION.wire().equals(rs.getString("object_type"))
                        ? rs.getLong("revision") : 0L)
                .findOne().orElse(0L));
    }

    /** The revision this node has applied: what a stream has to offer now. */
    public long applied() {
        return feed.applied();
    }

    /** The organization a request reads: the one asked for (within the key's scope) or the key's own; null for all. */
    private static Long scope(ReplicaReader reader, Long orgId) {
        if (orgId == null) {
            return reader.orgId();
        }
        if (!reader.mayRead(orgId)) {
            throw notFound(orgId);
        }
        return orgId;
    }

    private static NotFoundException notFound(long orgId) {
        return new NotFoundException("organization_not_found", "organization " + orgId + " not found");
    }
}
