package dev.gatehouse.json;

/**
 * The characters a reader cannot see, for the one rule that a value a client chose to name someone by — a user id
 * ({@link Fields#identifier}), an email ({@link EmailAddress}) — neither begins nor ends with one, and is not made of
 * them alone. Such a value is taken verbatim, so one that ends in an invisible character is another value that looks
 * exactly the same: {@code admin1} followed by a no-break space would be a second member beside {@code admin1}.
 *
 * <p>Invisible are the spaces of every kind ({@link #isSpace}) and the format characters (Unicode's {@code Cf}:
 * zero-width space U+200B, zero-width joiner U+200D, word joiner U+2060, byte order mark U+FEFF, Mongolian vowel
 * separator U+180E, soft hyphen U+00AD, the direction marks). Java's own test ({@link String#strip},
 * {@link String#isBlank}) is not enough: it leaves out the no-break spaces (U+00A0, U+2007, U+202F) and every format
 * character. Control characters need no place here: {@link Text} refuses them in every body, all but tab, line feed
 * and carriage return, which are spaces.
 *
 * <p>Stateless and thread-safe.
 */
final class Invisible {

    private Invisible() {
    }

    /**
     * Whether {@code codePoint} is a space of any kind: Java's whitespace (tab, line breaks, the spaces that break a
     * line) and every one of Unicode's space separators ({@code Zs}, the no-break spaces and U+3000 among them) and
     * line and paragraph separators ({@code Zl}, {@code Zp}).
     */
    static boolean isSpace(int codePoint) {
        return Character.isWhitespace(codePoint) || Character.isSpaceChar(codePoint);
    }

    /** Whether {@code codePoint} is invisible: a space ({@link #isSpace}) or a format character ({@code Cf}). */
    static boolean isInvisible(int codePoint) {
        return isSpace(codePoint) || Character.getType(codePoint) == Character.FORMAT;
    }

    /**
     * Null when {@code s} neither begins nor ends with an invisible character, else why, ready to follow a field
     * name: {@code "must not be blank"} when it holds nothing else (or nothing), else which character is at which
     * end — the value quoted in a message shows no difference.
     */
    static String problem(String s) {
        if (s.isEmpty()) {
            return "must not be blank";
        }
        int first = s.codePointAt(0);
        int last = s.codePointBefore(s.length());
        if (!isInvisible(first) && !isInvisible(last)) {
            return null;
        }
        if (s.codePoints().allMatch(Invisible::isInvisible)) {
            return "must not be blank";
        }
        return "must not begin or end with whitespace or an invisible character, got \"" + Fields.abbreviate(s)
                + "\" (" + (isInvisible(first) ? name(first) + " at its beginning" : name(last) + " at its end") + ")";
    }

    /** {@code U+00A0}: how a message names a character it cannot show. */
    static String name(int codePoint) {
        return String.format("U+%04X", codePoint);
    }
}
