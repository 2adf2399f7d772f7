package dev.gatehouse.json;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;

/**
 * The text of an instant as snapshots, change records and answers show it: exactly {@link Instant#toString()}
 * (ISO-8601 in UTC, {@code 2026-12-03T19:52:07.123456Z}: seconds always, the fraction in groups of three digits as
 * long as needed), written without the JDK's formatter, which a write of several instants spent more time in than in
 * everything else its snapshot takes. Instants outside the years 0–9999 take the JDK's own path. Stateless.
 */
public final class InstantText {

    private static final long SECONDS_PER_DAY = 86_400;
    /** The first second of the year 0 and of the year 10000: the range written here. */
    private static final long FIRST = Instant.parse("0000-01-01T00:00:00Z").getEpochSecond();
    private static final long END = Instant.parse("+10000-01-01T00:00:00Z").getEpochSecond();

    private InstantText() {
    }

    /** {@code instant.toString()}, or null for null. */
    public static String of(Instant instant) {
        if (instant == null) {
            return null;
        }
        long seconds = instant.getEpochSecond();
        if (seconds < FIRST || seconds >= END) {
            return instant.toString();
        }
        LocalDate date = LocalDate.ofEpochDay(Math.floorDiv(seconds, SECONDS_PER_DAY));
        int year = date.getYear();
        int secondOfDay = (int) Math.floorMod(seconds, SECONDS_PER_DAY);
        int nanos = instant.getNano();
        int fraction = nanos == 0 ? 0 : nanos % 1_000_000 == 0 ? 3 : nanos % 1000 == 0 ? 6 : 9;
        byte[] text = new byte[20 + (fraction == 0 ? 0 : fraction + 1)];
        digits(text, 0, year, 4);
        text[4] = '-';
        digits(text, 5, date.getMonthValue(), 2);
        text[7] = '-';
        digits(text, 8, date.getDayOfMonth(), 2);
        text[10] = 'T';
        digits(text, 11, secondOfDay / 3600, 2);
        text[13] = ':';
        digits(text, 14, secondOfDay / 60 % 60, 2);
        text[16] = ':';
        digits(text, 17, secondOfDay % 60, 2);
        int at = 19;
        if (fraction > 0) {
            text[at++] = '.';
            int scaled = fraction == 3 ? nanos / 1_000_000 : fraction == 6 ? nanos / 1000 : nanos;
            digits(text, at, scaled, fraction);
            at += fraction;
        }
        text[at] = 'Z';
        return new String(text, StandardCharsets.US_ASCII);
    }

    /** Writes {@code value} as {@code width} decimal digits, zero-padded, at {@code at}. */
    private static void digits(byte[] text, int at, int value, int width) {
        for (int i = at + width - 1; i >= at; i--) {
            text[i] = (byte) ('0' + value % 10);
            value /= 10;
        }
    }
}
