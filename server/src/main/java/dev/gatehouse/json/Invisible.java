package dev.gatehouse.json;

import java.lang.Character.UnicodeScript;
import java.util.EnumSet;
import java.util.Set;

/**
 * The characters a reader cannot see, for the one rule that a value a client chose to name someone or something by —
 * a user id ({@link Fields#identifier}), an email ({@link EmailAddress}), the name people pick an object by in a list
 * (a role, a group, a room, a member's first name: {@link Fields#name}) — holds none of them, anywhere, but where they
 * are part of what a person writes, and is not made of them alone. Such a value is another value that looks exactly
 * the same: {@code admin1} followed by a no-break space, or with a zero-width space after its {@code ad}, would be a
 * second member beside {@code admin1}, {@code Default}, a zero-width space and {@code Admin} a second role beside the
 * system role {@code Default Admin}.
 *
 * <p>Invisible are the spaces of every kind ({@link #isSpace}), the format characters (Unicode's {@code Cf}: zero-width
 * space U+200B, zero-width joiner U+200D, word joiner U+2060, byte order mark U+FEFF, the direction marks), every
 * character Unicode says a renderer shows nothing for where it does not support it (its
 * {@code Default_Ignorable_Code_Point}: the Hangul fillers U+115F, U+1160, U+3164 and U+FFA0, the combining grapheme
 * joiner U+034F, the variation selectors, the Khmer vowels U+17B4 and U+17B5, the Mongolian selectors — most fonts
 * draw them as nothing, or as a blank as wide as a letter) and the two that are drawn blank: the braille pattern
 * without dots U+2800 and the object replacement character U+FFFC. Both Unicode sets are tables here, of Unicode 15.1
 * ({@link #FORMAT}, {@link #DEFAULT_IGNORABLE}): Java has no property for the default ignorables, and its
 * {@code Character.getType} knows the Unicode of the JDK that runs the server, in which U+0890 (Unicode 14) is no
 * format character on Java 17. Control characters need no place here: {@link Text} refuses them in every body, all
 * but tab, line feed and carriage return, which are spaces.
 *
 * <p>Where a person writes one ({@link #isWritten}), it changes what is shown, so the value does not look like
 * another: a space U+0020 inside a user id (an email refuses it, {@link EmailAddress}); the emoji sequences — a
 * variation selector (U+FE0E, U+FE0F) after a pictograph or an emoji modifier (a red heart U+2764 U+FE0F) or in a
 * keycap ({@code 1} U+FE0F U+20E3), a zero-width joiner between two pictographs (a family: man, joiner, woman,
 * joiner, girl), the tags of a flag (black flag U+1F3F4, tags U+E0020 to U+E007E, cancel tag U+E007F: Scotland's);
 * and a zero-width joiner or non-joiner between two letters or marks of a script whose letters join or form
 * conjuncts ({@link #JOINING}: Persian writes a non-joiner after the prefix of its verbs, Devanagari a joiner after a
 * virama). A joiner stands between two characters and tags before their cancel tag, so a value may end with a
 * variation selector or a cancel tag, never with a joiner. Pictographs are Unicode's {@code Extended_Pictographic}
 * ({@link #PICTOGRAPHIC}), the set its grapheme clusters join emoji by, as of 15.1 whatever the JDK.
 *
 * <p>Nor may such a value begin with a combining mark (Unicode's {@code Mn}, {@code Mc}, {@code Me}): it has no
 * character of its own to sit on, so it joins whatever a page prints before the value: {@code admin1} after an
 * acute accent U+0301 shows as {@code admin1}, the accent on the quote or the space before it. The two sides of an
 * {@code @} are ends too in a user id or an email, not in a name ({@link #problem(String, boolean)}).
 *
 * <p>Checked in one pass, linear in the value's length (an email has no length limit until its shape is checked).
 * Stateless and thread-safe.
 */
final class Invisible {

    /**
     * Unicode's {@code Default_Ignorable_Code_Point}, as pairs of first and last code point (inclusive) in ascending
     * order: the whole property as Unicode's DerivedCoreProperties.txt lists it (Unicode 15.1).
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
    /**
     * Unicode's format characters ({@code Cf}), as {@link #DEFAULT_IGNORABLE}: the whole category as Unicode's
     * DerivedGeneralCategory.txt lists it (Unicode 15.1), U+0890, U+0891 (14) and U+13439 to U+1343F (15) among them.
     */
    private static final int[] FORMAT = {
            0x00AD, 0x00AD, 0x0600, 0x0605, 0x061C, 0x061C, 0x06DD, 0x06DD, 0x070F, 0x070F,
            0x0890, 0x0891, 0x08E2, 0x08E2, 0x180E, 0x180E, 0x200B, 0x200F, 0x202A, 0x202E,
            0x2060, 0x2064, 0x2066, 0x206F, 0xFEFF, 0xFEFF, 0xFFF9, 0xFFFB, 0x110BD, 0x110BD,
            0x110CD, 0x110CD, 0x13430, 0x1343F, 0x1BCA0, 0x1BCA3, 0x1D173, 0x1D17A, 0xE0001, 0xE0001,
            0xE0020, 0xE007F,
    };
    /**
     * Unicode's {@code Extended_Pictographic}, as {@link #DEFAULT_IGNORABLE}: the whole property as Unicode's
     * emoji-data.txt lists it (Unicode 15.1), code points kept for emoji not yet encoded among them.
     */
    private static final int[] PICTOGRAPHIC = {
            0x00A9, 0x00A9, 0x00AE, 0x00AE, 0x203C, 0x203C, 0x2049, 0x2049, 0x2122, 0x2122, 0x2139, 0x2139,
            0x2194, 0x2199, 0x21A9, 0x21AA, 0x231A, 0x231B, 0x2328, 0x2328, 0x2388, 0x2388, 0x23CF, 0x23CF,
            0x23E9, 0x23F3, 0x23F8, 0x23FA, 0x24C2, 0x24C2, 0x25AA, 0x25AB, 0x25B6, 0x25B6, 0x25C0, 0x25C0,
            0x25FB, 0x25FE, 0x2600, 0x2605, 0x2607, 0x2612, 0x2614, 0x2685, 0x2690, 0x2705, 0x2708, 0x2712,
            0x2714, 0x2714, 0x2716, 0x2716, 0x271D, 0x271D, 0x2721, 0x2721, 0x2728, 0x2728, 0x2733, 0x2734,
            0x2744, 0x2744, 0x2747, 0x2747, 0x274C, 0x274C, 0x274E, 0x274E, 0x2753, 0x2755, 0x2757, 0x2757,
            0x2763, 0x2767, 0x2795, 0x2797, 0x27A1, 0x27A1, 0x27B0, 0x27B0, 0x27BF, 0x27BF, 0x2934, 0x2935,
            0x2B05, 0x2B07, 0x2B1B, 0x2B1C, 0x2B50, 0x2B50, 0x2B55, 0x2B55, 0x3030, 0x3030, 0x303D, 0x303D,
            0x3297, 0x3297, 0x3299, 0x3299, 0x1F000, 0x1F0FF, 0x1F10D, 0x1F10F, 0x1F12F, 0x1F12F, 0x1F16C, 0x1F171,
            0x1F17E, 0x1F17F, 0x1F18E, 0x1F18E, 0x1F191, 0x1F19A, 0x1F1AD, 0x1F1E5, 0x1F201, 0x1F20F, 0x1F21A, 0x1F21A,
            0x1F22F, 0x1F22F, 0x1F232, 0x1F23A, 0x1F23C, 0x1F23F, 0x1F249, 0x1F3FA, 0x1F400, 0x1F53D, 0x1F546, 0x1F64F,
            0x1F680, 0x1F6FF, 0x1F774, 0x1F77F, 0x1F7D5, 0x1F7FF, 0x1F80C, 0x1F80F, 0x1F848, 0x1F84F, 0x1F85A, 0x1F85F,
            0x1F888, 0x1F88F, 0x1F8AE, 0x1F8FF, 0x1F90C, 0x1F93A, 0x1F93C, 0x1F945, 0x1F947, 0x1FAFF, 0x1FC00, 0x1FFFD,
    };
    /**
     * The scripts whose letters a zero-width joiner or non-joiner between them draws differently: those that join
     * (Arabic, Syriac, N'Ko, Mongolian and their kin) and the Brahmic ones, whose conjuncts a joiner after a virama
     * shapes. Not Thai, Lao or the Tai scripts, which form no conjuncts, nor any script of separate letters.
     */
    private static final Set<UnicodeScript> JOINING = EnumSet.of(UnicodeScript.ARABIC, UnicodeScript.SYRIAC,
            UnicodeScript.NKO, UnicodeScript.MONGOLIAN, UnicodeScript.MANDAIC, UnicodeScript.MANICHAEAN,
            UnicodeScript.PSALTER_PAHLAVI, UnicodeScript.SOGDIAN, UnicodeScript.HANIFI_ROHINGYA, UnicodeScript.ADLAM,
            UnicodeScript.PHAGS_PA, UnicodeScript.DEVANAGARI, UnicodeScript.BENGALI, UnicodeScript.GURMUKHI,
            UnicodeScript.GUJARATI, UnicodeScript.ORIYA, UnicodeScript.TAMIL, UnicodeScript.TELUGU,
            UnicodeScript.KANNADA, UnicodeScript.MALAYALAM, UnicodeScript.SINHALA, UnicodeScript.TIBETAN,
            UnicodeScript.MYANMAR, UnicodeScript.KHMER, UnicodeScript.BALINESE, UnicodeScript.JAVANESE,
            UnicodeScript.SUNDANESE, UnicodeScript.BATAK, UnicodeScript.BUGINESE, UnicodeScript.LEPCHA,
            UnicodeScript.LIMBU, UnicodeScript.TAI_THAM, UnicodeScript.CHAKMA, UnicodeScript.SAURASHTRA,
            UnicodeScript.SYLOTI_NAGRI, UnicodeScript.MEETEI_MAYEK, UnicodeScript.BRAHMI, UnicodeScript.KAITHI,
            UnicodeScript.SHARADA, UnicodeScript.GRANTHA, UnicodeScript.NEWA, UnicodeScript.TIRHUTA,
            UnicodeScript.MODI, UnicodeScript.TAKRI, UnicodeScript.KHOJKI, UnicodeScript.SIDDHAM);

    private static final int SPACE = 0x20;
    private static final int ZWNJ = 0x200C;
    private static final int ZWJ = 0x200D;
    private static final int TEXT_STYLE = 0xFE0E;
    private static final int EMOJI_STYLE = 0xFE0F;
    private static final int KEYCAP = 0x20E3;
    private static final int BLACK_FLAG = 0x1F3F4;
    private static final int CANCEL_TAG = 0xE007F;
    /** The tags of the flag sequences Unicode recommends (RGI_Emoji_Tag_Sequence), as ASCII. */
    private static final Set<String> FLAG_TAGS = Set.of("gbeng", "gbsct", "gbwls");
    /** The braille pattern without dots: a letter-wide blank. */
    private static final int BRAILLE_BLANK = 0x2800;
    /** The object replacement character: drawn blank, or as a box, where no object stands in. */
    private static final int OBJECT_REPLACEMENT = 0xFFFC;

    private static final String AT_AN_END = "must not begin or end with whitespace or an invisible character";
    private static final String BESIDE_AT = "must not hold an invisible character or a combining mark beside its @";
    private static final String INSIDE = "must not hold an invisible character or whitespace other than a space";

    private Invisible() {
    }

    /**
     * Whether {@code codePoint} is a space of any kind: Java's whitespace (tab, line breaks, the spaces that break a
     * line) and every one of Unicode's space separators ({@code Zs}, the no-break spaces and U+3000 among them) and
     * line and paragraph separators ({@code Zl}, {@code Zp}) — sets Unicode has not changed since 6.3, older than
     * any JDK the server runs on.
     */
    static boolean isSpace(int codePoint) {
        return Character.isWhitespace(codePoint) || Character.isSpaceChar(codePoint);
    }

    /**
     * Whether {@code codePoint} is invisible: a space ({@link #isSpace}), a format character ({@link #FORMAT}), a
     * default ignorable ({@link #DEFAULT_IGNORABLE}) or drawn blank (U+2800, U+FFFC).
     */
    static boolean isInvisible(int codePoint) {
        return isSpace(codePoint) || codePoint == BRAILLE_BLANK || codePoint == OBJECT_REPLACEMENT
                || within(FORMAT, codePoint) || within(DEFAULT_IGNORABLE, codePoint);
    }

    /** Whether {@code codePoint} is one of Unicode's {@code Default_Ignorable_Code_Point}s. */
    static boolean isDefaultIgnorable(int codePoint) {
        return within(DEFAULT_IGNORABLE, codePoint);
    }

    /** Whether {@code codePoint} is a combining mark ({@code Mn}, {@code Mc}, {@code Me}), which joins what precedes. */
    static boolean isCombiningMark(int codePoint) {
        int type = Character.getType(codePoint);
        return type == Character.NON_SPACING_MARK || type == Character.COMBINING_SPACING_MARK
                || type == Character.ENCLOSING_MARK;
    }

    /**
     * Null when {@code s} holds no invisible character but where a person writes one, and begins with no combining
     * mark, else why, ready to follow a field name: {@code "must not be blank"} when it holds nothing else (or
     * nothing), else which character is where — the value quoted in a message shows no difference. The first found
     * reading on is named: at its beginning or its end, beside an {@code @} (the two sides of an address are each an
     * end — {@code c} U+3164 {@code @x.io} is a second member looking exactly like {@code c@x.io}; Rooms makes an
     * invited user's email its user id, and a user id may have an address's form; a combining mark may not follow an
     * {@code @} either), or inside, at its position. Spaces U+0020 inside are the value's own.
     */
    static String problem(String s) {
        return problem(s, true);
    }

    /**
     * {@link #problem} for a value read as an address or an identifier ({@code address}: the two sides of an
     * {@code @} are ends) or as a name, whose {@code @} is a character like any other: {@code Sales @ Berlin} is a
     * name, its spaces inside.
     */
    static String problem(String s, boolean address) {
        String edge = atAnEdge(s, address);
        return edge != null ? edge : inside(s, address);
    }

    /**
     * {@link #problem}, as far as the ends and the sides of an {@code @} go (and blank): what {@link EmailAddress}
     * checks before its spaces, and {@link #inside} after them.
     */
    /** Whether {@code s} shows nothing: empty, or invisible characters alone ({@link #isInvisible}). */
    static boolean blank(String s) {
        return s.codePoints().allMatch(Invisible::isInvisible);
    }

    static String atAnEdge(String s) {
        return atAnEdge(s, true);
    }

    private static String atAnEdge(String s, boolean address) {
        if (s.isEmpty()) {
            return "must not be blank";
        }
        int first = s.codePointAt(0);
        if (isInvisible(first)) {
            return blank(s) ? "must not be blank"
                    : AT_AN_END + ", got \"" + Fields.abbreviate(s) + "\" (" + name(first) + " at its beginning)";
        }
        if (isCombiningMark(first)) {
            return "must not begin with a combining mark, got \"" + Fields.abbreviate(s) + "\" (" + name(first)
                    + " at its beginning)";
        }
        int at = firstHidden(s, true, address);
        if (at < 0) {
            return null;
        }
        int hidden = s.codePointAt(at);
        if (at + Character.charCount(hidden) == s.length() && isInvisible(hidden)) {
            return AT_AN_END + ", got \"" + Fields.abbreviate(s) + "\" (" + name(hidden) + " at its end)";
        }
        boolean before = at + Character.charCount(hidden) < s.length() && s.charAt(at + Character.charCount(hidden))
                == '@';
        return BESIDE_AT + ", got \"" + Fields.abbreviate(s) + "\" (" + name(hidden)
                + (before ? " before" : " after") + " its @)";
    }

    /** {@link #problem}, as far as the characters between the edges go ({@link #atAnEdge} found none). */
    static String inside(String s) {
        return inside(s, true);
    }

    private static String inside(String s, boolean address) {
        int at = firstHidden(s, false, address);
        return at < 0 ? null : INSIDE + ", got \"" + Fields.abbreviate(s) + "\" (" + name(s.codePointAt(at))
                + " inside, at position " + at + ")";
    }

    /**
     * Where the first character of {@code s} is that a reader cannot see there — invisible and not written
     * ({@link #isWritten}), or a combining mark after an {@code @} of an {@code address} — at an edge ({@code edges}:
     * its end, beside an {@code @} of an {@code address}) or inside, or -1. Its beginning is {@link #atAnEdge}'s. A
     * flag's tags are looked at once: the whole sequence is passed over when it is one.
     */
    private static int firstHidden(String s, boolean edges, boolean address) {
        int previous = -1;
        int beforePrevious = -1;
        for (int i = 0; i < s.length(); ) {
            int c = s.codePointAt(i);
            int after = i + Character.charCount(c);
            int next = after < s.length() ? s.codePointAt(after) : -1;
            boolean edge = i == 0 || next == -1 || address && (next == '@' || previous == '@');
            if (c == BLACK_FLAG) {
                int end = tagSequenceEnd(s, after);
                if (end > after) {
                    // the cancel tag ends the flag; edge or not, it is written
                    previous = CANCEL_TAG;
                    beforePrevious = -1;
                    i = end;
                    continue;
                }
            }
            boolean hidden = isInvisible(c) ? !(c == SPACE && !edge) && !isWritten(s, i, c, previous,
                    beforePrevious, next) : address && previous == '@' && isCombiningMark(c);
            if (hidden && edge == edges) {
                return i;
            }
            beforePrevious = previous;
            previous = c;
            i = after;
        }
        return -1;
    }

    /**
     * Where the tag sequence of a flag ends when one begins at {@code from} (right after U+1F3F4): the tags of one of
     * the flags Unicode recommends ({@link #FLAG_TAGS}: England's, Scotland's, Wales'), then the cancel tag U+E007F;
     * the index after it, else {@code from}. Other tags there render as nothing more than the black flag, so they
     * would hide text ("admin") in a value that looks like another.
     */
    private static int tagSequenceEnd(String s, int from) {
        int i = from;
        StringBuilder tags = new StringBuilder();
        while (i < s.length() && s.codePointAt(i) >= 0xE0020 && s.codePointAt(i) < CANCEL_TAG) {
            tags.append((char) (s.codePointAt(i) - 0xE0000));
            i += 2;
        }
        return FLAG_TAGS.contains(tags.toString()) && i < s.length() && s.codePointAt(i) == CANCEL_TAG ? i + 2 : from;
    }

    /**
     * Whether the invisible {@code c} at {@code i} is written there, between {@code previous} and {@code next} (-1
     * where there is none): a variation selector after a pictograph or an emoji modifier, or between a keycap's base
     * (0 to 9, #, *) and U+20E3; a zero-width joiner between two pictographs (the first with its modifier or
     * variation selector); a joiner or non-joiner between letters or marks of a {@link #JOINING} script.
     */
    private static boolean isWritten(String s, int i, int c, int previous, int beforePrevious, int next) {
        if (c == TEXT_STYLE || c == EMOJI_STYLE) {
            return isEmoji(previous) || next == KEYCAP && (previous >= '0' && previous <= '9' || previous == '#'
                    || previous == '*');
        }
        if (c == ZWJ && within(PICTOGRAPHIC, next)
                && (isEmoji(previous) || previous == EMOJI_STYLE && isEmoji(beforePrevious))) {
            return true;
        }
        if ((c != ZWJ && c != ZWNJ) || !isLetterOrMark(previous) || !isLetterOrMark(next)) {
            return false;
        }
        UnicodeScript script = scriptBefore(s, i);
        UnicodeScript nextScript = UnicodeScript.of(next);
        return JOINING.contains(script) && (nextScript == script || nextScript == UnicodeScript.INHERITED);
    }

    /** A pictograph ({@link #PICTOGRAPHIC}) or an emoji modifier (the skin tones U+1F3FB to U+1F3FF). */
    private static boolean isEmoji(int codePoint) {
        return codePoint >= 0x1F3FB && codePoint <= 0x1F3FF || within(PICTOGRAPHIC, codePoint);
    }

    private static boolean isLetterOrMark(int codePoint) {
        return codePoint >= 0 && (Character.isLetter(codePoint) || isCombiningMark(codePoint));
    }

    /**
     * The script of the letter before {@code i}: a mark of every script (U+0651, an Arabic shadda) is its letter's.
     * Only the marks right before are passed over, so that checking every joiner of a value stays linear.
     */
    private static UnicodeScript scriptBefore(String s, int i) {
        for (int j = i; j > 0; ) {
            int c = s.codePointBefore(j);
            UnicodeScript script = UnicodeScript.of(c);
            if (script != UnicodeScript.INHERITED || !isCombiningMark(c)) {
                return script;
            }
            j -= Character.charCount(c);
        }
        return UnicodeScript.INHERITED;
    }

    /** Whether {@code codePoint} is within one of the ranges (pairs of first and last, ascending) of {@code table}. */
    private static boolean within(int[] table, int codePoint) {
        int low = 0;
        int high = table.length / 2 - 1;
        while (low <= high) {
            int middle = (low + high) >>> 1;
            if (codePoint < table[2 * middle]) {
                high = middle - 1;
            } else if (codePoint > table[2 * middle + 1]) {
                low = middle + 1;
            } else {
                return true;
            }
        }
        return false;
    }

    /** {@code U+00A0}: how a message names a character it cannot show. */
    static String name(int codePoint) {
        return String.format("U+%04X", codePoint);
    }
}
