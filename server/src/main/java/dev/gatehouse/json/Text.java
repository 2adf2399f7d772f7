package dev.gatehouse.json;

import dev.gatehouse.error.InvalidInputException;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * What text and times a request may carry, checked once for every dialect: request bodies when parsed
 * ({@link Json#parse}), path and query parameters before any route runs. No string may hold a control
 * character — C0 and C1, DEL, NUL; only tab, line feed and carriage return, in bodies — or an unpaired
 * surrogate (not text at all; PostgreSQL refuses the first and mangles the second). A time must lie within
 * years 1 to 9999 in UTC, which every store and client can represent.
 *
 * <p>Thread-safe (stateless).
 */
public final class Text {

    /**
     * How deeply a request body may nest: far below the JSON parser's own limit (500), so that a value stored inside
     * a snapshot, a change record and an event — each a few levels deeper than the body that gave it — can always be
     * read and written again. No body of any API comes near it; free-form data (a room's field data) could.
     */
    static final int MAX_DEPTH = 64;

    /**
     * The first instant a request may name, and the first after the last it may name: years 1 to 9999 in UTC,
     * whatever the spelling. An offset moves the instant, so {@code 9999-12-31T23:59:59-18:00} lies in year 10000
     * and {@code 0001-01-01T00:00:00+01:00} in year 0; both would be stored and handed out as such.
     */
    static final Instant EARLIEST = Instant.parse("0001-01-01T00:00:00Z");
    static final Instant END = Instant.parse("+10000-01-01T00:00:00Z");

    private Text() {
    }

    /**
     * Null when {@code s} is acceptable, else what is wrong with it ("must not contain the control character
     * U+0000"), ready to follow a field name.
     *
     * @param lineBreaks whether tab, line feed and carriage return are allowed (free text in bodies)
     */
    public static String problem(String s, boolean lineBreaks) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return "must not contain an unpaired surrogate (U+" + hex(c) + " at position " + i + ")";
            } else if (isControl(c) && !(lineBreaks && (c == '\t' || c == '\n' || c == '\r'))) {
                return "must not contain the control character U+" + hex(c) + " (at position " + i + ")";
            }
        }
        return null;
    }

    /**
     * Null when the percent-encoded {@code raw} (a URI's query) decodes to UTF-8, else what is wrong with it: the
     * server turns bytes that are not UTF-8 into U+FFFD, which this tells from a U+FFFD sent as such, and drops a
     * parameter holding a {@code %} that begins no escape, which would quietly lose a filter.
     */
    public static String encodingProblem(String raw) {
        if (raw == null) {
            return null;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(raw.length());
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            int hi = i + 2 < raw.length() ? Character.digit(raw.charAt(i + 1), 16) : -1;
            int lo = i + 2 < raw.length() ? Character.digit(raw.charAt(i + 2), 16) : -1;
            if (c == '%' && hi >= 0 && lo >= 0) {
                bytes.write(hi << 4 | lo);
                i += 2;
            } else if (c == '%') {
                return "holds a '%' that begins no escape (a % is followed by two hexadecimal digits)";
            } else {
                bytes.writeBytes(String.valueOf(c).getBytes(StandardCharsets.UTF_8));
            }
        }
        try {
            StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes.toByteArray()));
            return null;
        } catch (CharacterCodingException e) {
            return "is not valid UTF-8 once percent-decoded";
        }
    }

    /** Whether {@code instant} lies within years 1 to 9999 in UTC. */
    public static boolean representable(Instant instant) {
        return !instant.isBefore(EARLIEST) && instant.isBefore(END);
    }

    /**
     * Throws a 400 naming the first string in the tree (value or property name), in document order, that
     * {@link #problem} refuses, the first number that would not read back once stored ({@link StoredNumbers}), or
     * the first object or array nested deeper than {@link #MAX_DEPTH}. The field's path is spelled out only then: a
     * body that passes allocates nothing.
     */
    static void check(JsonNode root) {
        check(root, new ArrayList<>());
    }

    /** @param path the names (strings) and positions (integers) leading to {@code node}; as it was on return */
    private static void check(JsonNode node, List<Object> path) {
        if (node.isString()) {
            String problem = problem(node.stringValue(), true);
            if (problem != null) {
                reject(path.isEmpty() ? "body" : path(path), problem);
            }
        } else if (node.isBigDecimal()) {
            String problem = StoredNumbers.problem(node.decimalValue());
            if (problem != null) {
                throw InvalidInputException.field(path.isEmpty() ? "body" : path(path), problem);
            }
        } else if (node.isContainer() && path.size() >= MAX_DEPTH) {
            reject(printable(path(path)), "nests deeper than " + MAX_DEPTH + " levels");
        } else if (node.isObject()) {
            for (Map.Entry<String, JsonNode> field : node.properties()) {
                path.add(field.getKey());
                String nameProblem = problem(field.getKey(), false);
                if (nameProblem != null) {
                    reject(printable(path(path)), "the field name " + nameProblem);
                }
                check(field.getValue(), path);
                path.remove(path.size() - 1);
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                path.add(i);
                check(node.get(i), path);
                path.remove(path.size() - 1);
            }
        }
    }

    /**
     * A field's path as messages name it, {@code items[2].name}, abbreviated as every field name an error gives
     * ({@link Fields#abbreviate}): a path nested a thousand levels deep, or a name of a million characters, is not
     * repeated whole in the error's detail and again in its field errors.
     */
    private static String path(List<Object> path) {
        StringBuilder out = new StringBuilder();
        for (Object step : path) {
            if (step instanceof Integer i) {
                out.append('[').append(i).append(']');
            } else {
                out.append(out.isEmpty() ? "" : ".").append(step);
            }
        }
        return Fields.abbreviate(out.toString());
    }

    private static void reject(String field, String problem) {
        if (problem != null) {
            throw new InvalidInputException("invalid_text", field + ": " + problem, Map.of(field, problem));
        }
    }

    /**
     * How many bytes {@code s} from {@code begin} to {@code end} takes in UTF-8, counted without encoding it: a pair of
     * surrogates counts 4, once; a lone surrogate 3.
     */
    public static int utf8Bytes(String s, int begin, int end) {
        int bytes = 0;
        for (int i = begin; i < end; i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                bytes += 1;
            } else if (c < 0x800) {
                bytes += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < end && Character.isLowSurrogate(s.charAt(i + 1))) {
                bytes += 4;
                i++;
            } else {
                bytes += 3;
            }
        }
        return bytes;
    }

    /** {@code s} with every character {@link #problem} would refuse replaced by {@code ?}, for messages. */
    public static String printable(String s) {
        StringBuilder out = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            out.append(isControl(c) || Character.isSurrogate(c) ? '?' : c);
        }
        return out.toString();
    }

    private static boolean isControl(char c) {
        return c < 0x20 || (c >= 0x7f && c <= 0x9f);
    }

    private static String hex(char c) {
        return String.format("%04X", (int) c);
    }
}
