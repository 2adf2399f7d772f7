package dev.gatehouse.testing;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/** Numbers written in other scripts' digits, which Java's {@code Long.parseLong} reads and the APIs must not. */
public final class ScriptDigits {

    /** The zero of the full-width digits (U+FF10…). */
    public static final int FULL_WIDTH = 0xFF10;
    /** The zero of the Arabic-Indic digits (U+0660…). */
    public static final int ARABIC_INDIC = 0x0660;

    private ScriptDigits() {
    }

    /** {@code n} written in the digits whose zero is {@code zero}. */
    public static String write(long n, int zero) {
        return Long.toString(n).chars().map(c -> c - '0' + zero)
                .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString();
    }

    /** {@code value} percent-encoded as UTF-8 for a path segment or a query value. */
    public static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
