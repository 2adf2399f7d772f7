package dev.gatehouse.sql;

import java.text.Normalizer;
import java.util.List;
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
     * The name an object named {@code current} is given when a write asks for {@code given}: {@code current} as stored
     * when {@code given} is that name, exactly or composed (NFC) as both are compared — so that a name stored before
     * names were composed ({@code Re} U+0301 {@code sume} U+0301), read and sent back as it is, is no rename — else
     * {@code given}.
     */
    public static String renamed(String current, String given) {
        return given.equals(current) || Normalizer.normalize(given, Normalizer.Form.NFC)
                .equals(Normalizer.normalize(current, Normalizer.Form.NFC)) ? current : given;
    }

    /**
     * A row of {@code table} (roles, groups: an organization's names, with {@code name} and {@code name_key}) of the
     * organization other than {@code self} whose name is the same as {@code name} ignoring case, which would keep an
     * object from taking it: the first of {@link #sameNames}, the one {@code lower()} calls equal first, else the
     * oldest.
     */
    public static <T> Optional<T> findSameName(Handle h, String table, String columns, long orgId, String name,
                                               long self, String current, RowMapper<T> row) {
        return sameNames(h, table, columns, orgId, name, self, current, row).stream().findFirst();
    }

    /**
     * The rows of {@code table} (roles, groups: an organization's names, with {@code name} and {@code name_key}) of the
     * organization other than {@code self} whose names are the same as {@code name} ignoring case: equal as
     * {@code lower()} folds both (the older unique index), or of the same key, a stored one or, for a row without one
     * (V21_2: rows older builds wrote, or the younger of two older names that fold to one), its name's folded here.
     * The one {@code lower()} calls equal first (at most one), then the others oldest first; more than one where
     * names stored before this rule fold to one, or where the two rules name two rows ({@code İstanbul} is
     * {@code istanbul} to {@code lower()}, {@code i} U+0307 {@code stanbul} by its key).
     *
     * <p>An object renamed to a name of its own key ({@code current}: the name it has now; null for a new object, or
     * for a reference by name, {@code self} then 0) changes only its name's case or composition: only a row
     * {@code lower()} calls equal keeps it from that name, so that each of two names stored before this rule that fold
     * to one ({@code Straße} and {@code STRASSE}) may change its own case beside the other.
     *
     * @param columns the columns {@code row} reads
     */
    public static <T> List<T> sameNames(Handle h, String table, String columns, long orgId, String name, long self,
                                        String current, RowMapper<T> row) {
        String key = of(name);
        boolean ownKey = current != null && key.equals(of(current));
        return h.createQuery("SELECT " + columns + ", name_key, lower(name) = lower(:name) AS lowered_equal FROM "
                        + table + " WHERE org_id = :org AND id <> :self AND (lower(name) = lower(:name) "
                        + "OR NOT :ownKey AND (name_key = :key OR name_key IS NULL)) ORDER BY lowered_equal DESC, id")
                .bind("org", orgId).bind("self", self).bind("name", name).bind("key", key).bind("ownKey", ownKey)
                .map((rs, ctx) -> rs.getBoolean("lowered_equal") || !ownKey && (key.equals(rs.getString("name_key"))
                        || rs.getString("name_key") == null && key.equals(of(rs.getString("name"))))
                        ? Optional.of(row.map(rs, ctx)) : Optional.<T>empty())
                .list().stream().flatMap(Optional::stream).toList();
    }

    /**
     * Gives row {@code id} of {@code table} (roles, groups) the key of its name {@code name} when it has none and no
     * other row of its organization holds that key: after a write that renamed it (whose statement leaves a renamed
     * row keyless, V21_4), or one that rewrote a row an older build wrote. A key another row holds stays with it, and
     * this row stays keyless (the younger of two names stored before this rule that fold to one).
     */
    public static void storeKey(Handle h, String table, long id, String name) {
        h.createUpdate("UPDATE " + table + " t SET name_key = :key WHERE id = :id AND name_key IS NULL AND NOT EXISTS "
                        + "(SELECT 1 FROM " + table + " o WHERE o.org_id = t.org_id AND o.name_key = :key)")
                .bind("id", id).bind("key", of(name)).execute();
    }
}
