package dev.gatehouse.client;

import dev.gatehouse.client.Transport.Call;
import dev.gatehouse.client.Transport.Reply;
import dev.gatehouse.client.Transport.Safety;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublisher;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * {@link Bulk} over the native API. Imports and exports wait for their answer up to the client's bulk timeout, not
 * its request timeout: a large import's answer comes only after its last chunk commits. Immutable and thread-safe.
 */
final class HttpBulk implements Bulk {

    static final String NDJSON = "application/x-ndjson";

    private final Requests requests;
    private final String orgPath;

    HttpBulk(Requests requests, String orgPath) {
        this.requests = requests;
        this.orgPath = orgPath;
    }

    @Override
    public ImportResult importFrom(Path file) {
        return importFrom(file, ImportOptions.defaults());
    }

    @Override
    public ImportResult importFrom(Path file, ImportOptions options) {
        Objects.requireNonNull(file, "file");
        if (!Files.isReadable(file)) {
            throw new UncheckedIOException(new FileNotFoundException("cannot read " + file));
        }
        return send(() -> {
            try {
                return HttpRequest.BodyPublishers.ofFile(file);
            } catch (FileNotFoundException gone) {
                throw new UncheckedIOException(gone);
            }
        }, true, options);
    }

    @Override
    public ImportResult importFrom(InputStream lines, ImportOptions options) {
        Objects.requireNonNull(lines, "lines");
        return send(() -> HttpRequest.BodyPublishers.ofInputStream(() -> lines), false, options);
    }

    private ImportResult send(Supplier<BodyPublisher> body, boolean replayable, ImportOptions options) {
        Objects.requireNonNull(options, "options");
        String path = new Query(orgPath + "/import").add("chunk_lines", options.chunkLines())
                .add("from_line", options.fromLine()).toString();
        // a write, but sending the same lines again changes nothing more: retried when the server did not apply it
        Reply<byte[]> reply = requests.transport.send(new Call("POST", path, Safety.WRITE, body, replayable, NDJSON,
                Requests.JSON, null, requests.bulkTimeout), HttpResponse.BodyHandlers.ofByteArray());
        return ImportResult.from(Wire.MAPPER.readTree(reply.body()));
    }

    @Override
    public Stream<String> export() {
        return requests.transport.send(exportCall(), HttpResponse.BodyHandlers.ofLines()).body();
    }

    @Override
    public long exportTo(OutputStream out) {
        Objects.requireNonNull(out, "out");
        Reply<InputStream> reply = requests.transport.send(exportCall(), HttpResponse.BodyHandlers.ofInputStream());
        try (InputStream in = reply.body()) {
            in.transferTo(out);
        } catch (IOException broken) {
            throw new UncheckedIOException("exporting " + orgPath, broken);
        }
        return reply.headers().firstValue(Transport.REVISION_HEADER).map(Long::parseLong).orElse(0L);
    }

    private Call exportCall() {
        return new Call("GET", orgPath + "/export", Safety.IDEMPOTENT, null, true, null, NDJSON, null,
                requests.bulkTimeout);
    }
}
