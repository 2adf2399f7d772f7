package dev.gatehouse.cli;

import dev.gatehouse.client.GatehouseException;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;

/**
 * How the command line shows a server's problem: status, code, detail, field errors, where to resume; an answer
 * that did not come in time says which option waits longer, and how long it waited as that option takes it. What
 * the server says is {@link Display#escaped}: a detail quotes names and values a user stored, so each part stays on
 * its line. Stateless.
 */
final class Problems {

    /** The client's code for an answer that did not come within its timeout. */
    private static final String TIMEOUT = "timeout";

    /** What bounds the wait for an answer of every request but a bulk import's. */
    static final String REQUEST_WAIT = "--timeout sets how long to wait for each answer";

    /**
     * What bounds the wait for a bulk import's answer: the client's bulk timeout (an hour), since the answer starts
     * only once the whole file is sent ({@code --timeout} would cut a large import short); no option changes it.
     */
    static final String IMPORT_WAIT = "an import's answer, which starts only once the whole file is sent, is waited "
            + "for up to the client's bulk timeout, which --timeout does not change";

    /**
     * A duration as the client writes it in a timeout's detail ({@code no complete answer within PT1M}, by
     * {@link Duration#toString}); only after "within ", since the detail's path may hold a user's text.
     */
    private static final Pattern DURATION =
            Pattern.compile("(?<=within )PT(?=\\d)(\\d+H)?(\\d+M)?(\\d+(\\.\\d+)?S)?\\b");

    private Problems() {
    }

    /** {@code detail} with each duration written as {@code --timeout} takes it ({@code 1m}, {@code 300ms}). */
    private static String asOption(String detail) {
        return DURATION.matcher(detail).replaceAll(
                duration -> Matcher.quoteReplacement(Connection.written(Duration.parse(duration.group()))));
    }

    /**
     * {@code 400 invalid_input: detail} and a line per field error ({@code   field: reason}); a timeout says that
     * {@code --timeout} sets the wait ({@link #REQUEST_WAIT}).
     */
    static String describe(GatehouseException e) {
        return describe(e, REQUEST_WAIT);
    }

    /** {@link #describe(GatehouseException)}, a timeout saying what bounded the wait: {@code waitedBy}. */
    static String describe(GatehouseException e, String waitedBy) {
        StringBuilder text = new StringBuilder();
        if (e.status() != 0) {
            text.append(e.status()).append(' ');
        }
        boolean timedOut = e.status() == 0 && TIMEOUT.equals(e.code());
        text.append(Display.escaped(e.code())).append(": ")
                .append(Display.escaped(timedOut ? asOption(e.detail()) : e.detail()));
        if (timedOut) {
            text.append(" (the server did not answer in time; ").append(waitedBy).append(")");
        }
        JsonNode problem = e.problem();
        if (problem.has("resume_from_line")) {
            long committed = problem.path("committed_lines").asLong();
            // a deployment's import names the organization the line to resume at belongs to, when one exists
            String inOrganization = problem.path("resume_org_id").isIntegralNumber()
                    ? " --org-id " + problem.get("resume_org_id").asString() : "";
            String resume = "resume with --from-line " + problem.get("resume_from_line").asString() + inOrganization;
            long skipped = problem.path("progress").path("skipped_lines").asLong();
            if (committed == 0) {
                text.append(" (nothing is committed)");
            } else if (problem.path("progress").path("chunks").asLong() == 0 && skipped > 0) {
                // committed_lines counts the lines --from-line skipped: this run committed none of them
                text.append(" (nothing committed by this run, which skipped lines 1..").append(skipped)
                        .append("; once the line is fixed, ").append(resume).append(")");
            } else {
                text.append(" (lines 1..").append(committed).append(" are committed; ").append(resume).append(")");
            }
        }
        for (Map.Entry<String, String> field : e.fieldErrors().entrySet()) {
            text.append(System.lineSeparator()).append("  ").append(Display.escaped(field.getKey())).append(": ")
                    .append(Display.escaped(field.getValue()));
        }
        return text.toString();
    }
}
