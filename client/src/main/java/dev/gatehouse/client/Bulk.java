package dev.gatehouse.client;

import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import tools.jackson.databind.JsonNode;

/**
 * An organization's bulk import and export (docs/api.md, "Bulk import and export"): NDJSON lines, one object each,
 * that an export writes and an import takes back, into the same or another organization of the same model.
 *
 * <p>An import is written in chunks, each one transaction; the first failing line ends it, earlier chunks stay
 * committed, and the exception's {@link GatehouseException#problem() problem} names {@code line},
 * {@code committed_lines} and {@code resume_from_line} (import again with {@link ImportOptions#fromLine}, or send it
 * all again: what is already there changes nothing). Thread-safe.
 */
public interface Bulk {

    /** Imports the NDJSON file at {@code file}, with the server's default chunk size. */
    ImportResult importFrom(Path file);

    /** Imports the NDJSON file at {@code file}; retried like any write when the server did not apply it. */
    ImportResult importFrom(Path file, ImportOptions options);

    /** Imports NDJSON read from {@code lines} (not closed here); sent once, never retried (it cannot be re-read). */
    ImportResult importFrom(InputStream lines, ImportOptions options);

    /**
     * {@link #importFrom(Path, ImportOptions)}, handing {@code progress} the totals so far (the result's fields) each
     * time a chunk commits, on the calling thread, before the result is answered.
     */
    ImportResult importFrom(Path file, ImportOptions options, Consumer<ImportResult> progress);

    /** {@link #importFrom(InputStream, ImportOptions)} with {@code progress} as above. */
    ImportResult importFrom(InputStream lines, ImportOptions options, Consumer<ImportResult> progress);

    /**
     * The organization as NDJSON lines, streamed as they arrive: a {@code header} line (model, organization,
     * revision), then its custom roles, members, groups, group members and assignments, all at one revision. Close
     * the stream (try-with-resources) to release the connection if you stop early. A connection that breaks
     * mid-stream ends it with a {@link TransportException} {@code io_error} (the lines read are a prefix only).
     */
    Stream<String> export();

    /**
     * Writes the export to {@code out} (not closed here); answers the revision it was read at. A connection that
     * breaks mid-stream is a {@link TransportException} {@code io_error}; {@code out} failing to write an
     * {@link java.io.UncheckedIOException}.
     */
    long exportTo(OutputStream out);

    /**
     * How to import.
     *
     * @param chunkLines lines per transaction (1–10,000), or null for the server's default (5,000)
     * @param fromLine   the first line to write (earlier ones are read and skipped), or null for the first
     */
    record ImportOptions(Integer chunkLines, Long fromLine) {

        /** The server's defaults. */
        public static ImportOptions defaults() {
            return new ImportOptions(null, null);
        }

        public ImportOptions withChunkLines(int lines) {
            return new ImportOptions(lines, fromLine);
        }

        /** Resumes at {@code line} (an import failure's {@code resume_from_line}). */
        public ImportOptions resumingAt(long line) {
            return new ImportOptions(chunkLines, line);
        }
    }

    /**
     * A finished import.
     *
     * @param lines          lines read from the body
     * @param committedLines the last line whose chunk committed
     * @param skippedLines   lines before {@code fromLine}
     * @param chunks         chunks committed
     * @param revision       the revision the last commit reached (0 when nothing changed): a consistency token
     * @param counts         per kind ({@code role}, {@code member}, {@code group}, {@code group_member},
     *                       {@code assignment}), what happened
     */
    record ImportResult(long lines, long committedLines, long skippedLines, long chunks, long revision,
                        Map<String, Counts> counts) {

        public ImportResult {
            counts = Map.copyOf(counts);
        }

        static ImportResult from(JsonNode n) {
            Map<String, Counts> counts = new LinkedHashMap<>();
            JsonNode kinds = Wire.node(n, "counts");
            if (kinds != null) {
                for (String kind : kinds.propertyNames()) {
                    JsonNode c = kinds.get(kind);
                    counts.put(kind, new Counts(Wire.number(c, "created"), Wire.number(c, "updated"),
                            Wire.number(c, "deleted"), Wire.number(c, "unchanged")));
                }
            }
            return new ImportResult(Wire.number(n, "lines"), Wire.number(n, "committed_lines"),
                    Wire.number(n, "skipped_lines"), Wire.number(n, "chunks"), Wire.number(n, "revision"), counts);
        }
    }

    /** What an import did to one kind of object. */
    record Counts(long created, long updated, long deleted, long unchanged) {
    }
}
