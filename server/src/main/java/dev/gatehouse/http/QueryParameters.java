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
 * single-valued one given twice, is a 400 {@code invalid_query} naming each such parameter in {@code errors} (at most
 * {@link Fields#MAX_NAMED}, as any invalid input) and listing what the route reads — never a silently ignored typo,
 * nor a silent pick of one value.
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
     * @throws InvalidInputException {@code invalid_query}, naming the first {@link Fields#MAX_NAMED} refused
     *         parameters, in the detail and as field errors alike, the detail counting the rest: an answer stays
     *         small whatever a query holds (a query of 8 KiB can hold over a thousand parameters). Each name is shown
     *         printable and abbreviated ({@link Fields#abbreviate}); names shown alike are told apart
     *         ({@link #distinct}).
     */
    public void check(Map<String, List<String>> given) {
        Map<String, String> errors = null;
        StringBuilder detail = null;
        int refused = 0;
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
            if (++refused > Fields.MAX_NAMED) {
                continue;
            }
            if (errors == null) {
                errors = new LinkedHashMap<>();
                detail = new StringBuilder();
            }
            String shown = Fields.distinct(errors, Text.printable(Fields.abbreviate(name)));
            errors.put(shown, problem);
            detail.append(shown.isEmpty() ? "(no name)" : shown).append(": ").append(problem).append("; ");
        }
        if (errors != null) {
            int more = refused - errors.size();
            if (more > 0) {
                detail.append("and ").append(more).append(more == 1 ? " more parameter; " : " more parameters; ");
            }
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
