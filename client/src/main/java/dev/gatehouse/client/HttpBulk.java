package dev.gatehouse.client;

import dev.gatehouse.client.Transport.Call;
import dev.gatehouse.client.Transport.Reply;
import dev.gatehouse.client.Transport.Safety;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.ByteArrayOutputStream;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublisher;
import java.net.http.HttpHeaders;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import tools.jackson.databind.JsonNode;

/**
 * {@link Bulk} over the native API, of one organization ({@code /v1/orgs/{org}/import}, {@code …/export}) or of the
 * deployment ({@code /v1/import}, {@code /v1/export}): the same requests under another base path, the deployment's
 * import also taking the organization to resume in ({@code org_id}). Imports and exports wait for their answer up to
 * the client's bulk timeout, not its request timeout: a large import's answer comes only after its last chunk
 * commits. Streamed bodies (an export's lines, an import's progress, which comes once the body is sent: the JDK's
 * client reads no answer before) are read as they come, without a bound, until they end or the client is closed
 * ({@link Transport#stream}); a connection breaking in one is a {@link TransportException} {@code io_error}. An
 * export answered with something else than NDJSON (a proxy's page, a JSON object) is no export: an
 * {@link UnexpectedResponseException} {@code malformed_answer}, before any of it is handed over. Immutable and
 * thread-safe.
 */
final class HttpBulk implements Bulk {

    static final String NDJSON = "application/x-ndjson";

    private final Requests requests;
    /** {@code /v1/orgs/{org}} or {@code /v1}. */
    private final String basePath;
    /** Whether this is the deployment's import and export, which alone take {@link ImportOptions#orgId()}. */
    private final boolean deployment;

    private HttpBulk(Requests requests, String basePath, boolean deployment) {
        this.requests = requests;
        this.basePath = basePath;
        this.deployment = deployment;
    }

    /** The bulk import and export of the organization at {@code orgPath} ({@code /v1/orgs/{org}}). */
    static HttpBulk organization(Requests requests, String orgPath) {
        return new HttpBulk(requests, orgPath, false);
    }

    /** The deployment's bulk import and export, every organization at once (service keys). */
    static HttpBulk deployment(Requests requests) {
        return new HttpBulk(requests, "/v1", true);
    }

    @Override
    public ImportResult importFrom(Path file) {
        return importFrom(file, ImportOptions.defaults());
    }

    @Override
    public ImportResult importFrom(Path file, ImportOptions options) {
        return fromFile(file, options, null);
    }

    @Override
    public ImportResult importFrom(InputStream lines, ImportOptions options) {
        Arguments.required(lines, "lines");
        return send(() -> HttpRequest.BodyPublishers.ofInputStream(() -> lines), false, options);
    }

    @Override
    public ImportResult importFrom(Path file, ImportOptions options, Consumer<ImportResult> progress) {
        return fromFile(file, options, progress);
    }

    @Override
    public ImportResult importFrom(InputStream lines, ImportOptions options, Consumer<ImportResult> progress) {
        Arguments.required(lines, "lines");
        return sendFollowing(() -> HttpRequest.BodyPublishers.ofInputStream(() -> lines), false, options, progress);
    }

    /**
     * The import of {@code file} ({@code progress}: null, none). A regular file is sent from disk, as many bytes as
     * its size, and retried like any write. A file read as a stream — a named pipe or a device ({@code /dev/stdin},
     * {@code <(zcat lines.gz)}), or one whose size the system reports as 0 ({@code /proc}) — is read once, as an
     * {@link InputStream} is: sending its size's bytes would send none. A file missing, not readable or a directory
     * is the caller's I/O, an {@link UncheckedIOException} before anything is sent.
     */
    private ImportResult fromFile(Path file, ImportOptions options, Consumer<ImportResult> progress) {
        Arguments.required(file, "file");
        if (Files.isDirectory(file) || !Files.isReadable(file)) {
            throw new UncheckedIOException(new FileNotFoundException("cannot read " + file
                    + (Files.isDirectory(file) ? ": it is a directory" : "")));
        }
        try {
            if (!Files.isRegularFile(file) || Files.size(file) == 0) {
                try (InputStream lines = Files.newInputStream(file)) {
                    return progress == null ? importFrom(lines, options) : importFrom(lines, options, progress);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        Supplier<BodyPublisher> body = () -> {
            try {
                return HttpRequest.BodyPublishers.ofFile(file);
            } catch (FileNotFoundException gone) {
                throw new UncheckedIOException(gone);
            }
        };
        return progress == null ? send(body, true, options) : sendFollowing(body, true, options, progress);
    }

    private ImportResult send(Supplier<BodyPublisher> body, boolean replayable, ImportOptions options) {
        // a write, but sending the same lines again changes nothing more: retried when the server did not apply it
        Reply<byte[]> reply;
        try {
            reply = requests.transport.send(importCall(body, replayable, options, Requests.JSON),
                    HttpResponse.BodyHandlers.ofByteArray());
        } catch (GatehouseException failure) {
            throw committed(failure);
        }
        String what = "POST " + basePath + "/import";
        return Wire.read(reply.status(), what, Wire.answer(reply.status(), what, reply.body()), ImportResult::from);
    }

    /**
     * The import answered as NDJSON: a {@code progress} line per committed chunk, then the {@code result}, or an
     * {@code error} (a problem document) once progress was sent.
     */
    private ImportResult sendFollowing(Supplier<BodyPublisher> body, boolean replayable, ImportOptions options,
                                       Consumer<ImportResult> progress) {
        Arguments.required(progress, "progress");
        Reply<InputStream> reply = requests.transport.stream(importCall(body, replayable, options, NDJSON));
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(reply.body(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = lines.readLine()) != null) {
                if (line.isBlank()) {
                    continue;
                }
                String what = "POST " + basePath + "/import";
                JsonNode answer = Wire.answer(reply.status(), what, line);
                if (answer.has("progress")) {
                    ImportResult sofar = Wire.read(reply.status(), what, answer.get("progress"), ImportResult::from);
                    requests.transport.observe(sofar.revision());
                    progress.accept(sofar);
                } else if (answer.has("result")) {
                    ImportResult result = Wire.read(reply.status(), what, answer.get("result"), ImportResult::from);
                    requests.transport.observe(result.revision());
                    return result;
                } else if (answer.has("error")) {
                    JsonNode problem = answer.get("error");
                    throw committed(Problem.of(problem.path("status").asInt(500),
                            HttpHeaders.of(Map.of(), (name, value) -> true), Wire.MAPPER.writeValueAsBytes(problem))
                            .exception());
                }
            }
        } catch (IOException broken) {
            throw new TransportException(Problem.local("io_error", "POST " + basePath + "/import: " + broken), broken);
        }
        throw new TransportException(Problem.local("io_error", "POST " + basePath
                + "/import: the answer ended without a result"), null);
    }

    /**
     * A failed import whose earlier chunks committed: the session has seen the revision they reached (the problem's
     * {@code revision}), so later decisions reflect them, as they would after a successful import.
     */
    private GatehouseException committed(GatehouseException failure) {
        JsonNode problem = failure.problem();
        JsonNode committedLines = problem.path("committed_lines");
        JsonNode revision = problem.path("revision");
        if (committedLines.isIntegralNumber() && committedLines.longValue() > 0 && revision.isIntegralNumber()) {
            requests.transport.observe(revision.longValue());
        }
        return failure;
    }

    private Call importCall(Supplier<BodyPublisher> body, boolean replayable, ImportOptions options, String accept) {
        Arguments.required(options, "options");
        if (options.orgId() != null && !deployment) {
            // an organization's lines go into it: an orgId is a deployment's resume point, given to the wrong import
            throw new IllegalArgumentException("orgId " + options.orgId() + " is for the deployment's import "
                    + "(GatehouseClient.bulk()); the import of " + basePath + " writes into that organization only");
        }
        String path = new Query(basePath + "/import").add("chunk_lines", options.chunkLines())
                .add("from_line", options.fromLine()).add("org_id", options.orgId()).toString();
        return new Call("POST", path, Safety.WRITE, body, replayable, NDJSON, accept, null, requests.bulkTimeout);
    }

    /**
     * The export's lines, read as they come; a connection breaking mid-stream, or an answer ending within a line, ends
     * it with a {@link TransportException}. Its body is released at its end, or when the stream is closed before.
     */
    @Override
    public Stream<String> export() {
        InputStream body = exportBody().body();
        Iterator<String> read = new Iterator<>() {
            private final byte[] buffer = new byte[64 * 1024];
            private int position;
            private int limit;
            private final ByteArrayOutputStream line = new ByteArrayOutputStream();
            private String next;
            private boolean ended;

            @Override
            public boolean hasNext() {
                if (next == null && !ended) {
                    next = line();
                }
                return next != null;
            }

            /** The next line, without its line break; null at the end. An answer ending within a line was cut. */
            private String line() {
                line.reset();
                while (true) {
                    if (position == limit) {
                        limit = read(body, buffer);
                        position = 0;
                        if (limit < 0) {
                            ended = true;
                            release(body);
                            if (line.size() > 0) {
                                throw cut(); // the line cut is not handed over
                            }
                            return null;
                        }
                    }
                    int start = position;
                    while (position < limit && buffer[position] != '\n') {
                        position++;
                    }
                    line.write(buffer, start, position - start);
                    if (position < limit) {
                        position++; // past the line break
                        break;
                    }
                }
                String text = line.toString(StandardCharsets.UTF_8);
                return text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
            }

            @Override
            public String next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                String line = next;
                next = null;
                return line;
            }
        };
        return StreamSupport.stream(Spliterators.spliteratorUnknownSize(read, Spliterator.ORDERED
                | Spliterator.NONNULL), false).onClose(() -> release(body));
    }

    /**
     * Copies the export to {@code out}: a failure reading the answer is a {@link TransportException}, a failure
     * writing to {@code out} (the caller's stream) an {@link UncheckedIOException}.
     */
    @Override
    public long exportTo(OutputStream out) {
        Arguments.required(out, "out");
        Reply<InputStream> reply = exportBody();
        InputStream in = reply.body();
        try {
            byte[] buffer = new byte[16 * 1024];
            byte last = '\n';
            for (int n = read(in, buffer); n >= 0; n = read(in, buffer)) {
                out.write(buffer, 0, n);
                last = n > 0 ? buffer[n - 1] : last;
            }
            if (last != '\n') {
                throw cut();
            }
        } catch (IOException yours) {
            // reading the answer is mapped in read(): what is left is the caller's own stream
            throw new UncheckedIOException("GET " + basePath + "/export: writing to the given stream failed", yours);
        } finally {
            release(in);
        }
        return reply.headers().firstValue(Transport.REVISION_HEADER).map(Long::parseLong).orElse(0L);
    }

    /** The export's answer, its body not yet read; one that is not NDJSON is refused (see the class comment). */
    private Reply<InputStream> exportBody() {
        Reply<InputStream> reply = requests.transport.stream(exportCall());
        String type = reply.headers().firstValue("Content-Type").orElse("");
        int parameters = type.indexOf(';');
        if (!NDJSON.equalsIgnoreCase((parameters < 0 ? type : type.substring(0, parameters)).trim())) {
            release(reply.body());
            throw new UnexpectedResponseException(Problem.malformed(reply.status(), "GET " + basePath + "/export",
                    "its Content-Type is " + (type.isEmpty() ? "missing" : type) + ", not " + NDJSON
                    + ": not an export"));
        }
        return reply;
    }

    private static void release(InputStream body) {
        try {
            body.close();
        } catch (IOException releasing) {
            // only releases the connection: the export was read whole, or has already failed
        }
    }

    private int read(InputStream in, byte[] buffer) {
        try {
            return in.read(buffer);
        } catch (IOException broken) {
            throw broken(broken);
        }
    }

    /**
     * The answer ended within a line — every line of an export ends with a line break —: it was cut on the server's
     * side, and what was handed over is a prefix of the export, not all of it.
     */
    private TransportException cut() {
        return broken(new IOException("the answer ended within a line"));
    }

    /** The connection broke before the export ended: what was handed over is a prefix of it, not all of it. */
    private TransportException broken(IOException cause) {
        return new TransportException(Problem.local("io_error", "GET " + basePath + "/export: the connection broke "
                + "before the export ended (" + cause + ")"), cause);
    }

    private Call exportCall() {
        return new Call("GET", basePath + "/export", Safety.IDEMPOTENT, null, true, null, NDJSON, null,
                requests.bulkTimeout);
    }
}
