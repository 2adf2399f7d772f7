package dev.gatehouse.enginefeed;

import dev.gatehouse.testing.Http;
import java.util.List;
import java.util.Map;

/**
 * The same decision questions sent to several nodes of one database (the writing node, a follower, one rebuilt from
 * the tables): their answers — explanations, reasons and revisions included — must be identical, not merely agree
 * with a reference. Used by the randomized decision tests once their writes are done. Stateless.
 */
final class SameAnswers {

    private SameAnswers() {
    }

    /**
     * Sends {@code checks} (as {@code check/batch} requests of at most 1,000) and {@code reads} (GET paths) to every
     * node and returns null when all answered alike, else what differed first.
     */
    static String differences(List<Http> nodes, String orgPath, List<Map<String, Object>> checks, long minRevision,
                              List<String> reads) {
        List<String> first = null;
        for (Http node : nodes) {
            List<String> answers = new java.util.ArrayList<>();
            for (int from = 0; from < checks.size(); from += 1000) {
                answers.add(node.post(orgPath + "/check/batch", Map.of("checks", checks.subList(from,
                        Math.min(checks.size(), from + 1000)), "min_revision", minRevision)).body());
            }
            reads.forEach(path -> answers.add(node.get(path).body()));
            if (first == null) {
                first = answers;
                continue;
            }
            int batches = (checks.size() + 999) / 1000;
            for (int i = 0; i < answers.size(); i++) {
                if (!answers.get(i).equals(first.get(i))) {
                    return (i < batches ? "check/batch " + i : reads.get(i - batches)) + ": the first node answered "
                            + first.get(i) + ", another " + answers.get(i);
                }
            }
        }
        return null;
    }
}
