package dev.gatehouse.changelog;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.Query;

/**
 * Reads change-log rows bounded by count and by bytes. Each row's stored size ({@code size_bytes}: its
 * {@code before}, {@code after} and {@code delta} as UTF-8 JSON, written at append) is summed in revision order
 * by the database, which returns the full rows only while the running sum stays within the budget — the first row
 * always, so a reader makes progress however large one row is. The documents of rows past the budget are never
 * read. The count limit still applies; {@link ChangeLogStore.Batch#more} tells a read cut by bytes (more rows
 * may follow) from one that ran out of rows.
 *
 * <p>Stateless and thread-safe.
 */
final class ByteBudget {

    private ByteBudget() {
    }

    /**
     * @param where   the condition on {@code change_log} (without {@code WHERE}), its parameters bound by
     *                {@code binder}; it must not use the names {@code limit} and {@code budget}
     */
    static ChangeLogStore.Batch read(Handle handle, String where, Consumer<Query> binder, boolean ascending,
                                     int limit, long maxBytes) {
        if (limit < 1 || maxBytes < 1) {
            throw new IllegalArgumentException("limit and maxBytes must be positive, got " + limit + " and " + maxBytes);
        }
        String order = ascending ? "ASC" : "DESC";
        String sql = "SELECT c.*, p.fetched FROM ("
                + " SELECT revision, n, running, count(*) OVER () AS fetched FROM ("
                + "  SELECT revision, row_number() OVER w AS n, sum(size_bytes) OVER w AS running"
                + "  FROM change_log WHERE " + where
                + "  WINDOW w AS (ORDER BY revision " + order + ") ORDER BY revision " + order + " LIMIT :limit) q) p"
                + " JOIN change_log c ON c.revision = p.revision"
                + " WHERE p.n = 1 OR p.running <= :budget"
                + " ORDER BY c.revision " + order;
        Query query = handle.createQuery(sql).bind("limit", limit).bind("budget", maxBytes);
        binder.accept(query);
        List<ChangeRecord> records = new ArrayList<>();
        long[] fetched = {0};
        query.map((rs, ctx) -> {
            fetched[0] = rs.getLong("fetched");
            return ChangeLogStore.map(rs);
        }).forEach(records::add);
        return new ChangeLogStore.Batch(records, records.size() < fetched[0]);
    }
}
