package dev.gatehouse.sql;

import java.text.Normalizer;
import java.util.Locale;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.mapper.RowMapper;

/**
 * The key by which two names of one kind are the same name ignoring case: role names and group names, each unique per
 * organization by it (the {@code name_key} columns and their unique indexes, V21_2). The key is Unicode's full case
 * folding (its {@code CaseFolding.txt}, statuses C and F, without the Turkic ones) of the name composed (NFC), composed
 * again, where PostgreSQL's {@code lower()} lowers each letter alone. So {@code Straße}, {@code STRAẞE} and
 * {@code STRASSE} are one name ({@code ß} folds to {@code ss}), {@code ΟΔΟΣ}, {@code οδος} and {@code οδοσ} are one
 * (the final {@code ς} folds to {@code σ}), the ligature {@code ﬁ} is {@code fi}, and {@code é} written as one
 * character or as {@code e} with the combining acute U+0301 is one letter: each pair looks the same to a reader, and
 * {@code lower()} tells it apart. Like Unicode's folding it keeps the dotless {@code ı} apart from {@code I} and
 * {@code i}, and it is no compatibility folding: a full-width {@code Ａ} stays apart from {@code A}.
 *
 * <p>The folding is the JDK's, locale-free: lowered, raised and lowered again (the capital {@code ẞ} lowers to
 * {@code ß}, whose capital is {@code SS}), then {@code ς} as {@code σ}; {@code ı}, whose capital is {@code I}, is
 * kept as it is. Names {@code lower()} calls equal stay the same name too (the unique indexes on {@code lower(name)}
 * stay), so the key only adds pairs ({@code İ} is {@code i} to {@code lower()} under most character types, while its
 * fold is {@code i} with a combining dot). Emails are no names, and keep {@code lower()} ({@link Folds}).
 *
 * <p>Stored keys are compared with new ones: the key rests on the JDK's Unicode tables alone (no locale, no database).
 * A JDK of a later Unicode version also folds the letters new to that version, which an earlier one keeps as they are;
 * a stored key of a name holding such a letter then differs from the new one, and only {@code lower()} still compares
 * the two. Stateless and thread-safe.
 */
public final class NameKey {

    private static final String DOTLESS_I = "\u0131";

    private NameKey() {
    }

    /** The key of {@code name}, non-null. */
    public static String of(String name) {
        String composed = Normalizer.normalize(name, Normalizer.Form.NFC);
        StringBuilder folded = new StringBuilder(composed.length());
        // the dotless ı folds to itself: raised, it would be I, and so i
        String[] parts = composed.split(DOTLESS_I, -1);
        for (int i = 0; i < parts.length; i++) {
            if (i > 0) {
                folded.append(DOTLESS_I);
            }
            folded.append(parts[i].toLowerCase(Locale.ROOT).toUpperCase(Locale.ROOT).toLowerCase(Locale.ROOT));
        }
        // raising and lowering may leave a letter beside a combining mark that composes with it (ǰ: J + U+030C)
        return Normalizer.normalize(folded.toString().replace('ς', 'σ'), Normalizer.Form.NFC);
    }

    /**
     * A row of {@code table} (roles, groups: an organization's names, with {@code name} and {@code name_key}) of the
     * organization other than {@code self} whose name is the same as {@code name} ignoring case, which would keep an
     * object from taking it: equal as {@code lower()} folds both (the older unique index), or of the same key, a
     * stored one or, for a row without one (V21_2: rows older builds wrote, or the younger of two older names that
     * fold to one), its name's folded here. The one {@code lower()} calls equal first, else the oldest.
     *
     * @param columns the columns {@code row} reads
     */
    public static <T> Optional<T> findSameName(Handle h, String table, String columns, long orgId, String name,
                                               long self, RowMapper<T> row) {
        String key = of(name);
        return h.createQuery("SELECT " + columns + ", name_key, lower(name) = lower(:name) AS lowered_equal FROM "
                        + table + " WHERE org_id = :org AND id <> :self AND (lower(name) = lower(:name) "
                        + "OR name_key = :key OR name_key IS NULL) ORDER BY lowered_equal DESC, id")
                .bind("org", orgId).bind("self", self).bind("name", name).bind("key", key)
                .map((rs, ctx) -> rs.getBoolean("lowered_equal") || key.equals(rs.getString("name_key"))
                        || rs.getString("name_key") == null && key.equals(of(rs.getString("name")))
                        ? Optional.of(row.map(rs, ctx)) : Optional.<T>empty())
                .list().stream().flatMap(Optional::stream).findFirst();
    }
}
