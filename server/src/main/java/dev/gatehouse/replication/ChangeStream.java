package dev.gatehouse.replication;

import dev.gatehouse.changelog.ChangeFeed;
import dev.gatehouse.changelog.ChangeLogStore;
import dev.gatehouse.changelog.ChangeRecord;
import dev.gatehouse.engine.Catalog;
import dev.gatehouse.engine.EngineOp;
import dev.gatehouse.engine.wire.EngineWire;
import dev.gatehouse.error.ConflictException;
import dev.gatehouse.error.UnauthenticatedException;
import dev.gatehouse.json.Json;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.function.LongUnaryOperator;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * One follower's position in the change stream: hands out the committed changes after it, in revision order, as
 * items {@code {"revision", "catalogs"?, "ops"}}, then moves past them. An item is one commit: the operations of
 * every record one transaction wrote (a member's removal with its assignments, an import chunk, the writes a group
 * commit shares), at the commit's last revision, so that a replica applies the commit as one change and answers no
 * decision from inside it, as this node's engine does; a page never ends inside a commit (it holds more than
 * {@code max} changes rather than split one). Recent changes come from the node's
 * {@link ReplicationHub}; older ones from the change log, decoded by the same decoder; when the log no longer holds
 * the next revision (retention deleted it, or it lies beyond the log's end) or a change cannot be decoded, the
 * follower must start again from a snapshot ({@link #resyncRequired}).
 *
 * <p>Scope: a follower of one organization receives only that organization's operations; a run of changes without
 * operations for it (other organizations', and anyone's changes of what no replica holds: webhooks, keys, groups)
 * becomes one item without operations at the run's last revision, so its revision still advances (a wait for a
 * {@code min_revision} ends). A catalog travels with the first item of this stream whose
 * operations put an organization on it. Changes are served only up to what this node has applied.
 *
 * <p>Its key is checked again before every page ({@code stillReads}): once it is revoked, the next page is a 401
 * {@code key_revoked} instead. This node forgets a key (its key cache is a listener of the feed ahead of the
 * {@link ReplicationHub}) before it serves the change that revoked it, so no change after a revocation reaches the
 * stream, on any node. A key of one organization deleted with its organization is the one exception to "nothing
 * of the change that ended it": the deletion is the organization's last change, the one its follower most needs (a
 * replica that missed it would answer for the organization's members forever), so the stream still serves the
 * changes up to and including that deletion ({@code lastReadable} names its revision), then answers 401.
 *
 * <p>Not thread-safe: one per connection.
 */
public final class ChangeStream {

    private static final int LOG_BATCH = 1000;

    private final ReplicationHub hub;
    private final ChangeFeed feed;
    private final Function<String, Catalog> catalogs;
    private final Long orgId;
    private final BooleanSupplier stillReads;
    private final LongUnaryOperator lastReadable;
    private final Set<String> catalogsSent = new HashSet<>();
    private long cursor;
    /** Once the key no longer reads: the last revision it is still served (-1 before). */
    private long servedUntil = -1;

    /**
     * @param stillReads   whether the stream's key still reads
     * @param lastReadable once it does not, given the position: the revision of its organization's deletion after
     *                     that position when the key went with it, the last one the stream still serves; otherwise
     *                     (revoked) any revision at or before the position
     */
    ChangeStream(ReplicationHub hub, ChangeFeed feed, Function<String, Catalog> catalogs, BooleanSupplier stillReads,
                 LongUnaryOperator lastReadable, Long orgId, long after) {
        this.hub = hub;
        this.feed = feed;
        this.catalogs = catalogs;
        this.stillReads = stillReads;
        this.lastReadable = lastReadable;
        this.orgId = orgId;
        this.cursor = after;
    }

    /** The revision this follower has been given everything up to. */
    public long revision() {
        return cursor;
    }

    /** A page of items: what follows the position, and the position after it. */
    public record Page(List<ObjectNode> items, long revision) {
    }

    /**
     * The next items (at most {@code max} changes' worth), waiting up to {@code waitMillis} for one to be committed;
     * an empty page when none was. A {@code resync_required} conflict when the follower must start from a snapshot;
     * 401 {@code key_revoked} once the key no longer reads (after its organization's deletion, when it went with
     * it); null once the node is stopping.
     */
    public Page next(int max, long waitMillis) throws InterruptedException {
        if (servedUntil >= 0 && cursor >= servedUntil) {
            // the deletion that took the key was the last page: nothing is left to wait for
            throw keyRevoked();
        }
        List<ReplicationHub.Change> changes = fetch(max);
        if (changes.isEmpty()) {
            if (!hub.await(cursor, waitMillis)) {
                return null;
            }
            changes = fetch(max);
        }
        // after fetching: whatever revoked the key is applied here before a page can hold it or anything after it
        if (servedUntil < 0 && !stillReads.getAsBoolean()) {
            servedUntil = Math.max(cursor, lastReadable.applyAsLong(cursor));
        }
        if (servedUntil >= 0) {
            if (cursor >= servedUntil) {
                throw keyRevoked();
            }
            // the deletion that took the key may not have reached this node's hub yet: an empty page until it has
            changes = changes.stream().filter(change -> change.revision() <= servedUntil).toList();
        }
        return new Page(render(changes), cursor);
    }

    private static UnauthenticatedException keyRevoked() {
        return UnauthenticatedException.keyRevoked("the key of this stream was revoked, or its organization deleted; "
                + "the stream ends");
    }

    private List<ReplicationHub.Change> fetch(int max) {
        List<ReplicationHub.Change> held = hub.after(cursor, max);
        if (held != null) {
            return held;
        }
        long applied = feed.applied();
        if (cursor >= applied) {
            return List.of();
        }
        ChangeLogStore.Batch batch = feed.read(h -> feed.log().readCommitsAfter(h, cursor, Math.min(max, LOG_BATCH),
                ChangeLogStore.READ_BYTES));
        List<ReplicationHub.Change> read = new ArrayList<>();
        for (ChangeRecord record : batch.records()) {
            if (record.revision() > applied) {
                break;
            }
            read.add(new ReplicationHub.Change(record));
        }
        if (read.isEmpty() || read.get(0).revision() != cursor + 1) {
            throw resyncRequired("revisions after " + cursor + " are no longer in the change log (retention); "
                    + "load a snapshot and follow from its revision");
        }
        return read;
    }

    /**
     * The items of {@code changes}: one per commit holding operations for this follower. The changes are whole
     * commits, but where the stream ends at its organization's deletion: its last item ends there.
     */
    private List<ObjectNode> render(List<ReplicationHub.Change> changes) {
        List<ObjectNode> items = new ArrayList<>();
        long skipped = 0;
        List<EngineOp> ops = new ArrayList<>();
        for (int i = 0; i < changes.size(); i++) {
            ReplicationHub.Change change = changes.get(i);
            if (change.revision() != cursor + 1) {
                throw resyncRequired("revision " + (cursor + 1) + " is missing from the stream");
            }
            if (change.undecodable() != null) {
                throw resyncRequired("revision " + change.revision() + " cannot be decoded ("
                        + change.undecodable() + ")");
            }
            cursor = change.revision();
            for (EngineOp op : change.ops()) {
                if (orgId == null || op.orgId() == orgId) {
                    ops.add(op);
                }
            }
            if (!change.endsCommit() && i + 1 < changes.size()) {
                continue; // the commit goes on: one item for all of it
            }
            if (ops.isEmpty()) {
                skipped = cursor;
                continue;
            }
            skipped = 0;
            ObjectNode item = Json.object();
            item.put("revision", cursor);
            ArrayNode opsJson = Json.MAPPER.createArrayNode();
            ArrayNode catalogsJson = null;
            for (EngineOp op : ops) {
                if (op instanceof EngineOp.PutOrganization o && catalogsSent.add(o.catalogId())) {
                    Catalog catalog = catalogs.apply(o.catalogId());
                    if (catalog != null) {
                        catalogsJson = catalogsJson == null ? Json.MAPPER.createArrayNode() : catalogsJson;
                        catalogsJson.add(EngineWire.write(catalog));
                    }
                }
                opsJson.add(EngineWire.write(op));
            }
            if (catalogsJson != null) {
                item.set("catalogs", catalogsJson);
            }
            item.set("ops", opsJson);
            items.add(item);
            ops = new ArrayList<>();
        }
        if (skipped != 0) {
            ObjectNode item = Json.object();
            item.put("revision", skipped);
            item.set("ops", Json.MAPPER.createArrayNode());
            items.add(item);
        }
        return items;
    }

    /** The answer that tells a follower to start again from a snapshot. */
    static ConflictException resyncRequired(String detail) {
        return new ConflictException(RESYNC_REQUIRED, detail);
    }

    /** The code of {@link #resyncRequired}. */
    public static final String RESYNC_REQUIRED = "resync_required";
}
