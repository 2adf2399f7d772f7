package dev.gatehouse.cli;

import dev.gatehouse.client.GatehouseException;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/** How the command line shows a server's problem: status, code, detail, field errors, where to resume. Stateless. */
final class Problems {

    private Problems() {
    }

    /** {@code 400 invalid_input: detail} and a line per field error ({@code   field: reason}). */
    static String describe(GatehouseException e) {
        StringBuilder text = new StringBuilder();
        if (e.status() != 0) {
            text.append(e.status()).append(' ');
        }
        text.append(e.code()).append(": ").append(e.detail());
        JsonNode problem = e.problem();
        if (problem.has("resume_from_line")) {
            long committed = problem.path("committed_lines").asLong();
            // a deployment's import names the organization the line to resume at belongs to, when one exists
            String inOrganization = problem.path("resume_org_id").isIntegralNumber()
                    ? " --org-id " + problem.get("resume_org_id").asString() : "";
            text.append(committed == 0 ? " (nothing is committed)" : " (lines 1.." + committed
                    + " are committed; resume with --from-line " + problem.get("resume_from_line").asString()
                    + inOrganization + ")");
        }
        for (Map.Entry<String, String> field : e.fieldErrors().entrySet()) {
            text.append(System.lineSeparator()).append("  ").append(field.getKey()).append(": ")
                    .append(field.getValue());
        }
        return text.toString();
    }
}
