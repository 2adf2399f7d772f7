package dev.gatehouse.cli;

import dev.gatehouse.json.Json;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * {@code gatehouse import --org ORG FILE|-}: streams an NDJSON file (or standard input) to
 * {@code POST /v1/orgs/{org}/import}, shows the server's progress lines on standard error as chunks commit, and
 * prints the result on standard output. Exits 0 when every line committed, 1 when a line failed (the problem
 * names it and where to resume: {@code --from-line}), 2 on any other error. Not thread-safe (one run).
 */
@Command(name = "import", mixinStandardHelpOptions = true,
        description = "Import NDJSON lines (roles, members, groups, assignments) into an organization.")
public final class ImportCommand implements Callable<Integer> {

    static final int LINE_FAILED = 1;
    static final int ERROR = 2;

    @Option(names = "--org", required = true, description = "the organization's id")
    long org;

    @Option(names = "--chunk-lines", defaultValue = "5000", description = "lines per transaction, 1..10000 (default 5000)")
    int chunkLines;

    @Option(names = "--from-line", defaultValue = "1", description = "the first line to write; earlier lines are skipped (resume)")
    long fromLine;

    @Parameters(index = "0", paramLabel = "FILE", description = "the NDJSON file, or - for standard input")
    String file;

    @Mixin
    Remote remote;

    @Override
    public Integer call() {
        if (!"-".equals(file) && !Files.isReadable(Path.of(file))) {
            System.err.println("gatehouse import: cannot read " + file);
            return ERROR;
        }
        try {
            // A refusal that needs no line (a bad key, an organization missing or not the key's) is asked for first:
            // answered while the body is still being sent, it would reach the client as a connection the server
            // closed, not as the refusal.
            HttpResponse<byte[]> reachable = remote.client().send(remote.request("/v1/orgs/" + org).GET().build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            if (reachable.statusCode() != 200) {
                System.err.println("gatehouse import: " + Problems.describe(reachable.statusCode(), reachable.body()));
                return ERROR;
            }
            HttpRequest request = remote.request("/v1/orgs/" + org + "/import?chunk_lines=" + chunkLines
                            + "&from_line=" + fromLine)
                    .header("Content-Type", "application/x-ndjson").header("Accept", "application/x-ndjson")
                    .POST(HttpRequest.BodyPublishers.ofInputStream(this::body)).build();
            HttpResponse<InputStream> res = remote.client().send(request, HttpResponse.BodyHandlers.ofInputStream());
            try (InputStream in = res.body()) {
                if (res.statusCode() != 200) {
                    byte[] problem = in.readAllBytes();
                    System.err.println("gatehouse import: " + Problems.describe(res.statusCode(), problem));
                    return Problems.namesLine(problem) ? LINE_FAILED : ERROR;
                }
                return follow(new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)));
            }
        } catch (IOException | IllegalArgumentException | UncheckedIOException | JacksonException e) {
            System.err.println("gatehouse import: " + e.getMessage());
            return ERROR;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return ERROR;
        }
    }

    private InputStream body() {
        if ("-".equals(file)) {
            return System.in;
        }
        try {
            return Files.newInputStream(Path.of(file));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /** Shows progress lines as they come; the last line is the result or the error. */
    private static int follow(BufferedReader lines) throws IOException {
        String line;
        while ((line = lines.readLine()) != null) {
            if (line.isBlank()) {
                continue;
            }
            JsonNode node = Json.readTree(line);
            if (node.has("progress")) {
                JsonNode p = node.get("progress");
                System.err.println("gatehouse import: " + p.path("committed_lines").asString() + " lines committed ("
                        + p.path("chunks").asString() + " chunks, revision " + p.path("revision").asString() + ")");
            } else if (node.has("result")) {
                System.out.println(Json.writeString(node.get("result")));
                return 0;
            } else if (node.has("error")) {
                System.err.println("gatehouse import: " + Problems.describe(node.get("error")));
                return node.get("error").has("line") ? LINE_FAILED : ERROR;
            }
        }
        System.err.println("gatehouse import: the server's answer ended without a result");
        return ERROR;
    }
}
