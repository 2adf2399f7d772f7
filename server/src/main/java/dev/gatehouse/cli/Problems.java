package dev.gatehouse.cli;

import dev.gatehouse.json.Json;
import java.nio.charset.StandardCharsets;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/** How a client command shows a server's problem document. Stateless. */
final class Problems {

    private Problems() {
    }

    /** "status code: detail" from a problem document, or the status and the body's start. */
    static String describe(int status, byte[] body) {
        try {
            return describe(Json.MAPPER.readTree(body));
        } catch (JacksonException e) {
            String text = new String(body, StandardCharsets.UTF_8);
            return "HTTP " + status + (text.isBlank() ? "" : ": " + text.substring(0, Math.min(200, text.length())));
        }
    }

    /** Whether a problem document names a failing import line (it then says where to resume). */
    static boolean namesLine(byte[] body) {
        try {
            return Json.MAPPER.readTree(body).has("line");
        } catch (JacksonException e) {
            return false;
        }
    }

    static String describe(JsonNode problem) {
        String text = problem.path("status").asString("?") + " " + problem.path("code").asString("error") + ": "
                + problem.path("detail").asString("");
        if (problem.has("resume_from_line")) {
            long committed = problem.path("committed_lines").asLong();
            text += committed == 0 ? " (nothing is committed)" : " (lines 1.." + committed + " are committed; resume "
                    + "with --from-line " + problem.get("resume_from_line").asString() + ")";
        }
        return text;
    }
}
