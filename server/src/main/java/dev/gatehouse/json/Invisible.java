package dev.gatehouse.json;

/**
 * The characters a reader cannot see, for the one rule that a value a client chose to name someone by — a user id
 * ({@link Fields#identifier}), an email ({@link EmailAddress}) — neither begins nor ends with one, and is not made of
 * them alone. Such a value is taken verbatim, so one that ends in an invisible character is another value that looks
 * exactly the same: {@code admin1} followed by a no-break space would be a second member beside {@code admin1}.
 *
 * <p>Invisible are the spaces of every kind ({@link #isSpace}), the format characters (Unicode's {@code Cf}: zero-width
 * space U+200B, zero-width joiner U+200D, word joiner U+2060, byte order mark U+FEFF, the direction marks), every
 * character Unicode says a renderer shows nothing for where it does not support it (its
 * {@code Default_Ignorable_Code_Point}: the Hangul fillers U+115F, U+1160, U+3164 and U+FFA0, the combining grapheme
 * joiner U+034F, the variation selectors, the Khmer vowels U+17B4 and U+17B5, the Mongolian selectors — most fonts
 * draw them as nothing, or as a blank as wide as a letter) and the two that are drawn blank: the braille pattern
 * without dots U+2800 and the object replacement character U+FFFC. Java's own test ({@link String#strip},
 * {@link String#isBlank}) is not enough: it leaves out the no-break spaces (U+00A0, U+2007, U+202F) and every one of
 * the others; nor has Java a property for the default ignorables, hence {@link #DEFAULT_IGNORABLE}. Control
 * characters need no place here: {@link Text} refuses them in every body, all but tab, line feed and carriage return,
 * which are spaces.
 *
 * <p>Nor may such a value begin with a combining mark (Unicode's {@code Mn}, {@code Mc}, {@code Me}): it has no
 * character of its own to sit on, so it joins whatever a page prints before the value: {@code admin1} after an
 * acute accent U+0301 shows as {@code admin1}, the accent on the quote or the space before it.
 *
 * <p>Stateless and thread-safe.
 */
final class Invisible {

    /**
     * Unicode's {@code Default_Ignorable_Code_Point}, as pairs of first and last code point (inclusive) in ascending
     * order: the whole property as Unicode's DerivedCoreProperties.txt lists it (Unicode 15.1). Much of it is
     * {@code Cf} as well; the rest is what Java's tests miss.
     */
    private static final int[] DEFAULT_IGNORABLE = {
            0x00AD, 0x00AD, // soft hyphen
            0x034F, 0x034F, // combining grapheme joiner
            0x061C, 0x061C, // Arabic letter mark
            0x115F, 0x1160, // Hangul choseong and jungseong fillers
            0x17B4, 0x17B5, // Khmer inherent vowels
            0x180B, 0x180F, // Mongolian free variation selectors, vowel separator
            0x200B, 0x200F, // zero-width space, joiners, direction marks
            0x202A, 0x202E, // directional embeddings and overrides
            0x2060, 0x206F, // word joiner, invisible operators, isolates, deprecated format characters
            0x3164, 0x3164, // Hangul filler
            0xFE00, 0xFE0F, // variation selectors
            0xFEFF, 0xFEFF, // byte order mark, zero-width no-break space
            0xFFA0, 0xFFA0, // halfwidth Hangul filler
            0xFFF0, 0xFFF8, // unassigned, reserved for specials
            0x1BCA0, 0x1BCA3, // shorthand format controls
            0x1D173, 0x1D17A, // musical symbol format controls
            0xE0000, 0xE0FFF, // tags, variation selectors supplement, unassigned
    };
    /** The braille pattern without dots: a letter-wide blank. */
    private static final int BRAILLE_BLANK = 0x2800;
    /** The object replacement character: drawn blank, or as a box, where no object stands in. */
    private static final int OBJECT_REPLACEMENT = 0xFFFC;

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

    /**
     * Whether {@code codePoint} is invisible: a space ({@link #isSpace}), a format character ({@code Cf}), a default
     * ignorable ({@link #DEFAULT_IGNORABLE}) or drawn blank (U+2800, U+FFFC).
     */
    static boolean isInvisible(int codePoint) {
        return isSpace(codePoint) || Character.getType(codePoint) == Character.FORMAT
                || codePoint == BRAILLE_BLANK || codePoint == OBJECT_REPLACEMENT || isDefaultIgnorable(codePoint);
    }

    /** Whether {@code codePoint} is one of Unicode's {@code Default_Ignorable_Code_Point}s. */
    static boolean isDefaultIgnorable(int codePoint) {
        for (int i = 0; i < DEFAULT_IGNORABLE.length && codePoint >= DEFAULT_IGNORABLE[i]; i += 2) {
            if (codePoint <= DEFAULT_IGNORABLE[i + 1]) {
                return true;
            }
        }
        return false;
    }

    /** Whether {@code codePoint} is a combining mark ({@code Mn}, {@code Mc}, {@code Me}), which joins what precedes. */
    static boolean isCombiningMark(int codePoint) {
        int type = Character.getType(codePoint);
        return type == Character.NON_SPACING_MARK || type == Character.COMBINING_SPACING_MARK
                || type == Character.ENCLOSING_MARK;
    }

    /**
     * Null when {@code s} neither begins nor ends with an invisible character nor begins with a combining mark, nor
     * has one beside an {@code @} ({@link #besideAt}), else
     * why, ready to follow a field name: {@code "must not be blank"} when it holds nothing else (or nothing), else
     * which character is at which end — the value quoted in a message shows no difference.
     */
    static String problem(String s) {
        if (s.isEmpty()) {
            return "must not be blank";
        }
        int first = s.codePointAt(0);
        int last = s.codePointBefore(s.length());
        if (!isInvisible(first) && !isInvisible(last)) {
            return isCombiningMark(first) ? "must not begin with a combining mark, got \"" + Fields.abbreviate(s)
                    + "\" (" + name(first) + " at its beginning)" : besideAt(s);
        }
        if (s.codePoints().allMatch(Invisible::isInvisible)) {
            return "must not be blank";
        }
        return "must not begin or end with whitespace or an invisible character, got \"" + Fields.abbreviate(s)
                + "\" (" + (isInvisible(first) ? name(first) + " at its beginning" : name(last) + " at its end") + ")";
    }

    /**
     * Null when no {@code @} of {@code s} has an invisible character beside it, nor a combining mark after it, else
     * why: the two sides of an address are each an end — {@code c} U+3164 {@code @x.io} is a second member looking
     * exactly like {@code c@x.io} (Rooms makes an invited user's email its user id), and a user id may have an
     * address's form.
     */
    private static String besideAt(String s) {
        for (int at = s.indexOf('@'); at >= 0; at = s.indexOf('@', at + 1)) {
            int before = at > 0 ? s.codePointBefore(at) : -1;
            int after = at + 1 < s.length() ? s.codePointAt(at + 1) : -1;
            if (before >= 0 && isInvisible(before) || after >= 0 && (isInvisible(after) || isCombiningMark(after))) {
                int shown = before >= 0 && isInvisible(before) ? before : after;
                return "must not hold an invisible character or a combining mark beside its @, got \""
                        + Fields.abbreviate(s) + "\" (" + name(shown) + (shown == before ? " before" : " after")
                        + " its @)";
            }
        }
        return null;
    }

    /** {@code U+00A0}: how a message names a character it cannot show. */
    static String name(int codePoint) {
        return String.format("U+%04X", codePoint);
    }
}
