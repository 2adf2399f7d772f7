package dev.gatehouse.http.close;

import dev.gatehouse.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;

/**
 * Compares a response with a golden file under {@code golden/close/}: field names and JSON types at every
 * level, with ids and dates normalised to their kind (see the README next to the files).
 */
final class Golden {

    private static final Map<String, Pattern> KINDS = new LinkedHashMap<>();

    static {
        KINDS.put("<role id>", Pattern.compile("(admin|superuser|user|restricteduser|role_[0-9A-Za-z]{43})"));
        for (String prefix : List.of("user", "memb", "orga", "cf", "save", "phon")) {
            KINDS.put("<" + prefix + " id>", Pattern.compile(prefix + "_[0-9A-Za-z]{43}"));
        }
        KINDS.put("<group id>", Pattern.compile("group_[0-9A-Za-z]{22}"));
        KINDS.put("<event id>", Pattern.compile("ev_[0-9A-Za-z]{22}"));
        KINDS.put("<built-in date>", Pattern.compile("0001-01-01T00:00:00"));
        KINDS.put("<date>", Pattern.compile("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{6}\\+00:00"));
        KINDS.put("<naive date>", Pattern.compile("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{6}"));
    }

    private Golden() {
    }

    static JsonNode load(String name) {
        try (InputStream in = Golden.class.getResourceAsStream("/golden/close/" + name)) {
            if (in == null) {
                throw new AssertionError("no golden file " + name);
            }
            return Json.MAPPER.readTree(in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Throws an AssertionError listing every difference between the response and the golden file. */
    static void assertMatches(String name, JsonNode actual) {
        List<String> problems = new ArrayList<>();
        compare("$", load(name), actual, problems);
        if (!problems.isEmpty()) {
            throw new AssertionError(name + " does not match:\n  " + String.join("\n  ", problems) + "\nactual: "
                    + actual);
        }
    }

    static String kind(JsonNode node) {
        if (node == null) {
            return "<missing>";
        }
        if (node.isString()) {
            for (Map.Entry<String, Pattern> k : KINDS.entrySet()) {
                if (k.getValue().matcher(node.stringValue()).matches()) {
                    return k.getKey();
                }
            }
            return "<string>";
        }
        return "<" + node.getNodeType().name().toLowerCase() + ">";
    }

    private static void compare(String path, JsonNode golden, JsonNode actual, List<String> problems) {
        String expected = kind(golden);
        String got = kind(actual);
        if (!expected.equals(got)) {
            problems.add(path + ": expected " + expected + ", got " + got + (actual == null ? "" : " " + actual));
            return;
        }
        if (golden.isObject()) {
            TreeSet<String> missing = new TreeSet<>();
            golden.propertyNames().forEach(missing::add);
            actual.propertyNames().forEach(missing::remove);
            TreeSet<String> extra = new TreeSet<>();
            actual.propertyNames().forEach(extra::add);
            golden.propertyNames().forEach(extra::remove);
            if (!missing.isEmpty()) {
                problems.add(path + ": missing fields " + missing);
            }
            if (!extra.isEmpty()) {
                problems.add(path + ": unexpected fields " + extra);
            }
            for (Iterator<String> it = golden.propertyNames().iterator(); it.hasNext(); ) {
                String field = it.next();
                if (actual.has(field)) {
                    compare(path + "." + field, golden.get(field), actual.get(field), problems);
                }
            }
        } else if (golden.isArray()) {
            if (golden.isEmpty() != actual.isEmpty()) {
                problems.add(path + ": expected " + (golden.isEmpty() ? "an empty" : "a non-empty") + " array, got "
                        + actual.size() + " items");
                return;
            }
            for (int i = 0; i < actual.size(); i++) {
                compare(path + "[" + i + "]", golden.get(0), actual.get(i), problems);
            }
        }
    }
}
