package dev.gatehouse.json;

import java.math.BigInteger;

/**
 * Integers as the native API writes them: ASCII digits only. {@link Long#parseLong} also takes a sign and the digits
 * of every script ({@code "+1"}, full-width {@code "１"}, Arabic-Indic {@code "١"}), which would give one id many
 * spellings — {@code /v1/orgs/１} naming organization 1 past a gateway's rule for {@code /v1/orgs/1}.
 */
public final class Digits {

    private Digits() {
    }

    /**
     * The value of 1 to 19 ASCII digits that fits a {@code long}, or -1 for anything else (null, a sign, a space,
     * another script's digits, a value beyond {@link Long#MAX_VALUE}).
     */
    public static long parse(String raw) {
        if (raw == null || raw.isEmpty() || raw.length() > 19) {
            return -1;
        }
        long value = 0;
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            int digit = c - '0';
            if (value > (Long.MAX_VALUE - digit) / 10) {
                return -1;
            }
            value = value * 10 + digit;
        }
        return value;
    }

    /**
     * Why {@code raw}, which {@link #parse} refused, is no integer of 0 or more, as an answer says it after the name
     * of what holds it: that it must be one, or — ASCII digits whose value a {@code long} cannot hold — that it is
     * too large.
     */
    public static String whyRefused(String raw) {
        boolean digits = raw != null && !raw.isEmpty() && raw.chars().allMatch(c -> c >= '0' && c <= '9');
        return digits && new BigInteger(raw).compareTo(BigInteger.valueOf(Long.MAX_VALUE)) > 0
                ? "must be at most " + Long.MAX_VALUE : "must be an integer of 0 or more";
    }

    /** A positive id written the one way ids are written (no leading zero), or -1. */
    public static long id(String raw) {
        long id = parse(raw);
        return id > 0 && raw.charAt(0) != '0' ? id : -1;
    }

    /**
     * Whether {@code raw} is all ASCII, for the dialects whose integers take a sign or spaces as their origin's
     * parser does (.NET's for Rooms): {@link Long#parseLong} would read another script's digits as well.
     */
    public static boolean ascii(String raw) {
        return raw.chars().allMatch(c -> c < 128);
    }
}
