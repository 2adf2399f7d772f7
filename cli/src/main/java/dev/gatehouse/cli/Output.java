package dev.gatehouse.cli;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.gatehouse.client.Decisions.Explanation;
import dev.gatehouse.client.Events.Event;
import dev.gatehouse.client.ResourceRef;
import java.io.PrintWriter;
import java.util.List;
import java.util.function.Function;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.cfg.EnumFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * How a read shows what it got: {@code --output json} (the API's answer: its field names, snake_case, and its shape —
 * a client record written as it is where it mirrors the answer, else as the command rebuilds it, without the fields
 * the API leaves out when they have no value ({@link #JSON}); a list as one array; stable for scripts) or
 * {@code --output table} (columns for people). The default is a table when standard output is a terminal, JSON
 * otherwise. A picocli mixin; not thread-safe.
 */
final class Output {

    /** The two forms. */
    enum Format { JSON, TABLE }

    /**
     * The client's records written as the API names their fields, and with its fields: a record holds null for a
     * field the API sends as null ({@code "before": null}) and for one it leaves out, which is written only when it
     * has a value, as the API writes it — an event's {@code delta} (a group's member change alone has one) and an
     * explanation's {@code ancestor} (a role on a parent resource alone has one). Thread-safe.
     */
    static final JsonMapper JSON = JsonMapper.builder()
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(EnumFeature.WRITE_ENUMS_TO_LOWERCASE)
            .enable(SerializationFeature.INDENT_OUTPUT)
            .addMixIn(Event.class, EventAnswer.class)
            .addMixIn(Explanation.class, ExplanationAnswer.class)
            .build();

    /** One value per line (NDJSON), for output that streams. Thread-safe. */
    static final JsonMapper LINES = JSON.rebuild().disable(SerializationFeature.INDENT_OUTPUT).build();

    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

    @Option(names = {"-o", "--output"}, paramLabel = "json|table",
            description = "json (stable, for scripts) or table; default: table on a terminal, else json")
    Format format;

    Format format() {
        return format != null ? format : GatehouseCli.of(spec).stdoutTerminal() ? Format.TABLE : Format.JSON;
    }

    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    /** One object: its JSON, or a two-column table of its fields. */
    <T> void one(T value, Table.Columns<T> columns) {
        one(value, Function.identity(), columns);
    }

    /**
     * One object whose client record is not shaped as the API answers (a record that nests what the API gives at the
     * top level): {@code answer} gives the API's shape for {@code --output json}, the table reads the record.
     */
    <T> void one(T value, Function<? super T, ?> answer, Table.Columns<T> columns) {
        if (format() == Format.JSON) {
            out().println(JSON.writeValueAsString(answer.apply(value)));
        } else {
            Table.vertical(out(), columns, value);
        }
        out().flush();
    }

    /** A list: a JSON array, or a table with a row per item. */
    <T> void list(List<T> values, Table.Columns<T> columns) {
        if (format() == Format.JSON) {
            out().println(JSON.writeValueAsString(values));
        } else {
            Table.rows(out(), columns, values);
        }
        out().flush();
    }

    /** A cell's text for a table: empty for null, lists joined by commas. */
    static String cell(Object value) {
        if (value == null) {
            return "";
        }
        if (value instanceof List<?> items) {
            return String.join(",", items.stream().map(String::valueOf).toList());
        }
        return String.valueOf(value);
    }

    /** An event as the API answers it: {@code delta} only when it has one. */
    private interface EventAnswer {
        @JsonInclude(JsonInclude.Include.NON_NULL)
        JsonNode delta();
    }

    /** An explanation as the API answers it: {@code ancestor} only when it has one. */
    private interface ExplanationAnswer {
        @JsonInclude(JsonInclude.Include.NON_NULL)
        ResourceRef ancestor();
    }

    /** A column: its header and how a row's cell is read. */
    record Column<T>(String header, Function<T, Object> read) {
    }
}
