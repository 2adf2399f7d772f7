package dev.gatehouse.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.ReaderException;
import org.snakeyaml.engine.v2.schema.CoreSchema;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.MissingNode;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.dataformat.yaml.YAMLFactory;
import tools.jackson.dataformat.yaml.YAMLMapper;
import tools.jackson.dataformat.yaml.YAMLParser;

/**
 * Reading the command line's YAML files into trees, and checked reads of their fields. The tree is built here from
 * the parser's events rather than by the mapper, so that what the files may not hold is refused where it is met:
 * an alias ({@code *name}), which the mapper would take as the text of the anchor's name; a key given twice in one
 * mapping, of which the mapper would keep the last; a second document, which it would leave unread — and so that a
 * scalar keeps the text it was written as (see {@code scalar}). A file the parser refuses is "not valid YAML", with
 * the parser's reason, line and column and never the line itself (see {@code problem}): every file the command line
 * reads is refused so.
 *
 * <p><b>Size.</b> A file holds at most {@link #MAX_BYTES}; a larger one is refused before any of it is parsed (a
 * regular file by its size, a pipe or standard input as soon as that much has been read), with "file too large".
 * The parser's own bound (snakeyaml-engine's code-point limit, 3 MiB by default) is set to the same number, so it
 * never refuses a file this check let through: it was checked as tokens were read, so it refused late (a 20 MB
 * scalar was read whole first, for over a minute) and called a valid file "not valid YAML". Stateless, thread-safe.
 */
final class Yaml {

    /**
     * The largest file read: 16 MiB. An organization of 100,000 members, each with an email, names and a company
     * role, takes 7–14 MB of YAML (70–140 bytes a member); the bound leaves room for that and a few resource roles,
     * and keeps the tree, the plan and the parse (seconds for such a file) within what a command line may take.
     */
    static final int MAX_BYTES = 16 * 1024 * 1024;

    /**
     * The YAML 1.2 core schema: its nulls are {@code ~}, {@code null}, {@code Null}, {@code NULL} and the empty
     * scalar — as in YAML 1.1 — where the mapper's default schema knows {@code null} alone and read {@code ~} as text.
     * It resolves only plain scalars, so a quoted {@code "~"} or a {@code !!str ~} stays text. Duplicate keys are
     * let through to {@code node}, which names them (settings that forbid them make the parser refuse them first,
     * as "not valid YAML").
     */
    private static final YAMLMapper MAPPER = YAMLMapper.builder(YAMLFactory.builder()
            .loadSettings(LoadSettings.builder().setSchema(new CoreSchema()).setCodePointLimit(MAX_BYTES)
                    .setAllowDuplicateKeys(true).build())
            .build()).build();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private Yaml() {
    }

    /** The file's tree (a missing node when it is empty). */
    static JsonNode read(Path file) {
        return read(file, file.toString());
    }

    /** The file's tree (a missing node when it is empty), the file named {@code source} in messages. */
    static JsonNode read(Path file, String source) {
        try {
            if (Files.isRegularFile(file) && Files.size(file) > MAX_BYTES) {
                throw tooLarge(source, Files.size(file));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
        try (InputStream in = Files.newInputStream(file)) {
            return read(in, source);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * The tree of YAML text read from {@code in}, named {@code source} in messages; refused once more than
     * {@link #MAX_BYTES} have come.
     */
    static JsonNode read(InputStream in, String source) {
        byte[] text;
        try {
            text = in.readNBytes(MAX_BYTES + 1);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + source + ": " + e.getMessage(), e);
        }
        if (text.length > MAX_BYTES) {
            throw tooLarge(source, -1);
        }
        try (JsonParser parser = MAPPER.createParser(text)) {
            JsonToken first = parser.nextToken();
            if (first == null) {
                return MissingNode.getInstance();
            }
            JsonNode root = node((YAMLParser) parser, first, source);
            if (parser.nextToken() != null) {
                // the parser reads a stream's documents one after the other: all but the first would be ignored
                throw new CliException(source + ": holds more than one YAML document (the second starts at line "
                        + parser.currentLocation().getLineNr() + "): write one");
            }
            return root;
        } catch (JacksonException e) {
            throw new CliException(source + " is not valid YAML: " + problem(e, text));
        }
    }

    /**
     * The parser's reasons and places, as one line: what it was reading and where that began, then what it found and
     * where (snakeyaml-engine's marks, counted from 1 as its message counts them). Never the copy of the offending
     * line the parser's message quotes under each "in reader": a config file's line may hold a key, and an error
     * message ends up in terminals, CI logs and bug reports. Jackson's own location is not the place: it is where the
     * parser stood, a column or a line away from the problem.
     */
    private static String problem(JacksonException e, byte[] text) {
        for (Throwable cause = e.getCause(); cause != null; cause = cause.getCause()) {
            if (cause instanceof ReaderException unreadable) {
                // a character YAML does not allow: the reader gives its place in characters, not a mark
                return unreadable.getMessage().lines().findFirst().orElse("") + place(text, unreadable.getPosition());
            }
            if (cause instanceof MarkedYamlEngineException marked) {
                Optional<Mark> problemMark = marked.getProblemMark();
                // a context's place is where the parser began what it was reading (an unclosed quote's opening)
                Optional<Mark> contextMark = marked.getContextMark()
                        .filter(m -> problemMark.isEmpty() || m.getIndex() != problemMark.get().getIndex());
                return Stream.of(placed(marked.getContext(), contextMark), placed(marked.getProblem(), problemMark))
                        .filter(Objects::nonNull).collect(Collectors.joining("; "));
            }
        }
        String reasons = String.join("; ", e.getOriginalMessage().lines()
                .filter(line -> !line.isEmpty() && !Character.isWhitespace(line.charAt(0))).toList());
        return reasons + (e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ", column "
                + e.getLocation().getColumnNr() + ")");
    }

    /**
     * Where the code point at {@code index} of {@code text} (read as UTF-8) stands, as {@link #placed} writes a place
     * (lines and columns counted from 1, in code points); empty when the text is shorter.
     */
    private static String place(byte[] text, int index) {
        int[] codePoints = new String(text, StandardCharsets.UTF_8).codePoints().limit(index + 1L).toArray();
        if (index < 0 || index >= codePoints.length) {
            return "";
        }
        int line = 1;
        int column = 1;
        for (int i = 0; i < index; i++) {
            boolean lineFeed = codePoints[i] == '\n' || codePoints[i] == '\r' && codePoints[i + 1] != '\n';
            line += lineFeed ? 1 : 0;
            column = lineFeed ? 1 : column + 1;
        }
        return " (line " + line + ", column " + column + ")";
    }

    /** A reason of the parser's with its place, or null when it gave none. */
    private static String placed(String reason, Optional<Mark> mark) {
        return reason == null ? null : reason + mark.map(m -> " (line " + (m.getLine() + 1) + ", column "
                + (m.getColumn() + 1) + ")").orElse("");
    }

    /** The refusal of a file over {@link #MAX_BYTES} ({@code size} -1 when unknown: a pipe). */
    private static CliException tooLarge(String source, long size) {
        return new CliException(source + ": file too large (limit " + MAX_BYTES / (1024 * 1024) + " MiB, " + MAX_BYTES
                + " bytes" + (size < 0 ? "" : "; it has " + size) + ")");
    }

    private static JsonNode node(YAMLParser parser, JsonToken token, String source) {
        switch (token) {
            case START_OBJECT -> {
                ObjectNode object = NODES.objectNode();
                for (JsonToken next = parser.nextToken(); next != JsonToken.END_OBJECT; next = parser.nextToken()) {
                    String name = parser.currentName();
                    if (object.has(name)) {
                        // YAML forbids it, and the parser would keep the last value: the file would say two things
                        throw new CliException(source + ": duplicate key \"" + name + "\" at line "
                                + parser.currentLocation().getLineNr() + " (a mapping names each key once)");
                    }
                    object.set(name, node(parser, parser.nextToken(), source));
                }
                return object;
            }
            case START_ARRAY -> {
                ArrayNode array = NODES.arrayNode();
                for (JsonToken next = parser.nextToken(); next != JsonToken.END_ARRAY; next = parser.nextToken()) {
                    array.add(node(parser, next, source));
                }
                return array;
            }
            default -> {
                if (parser.isCurrentAlias()) {
                    // the mapper reads an alias as its anchor's name: a file would silently say something else
                    throw new CliException(source + ": YAML aliases are not supported (*" + parser.getString()
                            + " at line " + parser.currentLocation().getLineNr() + "): write the value out");
                }
                return scalar(parser, token);
            }
        }
    }

    /**
     * A scalar as a node. YAML reads {@code 1e3}, {@code 1.50} or {@code -0} as numbers, whose own text ({@code
     * 1000.0}, {@code 1.5}, {@code 0}) is not what was written; a user id, an email, a name or a role name must never
     * be reformatted so. A number or flag is therefore kept as such only when its text is exactly how it is written
     * back ({@code 42}, {@code true}); any other scalar is the text as written, which a field that wants a number or a
     * flag refuses, quoting it. A null is any of the core schema's spellings ({@link #MAPPER}), written plain.
     */
    private static JsonNode scalar(YAMLParser parser, JsonToken token) {
        String written = parser.getString();
        JsonNode typed = switch (token) {
            case VALUE_NULL -> NODES.nullNode();
            case VALUE_TRUE -> NODES.booleanNode(true);
            case VALUE_FALSE -> NODES.booleanNode(false);
            case VALUE_NUMBER_INT -> switch (parser.getNumberType()) {
                case INT -> NODES.numberNode(parser.getIntValue());
                case LONG -> NODES.numberNode(parser.getLongValue());
                default -> NODES.numberNode(parser.getBigIntegerValue());
            };
            default -> null;
        };
        if (typed == null || !typed.isNull() && !typed.asString().equals(written)) {
            return NODES.stringNode(written);
        }
        return typed;
    }

    /** Fails unless {@code node} is a mapping whose keys are all in {@code allowed}. */
    static void requireObject(JsonNode node, String where, Set<String> allowed) {
        if (!node.isObject()) {
            throw new CliException(where + ": expected a mapping, got " + kind(node));
        }
        for (String name : node.propertyNames()) {
            if (!allowed.contains(name)) {
                throw new CliException(where + ": unknown field \"" + name + "\" (known: " + String.join(", ",
                        allowed.stream().sorted().toList()) + ")");
            }
        }
    }

    /** A text field, or null when absent; a scalar YAML reads as a number or flag is the text as written. */
    static String text(JsonNode node, String field, String where) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isValueNode()) {
            throw new CliException(where + ": " + field + " must be a text, got " + kind(value));
        }
        return value.asString();
    }

    /** A boolean field, or {@code absent} when missing. */
    static boolean flag(JsonNode node, String field, String where, boolean absent) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return absent;
        }
        if (!value.isBoolean()) {
            throw new CliException(where + ": " + field + " must be true or false, got " + value);
        }
        return value.booleanValue();
    }

    /** A list of texts, or null when absent. */
    static List<String> texts(JsonNode node, String field, String where) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isArray()) {
            throw new CliException(where + ": " + field + " must be a list, got " + kind(value));
        }
        List<String> texts = new ArrayList<>();
        for (JsonNode item : value) {
            if (!item.isValueNode() || item.isNull()) {
                throw new CliException(where + ": " + field + " must hold texts, got " + kind(item));
            }
            texts.add(item.asString());
        }
        return texts;
    }

    /** The items of a list field (empty when absent). */
    static List<JsonNode> items(JsonNode node, String field, String where) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return List.of();
        }
        if (!value.isArray()) {
            throw new CliException(where + ": " + field + " must be a list, got " + kind(value));
        }
        List<JsonNode> items = new ArrayList<>();
        value.forEach(items::add);
        return items;
    }

    /**
     * What a node is, never what it holds: a config file's misplaced scalar is as likely as not a pasted key, and a
     * message ends up in terminals, CI logs and bug reports. The message names the place; the file shows the value.
     */
    private static String kind(JsonNode node) {
        return node.isObject() ? "a mapping" : node.isArray() ? "a list" : node.isNull() ? "nothing"
                : node.isBoolean() ? "true or false" : node.isNumber() ? "a number" : "a text";
    }
}
