package dev.gatehouse.json;

/**
 * Whether bytes are UTF-8 as Unicode defines it (its Table 3-7, "well-formed UTF-8 byte sequences"). Every request
 * body is held to it before the JSON parser reads it ({@link Json#parse}, and the check route's fast path), because
 * the parser decodes more than UTF-8 inside strings: an overlong form as the character it spells ({@code C0 BC} as
 * {@code <}, {@code E0 80 AF} as {@code /}, {@code C0 80} as U+0000), so that a body holding no {@code <} byte gave a
 * name holding {@code <script>}; and a four-byte form beyond U+10FFFF as a broken surrogate pair. It refuses a byte
 * that begins no character and an encoded surrogate itself, with the same words.
 *
 * <p>An all-ASCII text, every check body and almost every other, costs one comparison per byte and nothing else.
 * A sequence cut off by the end of the text is left to the parser, which says the text ended there (an import line
 * whose body stops inside it is {@code truncated_line}, as one stopping anywhere else in it).
 *
 * <p>Thread-safe (stateless).
 */
public final class Utf8 {

    private Utf8() {
    }

    /** The offset of the first byte that begins no well-formed sequence, or -1 when all of {@code text} is UTF-8. */
    public static int firstMalformed(byte[] text) {
        int i = 0;
        while (i < text.length) {
            if (text[i] >= 0) {
                i++;
                continue;
            }
            int length = sequence(text, i);
            if (length == 0) {
                return i;
            }
            i += length;
        }
        return -1;
    }

    /**
     * The length of the well-formed sequence at {@code at} (a byte from 0x80), or of as much of it as the text holds;
     * 0 when it is not one. The lead byte gives the length and the range of the second byte, which is where an
     * overlong form (E0, F0), a surrogate (ED) or a code point beyond U+10FFFF (F4) shows; C0, C1 and F5 to FF
     * lead nothing.
     */
    private static int sequence(byte[] text, int at) {
        int lead = text[at] & 0xFF;
        int length;
        int low = 0x80;
        int high = 0xBF;
        if (lead >= 0xC2 && lead <= 0xDF) {
            length = 2;
        } else if (lead == 0xE0) {
            length = 3;
            low = 0xA0;
        } else if (lead == 0xED) {
            length = 3;
            high = 0x9F;
        } else if (lead >= 0xE1 && lead <= 0xEF) {
            length = 3;
        } else if (lead == 0xF0) {
            length = 4;
            low = 0x90;
        } else if (lead == 0xF4) {
            length = 4;
            high = 0x8F;
        } else if (lead >= 0xF1 && lead <= 0xF3) {
            length = 4;
        } else {
            return 0;
        }
        int end = Math.min(at + length, text.length);
        if (at + 1 < end) {
            int second = text[at + 1] & 0xFF;
            if (second < low || second > high) {
                return 0;
            }
        }
        for (int i = at + 2; i < end; i++) {
            if ((text[i] & 0xC0) != 0x80) {
                return 0;
            }
        }
        return end - at;
    }
}
