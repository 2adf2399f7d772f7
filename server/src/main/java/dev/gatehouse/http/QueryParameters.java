package dev.gatehouse.http;

import dev.gatehouse.error.InvalidInputException;
import dev.gatehouse.json.Fields;
import dev.gatehouse.json.Text;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The query parameters a route reads, and which of them may be given more than once (a filter taking several
 * values, repeated or comma-separated); every other is single-valued. {@link HttpServer} checks a request against
 * its route's declaration before the route runs ({@link #check}): a parameter the route does not read, or a
 * single-valued one given twice, is a 400 {@code invalid_query} naming each such parameter in {@code errors} and
 * listing what the route reads — never a silently ignored typo, nor a silent pick of one value.
 *
 * <p>A route without a declaration ({@link Route#query()} null) is not checked: the dialects follow their
 * originals' leniency, and so do the operations routes. Immutable and thread-safe.
 */
public final class QueryParameters {

    /** A route that reads no query parameter. */
    public static final QueryParameters NONE = new QueryParameters(Map.of());

    /** Each name, in declaration order: whether it may repeat. */
    private final Map<String, Boolean> repeatable;
    /** What the route reads, for the detail of a refusal. */
    private final String reads;

    private QueryParameters(Map<String, Boolean> repeatable) {
        this.repeatable = Collections.unmodifiableMap(new LinkedHashMap<>(repeatable));
        StringBuilder text = new StringBuilder();
        repeatable.forEach((name, repeats) -> text.append(text.isEmpty() ? "" : ", ").append(name)
                .append(repeats ? " (repeatable)" : ""));
        this.reads = repeatable.isEmpty() ? "this route reads no query parameter" : "this route reads " + text;
    }

    /** Single-valued parameters. */
    public static QueryParameters of(String... names) {
        return NONE.and(names);
    }

    /** These, and more single-valued parameters. */
    public QueryParameters and(String... names) {
        return with(false, names);
    }

    /** These, and parameters that may be given more than once. */
    public QueryParameters andRepeatable(String... names) {
        return with(true, names);
    }

    private QueryParameters with(boolean repeats, String... names) {
        Map<String, Boolean> more = new LinkedHashMap<>(repeatable);
        for (String name : names) {
            Objects.requireNonNull(name, "name");
            if (name.isEmpty() || more.putIfAbsent(name, repeats) != null) {
                throw new IllegalArgumentException("query parameter \"" + name + "\" is empty or declared twice");
            }
        }
        return new QueryParameters(more);
    }

    /** The names, in declaration order. */
    public Set<String> names() {
        return repeatable.keySet();
    }

    /** Whether {@code name} is declared and may be given more than once. */
    public boolean repeatable(String name) {
        return Boolean.TRUE.equals(repeatable.get(name));
    }

    /**
     * Refuses a request's query parameters ({@code given}: each name with its values, as sent) unless each is
     * declared, and each single-valued one is given once. A name-less part without a value (a stray {@code &}) names
     * no parameter and is let through.
     *
     * @throws InvalidInputException {@code invalid_query}, naming every refused parameter
     */
    public void check(Map<String, List<String>> given) {
        Map<String, String> errors = null;
        for (Map.Entry<String, List<String>> param : given.entrySet()) {
            String name = param.getKey();
            List<String> values = param.getValue();
            String problem;
            if (!repeatable.containsKey(name)) {
                if (name.isEmpty() && values.stream().allMatch(String::isEmpty)) {
                    continue;
                }
                problem = "unknown parameter";
            } else if (values.size() > 1 && !repeatable.get(name)) {
                problem = "given " + values.size() + " times; give it once";
            } else {
                continue;
            }
            if (errors == null) {
                errors = new LinkedHashMap<>();
            }
            errors.put(Text.printable(Fields.abbreviate(name)), problem);
        }
        if (errors != null) {
            StringBuilder detail = new StringBuilder();
            errors.forEach((name, problem) -> detail.append(name.isEmpty() ? "(no name)" : name).append(": ")
                    .append(problem).append("; "));
            throw new InvalidInputException("invalid_query", detail.append(reads).toString(), errors);
        }
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof QueryParameters that && repeatable.equals(that.repeatable);
    }

    @Override
    public int hashCode() {
        return repeatable.hashCode();
    }

    @Override
    public String toString() {
        return reads;
    }
}
