package dev.gatehouse.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import tools.jackson.databind.JsonNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

/** Reading the command line's YAML files into trees, and checked reads of their fields. Stateless, thread-safe. */
final class Yaml {

    private static final YAMLMapper MAPPER = YAMLMapper.builder().build();

    private Yaml() {
    }

    /** The file's tree (null or a missing node when it is empty). */
    static JsonNode read(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return MAPPER.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /** The tree of YAML text read from {@code in}. */
    static JsonNode read(InputStream in) {
        return MAPPER.readTree(in);
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

    /** A text field, or null when absent; a scalar number or boolean is taken as its text. */
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

    private static String kind(JsonNode node) {
        return node.isObject() ? "a mapping" : node.isArray() ? "a list" : node.isNull() ? "nothing"
                : "\"" + node.asString() + "\"";
    }
}
