package dev.gatehouse.cli;

/**
 * Values as a terminal shows them, for the output meant for people (tables, {@code apply}'s plan, {@code check
 * --explain}'s reason, confirmations and error messages, {@code events}' lines): a value is whatever a user, an
 * import or another client stored, so it may hold line feeds, tabs, escape sequences or text
 * that runs right to left, and its characters may take two columns or none.
 *
 * <p>{@link #escaped} writes every character that would move the cursor or change how the rest of the line is
 * shown as an escape: {@code \n}, {@code \r}, {@code \t}, else a backslash, u and four hex digits (BEL as
 * backslash-u0007) — the C0 and C1 controls
 * and DEL, the line and paragraph separators, and the bidirectional embeddings, overrides and isolates. A row then
 * stays one line and its columns stay in order. A backslash is left as it is: the escapes are for reading, and
 * {@code -o json} gives every value exactly.
 *
 * <p>{@link #width} is a value's width in terminal columns, as {@code wcwidth} counts it: 2 for a character of East
 * Asian Width Wide or Fullwidth ({@link #WIDE}, from Unicode 14's EastAsianWidth.txt, unassigned code points in the
 * ranges defaulting to Wide included), 0 for a combining mark (non-spacing or enclosing), a format character (a
 * zero-width space or joiner; not the soft hyphen) and a Hangul medial vowel or final consonant, which join the
 * syllable before them; 1 for any other. Columns padded by it line up where padding by {@code String.length()}
 * (UTF-16 units) did not.
 *
 * <p>{@link #counted} writes a count with its noun, in the plural unless the count is 1 ({@code 1 line},
 * {@code 0 lines}), as every summary of a command says how many.
 *
 * <p>Stateless, thread-safe.
 */
final class Display {

    /** Code point ranges (first, last; sorted) of East Asian Width W and F. */
    private static final int[] WIDE = {
            0x1100, 0x115F, 0x231A, 0x231B, 0x2329, 0x232A, 0x23E9, 0x23EC, 0x23F0, 0x23F0, 0x23F3, 0x23F3,
            0x25FD, 0x25FE, 0x2614, 0x2615, 0x2648, 0x2653, 0x267F, 0x267F, 0x2693, 0x2693, 0x26A1, 0x26A1,
            0x26AA, 0x26AB, 0x26BD, 0x26BE, 0x26C4, 0x26C5, 0x26CE, 0x26CE, 0x26D4, 0x26D4, 0x26EA, 0x26EA,
            0x26F2, 0x26F3, 0x26F5, 0x26F5, 0x26FA, 0x26FA, 0x26FD, 0x26FD, 0x2705, 0x2705, 0x270A, 0x270B,
            0x2728, 0x2728, 0x274C, 0x274C, 0x274E, 0x274E, 0x2753, 0x2755, 0x2757, 0x2757, 0x2795, 0x2797,
            0x27B0, 0x27B0, 0x27BF, 0x27BF, 0x2B1B, 0x2B1C, 0x2B50, 0x2B50, 0x2B55, 0x2B55, 0x2E80, 0x303E,
            0x3041, 0x3247, 0x3250, 0x4DBF, 0x4E00, 0xA4C6, 0xA960, 0xA97C, 0xAC00, 0xD7A3, 0xF900, 0xFAFF,
            0xFE10, 0xFE19, 0xFE30, 0xFE6B, 0xFF01, 0xFF60, 0xFFE0, 0xFFE6, 0x16FE0, 0x1B2FB, 0x1F004, 0x1F004,
            0x1F0CF, 0x1F0CF, 0x1F18E, 0x1F18E, 0x1F191, 0x1F19A, 0x1F200, 0x1F320, 0x1F32D, 0x1F335,
            0x1F337, 0x1F37C, 0x1F37E, 0x1F393, 0x1F3A0, 0x1F3CA, 0x1F3CF, 0x1F3D3, 0x1F3E0, 0x1F3F0,
            0x1F3F4, 0x1F3F4, 0x1F3F8, 0x1F43E, 0x1F440, 0x1F440, 0x1F442, 0x1F4FC, 0x1F4FF, 0x1F53D,
            0x1F54B, 0x1F54E, 0x1F550, 0x1F567, 0x1F57A, 0x1F57A, 0x1F595, 0x1F596, 0x1F5A4, 0x1F5A4,
            0x1F5FB, 0x1F64F, 0x1F680, 0x1F6C5, 0x1F6CC, 0x1F6CC, 0x1F6D0, 0x1F6D2, 0x1F6D5, 0x1F6DF,
            0x1F6EB, 0x1F6EC, 0x1F6F4, 0x1F6FC, 0x1F7E0, 0x1F7F0, 0x1F90C, 0x1F93A, 0x1F93C, 0x1F945,
            0x1F947, 0x1F9FF, 0x1FA70, 0x1FAF6, 0x20000, 0x3FFFD
    };

    private Display() {
    }

    /** {@code text} with what would break its line or its order escaped (see the class comment). */
    static String escaped(String text) {
        StringBuilder shown = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (!breaksTheLine(c)) {
                if (shown != null) {
                    shown.append(c);
                }
                continue;
            }
            if (shown == null) {
                shown = new StringBuilder(text.length() + 16).append(text, 0, i);
            }
            switch (c) {
                case '\n' -> shown.append("\\n");
                case '\r' -> shown.append("\\r");
                case '\t' -> shown.append("\\t");
                default -> shown.append(String.format("\\u%04x", (int) c));
            }
        }
        return shown == null ? text : shown.toString();
    }

    /** {@code count} and {@code noun}, the noun in the plural (an {@code s} added) unless the count is 1. */
    static String counted(long count, String noun) {
        return count + " " + (count == 1 ? noun : noun + "s");
    }

    private static boolean breaksTheLine(char c) {
        return c < 0x20 || c >= 0x7f && c <= 0x9f || c == 0x2028 || c == 0x2029 || c >= 0x202a && c <= 0x202e
                || c >= 0x2066 && c <= 0x2069;
    }

    /** The columns {@code text} takes on a terminal (see the class comment); for text {@link #escaped} already. */
    static int width(String text) {
        int columns = 0;
        for (int i = 0; i < text.length(); ) {
            int codePoint = text.codePointAt(i);
            i += Character.charCount(codePoint);
            columns += width(codePoint);
        }
        return columns;
    }

    static int width(int codePoint) {
        int type = Character.getType(codePoint);
        if (type == Character.NON_SPACING_MARK || type == Character.ENCLOSING_MARK
                || type == Character.FORMAT && codePoint != 0xad
                || codePoint >= 0x1160 && codePoint <= 0x11ff || codePoint >= 0xd7b0 && codePoint <= 0xd7ff) {
            return 0;
        }
        return wide(codePoint) ? 2 : 1;
    }

    private static boolean wide(int codePoint) {
        if (codePoint < WIDE[0]) {
            return false;
        }
        int low = 0;
        int high = WIDE.length / 2 - 1;
        while (low <= high) {
            int middle = (low + high) >>> 1;
            if (codePoint < WIDE[2 * middle]) {
                high = middle - 1;
            } else if (codePoint > WIDE[2 * middle + 1]) {
                low = middle + 1;
            } else {
                return true;
            }
        }
        return false;
    }
}
