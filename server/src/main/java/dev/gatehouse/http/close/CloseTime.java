package dev.gatehouse.http.close;

import dev.gatehouse.error.InvalidInputException;
import dev.gatehouse.json.Fields;
import dev.gatehouse.json.Text;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Map;

/**
 * Close's date formats: most objects {@code 2013-02-01T00:54:51.097000+00:00} (UTC, microseconds, explicit
 * offset); events naive UTC {@code 2019-11-04T11:04:13.014979}; built-in roles {@code 0001-01-01T00:00:00}.
 * Thread-safe.
 */
final class CloseTime {

    static final String BUILT_IN = "0001-01-01T00:00:00";

    private static final DateTimeFormatter AWARE = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSSxxx");
    private static final DateTimeFormatter NAIVE = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS");

    private CloseTime() {
    }

    static String aware(Instant instant) {
        return instant == null ? null : AWARE.format(instant.atOffset(ZoneOffset.UTC));
    }

    static String naive(Instant instant) {
        return instant == null ? null : NAIVE.format(instant.atOffset(ZoneOffset.UTC));
    }

    /**
     * A date filter value: ISO 8601 with an offset, or without one (then in the caller's {@code X-TZ-Offset},
     * hours from UTC), or a plain date (midnight there).
     */
    static Instant parse(String field, String text, ZoneOffset callerOffset) {
        Instant instant = parseAnyYear(field, text, callerOffset);
        if (!Text.representable(instant)) {
            throw new InvalidInputException("invalid_input", field + ": the date must lie within years 1 to 9999, "
                    + "got \"" + Fields.abbreviate(text) + "\"", Map.of(field, "Not a valid datetime."));
        }
        return instant;
    }

    private static Instant parseAnyYear(String field, String text, ZoneOffset callerOffset) {
        try {
            return OffsetDateTime.parse(text).toInstant();
        } catch (DateTimeParseException ignored) {
            // try the naive forms
        }
        try {
            return LocalDateTime.parse(text).toInstant(callerOffset);
        } catch (DateTimeParseException ignored) {
            // try a plain date
        }
        try {
            return LocalDate.parse(text).atStartOfDay().toInstant(callerOffset);
        } catch (DateTimeParseException e) {
            throw new InvalidInputException("invalid_input", field + ": not an ISO 8601 date: \""
                    + Fields.abbreviate(text) + "\"",
                    Map.of(field, "Not a valid datetime."));
        }
    }
}
