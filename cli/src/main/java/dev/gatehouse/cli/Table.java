package dev.gatehouse.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * Plain text tables: aligned columns, a header row, no borders. A cell shows its value {@link Display#escaped}, so a
 * row is one line whatever the value holds, and columns are padded by {@link Display#width}, so they line up when a
 * value holds wide (CJK) or combining characters. Stateless.
 */
final class Table {

    private Table() {
    }

    /** The columns of one kind of row. */
    record Columns<T>(List<Output.Column<T>> columns) {

        Columns {
            columns = List.copyOf(columns);
        }

        @SafeVarargs
        @SuppressWarnings("varargs") // the array is only copied
        static <T> Columns<T> of(Output.Column<T>... columns) {
            return new Columns<>(List.of(columns));
        }
    }

    /** A column of {@code header} reading {@code read}. */
    static <T> Output.Column<T> col(String header, java.util.function.Function<T, Object> read) {
        return new Output.Column<>(header, read);
    }

    /** A header row and a row per value. */
    static <T> void rows(PrintWriter out, Columns<T> columns, List<T> values) {
        List<String[]> lines = new ArrayList<>();
        lines.add(columns.columns().stream().map(Output.Column::header).toArray(String[]::new));
        for (T value : values) {
            lines.add(columns.columns().stream().map(c -> cell(c.read().apply(value))).toArray(String[]::new));
        }
        print(out, lines);
    }

    /** A row per column: its header and the value's cell. */
    static <T> void vertical(PrintWriter out, Columns<T> columns, T value) {
        List<String[]> lines = new ArrayList<>();
        for (Output.Column<T> c : columns.columns()) {
            lines.add(new String[] {c.header(), cell(c.read().apply(value))});
        }
        print(out, lines);
    }

    private static String cell(Object value) {
        return Display.escaped(Output.cell(value));
    }

    private static void print(PrintWriter out, List<String[]> lines) {
        int width = lines.get(0).length;
        int[] widths = new int[width];
        for (String[] line : lines) {
            for (int i = 0; i < width; i++) {
                widths[i] = Math.max(widths[i], Display.width(line[i]));
            }
        }
        for (String[] line : lines) {
            StringBuilder text = new StringBuilder();
            for (int i = 0; i < width; i++) {
                text.append(line[i]);
                if (i < width - 1) {
                    text.append(" ".repeat(widths[i] - Display.width(line[i]) + 2));
                }
            }
            out.println(text.toString().stripTrailing());
        }
    }
}
