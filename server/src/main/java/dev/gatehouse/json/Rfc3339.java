package dev.gatehouse.json;

import java.time.Instant;
import java.time.Month;
import java.time.OffsetDateTime;
import java.time.YearMonth;
import java.time.format.DateTimeParseException;
import java.time.format.TextStyle;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Date-times as the native API reads them, the OpenAPI {@code date-time} format: RFC 3339's {@code date-time}
 * (§5.6) — {@code 2025-06-30T17:00:00Z}, {@code 2025-06-30T19:00:00.5+02:00} — within years 1 to 9999 in UTC
 * ({@link Text#representable}). Exactly: a four-digit year, {@code T} (or {@code t}), seconds always, a fraction of
 * 1 to 9 digits, and {@code Z} (or {@code z}) or an offset of hours and minutes ({@code ±HH:MM}, at most 18 hours).
 * {@link OffsetDateTime#parse} alone also takes what RFC 3339 does not — an offset of hours alone ({@code +01}) or with
 * seconds ({@code +01:00:30}), a fraction point without digits ({@code 00.Z}), a year of more than four digits with a
 * sign — and a client sending them elsewhere would be refused.
 *
 * <p>Two things RFC 3339's grammar allows are refused, as docs/api.md says: a leap second ({@code 23:59:60}), since
 * what is kept of a date-time is its {@link Instant}, which (as PostgreSQL's timestamps) has no 61st second; and an
 * offset beyond 18 hours ({@code +19:00} to {@code +23:59}), the most a {@link java.time.ZoneOffset} holds, which no
 * zone in use comes near (they stop at 14 hours). Stateless.
 */
public final class Rfc3339 {

    /** The form; {@link OffsetDateTime#parse} then checks the values (month 1 to 12, second below 60, …). */
    private static final Pattern FORM = Pattern.compile("[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-9]{2}"
            + "(\\.[0-9]{1,9})?([Zz]|[+-][0-9]{2}:[0-9]{2})");

    /** What a refused value must be, ready to follow a field name. */
    public static final String EXPECTED = "must be an RFC 3339 date-time with an offset within years 1 to 9999 (in "
            + "UTC), such as 2025-06-30T17:00:00Z";

    /** An offset whose {@code +} a query string turned into a space: {@code 2025-06-30T19:00:00 02:00}. */
    private static final Pattern SPACED_OFFSET = Pattern.compile("[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:"
            + "[0-9]{2}(\\.[0-9]{1,9})? [0-9]{2}:[0-9]{2}");

    private Rfc3339() {
    }

    /**
     * Why {@code text} is refused, ready to follow a field name: {@link #EXPECTED}, the value given and, where the form
     * alone does not say it, why — a date-time in the right form naming no moment (February 29 of a common year, hour
     * 24, second 60) says which part, and one whose offset's {@code +} a query string read as a space says to write
     * it {@code %2B}.
     */
    public static String problem(String text) {
        String why = null;
        if (FORM.matcher(text).matches()) {
            why = noSuchPart(text);
            if (why == null) {
                try {
                    OffsetDateTime.parse(text.toUpperCase(Locale.ROOT));
                    why = "outside years 1 to 9999 in UTC";
                } catch (DateTimeParseException ignored) {
                    // every part exists (noSuchPart): nothing to add to the form expected
                }
            }
        } else if (SPACED_OFFSET.matcher(text).matches()) {
            why = "a + in a query string reads as a space: write it %2B";
        }
        return EXPECTED + ", got \"" + Fields.abbreviate(text) + "\"" + (why == null ? "" : " (" + why + ")");
    }

    /**
     * The first part of {@code text} (in the right {@link #FORM}) that names nothing, said in the API's own words
     * ("second 60 does not exist (leap seconds are not taken)", "offset +19:00 is beyond ±18:00"), or null when
     * every part exists. Read from the digits at their fixed places, in the order they are written.
     */
    private static String noSuchPart(String text) {
        int year = number(text, 0, 4);
        int month = number(text, 5, 7);
        int day = number(text, 8, 10);
        if (month < 1 || month > 12) {
            return "month " + text.substring(5, 7) + " does not exist";
        }
        int days = YearMonth.of(year, month).lengthOfMonth();
        if (day < 1 || day > days) {
            String monthName = Month.of(month).getDisplayName(TextStyle.FULL, Locale.ENGLISH);
            return month == 2 && day == 29 ? "February 29 does not exist in " + text.substring(0, 4)
                    + ", which is not a leap year" : monthName + " has no day " + text.substring(8, 10);
        }
        if (number(text, 11, 13) > 23) {
            return "hour " + text.substring(11, 13) + " does not exist (hours run from 00 to 23)";
        }
        if (number(text, 14, 16) > 59) {
            return "minute " + text.substring(14, 16) + " does not exist (minutes run from 00 to 59)";
        }
        int second = number(text, 17, 19);
        if (second == 60) {
            return "second 60 does not exist (leap seconds are not taken)";
        }
        if (second > 60) {
            return "second " + text.substring(17, 19) + " does not exist (seconds run from 00 to 59)";
        }
        char zone = Character.toUpperCase(text.charAt(text.length() - 1));
        if (zone == 'Z') {
            return null;
        }
        String offset = text.substring(text.length() - 6);
        int hours = number(offset, 1, 3);
        int minutes = number(offset, 4, 6);
        if (minutes > 59) {
            return "offset " + offset + " has no minute " + offset.substring(4);
        }
        if (hours > 18 || hours == 18 && minutes > 0) {
            return "offset " + offset + " is beyond ±18:00";
        }
        return null;
    }

    /** The ASCII digits of {@code text} from {@code start} to {@code end} (exclusive), as a number. */
    private static int number(String text, int start, int end) {
        return Integer.parseInt(text, start, end, 10);
    }

    /** The instant {@code text} names, or null when it is no RFC 3339 date-time or lies outside years 1 to 9999. */
    public static Instant parse(String text) {
        if (text == null || !FORM.matcher(text).matches()) {
            return null;
        }
        try {
            Instant instant = OffsetDateTime.parse(text.toUpperCase(Locale.ROOT)).toInstant();
            return Text.representable(instant) ? instant : null;
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
