package dev.gatehouse.client;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Reading and writing the native API's JSON by hand, field by field: the records stay free of annotations and
 * reflection, a field the server adds later is ignored, and a field it leaves out (or sends as null) reads as null
 * (or false, 0, an empty list). A field that is there is read strictly, here and nowhere else: text only from a JSON
 * string, a number only from a JSON integer in range, a flag only from {@code true} or {@code false}, a list only
 * from an array of such values (or of objects, for a list of records) — anything else is an
 * {@link IllegalArgumentException} naming the field and the value, which {@link #read} turns into
 * {@code malformed_answer}: an answer that says {@code "allowed": "yes"} or {@code "id": 5.5} is not a server's, and
 * guessing what it meant could turn a refusal into a permission. Stateless and thread-safe.
 */
final class Wire {

    /** The one mapper: duplicate keys rejected, big numbers exact; used only for trees, never for binding. */
    static final JsonMapper MAPPER = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .build();

    private Wire() {
    }

    /**
     * The constant of {@code constants} a server value names (its name, ignoring case), null for null, and
     * {@code unknown} for a value this client does not know: a newer server may add one, and reading must go on (a
     * list is not failed for one item). Every enum read from the wire has such an {@code UNKNOWN} constant.
     */
    static <E extends Enum<E>> E constant(E[] constants, String value, E unknown) {
        if (value == null) {
            return null;
        }
        for (E constant : constants) {
            if (constant != unknown && constant.name().equalsIgnoreCase(value)) {
                return constant;
            }
        }
        return unknown;
    }

    /**
     * The wire form of {@code constant} (its name in lower case); {@code unknown} is refused, naming {@code name}:
     * it stands for a value this client could not read, which it cannot send back either.
     */
    static <E extends Enum<E>> String wireName(E constant, E unknown, String name) {
        if (constant == unknown) {
            throw new IllegalArgumentException(name + " " + unknown + " cannot be sent: it stands for a value the "
                    + "server sent that this client does not know");
        }
        return constant.name().toLowerCase(Locale.ROOT);
    }

    /**
     * A successful answer's JSON ({@code status}, the body or one line of it), parsed; one that is not JSON is an
     * {@link UnexpectedResponseException} {@code malformed_answer} naming {@code what} (the request), its cause the
     * parser's exception — never an exception from outside the client's tree.
     */
    static JsonNode answer(int status, String what, String json) {
        try {
            return MAPPER.readTree(json);
        } catch (JacksonException garbled) {
            throw new UnexpectedResponseException(Problem.malformed(status, what, garbled.getOriginalMessage()),
                    garbled);
        }
    }

    /** {@link #answer(int, String, String)} of a body's bytes. */
    static JsonNode answer(int status, String what, byte[] json) {
        try {
            return MAPPER.readTree(json);
        } catch (JacksonException garbled) {
            throw new UnexpectedResponseException(Problem.malformed(status, what, garbled.getOriginalMessage()),
                    garbled);
        }
    }

    /**
     * {@code read} of a successful answer's JSON ({@code status}, {@code what} the request): a field it cannot read —
     * a time that is not one, a number that is text, a list where a value belongs, a value missing or out of range
     * where the reader requires one (an {@link IllegalArgumentException} or {@link NullPointerException} of a
     * reader's checks, such as the engine's wire format's) — is an {@link UnexpectedResponseException}
     * {@code malformed_answer} naming the request and the field, its cause the reader's exception, as a body that is
     * not JSON is ({@link #answer(int, String, String)}): never an exception from outside the client's tree. So is an
     * answer that is not a JSON object ({@code null}, a list, a number): every answer of the native API is one.
     */
    static <T> T read(int status, String what, JsonNode json, Function<JsonNode, T> read) {
        if (json == null) {
            throw new UnexpectedResponseException(Problem.malformed(status, what, "no body where JSON was expected"));
        }
        if (!json.isObject()) {
            throw new UnexpectedResponseException(Problem.malformed(status, what, "the answer is not a JSON object "
                    + "but " + shown(json)));
        }
        try {
            return read.apply(json);
        } catch (JacksonException unreadable) {
            throw malformed(status, what, unreadable.getOriginalMessage(), unreadable);
        } catch (DateTimeException | IllegalArgumentException | NullPointerException unreadable) {
            throw malformed(status, what, String.valueOf(unreadable.getMessage()), unreadable);
        }
    }

    /** An answer ({@code status}, {@code what} the request) that could not be used, {@code reason} saying why. */
    static UnexpectedResponseException malformed(int status, String what, String reason, Throwable cause) {
        return new UnexpectedResponseException(Problem.malformed(status, what, reason), cause);
    }

    static ObjectNode object() {
        return MAPPER.createObjectNode();
    }

    /** Text, or null; anything but a JSON string is refused. */
    static String text(JsonNode node, String field) {
        JsonNode value = present(node, field);
        return value == null ? null : string(value, field, -1);
    }

    /** An integer, or null; anything but a JSON integer within {@code long}'s range is refused. */
    static Long longOrNull(JsonNode node, String field) {
        JsonNode value = present(node, field);
        if (value == null) {
            return null;
        }
        if (!value.isIntegralNumber() || !value.canConvertToLong()) {
            throw new IllegalArgumentException(field + " must be an integer, got " + shown(value));
        }
        return value.longValue();
    }

    /** {@link #longOrNull}, 0 when absent. */
    static long number(JsonNode node, String field) {
        Long value = longOrNull(node, field);
        return value == null ? 0 : value;
    }

    /** A flag, false when absent; anything but {@code true} or {@code false} is refused. */
    static boolean flag(JsonNode node, String field) {
        JsonNode value = present(node, field);
        if (value == null) {
            return false;
        }
        if (!value.isBoolean()) {
            throw new IllegalArgumentException(field + " must be true or false, got " + shown(value));
        }
        return value.booleanValue();
    }

    /** The value of {@code field}, or null when absent or JSON null. */
    private static JsonNode present(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? null : value;
    }

    /** {@code value}'s text; {@code index} its place in the list {@code field}, or -1 for the field's own value. */
    private static String string(JsonNode value, String field, int index) {
        if (!value.isString()) {
            throw new IllegalArgumentException(field + (index < 0 ? "" : "[" + index + "]") + " must be text, got "
                    + shown(value));
        }
        return value.stringValue();
    }

    /** A value of the server's as an error message shows it: its JSON, abbreviated. */
    private static String shown(JsonNode value) {
        return abbreviate(value.toString());
    }

    /** A time with an offset, or null; one that is not is a {@link DateTimeParseException} naming the field. */
    static Instant instant(JsonNode node, String field) {
        String value = text(node, field);
        if (value == null) {
            return null;
        }
        try {
            return OffsetDateTime.parse(value).toInstant();
        } catch (DateTimeParseException notATime) {
            throw new DateTimeParseException(field + " is not a date-time with an offset: \"" + abbreviate(value)
                    + "\"", value, notATime.getErrorIndex(), notATime);
        }
    }

    /** A server's value as an error message shows it: at most 100 characters. */
    private static String abbreviate(String value) {
        return value.length() <= 100 ? value : value.substring(0, 100) + "…";
    }

    /** A list of text, empty when absent; anything but an array of JSON strings is refused. */
    static List<String> strings(JsonNode node, String field) {
        List<String> out = new ArrayList<>();
        for (JsonNode item : array(node, field)) {
            out.add(string(item, field, out.size()));
        }
        return List.copyOf(out);
    }

    /** The node of {@code field}, or null when absent or JSON null. */
    static JsonNode node(JsonNode node, String field) {
        return present(node, field);
    }

    /** A list of records, each made by {@code read}, empty when absent; anything but an array of objects is refused. */
    static <T> List<T> list(JsonNode node, String field, Function<JsonNode, T> read) {
        List<T> out = new ArrayList<>();
        for (JsonNode item : array(node, field)) {
            if (!item.isObject()) {
                throw new IllegalArgumentException(field + "[" + out.size() + "] must be an object, got "
                        + shown(item));
            }
            out.add(read.apply(item));
        }
        return List.copyOf(out);
    }

    /** The array of {@code field}, empty when absent or JSON null; anything else is refused. */
    private static JsonNode array(JsonNode node, String field) {
        JsonNode value = present(node, field);
        if (value == null) {
            return MAPPER.createArrayNode();
        }
        if (!value.isArray()) {
            throw new IllegalArgumentException(field + " must be a list, got " + shown(value));
        }
        return value;
    }

    static ArrayNode array(Collection<String> values) {
        ArrayNode array = MAPPER.createArrayNode();
        values.forEach(array::add);
        return array;
    }

    /** Puts {@code value} when it is not null (a field left out keeps its server-side default or value). */
    static void putIfSet(ObjectNode node, String field, Object value) {
        if (value == null) {
            return;
        }
        if (value instanceof String s) {
            node.put(field, s);
        } else if (value instanceof Long l) {
            node.put(field, l);
        } else if (value instanceof Integer i) {
            node.put(field, i);
        } else if (value instanceof Boolean b) {
            node.put(field, b);
        } else if (value instanceof Instant t) {
            node.put(field, t.toString());
        } else if (value instanceof JsonNode n) {
            node.set(field, n);
        } else if (value instanceof Collection<?> c) {
            ArrayNode array = node.putArray(field);
            c.forEach(item -> array.add(String.valueOf(item)));
        } else {
            throw new IllegalArgumentException("no JSON form for " + value.getClass().getName() + " in " + field);
        }
    }

    /**
     * An id the caller passes for one path segment, checked (not null, not empty: an empty segment would name the
     * collection instead) and percent-encoded.
     */
    static String segment(String value, String name) {
        Arguments.required(value, name);
        if (value.isEmpty()) {
            throw new IllegalArgumentException(name + " must not be empty");
        }
        return encode(value);
    }

    /** A path segment or query value, percent-encoded (spaces as %20, never +). */
    static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
