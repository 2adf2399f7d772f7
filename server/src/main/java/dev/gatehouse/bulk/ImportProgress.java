package dev.gatehouse.bulk;

import dev.gatehouse.json.Json;
import java.util.List;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Where an import stands: lines read from the body, the last line whose chunk has committed ({@code 0}: none),
 * lines skipped before {@code from_line}, chunks committed, the revision of the last commit (the import's
 * consistency token; {@code 0} while nothing committed) and what the committed chunks did. Immutable.
 */
public record ImportProgress(long linesRead, long committedLines, long skippedLines, int chunks, long revision,
                             ImportCounts counts, Organizations organizations) {

    /**
     * A deployment's import: the organizations it created ({@code created}, in line order; null in a progress
     * line) and the organization its last committed line belongs to ({@code orgId}, 0: none), where a resumed
     * import's first lines go.
     */
    public record Organizations(List<Created> created, long orgId) {
    }

    /** An organization a deployment's import created: at which line, and its id. */
    public record Created(long line, long orgId) {
    }

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
        if (organizations != null) {
            n.put("org_id", organizations.orgId() == 0 ? null : organizations.orgId());
            if (organizations.created() != null) {
                ArrayNode list = n.putArray("organizations");
                for (Created c : organizations.created()) {
                    list.addObject().put("line", c.line()).put("org_id", c.orgId());
                }
            }
        }
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
