package dev.gatehouse.sql;

import java.text.Normalizer;
import java.util.Locale;

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
}
