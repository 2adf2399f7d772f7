package dev.gatehouse.cli;

import dev.gatehouse.client.Bulk;
import dev.gatehouse.client.Bulk.ImportOptions;
import dev.gatehouse.client.Bulk.ImportResult;
import dev.gatehouse.client.GatehouseClient;
import dev.gatehouse.client.GatehouseException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code gatehouse import --org ORG FILE|-}: sends NDJSON lines (an export, or lines written by hand) to the
 * organization's bulk import, shows progress on standard error as chunks commit (a bar over the file's lines on a
 * terminal) and prints the result as JSON on standard output. {@code gatehouse import --deployment FILE|-} sends
 * them to the deployment's import (service key), each organization's lines after the {@code organization} line that
 * creates or names it; its result also lists the organizations created and the organization the last committed line
 * belongs to. Exits 0 when every line committed, 1 when a line failed (the problem says which and where to resume:
 * {@code --from-line}, and with {@code --deployment} also {@code --org-id}), 2 on any other error. Not thread-safe.
 */
@Command(name = "import", mixinStandardHelpOptions = true,
        description = "Import NDJSON lines (roles, members, groups, assignments) into an organization, or with "
                + "--deployment into many, each after an organization line. Exits 0 when every line committed, 1 "
                + "when a line failed (resume with --from-line, and --org-id with --deployment), 2 on another error.")
final class ImportCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--chunk-lines", description = "lines per transaction, 1..10000 (default: the server's, 5000)")
    Integer chunkLines;

    @Option(names = "--from-line", description = "the first line to write; earlier lines are skipped (resume)")
    Long fromLine;

    @Option(names = "--org-id", paramLabel = "ORG_ID", description = "with --deployment, resuming: the organization "
            + "the lines from --from-line belong to, up to the next organization line (a failure names it)")
    Long orgId;

    @Parameters(index = "0", paramLabel = "FILE", description = "the NDJSON file, or - for standard input")
    String file;

    @ArgGroup(exclusive = true, multiplicity = "1")
    BulkScope scope;

    @Mixin
    Connection connection;

    @Override
    public Integer call() {
        if (orgId != null && !scope.deployment) {
            throw new ParameterException(spec.commandLine(), "--org-id names the organization a --deployment import "
                    + "resumes in; with --org every line goes to organization " + scope.org);
        }
        Path path = "-".equals(file) ? null : ReadableFile.require(file);
        ImportOptions options = new ImportOptions(chunkLines, fromLine, orgId);
        Progress progress = new Progress(spec.commandLine().getErr(), spec.qualifiedName(),
                GatehouseCli.of(spec).stderrTerminal());
        // a pipe is read once: its lines are not counted first, and it is sent as standard input is
        long total = path != null && !ReadableFile.stream(path) && GatehouseCli.of(spec).stderrTerminal()
                ? countLines(path) : 0;
        // the lines this run committed, without those --from-line skipped (committed_lines counts them: summary)
        Consumer<ImportResult> shown = p -> progress.step(p.committedLines(), total,
                Display.counted(p.committedLines() - p.skippedLines(), "line") + " committed ("
                        + Display.counted(p.chunks(), "chunk") + ", revision "
                        + p.revision() + ")", true, true);
        try (GatehouseClient gatehouse = connection.open()) {
            Bulk bulk = scope.deployment ? gatehouse.bulk() : gatehouse.org(scope.org).bulk();
            // the client reads a pipe or a device once, as a stream (Bulk.importFrom(Path))
            ImportResult result = path != null ? bulk.importFrom(path, options, shown)
                    : bulk.importFrom(GatehouseCli.of(spec).stdin(), options, shown);
            progress.finish(summary(result));
            spec.commandLine().getOut().println(Output.LINES.writeValueAsString(shown(result)));
            spec.commandLine().getOut().flush();
            return ExitCodes.OK;
        } catch (GatehouseException e) {
            progress.finish(described(e));
            return e.problem().has("line") ? ExitCodes.NO : ExitCodes.ERROR;
        }
    }

    /**
     * A failed import's problem as the command shows it: a timeout names the bulk timeout, which bounds the wait for
     * an import's answer, not {@code --timeout} ({@link Problems#IMPORT_WAIT}).
     */
    static String described(GatehouseException e) {
        return Problems.describe(e, Problems.IMPORT_WAIT);
    }

    /**
     * The result as JSON, as the server answers it: the kinds in its order, {@code kept} where it counts one
     * ({@code grants}); an organization's import's without the deployment's two fields.
     */
    private ObjectNode shown(ImportResult result) {
        ObjectNode json = Output.LINES.valueToTree(result);
        for (JsonNode kind : json.path("counts")) {
            if (kind.path("kept").isNull()) {
                ((ObjectNode) kind).remove("kept");
            }
        }
        if (!scope.deployment) {
            json.remove("org_id");
            json.remove("organizations");
        }
        return json;
    }

    /**
     * The server's answer for people: the lines this run committed, without those {@code --from-line} skipped, which
     * the answer's {@code committed_lines} (the last line whose chunk committed) counts. A {@code --from-line} past the
     * last line commits nothing, though {@code committed_lines} reaches the end.
     */
    private String summary(ImportResult result) {
        if (result.chunks() == 0 && result.skippedLines() > 0 && result.skippedLines() >= result.lines()) {
            return "nothing committed: --from-line " + fromLine + " is past the last line ("
                    + Display.counted(result.lines(), "line") + " read, every one skipped)";
        }
        String created = scope.deployment
                ? ", " + Display.counted(result.organizations().size(), "organization") + " created" : "";
        String skipped = result.skippedLines() > 0 ? " (lines 1.." + result.skippedLines() + " skipped by --from-line)"
                : "";
        return (result.committedLines() - result.skippedLines()) + " of " + Display.counted(result.lines(), "line")
                + " committed" + skipped + " in " + Display.counted(result.chunks(), "chunk") + ", revision "
                + result.revision() + created;
    }

    private static long countLines(Path path) {
        try (InputStream in = Files.newInputStream(path)) {
            byte[] buffer = new byte[1 << 16];
            long lines = 0;
            int read;
            while ((read = in.read(buffer)) > 0) {
                for (int i = 0; i < read; i++) {
                    if (buffer[i] == '\n') {
                        lines++;
                    }
                }
            }
            return lines;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + path + ": " + e.getMessage(), e);
        }
    }
}
