package dev.gatehouse.sql;

import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jdbi.v3.core.Handle;

/**
 * Texts with their case folded as the database folds it ({@code lower} under its own character type), which is what
 * the unique indexes of members' emails and roles' names apply: two emails, or two role names, are one when their
 * folds are equal. Java's folding differs from the database's for some letters (a dotted capital I, say), so the
 * database is asked, once per text and transaction: a writer that knows the texts coming ({@link #prefetch}, a bulk
 * import's chunk) has them folded in one statement.
 *
 * <p>Not thread-safe; lives for one transaction.
 */
public final class Folds {

    private final Map<String, String> folded = new HashMap<>();

    /** Has the database fold those of {@code texts} not folded yet, in one statement (none when all are). */
    public void prefetch(Handle h, Collection<String> texts) {
        Set<String> missing = new LinkedHashSet<>();
        for (String t : texts) {
            // a text the database cannot hold fails where it is used, at its own line
            if (t != null && t.indexOf('\0') < 0 && !folded.containsKey(t)) {
                missing.add(t);
            }
        }
        if (missing.isEmpty()) {
            return;
        }
        h.createQuery("SELECT t, lower(t) AS folded FROM unnest(CAST(:texts AS text[])) AS t")
                .bind("texts", missing.toArray(new String[0]))
                .map((rs, ctx) -> Map.entry(rs.getString("t"), rs.getString("folded")))
                .forEach(e -> folded.put(e.getKey(), e.getValue()));
    }

    /** {@code text} folded; one statement unless it was folded before in this transaction. */
    public String of(Handle h, String text) {
        String f = folded.get(text);
        if (f == null) {
            prefetch(h, List.of(text));
            f = folded.get(text);
        }
        return f;
    }
}
