package dev.gatehouse.sql;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Handle;

/**
 * Ids for the new rows of one transaction, taken from their tables' sequences ({@link #fetch}) in as few
 * statements as the transaction announces: a writer that knows how many rows of a table are coming
 * ({@link #expect}, a bulk import's chunk counting its lines) has the first {@link #take} fetch ids for all of them,
 * and the later ones take from those. Ids fetched and not taken are left unused, as a rolled-back insert leaves
 * them: a table's ids ascend but have gaps.
 *
 * <p>Not thread-safe; lives for one transaction.
 */
public final class NewIds {

    private final Map<String, Deque<Long>> fetched = new HashMap<>();
    /** Rows announced per table and not taken yet. */
    private final Map<String, Integer> expected = new HashMap<>();

    /** Announces that at least {@code rows} more rows of {@code table} are coming in this transaction. */
    public void expect(String table, int rows) {
        expected.merge(table, rows, Math::max);
    }

    /** Ids for {@code n} new rows of {@code table}, ascending: those fetched before, else fetched now. */
    public List<Long> take(Handle h, String table, int n) {
        Deque<Long> ids = fetched.computeIfAbsent(table, t -> new ArrayDeque<>());
        int announced = expected.getOrDefault(table, 0);
        if (ids.size() < n) {
            ids.addAll(fetch(h, table, Math.max(n, announced) - ids.size()));
        }
        expected.put(table, Math.max(0, announced - n));
        List<Long> taken = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            taken.add(ids.removeFirst());
        }
        return taken;
    }

    /**
     * Ids for {@code n} new rows of {@code table}, whose {@code id} column is an identity: taken from its sequence in
     * one statement, ascending, for rows then written by {@code COPY} with their ids (which, unlike an
     * {@code INSERT … RETURNING}, gives nothing back).
     */
    private static List<Long> fetch(Handle h, String table, int n) {
        // the sequence is looked up once, in FROM: as nextval's argument it would be looked up for every row
        return h.createQuery("SELECT nextval(s) AS id FROM CAST(pg_get_serial_sequence(:table, 'id') AS regclass) "
                        + "AS s, generate_series(1, :n) ORDER BY id")
                .bind("table", table).bind("n", n).mapTo(Long.class).list();
    }
}
