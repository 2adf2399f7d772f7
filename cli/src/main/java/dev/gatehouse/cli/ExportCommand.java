package dev.gatehouse.cli;

import dev.gatehouse.client.Bulk;
import dev.gatehouse.client.GatehouseClient;
import java.io.PrintWriter;
import java.util.Iterator;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import tools.jackson.core.JacksonException;

/**
 * {@code gatehouse export --org ORG}: the organization as NDJSON on standard output (roles, members, groups,
 * assignments at one revision, the first line a header naming it), progress on standard error.
 * {@code gatehouse export --deployment}: every organization in one snapshot, each as an {@code organization} line
 * (name and model) followed by its export, what {@code import --deployment} takes back (service key). Exits 0 when
 * the export is complete, 2 on any error — a standard output closed early or not written whole included (the export
 * then stops), and an answer that is not an export: the client refuses one that is not NDJSON, and this command one
 * whose first line is not an export's (a {@code header}; the deployment's an {@code organization} line), before
 * writing anything; and a server that sends nothing for {@code --timeout}, waited for at the answer's start and for
 * each line ({@link StallWatch}).
 */
@Command(name = "export", mixinStandardHelpOptions = true,
        description = "Write an organization's roles, members, groups and assignments as NDJSON to standard output; "
                + "with --deployment, every organization's, each after an organization line.")
final class ExportCommand implements Callable<Integer> {

    private static final int PLAIN_EVERY = 10_000;
    private static final int CHECK_EVERY = 1_000;
    private static final String INCOMPLETE = "standard output could not be written whole (closed early, a full "
            + "disk, a file size limit): the export is incomplete";

    @Spec
    CommandSpec spec;

    @ArgGroup(exclusive = true, multiplicity = "1")
    BulkScope scope;

    @Mixin
    Connection connection;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        Progress progress = new Progress(spec.commandLine().getErr(), spec.qualifiedName(),
                GatehouseCli.of(spec).stderrTerminal());
        long lines = 0;
        long bytes = 0;
        long organizations = 0;
        String revision = "?";
        GatehouseClient gatehouse = connection.open();
        try (gatehouse; StallWatch watch = new StallWatch(connection.timeout, gatehouse::close)) {
            // the answer's start and each line are waited for at most --timeout; writing them out is not
            watch.waiting();
            try (Stream<String> export = bulk(gatehouse).export()) {
                Iterator<String> each = export.iterator();
                while (each.hasNext()) {
                    String line = each.next();
                    watch.arrived();
                    if (lines == 0) {
                        requireExportStart(line);
                    }
                    if (lines < 2 && "?".equals(revision)) {
                        // the first header: an organization's first line, the deployment's second
                        revision = field(line, "revision", "?");
                    }
                    if (scope.deployment && line.contains("\"organization\"")
                            && "organization".equals(field(line, "type", ""))) {
                        organizations++;
                    }
                    out.println(line);
                    lines++;
                    if (lines % CHECK_EVERY == 0 && out.checkError()) {
                        // the reader went away (| head) or the disk is full: stop reading the export instead of
                        // fetching it all for nothing. A write failed somewhere in the last CHECK_EVERY lines, and
                        // which one is not known (a PrintWriter only remembers that one did): the count is of the
                        // lines read
                        progress.finish(INCOMPLETE + "; stopped reading it at line " + lines);
                        return ExitCodes.ERROR;
                    }
                    bytes += line.length() + 1;
                    progress.step(lines, 0, Display.counted(lines, "line") + ", " + (bytes / 1024) + " KiB",
                            lines % PLAIN_EVERY == 0, false);
                    watch.waiting();
                }
            } catch (RuntimeException failed) {
                if (watch.stalled()) {
                    throw new CliException("the server sent nothing for " + Connection.written(watch.timeout())
                            + " (--timeout sets how long to wait): the export is incomplete, "
                            + Display.counted(lines, "line") + " written", failed);
                }
                throw failed;
            }
        }
        if (out.checkError()) {
            // the last block failed (a full disk, a file size limit): never a summary that calls it complete
            progress.finish(INCOMPLETE);
            return ExitCodes.ERROR;
        }
        if (!scope.deployment) {
            progress.finish("organization " + scope.org + ": " + Display.counted(lines, "line") + " at revision "
                    + revision);
        } else if (organizations == 0) {
            progress.finish("deployment: no organizations to export");
        } else {
            progress.finish("deployment: " + Display.counted(organizations, "organization") + ", "
                    + Display.counted(lines, "line") + " at revision " + revision);
        }
        return ExitCodes.OK;
    }

    /**
     * Refuses an answer whose first line does not start an export: a 200 from something else than the server's
     * export (a proxy's page, a JSON object) would otherwise be written out and called complete.
     */
    private void requireExportStart(String line) {
        String expected = scope.deployment ? "organization" : "header";
        if (!expected.equals(field(line, "type", null))) {
            throw new CliException("the answer is not an export: its first line is not " + (scope.deployment
                    ? "an organization line" : "a header") + " ({\"type\": \"" + expected + "\", …}) but "
                    + (line.codePointCount(0, line.length()) > 80 ? line.substring(0, line.offsetByCodePoints(0, 80))
                    + "…" : line) + "; nothing was written");
        }
    }

    private Bulk bulk(GatehouseClient gatehouse) {
        return scope.deployment ? gatehouse.bulk() : gatehouse.org(scope.org).bulk();
    }

    /** A field of an export line as text, or {@code fallback} when the line is not JSON or lacks it. */
    private static String field(String line, String name, String fallback) {
        try {
            return Output.JSON.readTree(line).path(name).asString(fallback);
        } catch (JacksonException notJson) {
            return fallback;
        }
    }
}
