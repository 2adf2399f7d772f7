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
 * the unique indexes of members' emails and of role and group names on {@code lower} apply: two emails are one when
 * their folds are equal, and so are two role names (which are also one when their keys are, {@link NameKey}).
 * Java's folding differs from the database's for some letters (a dotted capital I, say), so the
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
            if (t != null && !folded.containsKey(t)) {
                missing.add(t);
            }
        }
        if (missing.isEmpty()) {
            return;
        }
        String[] given = missing.toArray(new String[0]);
        // one row holding them all, in the order given: thousands of rows would cost the reading more than the folding
        String[] folds = h.createQuery("SELECT array_agg(lower(t) ORDER BY i) FROM unnest(CAST(:texts AS text[])) "
                        + "WITH ORDINALITY AS u(t, i)")
                .bind("texts", given).map((rs, ctx) -> (String[]) rs.getArray(1).getArray()).one();
        for (int i = 0; i < given.length; i++) {
            folded.put(given[i], folds[i]);
        }
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
