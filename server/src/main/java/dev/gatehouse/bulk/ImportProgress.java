package dev.gatehouse.bulk;

import dev.gatehouse.json.Json;
import tools.jackson.databind.node.ObjectNode;

/**
 * Where an import stands: lines read from the body, the last line whose chunk has committed ({@code 0}: none),
 * lines skipped before {@code from_line}, chunks committed, the revision of the last commit (the import's
 * consistency token; {@code 0} while nothing committed) and what the committed chunks did. Immutable.
 */
public record ImportProgress(long linesRead, long committedLines, long skippedLines, int chunks, long revision,
                             ImportCounts counts) {

    public ImportProgress {
        counts = counts.copy();
    }

    /** The answer's and the progress lines' JSON. */
    public ObjectNode json() {
        ObjectNode n = Json.object();
        n.put("lines", linesRead);
        n.put("committed_lines", committedLines);
        n.put("skipped_lines", skippedLines);
        n.put("chunks", chunks);
        n.put("revision", revision);
        n.set("counts", counts.json());
        return n;
    }

    /** How many objects of a kind (its wire name, e.g. {@code assignment}) had this outcome ({@code created}, …). */
    public long count(String kind, String outcome) {
        for (ImportLine.Kind k : ImportLine.Kind.values()) {
            if (k.wire().equals(kind)) {
                return counts.get(k, ImportCounts.Outcome.valueOf(outcome.toUpperCase(java.util.Locale.ROOT)));
            }
        }
        throw new IllegalArgumentException("no kind " + kind);
    }
}
