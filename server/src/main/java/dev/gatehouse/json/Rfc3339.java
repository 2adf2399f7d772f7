package dev.gatehouse.json;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
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
            try {
                OffsetDateTime.parse(text.toUpperCase(Locale.ROOT));
                why = "outside years 1 to 9999 in UTC";
            } catch (DateTimeParseException e) {
                why = e.getCause() == null ? null : e.getCause().getMessage();
            }
        } else if (SPACED_OFFSET.matcher(text).matches()) {
            why = "a + in a query string reads as a space: write it %2B";
        }
        return EXPECTED + ", got \"" + Fields.abbreviate(text) + "\"" + (why == null ? "" : " (" + why + ")");
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
