package dev.gatehouse.http.close;

import dev.gatehouse.access.Principal;
import dev.gatehouse.error.InvalidInputException;
import dev.gatehouse.http.HeaderValues;
import dev.gatehouse.http.MediaTypes;
import dev.gatehouse.json.Digits;
import dev.gatehouse.json.Fields;
import dev.gatehouse.json.Json;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;

/**
 * One Close request after authentication: the calling member, its organization, and Close's request
 * conventions — parameters from the query string or, for a GET sent as a POST, from {@code _params} in its JSON
 * body, {@code _skip} /
 * {@code _limit} with their bounds, {@code _fields}, {@code X-TZ-Offset}. Not thread-safe; one per request.
 */
final class CloseRequest {

    static final int MAX_LIMIT = 100;
    static final int MAX_SKIP = 10_000;
    /** The request attribute naming the write a request makes ({@link #writing(CloseErrors.Write)}). */
    private static final String WRITE_ATTRIBUTE = "gatehouse.close.write";

    /**
     * Hours from UTC as Close's clients write them ({@code closeio_api} sends Python's {@code str} of a float): an
     * optional sign, ASCII digits, and a fraction after a point — -5.0, 5.5, +3, 0. Nothing else, not even other
     * ways to write a number ({@code .5}, {@code 5.}, {@code 1e1}).
     */
    private static final Pattern HOURS = Pattern.compile("[+-]?[0-9]+(?:\\.[0-9]+)?");
    /** The bound of {@code X-TZ-Offset} either side of UTC, judged on the value as written (no rounding first). */
    private static final BigDecimal MAX_HOURS = BigDecimal.valueOf(18);
    private static final BigDecimal SECONDS_PER_HOUR = BigDecimal.valueOf(3600);

    private final Context ctx;
    private final Principal.Member caller;
    private JsonNode body;
    private Set<String> fieldsWanted;
    private boolean fieldsRead;
    private boolean paramsBodyChecked;

    CloseRequest(Context ctx, Principal.Member caller) {
        this.ctx = ctx;
        this.caller = caller;
    }

    Context ctx() {
        return ctx;
    }

    Principal.Member caller() {
        return caller;
    }

    long orgId() {
        return caller.orgId();
    }

    String orgCloseId() {
        return CloseIds.encode(CloseIds.ORGANIZATION, caller.orgId());
    }

    /**
     * Names the write this request makes, as a refusal of it names it ({@link CloseErrors.Write}): the gate names
     * every write that needs a permission by its endpoint ("creating a role"); a resource that knows what the request
     * names says so ("updating membership memb_… to role user").
     */
    void writing(CloseErrors.Write write) {
        ctx.attribute(WRITE_ATTRIBUTE, write);
    }

    /** The write the request at {@code ctx} makes ({@link #writing}); null for a read, or before the gate. */
    static CloseErrors.Write writing(Context ctx) {
        return ctx.attribute(WRITE_ATTRIBUTE);
    }

    String path(String name) {
        return ctx.pathParam(name);
    }

    /**
     * The JSON object body (parsed once), read in the charset its {@code Content-Type} names ({@link
     * MediaTypes#asUtf8}); a non-JSON content type is a 415, malformed JSON a 400.
     */
    JsonNode body() {
        if (body == null) {
            String type = ctx.contentType();
            if (type != null && !MediaTypes.json(type)) {
                throw new HttpResponseException(415, "Content-Type must be application/json, got \""
                        + HeaderValues.shown(type) + "\"");
            }
            try {
                body = Json.parse(MediaTypes.asUtf8(type, ctx.bodyAsBytes()));
            } catch (InvalidInputException e) {
                throw getSentAsPost() ? byParameter(e) : e;
            }
            if (!body.isObject()) {
                throw new InvalidInputException("invalid_json", "a JSON object was expected");
            }
        }
        return body;
    }

    /**
     * A body of parameters the parser refused, its errors on a parameter's value ({@code _params._limit}: a number
     * whose exponent no number holds) named by the parameter ({@code _limit}), as the parameter's other refusals
     * ({@link #bounded}) and the query string's name it: one key for one parameter, however it was sent.
     */
    private static InvalidInputException byParameter(InvalidInputException e) {
        Map<String, String> named = new LinkedHashMap<>();
        e.fieldErrors().forEach((field, reason) -> {
            String parameter = field.startsWith("_params.") ? field.substring("_params.".length()) : null;
            boolean plain = parameter != null && !parameter.isEmpty() && parameter.indexOf('.') < 0
                    && parameter.indexOf('[') < 0;
            named.put(plain ? parameter : field, reason);
        });
        return named.equals(e.fieldErrors()) ? e
                : new InvalidInputException(e.code(), e.detail(), named, e);
    }

    boolean hasBody() {
        return body != null || ctx.bodyAsBytes().length > 0;
    }

    /** The body's fields for reading; {@code _params} is never a field of the object itself. */
    Fields fields() {
        return Fields.of(body());
    }

    /**
     * A parameter: from the query string, else — for a GET sent as a POST ({@link CloseApi}'s method override) —
     * from {@code _params} of its JSON body ({@link #bodyParam}). Null when absent. Any other request's body is
     * never read for parameters: a plain GET with a body is refused before any route runs ({@code HttpServer}: a
     * route that takes no body refuses one), and a write's body is what it writes. The body of a GET sent as a POST
     * holds {@code _params} alone ({@link #requireOnlyParams}).
     *
     * <p>A parameter is given once: repeated in the query string ({@code ?_limit=2&_limit=abc}), or named both there
     * and in {@code _params}, it is a 400 naming it, never read as one of its values with the others dropped
     * unchecked. Close documents no parameter that repeats (a filter of several values, {@code id__in}, takes them
     * comma-separated), and {@code _params} cannot repeat a name (the body's parser refuses a duplicate key). Every
     * parameter a resource reads is read before it writes, so a repeat changes nothing.
     */
    String param(String name) {
        List<String> given = ctx.queryParams(name);
        if (given.size() > 1) {
            throw givenTwice(name, "given " + given.size() + " times");
        }
        String q = given.isEmpty() ? null : given.get(0);
        if (!getSentAsPost()) {
            return q;
        }
        requireOnlyParams();
        String b = bodyParam(name);
        if (q != null && b != null) {
            throw givenTwice(name, "given in the query string and in _params");
        }
        return q != null ? q : b;
    }

    /** A parameter given more than once ({@link #param}): {@code how} says where, as the field error does. */
    private static InvalidInputException givenTwice(String name, String how) {
        return new InvalidInputException("invalid_input", name + " was " + how + "; give it once",
                Map.of(name, Character.toUpperCase(how.charAt(0)) + how.substring(1) + "; give it once."));
    }

    /**
     * Refuses a GET sent as a POST whose body holds a top-level field but {@code _params} ({@code "Unknown field."},
     * 400): a misspelt {@code _param} would otherwise leave every parameter out and answer the whole list. Checked
     * once, when the first parameter is read (the gate reads {@code _fields} of every request).
     */
    private void requireOnlyParams() {
        if (paramsBodyChecked || !hasBody()) {
            return;
        }
        Fields f = fields();
        for (String name : f.node().propertyNames()) {
            if (!name.equals("_params")) {
                f.error(name, "Unknown field.");
            }
        }
        f.check();
        paramsBodyChecked = true;
    }

    /**
     * A parameter that, when given, must have a value: null when absent, else its value without spaces of any kind at
     * the ends ({@link Fields#stripSpaces}: a no-break space, {@code %C2%A0}, is a space as {@code %20} is). Given
     * empty or blank ({@code ?action=}, {@code ?_order_by=%20}, {@code ?_limit=%C2%A0}, a {@code _params} list of
     * nulls) is a 400 naming it, as {@code ?_limit=} is: Close documents no empty value, a client that sends one meant
     * some value, and only a parameter left out takes its default (a filter left out filters nothing). Every parameter
     * a Close resource reads is read this way, also as a number ({@link #skip}, {@link #limit}, {@link #cappedLimit}).
     */
    String nonBlankParam(String name) {
        String raw = param(name);
        if (raw == null) {
            return null;
        }
        String value = Fields.stripSpaces(raw);
        if (value.isEmpty()) {
            throw new InvalidInputException("invalid_input", name + " was given without a value; leave it out to "
                    + "use its default", Map.of(name, CloseFields.NOT_BLANK));
        }
        return value;
    }

    /** A POST with {@code x-http-method-override: GET} (the edge lets no other value reach a route). */
    private boolean getSentAsPost() {
        return "POST".equalsIgnoreCase(ctx.req().getMethod())
                && "GET".equals(ctx.header(CloseApi.OVERRIDE_HEADER));
    }

    /**
     * A parameter from {@code _params} of a JSON body only, never from the query string: a string, number or
     * boolean, or a list of them joined with commas (as Close's {@code __in} filters expect; null items are left
     * out). A number reads by its value ({@link #text}). Null when absent; null itself is a value given without
     * one, {@code ""}, as a list of nulls is (so {@link #nonBlankParam} refuses both, as it refuses {@code ?action=});
     * a nested list or an object is a 400 naming {@code _params.<name>}. {@code _params} itself, when sent, is an
     * object: anything else, null included, is a 400 naming it ({@code {"_params": null}} is no way to leave every
     * parameter out — a body without {@code _params} is).
     */
    String bodyParam(String name) {
        if (!hasBody()) {
            return null;
        }
        JsonNode params = body().get("_params");
        if (params == null) {
            return null;
        }
        if (!params.isObject()) {
            throw InvalidInputException.field("_params", "must be an object of parameters");
        }
        JsonNode v = params.get(name);
        if (v == null) {
            return null;
        }
        if (v.isNull()) {
            return "";
        }
        if (v.isArray()) {
            StringBuilder joined = new StringBuilder();
            for (JsonNode item : v) {
                if (item.isNull()) {
                    continue;
                }
                if (item.isContainer()) {
                    throw notAValue(name);
                }
                if (!joined.isEmpty()) {
                    joined.append(',');
                }
                joined.append(text(item));
            }
            return joined.toString();
        }
        if (v.isContainer()) {
            throw notAValue(name);
        }
        return text(v);
    }

    /**
     * A scalar as the query string would carry it. A number is written by its value, so one that is whole reads
     * as its digits however the JSON wrote it ({@code 1e1}, {@code 10.0}, {@code 1000e-2}: {@code 10}), as
     * {@code ?_limit=10} does, and a fraction stays a fraction ({@code 0.5}), which no whole-number parameter takes.
     * Bodies hold no number of more than 1000 digits written out ({@link dev.gatehouse.json.Json#parse}).
     */
    private static String text(JsonNode v) {
        if (!v.isNumber() || v.isIntegralNumber()) {
            return v.asString();
        }
        BigDecimal value = v.decimalValue().stripTrailingZeros();
        return value.scale() <= 0 ? value.toBigIntegerExact().toString() : value.toPlainString();
    }

    private static InvalidInputException notAValue(String name) {
        return InvalidInputException.field("_params." + name,
                "Must be a string, number or boolean, or a list of them; not an object or a nested list.");
    }

    int skip() {
        return bounded("_skip", 0, 0, MAX_SKIP);
    }

    int limit(int max) {
        return bounded("_limit", max, 1, max);
    }

    /**
     * {@code _limit} where Close caps rather than refuses: any positive number, served as at most {@code max}
     * (the event log's 50); zero, negative or not a number is still a 400, and empty or blank is refused as every
     * parameter given without a value is ({@link #nonBlankParam}).
     */
    int cappedLimit(int max) {
        String raw = nonBlankParam("_limit");
        if (raw == null) {
            return max;
        }
        long n = digits(raw);
        if (n >= 1) {
            return (int) Math.min(max, n);
        }
        throw new InvalidInputException("invalid_input", "_limit must be a positive integer, got \""
                + Fields.abbreviate(raw) + "\"", Map.of("_limit", "Must be a positive integer."));
    }

    /**
     * A whole-number parameter from {@code min} to {@code max}, {@code defaultValue} when absent. Present but empty
     * or blank ({@code ?_limit=}, {@code ?_limit=%20}, a {@code _params} list of nulls) is refused as every parameter
     * given without a value is ({@link #nonBlankParam}), not as a number out of range.
     */
    private int bounded(String name, int defaultValue, int min, int max) {
        String raw = nonBlankParam(name);
        if (raw == null) {
            return defaultValue;
        }
        long n = digits(raw);
        if (n >= min && n <= max) {
            return (int) n;
        }
        throw new InvalidInputException("invalid_input", name + " must be an integer from " + min + " to " + max
                + ", got \"" + Fields.abbreviate(raw) + "\"", Map.of(name, "Must be between " + min + " and " + max + "."));
    }

    /**
     * The value of a numeric parameter, read one way for every parameter: ASCII digits, spaces of any kind around
     * them allowed ({@link Fields#stripSpaces}); leading zeros count for nothing ({@code 0005} is 5, however many
     * zeros lead); {@link Long#MAX_VALUE} for a value beyond what a long holds (beyond every bound), and -1 for
     * anything else — a sign, a decimal point, another script's digits ({@link Integer#parseInt} reads {@code "+5"}
     * and {@code "٥"} as 5).
     */
    private static long digits(String raw) {
        String stripped = Fields.stripSpaces(raw);
        if (stripped.isEmpty() || !stripped.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return -1;
        }
        int first = 0;
        while (first < stripped.length() - 1 && stripped.charAt(first) == '0') {
            first++;
        }
        long n = Digits.parse(stripped.substring(first));
        return n < 0 ? Long.MAX_VALUE : n;
    }

    /**
     * The field names asked for with {@code _fields}, or null for all (read once). Given but naming no field
     * ({@code ?_fields=}, {@code ?_fields=,}) is a 400 ({@link #nonBlankParam}).
     */
    Set<String> fieldsWanted() {
        if (fieldsRead) {
            return fieldsWanted;
        }
        String raw = nonBlankParam("_fields");
        Set<String> names = null;
        if (raw != null) {
            names = new LinkedHashSet<>();
            for (String part : raw.split(",")) {
                String field = Fields.stripSpaces(part);
                if (!field.isEmpty()) {
                    names.add(field);
                }
            }
            if (names.isEmpty()) {
                throw new InvalidInputException("invalid_input", "_fields names no field: \"" + Fields.abbreviate(raw)
                        + "\"", Map.of("_fields", CloseFields.NOT_BLANK));
            }
        }
        fieldsWanted = names;
        fieldsRead = true;
        return names;
    }

    /**
     * The caller's time zone for naive date filters: {@code X-TZ-Offset} hours from UTC ({@link #HOURS}, from -18 to
     * 18), UTC when absent. Sent without a value, or only spaces, it is a 400 as any other value but such a number:
     * it names no zone. The edge lets one such header at most reach a route ({@code http/edge/SingleHeaders}).
     */
    ZoneOffset tzOffset() {
        String raw = ctx.header("X-TZ-Offset");
        if (raw == null) {
            return ZoneOffset.UTC;
        }
        String hours = raw.strip();
        if (HOURS.matcher(hours).matches()) {
            BigDecimal value = new BigDecimal(hours);
            if (value.abs().compareTo(MAX_HOURS) <= 0) {
                return ZoneOffset.ofTotalSeconds(value.multiply(SECONDS_PER_HOUR)
                        .setScale(0, RoundingMode.HALF_UP).intValueExact());
            }
        }
        throw new InvalidInputException("invalid_input", "X-TZ-Offset must be hours from UTC from -18 to 18 such as "
                + "-5.0 or 5.5, got \"" + HeaderValues.shown(raw) + "\"");
    }
}
