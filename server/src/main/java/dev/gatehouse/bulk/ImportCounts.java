package dev.gatehouse.bulk;

import dev.gatehouse.json.Json;
import java.util.EnumMap;
import java.util.Map;
import tools.jackson.databind.node.ObjectNode;

/**
 * How many objects of each kind an import created, updated, deleted or left as they were, and of the grant sets it
 * created or updated, how many it stored for a member whose company role takes no grants ({@code kept}: held, not
 * counting). One per chunk while it is written, added to the import's total once the chunk has committed. Not
 * thread-safe.
 */
final class ImportCounts {

    /** What a line did to its object. */
    public enum Outcome { CREATED, UPDATED, DELETED, UNCHANGED }

    private final Map<ImportLine.Kind, long[]> counts = new EnumMap<>(ImportLine.Kind.class);
    private long keptGrants;

    void count(ImportLine.Kind kind, Outcome outcome) {
        counts.computeIfAbsent(kind, k -> new long[Outcome.values().length])[outcome.ordinal()]++;
    }

    /** A grants line created or updated (counted so too) a set its member keeps without it counting. */
    void keptGrants() {
        keptGrants++;
    }

    void add(ImportCounts other) {
        keptGrants += other.keptGrants;
        other.counts.forEach((kind, values) -> {
            long[] mine = counts.computeIfAbsent(kind, k -> new long[Outcome.values().length]);
            for (int i = 0; i < values.length; i++) {
                mine[i] += values[i];
            }
        });
    }

    long get(ImportLine.Kind kind, Outcome outcome) {
        long[] values = counts.get(kind);
        return values == null ? 0 : values[outcome.ordinal()];
    }

    ImportCounts copy() {
        ImportCounts copy = new ImportCounts();
        copy.add(this);
        return copy;
    }

    /**
     * {@code {"assignment": {"created": n, "updated": n, "deleted": n, "unchanged": n}, …}}, every kind present;
     * {@code grants} has {@code kept} besides.
     */
    ObjectNode json() {
        ObjectNode n = Json.object();
        for (ImportLine.Kind kind : ImportLine.Kind.values()) {
            if (kind == ImportLine.Kind.HEADER) {
                continue;
            }
            ObjectNode k = n.putObject(kind.wire());
            for (Outcome outcome : Outcome.values()) {
                k.put(outcome.name().toLowerCase(java.util.Locale.ROOT), get(kind, outcome));
            }
            if (kind == ImportLine.Kind.GRANTS) {
                k.put("kept", keptGrants);
            }
        }
        return n;
    }
}
