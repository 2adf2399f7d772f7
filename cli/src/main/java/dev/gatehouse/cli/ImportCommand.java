package dev.gatehouse.cli;

import dev.gatehouse.client.Bulk.ImportOptions;
import dev.gatehouse.client.Bulk.ImportResult;
import dev.gatehouse.client.GatehouseClient;
import dev.gatehouse.client.GatehouseException;
import dev.gatehouse.client.OrgClient;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code gatehouse import --org ORG FILE|-}: sends NDJSON lines (an export, or lines written by hand) to the
 * organization's bulk import, shows progress on standard error as chunks commit (a bar over the file's lines on a
 * terminal) and prints the result as JSON on standard output. Exits 0 when every line committed, 1 when a line failed
 * (the problem says which and where to resume: {@code --from-line}), 2 on any other error. Not thread-safe.
 */
@Command(name = "import", mixinStandardHelpOptions = true,
        description = "Import NDJSON lines (roles, members, groups, assignments) into an organization. Exits 0 when "
                + "every line committed, 1 when a line failed (resume with --from-line), 2 on another error.")
final class ImportCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--chunk-lines", description = "lines per transaction, 1..10000 (default: the server's, 5000)")
    Integer chunkLines;

    @Option(names = "--from-line", description = "the first line to write; earlier lines are skipped (resume)")
    Long fromLine;

    @Parameters(index = "0", paramLabel = "FILE", description = "the NDJSON file, or - for standard input")
    String file;

    @Mixin
    OrgOption org;

    @Mixin
    Connection connection;

    @Override
    public Integer call() {
        Path path = "-".equals(file) ? null : ReadableFile.require(file);
        ImportOptions options = new ImportOptions(chunkLines, fromLine);
        Progress progress = new Progress(spec.commandLine().getErr(), spec.qualifiedName(),
                GatehouseCli.of(spec).stderrTerminal());
        long total = path != null && GatehouseCli.of(spec).stderrTerminal() ? countLines(path) : 0;
        Consumer<ImportResult> shown = p -> progress.step(p.committedLines(), total, p.committedLines()
                + " lines committed (" + chunks(p.chunks()) + ", revision " + p.revision() + ")", true, true);
        try (GatehouseClient gatehouse = connection.open()) {
            OrgClient organization = gatehouse.org(org.id);
            // A refusal that needs no line (a bad key, an organization missing or not the key's) is asked for first:
            // answered while the body is still being sent, it would reach the client as a broken connection.
            organization.get();
            ImportResult result;
            if (path != null) {
                result = organization.bulk().importFrom(path, options, shown);
            } else {
                InputStream in = GatehouseCli.of(spec).stdin();
                result = organization.bulk().importFrom(in, options, shown);
            }
            progress.finish(summary(result));
            spec.commandLine().getOut().println(Output.LINES.writeValueAsString(result));
            spec.commandLine().getOut().flush();
            return ExitCodes.OK;
        } catch (GatehouseException e) {
            progress.finish(Problems.describe(e));
            return e.problem().has("line") ? ExitCodes.NO : ExitCodes.ERROR;
        }
    }

    /**
     * The server's answer for people. A {@code --from-line} past the last line commits nothing, though the answer's
     * {@code committed_lines} (the last line whose chunk committed, counting the skipped ones) reaches the end.
     */
    private String summary(ImportResult result) {
        if (result.chunks() == 0 && result.skippedLines() > 0 && result.skippedLines() >= result.lines()) {
            return "nothing committed: --from-line " + fromLine + " is past the last line (" + result.lines()
                    + " lines read, every one skipped)";
        }
        return result.committedLines() + " of " + result.lines() + " lines committed in " + chunks(result.chunks())
                + ", revision " + result.revision();
    }

    private static String chunks(long count) {
        return count + (count == 1 ? " chunk" : " chunks");
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
