package dev.gatehouse.http.close;

import dev.gatehouse.json.Fields;
import java.util.Iterator;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/**
 * Close's webhook event filters ({@code extra_filter}), checked when a subscription is made and evaluated against
 * the event object a delivery would carry. A filter is a JSON object with a {@code type}:
 * <ul>
 *   <li>matching a value: {@code equals} / {@code not_equals} ({@code value}: the whole value is, or is not, the
 *       same), {@code is_null} / {@code non_null}, {@code contains} ({@code value}: an element of an array equals
 *       it, or a string contains it);</li>
 *   <li>combining: {@code and} / {@code or} ({@code filters}: a non-empty list), {@code not} ({@code filter});</li>
 *   <li>reaching into the value: {@code field_accessor} ({@code field} of an object, then {@code filter} on its
 *       value; a missing field is null) and {@code any_array_value} ({@code filter} on each element of an array;
 *       true when one matches).</li>
 * </ul>
 * Evaluation starts at the event object, so {@code {"type": "field_accessor", "field": "data", "filter": {"type":
 * "field_accessor", "field": "role_id", …}}} reads the membership's role. Numbers compare by value, everything
 * else by JSON equality. A filter nests at most {@value #MAX_DEPTH} deep and has at most {@value #MAX_NODES}
 * parts. Stateless.
 */
final class CloseEventFilter {

    static final int MAX_DEPTH = 10;
    static final int MAX_NODES = 100;
    private static final Set<String> TYPES = Set.of("equals", "not_equals", "is_null", "non_null", "contains", "and",
            "or", "not", "field_accessor", "any_array_value");

    private CloseEventFilter() {
    }

    /** What is wrong with {@code filter}, or null when it is a filter this class evaluates. */
    static String problem(JsonNode filter) {
        int[] nodes = {0};
        return problem(filter, 1, nodes);
    }

    private static String problem(JsonNode f, int depth, int[] nodes) {
        if (depth > MAX_DEPTH) {
            return "nests deeper than " + MAX_DEPTH + " levels";
        }
        if (++nodes[0] > MAX_NODES) {
            return "has more than " + MAX_NODES + " parts";
        }
        if (f == null || !f.isObject()) {
            return "each filter must be an object with a \"type\"";
        }
        JsonNode typeNode = f.get("type");
        String type = typeNode != null && typeNode.isString() ? typeNode.stringValue() : null;
        if (type == null || !TYPES.contains(type)) {
            return "unknown filter type " + (type == null ? "(none)" : "\"" + type + "\"") + "; known: "
                    + String.join(", ", TYPES.stream().sorted().toList());
        }
        Set<String> allowed = switch (type) {
            case "equals", "not_equals", "contains" -> Set.of("type", "value");
            case "is_null", "non_null" -> Set.of("type");
            case "and", "or" -> Set.of("type", "filters");
            case "not", "any_array_value" -> Set.of("type", "filter");
            default -> Set.of("type", "field", "filter");
        };
        for (Iterator<String> it = f.propertyNames().iterator(); it.hasNext(); ) {
            String name = it.next();
            if (!allowed.contains(name)) {
                return quoted(type) + " filter has no \"" + name + "\"";
            }
        }
        switch (type) {
            case "equals", "not_equals", "contains" -> {
                JsonNode value = f.get("value");
                if (value == null || value.isContainer()) {
                    return quoted(type) + " filter needs a \"value\" that is a string, number, boolean or null";
                }
            }
            case "and", "or" -> {
                JsonNode filters = f.get("filters");
                if (filters == null || !filters.isArray() || filters.isEmpty()) {
                    return quoted(type) + " filter needs \"filters\": a non-empty list of filters";
                }
                for (JsonNode inner : filters) {
                    String p = problem(inner, depth + 1, nodes);
                    if (p != null) {
                        return p;
                    }
                }
            }
            case "not", "any_array_value", "field_accessor" -> {
                if (type.equals("field_accessor")) {
                    JsonNode field = f.get("field");
                    if (field == null || !field.isString() || field.stringValue().isEmpty()) {
                        return "a \"field_accessor\" filter needs a \"field\" name";
                    }
                }
                return problem(f.get("filter"), depth + 1, nodes);
            }
            default -> {
                // is_null, non_null: nothing more
            }
        }
        return null;
    }

    /**
     * A filter type quoted after its article, as a message names it: {@code an "equals"}, {@code a "not_equals"}
     * ({@link Fields#withArticle}).
     */
    private static String quoted(String type) {
        String article = Fields.withArticle(type);
        return article.substring(0, article.indexOf(' ')) + " \"" + type + "\"";
    }

    /** Whether {@code value} (null: missing) matches {@code filter}, which {@link #problem} accepted. */
    static boolean matches(JsonNode filter, JsonNode value) {
        JsonNode v = value == null || value.isMissingNode() ? null : value;
        return switch (filter.get("type").stringValue()) {
            case "equals" -> same(v, filter.get("value"));
            case "not_equals" -> !same(v, filter.get("value"));
            case "is_null" -> v == null || v.isNull();
            case "non_null" -> v != null && !v.isNull();
            case "contains" -> contains(v, filter.get("value"));
            case "and" -> all(filter.get("filters"), v);
            case "or" -> anyFilter(filter.get("filters"), v);
            case "not" -> !matches(filter.get("filter"), v);
            case "field_accessor" -> matches(filter.get("filter"),
                    v != null && v.isObject() ? v.get(filter.get("field").stringValue()) : null);
            case "any_array_value" -> v != null && v.isArray() && anyElement(v, filter.get("filter"));
            default -> false;
        };
    }

    private static boolean all(JsonNode filters, JsonNode v) {
        for (JsonNode f : filters) {
            if (!matches(f, v)) {
                return false;
            }
        }
        return true;
    }

    private static boolean anyFilter(JsonNode filters, JsonNode v) {
        for (JsonNode f : filters) {
            if (matches(f, v)) {
                return true;
            }
        }
        return false;
    }

    /** Whether an element of the array {@code elements} matches {@code filter}. */
    private static boolean anyElement(JsonNode elements, JsonNode filter) {
        for (JsonNode element : elements) {
            if (matches(filter, element)) {
                return true;
            }
        }
        return false;
    }

    private static boolean contains(JsonNode v, JsonNode wanted) {
        if (v == null) {
            return false;
        }
        if (v.isArray()) {
            for (JsonNode element : v) {
                if (same(element, wanted)) {
                    return true;
                }
            }
            return false;
        }
        return v.isString() && wanted.isString() && v.stringValue().contains(wanted.stringValue());
    }

    private static boolean same(JsonNode v, JsonNode wanted) {
        if (v == null || v.isNull()) {
            return wanted.isNull();
        }
        if (v.isNumber() && wanted.isNumber()) {
            return v.decimalValue().compareTo(wanted.decimalValue()) == 0;
        }
        return v.equals(wanted);
    }
}
