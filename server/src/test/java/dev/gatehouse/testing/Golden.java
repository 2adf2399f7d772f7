package dev.gatehouse.testing;

import dev.gatehouse.json.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.databind.node.StringNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Golden-file assertions for response shapes: the response, with volatile values replaced by placeholders,
 * pretty-printed and compared with {@code src/test/resources/golden/<dir>/<name>.json}. Run with
 * {@code -Dgolden.update=true} to (re)write the files, then review the diff.
 */
public final class Golden {

    private static final Pattern DATE = Pattern.compile("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d+)?Z");
    private static final Pattern GUID = Pattern.compile(
            "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

    private final Path dir;
    private final Map<String, String> replacements = new LinkedHashMap<>();

    public Golden(String dir) {
        this.dir = Path.of("src/test/resources/golden").resolve(dir);
    }

    /** Replaces every occurrence of {@code value} inside strings by {@code placeholder}. */
    public Golden replacing(String value, String placeholder) {
        replacements.put(value, placeholder);
        return this;
    }

    public void assertMatches(String name, JsonNode actual) {
        String text = Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(normalize(actual.deepCopy())) + "\n";
        Path file = dir.resolve(name + ".json");
        boolean update = Boolean.getBoolean("golden.update");
        try {
            if (update || !Files.exists(file)) {
                Files.createDirectories(dir);
                Files.writeString(file, text, StandardCharsets.UTF_8);
                assertThat(update).as("golden file " + file + " was missing and has been written; review it").isTrue();
                return;
            }
            assertThat(text).as("response %s against %s", name, file)
                    .isEqualTo(Files.readString(file, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private JsonNode normalize(JsonNode node) {
        if (node instanceof ObjectNode object) {
            for (String field : java.util.List.copyOf(object.propertyNames())) {
                JsonNode value = object.get(field);
                if (field.equals("referenceId") && value.isString()) {
                    object.put(field, "<referenceId>");
                } else {
                    object.set(field, normalize(value));
                }
            }
            return object;
        }
        if (node instanceof ArrayNode array) {
            for (int i = 0; i < array.size(); i++) {
                array.set(i, normalize(array.get(i)));
            }
            return array;
        }
        if (node.isString()) {
            String s = node.stringValue();
            for (Map.Entry<String, String> r : replacements.entrySet()) {
                s = s.replace(r.getKey(), r.getValue());
            }
            s = DATE.matcher(s).replaceAll("<date>");
            s = GUID.matcher(s).replaceAll("<uuid>");
            return StringNode.valueOf(s);
        }
        return node;
    }
}
