package dev.gatehouse.changelog;

import dev.gatehouse.json.InstantText;
import dev.gatehouse.json.Json;
import dev.gatehouse.json.Text;
import dev.gatehouse.sql.CopyRows;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.UnableToExecuteStatementException;
import tools.jackson.databind.JsonNode;

/**
 * Appends change records inside the writing transaction and reads them back.
 *
 * <p>Revisions are assigned under a transaction-scoped advisory lock held until commit: they are gapless
 * and become visible in order, which is what lets every node tail the log with a simple "revision > n"
 * query. The price is that commits of change-log rows are serialized across the whole deployment; the lock
 * is taken last in each transaction to keep the held time to the commit itself.
 *
 * <p><b>Commits.</b> The records one transaction appends (one write's, or those of every write a group commit shares)
 * get contiguous revisions and, each, the last of them ({@link ChangeRecord#commitLast}): they are one unit, which a
 * decision engine applies whole. {@link #readCommitsAfter} reads the log in pages that never end inside a commit.
 */
public final class ChangeLogStore {

    private static final long REVISION_LOCK = 0x6761746568L;
    /** How many bytes of stored records one read of the tailer or the feed brings in at most (one record more). */
    public static final long READ_BYTES = 8L << 20;
    /** The LISTEN/NOTIFY channel announcing new revisions. */
    public static final String CHANNEL = "gatehouse_changes";

    /**
     * Appends one write's changes, all at time {@code at} (the write's time, microsecond precision as stored), and
     * returns them as records with their revisions.
     */
    public List<ChangeRecord> append(Handle handle, Actor actor, Instant at, List<PendingChange> changes) {
        return append(handle, List.of(new Authored(actor, at, changes)));
    }

    /** The changes of one write, who made them and the write's time ({@code Tx.now()}). */
    public record Authored(Actor actor, Instant at, List<PendingChange> changes) {
        public Authored {
            Objects.requireNonNull(actor, "actor");
            Objects.requireNonNull(at, "at");
            changes = List.copyOf(changes);
        }
    }

    /**
     * Appends the changes of several writes that commit in one transaction (group commit), in the given order,
     * under one hold of the revision lock: one revision sequence for all of them, each record with its own
     * write's actor and time. Returns the records in the same order.
     */
    public List<ChangeRecord> append(Handle handle, List<Authored> writes) {
        int count = 0;
        for (Authored write : writes) {
            count += write.changes().size();
        }
        if (count == 0) {
            return List.of();
        }
        handle.createQuery("SELECT CAST(pg_advisory_xact_lock(:k) AS text)").bind("k", REVISION_LOCK).mapTo(String.class).one();
        // The next revision, read after the lock (a statement of its own: its snapshot must be taken once the lock is
        // held); the notification naming the last one rides along. Delivered at commit, it wakes the tailers of the
        // other nodes; discarded with the transaction if it does not commit.
        long next = handle.createQuery("SELECT last - :count + 1 AS next, CAST(pg_notify(:channel, CAST(last AS text)) "
                        + "AS text) FROM (SELECT coalesce(max(revision), 0) + :count AS last FROM change_log) l")
                .bind("count", (long) count).bind("channel", CHANNEL).map((rs, ctx) -> rs.getLong("next")).one();
        List<ChangeRecord> records = new ArrayList<>(count);
        long commitLast = next + count - 1;
        for (Authored write : writes) {
            for (PendingChange c : write.changes()) {
                records.add(new ChangeRecord(next++, c.orgId(), write.at(), write.actor(), c.objectType(),
                        c.objectId(), c.action(), c.changedFields(), c.before(), c.after(), c.delta(), c.objects(),
                        commitLast));
            }
        }
        insert(handle, records);
        return records;
    }

    /**
     * Inserts the records: a few in one JDBC batch, bound by position through the driver itself (every write of the
     * deployment ends here, and binding fifteen parameters a row by name through JDBI cost the write lanes more than
     * a quarter of their time); from {@link #COPY_FROM} on, by a binary {@code COPY} ({@link CopyRows}), which for an
     * import's thousands of records costs the writer and PostgreSQL a fraction of binding and parsing each.
     */
    private static void insert(Handle handle, List<ChangeRecord> records) {
        if (records.size() >= COPY_FROM) {
            copy(handle, records);
            return;
        }
        try (PreparedStatement insert = handle.getConnection().prepareStatement(INSERT)) {
            for (ChangeRecord r : records) {
                String before = r.before() == null ? null : Json.writeString(r.before());
                String after = r.after() == null ? null : Json.writeString(r.after());
                String delta = r.delta() == null ? null : Json.writeString(r.delta());
                Actor actor = r.actor();
                insert.setLong(1, r.revision());
                insert.setObject(2, r.orgId(), Types.BIGINT);
                insert.setString(3, InstantText.of(r.occurredAt()));
                insert.setString(4, actor.type());
                insert.setObject(5, actor.id(), Types.BIGINT);
                insert.setString(6, actor.keyId());
                insert.setString(7, r.objectType().wire());
                insert.setString(8, r.objectId());
                insert.setString(9, r.action().wire());
                insert.setArray(10, insert.getConnection().createArrayOf("text", r.changedFields().toArray()));
                insert.setString(11, before);
                insert.setString(12, after);
                insert.setString(13, delta);
                insert.setString(14, r.objects());
                insert.setInt(15, utf8Length(before) + utf8Length(after) + utf8Length(delta) + utf8Length(r.objects()));
                insert.setLong(16, r.commitLast());
                insert.addBatch();
            }
            insert.executeBatch();
        } catch (SQLException e) {
            throw new UnableToExecuteStatementException(e, null);
        }
    }

    /** Records from which a transaction's are written by {@code COPY} rather than one batch of inserts. */
    static final int COPY_FROM = 32;

    private static void copy(Handle handle, List<ChangeRecord> records) {
        CopyRows rows = new CopyRows("change_log (" + COLUMNS + ")", 16, records.size());
        for (ChangeRecord r : records) {
            Actor actor = r.actor();
            rows.row().bigint(r.revision()).bigint(r.orgId()).time(r.occurredAt()).text(actor.type())
                    .bigint(actor.id()).text(actor.keyId()).text(r.objectType().wire()).text(r.objectId())
                    .text(r.action().wire()).textArray(r.changedFields());
            // the JSON written straight into the rows, its length counted as it goes
            int jsonBytes = rows.jsonb(r.before()).lastValueBytes();
            jsonBytes += rows.jsonb(r.after()).lastValueBytes();
            jsonBytes += rows.jsonb(r.delta()).lastValueBytes();
            rows.text(r.objects()).integer(jsonBytes + utf8Length(r.objects())).bigint(r.commitLast());
        }
        rows.copyInto(handle);
    }

    private static final String COLUMNS = "revision, org_id, occurred_at, actor_type, actor_id, key_id, object_type, "
            + "object_id, action, changed_fields, before, after, delta, objects, size_bytes, commit_last";

    private static final String INSERT = """
            INSERT INTO change_log (revision, org_id, occurred_at, actor_type, actor_id, key_id, object_type, object_id,
                                    action, changed_fields, before, after, delta, objects, size_bytes, commit_last)
            VALUES (?, ?, CAST(? AS timestamptz), ?, ?, ?, ?, ?, ?, ?, CAST(? AS jsonb), CAST(? AS jsonb), CAST(? AS jsonb), ?, ?,
                    ?)""";

    /** Records with revision greater than {@code after}, oldest first, at most {@code limit} and {@link #READ_BYTES}. */
    public List<ChangeRecord> readAfter(Handle handle, long after, int limit) {
        return readAfter(handle, after, limit, READ_BYTES).records();
    }

    /**
     * Records with revision greater than {@code after}, oldest first: at most {@code limit} of them, and no more
     * once their stored size reaches {@code maxBytes} (always at least one, so a reader makes progress).
     */
    public Batch readAfter(Handle handle, long after, int limit, long maxBytes) {
        return ByteBudget.read(handle, "revision > :after", q -> q.bind("after", after), true, limit, maxBytes);
    }

    /**
     * Records with revision greater than {@code after}, oldest first, as {@link #readAfter(Handle, long, int, long)}
     * reads them, but in whole commits: a page that would end inside a commit ends before it instead, or, when that
     * commit began the page, goes on to the commit's last record whatever the bounds (a commit is as large as one
     * transaction made it). A page that starts inside a commit ({@code after} is not a commit's last revision) starts
     * with the rest of it. {@link Batch#more} is true whenever the page was shortened or lengthened.
     */
    public Batch readCommitsAfter(Handle handle, long after, int limit, long maxBytes) {
        Batch page = readAfter(handle, after, limit, maxBytes);
        List<ChangeRecord> records = page.records();
        if (records.isEmpty() || records.get(records.size() - 1).endsCommit()) {
            return page;
        }
        ChangeRecord last = records.get(records.size() - 1);
        int cut = records.size() - 1;
        while (cut > 0 && records.get(cut - 1).commitLast() == last.commitLast()) {
            cut--;
        }
        if (cut > 0) {
            return new Batch(records.subList(0, cut), true);
        }
        // one commit larger than the page: the rest of it, in one read (committed together, all its records are there)
        List<ChangeRecord> whole = new ArrayList<>(records);
        whole.addAll(ByteBudget.read(handle, "revision > :after AND revision <= :last", q -> q.bind("after",
                last.revision()).bind("last", last.commitLast()), true,
                (int) Math.min(Integer.MAX_VALUE, last.commitLast() - last.revision()), Long.MAX_VALUE).records());
        return new Batch(whole, true);
    }

    /**
     * A bounded read of the log.
     *
     * @param more whether the read stopped at its byte budget before its count limit: more records may follow
     *             even though fewer than the limit came back
     */
    public record Batch(List<ChangeRecord> records, boolean more) {
        public Batch {
            records = List.copyOf(records);
        }
    }

    public long latestRevision(Handle handle) {
        return handle.createQuery("SELECT coalesce(max(revision), 0) FROM change_log").mapTo(Long.class).one();
    }

    /** The revision of the organization's latest record (0: none), read from the end of its index. */
    public long latestRevision(Handle handle, long orgId) {
        return handle.createQuery("SELECT coalesce(max(revision), 0) FROM change_log WHERE org_id = :org")
                .bind("org", orgId).mapTo(Long.class).one();
    }

    public static ChangeRecord map(ResultSet rs) throws SQLException {
        long actorId = rs.getLong("actor_id");
        Long actor = rs.wasNull() ? null : actorId;
        long orgId = rs.getLong("org_id");
        Long org = rs.wasNull() ? null : orgId;
        return new ChangeRecord(rs.getLong("revision"), org,
                rs.getObject("occurred_at", OffsetDateTime.class).toInstant(),
                new Actor(rs.getString("actor_type"), actor, rs.getString("key_id")),
                ObjectType.of(rs.getString("object_type")), rs.getString("object_id"),
                Action.of(rs.getString("action")),
                Arrays.asList((String[]) rs.getArray("changed_fields").getArray()),
                json(rs.getString("before")), json(rs.getString("after")), json(rs.getString("delta")),
                rs.getString("objects"), commitLast(rs));
    }

    /** The row's {@code commit_last}; a row written before the log kept it was committed alone. */
    private static long commitLast(ResultSet rs) throws SQLException {
        long commitLast = rs.getLong("commit_last");
        return rs.wasNull() ? rs.getLong("revision") : commitLast;
    }

    /** The UTF-8 length of a JSON text (0 for null), counted without encoding it. */
    static int utf8Length(String text) {
        return text == null ? 0 : Text.utf8Bytes(text, 0, text.length());
    }

    private static JsonNode json(String text) {
        return text == null ? null : Json.readTree(text);
    }
}
