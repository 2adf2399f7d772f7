package dev.gatehouse.http.rooms;

import dev.gatehouse.error.ConflictException;
import dev.gatehouse.error.InvalidInputException;
import dev.gatehouse.http.HeaderValues;
import dev.gatehouse.http.MediaTypes;
import dev.gatehouse.json.Digits;
import dev.gatehouse.json.Fields;
import dev.gatehouse.json.Json;
import dev.gatehouse.json.Text;
import dev.gatehouse.room.Slice;
import dev.gatehouse.store.Written;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectWriter;
import tools.jackson.databind.cfg.JsonNodeFeature;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Request and response conventions of the Rooms dialect, in one place: 32-bit ids, query parameters, the
 * JSON content types Rooms accepts, dates as {@code 2019-07-17T17:45:42.783Z}, the paging envelope, and the
 * dialect's one JSON writer, which leaves out every property whose value is null, at any depth (Rooms does;
 * its Node SDKs read an explicit {@code null} as the string {@code "null"}).
 */
final class Wire {

    static final int MAX_COUNT = 100;
    static final String REVISION_HEADER = "Gatehouse-Revision";
    private static final String BODY = "gatehouse.rooms.body";

    /** Every Rooms body (responses and errors) is written by this writer: null properties are left out. */
    private static final ObjectWriter WRITER = Json.MAPPER.writer().without(JsonNodeFeature.WRITE_NULL_PROPERTIES);

    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'")
            .withZone(ZoneOffset.UTC);

    /** Rooms' documented forms: a date with - or /, then optionally a space (or T) and the time of day. */
    private static final Pattern ROOMS_DATE = Pattern.compile(
            "(\\d{4})([-/])(\\d{1,2})\\2(\\d{1,2})(?:[ T](\\d{1,2}):(\\d{2})(?::(\\d{2})(?:\\.(\\d{1,9}))?)?)?");

    private Wire() {
    }

    // ---------------------------------------------------------------- ids

    /**
     * A positive 32-bit id from the path, the one place every path id of the dialect is read: written the one way an
     * id is written ({@link Digits#id}: ASCII digits, no sign, no space, no leading zero), as an {@code accountId} is
     * taken only as a GUID; anything else is a 400 {@code INVALID_ID} naming the parameter. (A path may still end
     * with {@code /} and write the GUID's hex digits in either case, as clients of Rooms may send them.)
     */
    static int pathId(Context ctx, String param) {
        String raw = ctx.pathParam(param);
        long id = Digits.id(raw);
        if (id < 1 || id > Integer.MAX_VALUE) {
            throw invalidId(param, raw);
        }
        return (int) id;
    }

    private static InvalidInputException invalidId(String name, String raw) {
        return new InvalidInputException("invalid_id", name + " must be a 32-bit integer id from 1 to "
                + Integer.MAX_VALUE + ", got \"" + Fields.abbreviate(raw) + "\"", Map.of(name, "invalid id"));
    }

    /**
     * A Gatehouse id as a Rooms id. Rooms ids are 32-bit integers; Gatehouse's are 64-bit, so an id beyond
     * 2^31-1 cannot be shown in this dialect and the request is refused, naming the object.
     */
    static int int32(long id, String what) {
        if (id > Integer.MAX_VALUE || id < Integer.MIN_VALUE) {
            throw new ConflictException("id_out_of_range", what + " " + id + " has an id beyond the Rooms API's "
                    + "32-bit range (max " + Integer.MAX_VALUE + "); use the native API /v1 for it");
        }
        return (int) id;
    }

    // ---------------------------------------------------------------- query parameters

    /**
     * A query parameter, or null when it is absent or empty: {@code count=} is left out, as every empty query
     * parameter of the dialect is (a value of spaces is a value, and each reader judges it).
     */
    static String query(Context ctx, String name) {
        String v = ctx.queryParam(name);
        return v == null || v.isEmpty() ? null : v;
    }

    /**
     * A query parameter holding a name or an email, or the start of one, to look for: composed as names and emails
     * are stored ({@link Fields#composed}), so that it finds them whichever way its accents were typed.
     */
    static String searched(Context ctx, String name) {
        String v = query(ctx, name);
        return v == null ? null : Fields.composed(v);
    }

    static Integer queryInt(Context ctx, String name, Integer fallback, int min, int max) {
        String raw = query(ctx, name);
        if (raw == null) {
            return fallback;
        }
        try {
            long n = Digits.ascii(raw) ? Long.parseLong(raw.strip()) : Long.MIN_VALUE;
            if (n >= min && n <= max) {
                return (int) n;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new InvalidInputException("invalid_request_parameter", name + " must be an integer from " + min + " to "
                + max + ", got \"" + Fields.abbreviate(raw) + "\"", Map.of(name, "must be " + min + ".." + max));
    }

    /**
     * A 32-bit id in the query, or null: read as {@link #queryInt} reads a number, and refused with the same
     * {@code INVALID_REQUEST_PARAMETER} as every bad query parameter.
     */
    static Integer queryId(Context ctx, String name) {
        return queryInt(ctx, name, null, 1, Integer.MAX_VALUE);
    }

    /**
     * A flag in the query: {@code true} or {@code false} in any case; absent or empty ({@code managedOnly=}, as
     * {@link #query} reads every empty parameter) is {@code fallback}; anything else, spaces included, is a 400
     * {@code INVALID_REQUEST_PARAMETER} naming it.
     */
    static boolean queryBool(Context ctx, String name, boolean fallback) {
        String raw = query(ctx, name);
        if (raw == null) {
            return fallback;
        }
        if (raw.equalsIgnoreCase("true")) {
            return true;
        }
        if (raw.equalsIgnoreCase("false")) {
            return false;
        }
        throw new InvalidInputException("invalid_request_parameter", name + " must be true or false, got \""
                + Fields.abbreviate(raw) + "\"", Map.of(name, "must be true or false"));
    }

    /** The position of a page's first item; bounded so that the position after the page is an int too. */
    static int start(Context ctx) {
        return queryInt(ctx, "startPosition", 0, 0, Integer.MAX_VALUE - MAX_COUNT);
    }

    static int count(Context ctx) {
        return queryInt(ctx, "count", MAX_COUNT, 1, MAX_COUNT);
    }

    /**
     * A date-time in one of the forms Rooms documents for its date filters — {@code yyyy-mm-dd hh:mm:ss} or
     * {@code yyyy/mm/dd hh:mm:ss}, the time optional (00:00:00), UTC — or ISO-8601 ({@code 2024-05-01T10:00:00Z},
     * any offset; without one, UTC); null when absent.
     */
    static Instant queryDate(Context ctx, String name) {
        String raw = query(ctx, name);
        return raw == null ? null : date(name, raw.strip());
    }

    /** A date query parameter; a bad one is a 400 {@code INVALID_REQUEST_PARAMETER} naming the parameter. */
    static Instant date(String name, String raw) {
        Instant instant = parseDate(raw);
        String problem = dateProblem(instant);
        if (problem != null) {
            throw new InvalidInputException("invalid_request_parameter", name + " " + problem + ", got \""
                    + Fields.abbreviate(raw) + "\"", Map.of(name, "invalid date"));
        }
        return instant;
    }

    /**
     * An optional date-time body field, in the forms {@link #queryDate} reads; absent or JSON null is null. Any other
     * value that is not such a date — an empty or blank string included ({@link Fields#optional}), which would
     * otherwise mean "now" where the caller may have meant a date — is a field error of {@code f} ({@code INVALID_INPUT},
     * "revocationDate: …", like every other body field), reported by {@link Fields#check()}.
     */
    static Instant date(Fields f, String name) {
        String raw = f.optional(name, 64);
        if (raw == null) {
            return null;
        }
        Instant instant = parseDate(raw.strip());
        String problem = dateProblem(instant);
        if (problem != null) {
            f.error(name, problem + ", got \"" + Fields.abbreviate(raw) + "\"");
            return null;
        }
        return instant;
    }

    /** Why a parsed date cannot be used, or null when it can. */
    private static String dateProblem(Instant instant) {
        if (instant == null) {
            return "must be a date-time such as 2024-05-01 10:00:00, 2024/05/01 or 2024-05-01T10:00:00Z (UTC unless an "
                    + "offset is given)";
        }
        return Text.representable(instant) ? null : "must lie within years 1 to 9999";
    }

    /** ISO-8601 with an offset, or one of Rooms' forms in UTC; null when the text is neither. */
    private static Instant parseDate(String raw) {
        try {
            return OffsetDateTime.parse(raw).toInstant();
        } catch (DateTimeParseException notIsoWithOffset) {
            Matcher m = ROOMS_DATE.matcher(raw);
            if (m.matches()) {
                try {
                    LocalDateTime local = LocalDateTime.of(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(3)),
                            Integer.parseInt(m.group(4)), number(m.group(5)), number(m.group(6)), number(m.group(7)),
                            m.group(8) == null ? 0 : Integer.parseInt((m.group(8) + "00000000").substring(0, 9)));
                    return local.toInstant(ZoneOffset.UTC);
                } catch (DateTimeException outOfRange) {
                    return null;
                }
            }
            return null;
        }
    }

    private static int number(String digits) {
        return digits == null ? 0 : Integer.parseInt(digits);
    }

    // ---------------------------------------------------------------- bodies

    /**
     * The JSON object body; an empty body reads as {@code {}}. Rooms accepts {@code application/json},
     * {@code application/json-patch+json} (a plain JSON object, not a patch), {@code text/json} and
     * {@code application/*+json}; another content type on a non-empty body is a 415 ({@code UNSUPPORTED_MEDIA_TYPE}).
     * A body is read in the charset its {@code Content-Type} names ({@link MediaTypes#asUtf8}).
     *
     * <p>The one body check of the dialect: {@link RoomsApi} has it read before every route that may carry a body
     * runs, those that take none included; the body read is kept with the request, so a route reading it again gets
     * the same fields.
     */
    static Fields body(Context ctx) {
        Fields read = ctx.attribute(BODY);
        if (read == null) {
            read = read(ctx);
            ctx.attribute(BODY, read);
        }
        return read;
    }

    private static Fields read(Context ctx) {
        String type = ctx.contentType();
        byte[] bytes = MediaTypes.asUtf8(type, ctx.bodyAsBytes());
        if (bytes.length == 0 || new String(bytes, StandardCharsets.UTF_8).isBlank()) {
            return Fields.of(Json.object());
        }
        if (type != null && !type.isBlank()) {
            if (!MediaTypes.json(type)) {
                throw new HttpResponseException(415, "Content-Type must be application/json, "
                        + "application/json-patch+json, text/json or application/*+json, got \""
                        + HeaderValues.shown(type) + "\"");
            }
        }
        return Fields.of(bytes);
    }

    /**
     * A required or optional 32-bit id in a body: every id a body carries (a role, an owner, an office, a region, a
     * template) is read here, so that each out of range (0, a negative number, beyond 2^31-1) is refused alike, "must
     * be between 1 and 2147483647", before any is looked up among the account's.
     */
    static Integer id(Fields f, String name, boolean required) {
        Long v = f.integer(name, required, 1, Integer.MAX_VALUE);
        return v == null ? null : v.intValue();
    }

    /**
     * An optional array of 32-bit ids in a body (a user's {@code offices} or {@code regions}), each in the range
     * {@link #id} reads; absent or JSON null is empty. A repeated id is refused: a user's offices and regions are
     * sets, so a repeated one is a mistake, not a second membership.
     */
    static List<Integer> ids(Fields f, String name) {
        JsonNode v = f.node().get(name);
        List<Integer> out = new ArrayList<>();
        if (v == null || v.isNull()) {
            return out;
        }
        if (!v.isArray()) {
            f.error(name, "must be an array of ids");
            return out;
        }
        for (JsonNode item : v) {
            if (!item.isIntegralNumber()) {
                f.error(name, "must be an array of ids, integers between 1 and " + Integer.MAX_VALUE);
                return out;
            }
            if (!item.canConvertToInt() || item.intValue() < 1) {
                f.error(name, "must be between 1 and " + Integer.MAX_VALUE + ", got "
                        + Fields.abbreviate(item.bigIntegerValue().toString()));
                return out;
            }
            if (out.contains(item.intValue())) {
                f.error(name, "must not repeat an id; " + item.intValue() + " is given twice");
                return out;
            }
            out.add(item.intValue());
        }
        return out;
    }

    // ---------------------------------------------------------------- responses

    static String date(Instant instant) {
        return instant == null ? null : DATE.format(instant);
    }

    static void json(Context ctx, int status, JsonNode body) {
        ctx.status(status).contentType("application/json").result(write(body));
    }

    /** A Rooms body as bytes, without its null properties. */
    static byte[] write(JsonNode body) {
        return WRITER.writeValueAsBytes(body);
    }

    /**
     * A write's response: the body (none for 204) and the revision it committed at.
     */
    static void written(Context ctx, int status, Written<?> written, JsonNode body) {
        ctx.header(REVISION_HEADER, String.valueOf(written.revision()));
        if (status == 204) {
            ctx.status(204);
        } else {
            json(ctx, status, body);
        }
    }

    /**
     * Rooms' paging envelope around {@code items} (the page starting at {@code start}): {@code resultSetSize},
     * {@code startPosition}, {@code endPosition} (the last item's zero-based index: start - 1 on an empty page),
     * {@code totalRowCount}, and {@code nextUri} / {@code priorUri} (this request with another startPosition,
     * relative to the base path, left out on the last / first page). Past the end, {@code priorUri} names the last
     * page that holds items ({@link #prior}), and is left out when no page does.
     */
    static <T> ObjectNode page(Context ctx, String field, Slice<T> slice, int start, int count,
                               Function<T, JsonNode> render) {
        ObjectNode body = Json.object();
        ArrayNode array = body.putArray(field);
        slice.items().forEach(item -> array.add(render.apply(item)));
        int size = slice.items().size();
        body.put("resultSetSize", size);
        body.put("startPosition", start);
        body.put("endPosition", start + size - 1);
        body.put("totalRowCount", slice.total());
        body.put("nextUri", (long) start + size < slice.total() && size > 0 ? uri(ctx, start + size, count) : null);
        body.put("priorUri", start > 0 && slice.total() > 0 ? uri(ctx, prior(start, count, slice.total()), count)
                : null);
        return body;
    }

    /**
     * Where the page before the one at {@code start} starts: {@code count} items earlier, or, on a page past the end,
     * the last {@code count} items, so that a client paging backwards from beyond the end lands on items at once
     * rather than walking empty pages.
     */
    private static int prior(int start, int count, int total) {
        return Math.max(0, Math.min(start, total) - count);
    }

    private static String uri(Context ctx, int start, int count) {
        StringBuilder uri = new StringBuilder(ctx.path().substring(RoomsApi.PREFIX.length())).append('?');
        for (Map.Entry<String, List<String>> param : ctx.queryParamMap().entrySet()) {
            if (!param.getKey().equals("startPosition") && !param.getKey().equals("count")) {
                for (String value : param.getValue()) {
                    uri.append(encode(param.getKey())).append('=').append(encode(value)).append('&');
                }
            }
        }
        return uri.append("startPosition=").append(start).append("&count=").append(count).toString();
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    /** Puts a field unless the value is null (Rooms leaves out what it does not know; see {@link #WRITER}). */
    static void put(ObjectNode n, String field, Object value) {
        if (value == null) {
            return;
        }
        if (value instanceof Integer i) {
            n.put(field, i);
        } else if (value instanceof Long l) {
            n.put(field, l);
        } else if (value instanceof Boolean b) {
            n.put(field, b);
        } else if (value instanceof JsonNode j) {
            n.set(field, j);
        } else {
            n.put(field, value.toString());
        }
    }
}
