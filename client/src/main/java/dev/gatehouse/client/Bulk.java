package dev.gatehouse.client;

import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import tools.jackson.databind.JsonNode;

/**
 * Bulk import and export (docs/api.md, "Bulk import and export"): NDJSON lines, one object each, that an export
 * writes and an import takes back. Two scopes share this interface:
 *
 * <ul>
 *   <li>an organization's ({@link OrgClient#bulk()}, {@code /v1/orgs/{org}}): its lines go into that organization,
 *       the same one or another of the same model;</li>
 *   <li>the deployment's ({@link GatehouseClient#bulk()}, {@code /v1}, service keys only): the same lines grouped by
 *       organization, each group after an {@code organization} line that creates one
 *       ({@code {"type":"organization","name":"acme","model":"rooms"}}) or names an existing one
 *       ({@code {"type":"organization","org_id":12}}); its export is every organization, each as such a line (name
 *       and model, so importing it creates them anew) followed by the organization's export.</li>
 * </ul>
 *
 * <p>An import is written in chunks, each one transaction (a deployment's chunk may span organizations); the first
 * failing line ends it, earlier chunks stay committed, and the exception's {@link GatehouseException#problem()
 * problem} names {@code line}, {@code committed_lines} and {@code resume_from_line} — and, in a deployment's import,
 * {@code resume_org_id} when the line to resume at belongs to an organization that exists. Import again with
 * {@link ImportOptions#resumingAfter(GatehouseException)}, or send it all again: what is already there changes nothing
 * (but a deployment's {@code organization} lines that create organizations create them again). Thread-safe.
 */
public interface Bulk {

    /** Imports the NDJSON file at {@code file}, with the server's default chunk size. */
    ImportResult importFrom(Path file);

    /** Imports the NDJSON file at {@code file}; retried like any write when the server did not apply it. */
    ImportResult importFrom(Path file, ImportOptions options);

    /** Imports NDJSON read from {@code lines} (not closed here); sent once, never retried (it cannot be re-read). */
    ImportResult importFrom(InputStream lines, ImportOptions options);

    /**
     * {@link #importFrom(Path, ImportOptions)}, handing {@code progress} the totals so far (the result's fields) of
     * each chunk committed, in order, on the calling thread, before the result is answered. The server sends them as
     * each chunk commits, but the JDK's HTTP client reads the answer only once the whole body is sent: they arrive
     * together when the upload ends.
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
     * @param orgId      a deployment's import only: the organization the lines from {@code fromLine} belong to, up to
     *                   the next {@code organization} line (a failure's {@code resume_org_id}), or null. An
     *                   organization's import writes into its own organization and refuses it with an
     *                   {@link IllegalArgumentException} before anything is sent: options meant to resume a
     *                   deployment's import would otherwise be taken silently for another import
     */
    record ImportOptions(Integer chunkLines, Long fromLine, Long orgId) {

        public ImportOptions {
            if (orgId != null && orgId < 1) {
                throw new IllegalArgumentException("orgId must be positive, got " + orgId);
            }
        }

        /** Options without an organization to resume in. */
        public ImportOptions(Integer chunkLines, Long fromLine) {
            this(chunkLines, fromLine, null);
        }

        /** The server's defaults. */
        public static ImportOptions defaults() {
            return new ImportOptions(null, null, null);
        }

        public ImportOptions withChunkLines(int lines) {
            return new ImportOptions(lines, fromLine, orgId);
        }

        /** Resumes at {@code line} (an import failure's {@code resume_from_line}). */
        public ImportOptions resumingAt(long line) {
            return new ImportOptions(chunkLines, line, orgId);
        }

        /**
         * Resumes a deployment's import at {@code line} in organization {@code orgId} (a failure's
         * {@code resume_from_line} and {@code resume_org_id}).
         */
        public ImportOptions resumingAt(long line, long orgId) {
            return new ImportOptions(chunkLines, line, orgId);
        }

        /**
         * Resumes where the import that threw {@code failure} stopped: its problem's {@code resume_from_line}, and
         * {@code resume_org_id} when it names one (else none: the line to resume at starts an organization, or the
         * import is an organization's). A failure that is not an import's line failure (no {@code resume_from_line})
         * is an {@link IllegalArgumentException}.
         */
        public ImportOptions resumingAfter(GatehouseException failure) {
            JsonNode problem = Arguments.required(failure, "failure").problem();
            JsonNode line = problem.path("resume_from_line");
            if (!line.isIntegralNumber()) {
                throw new IllegalArgumentException("not a failed import's line (its problem has no resume_from_line): "
                        + failure.getMessage());
            }
            JsonNode org = problem.path("resume_org_id");
            return new ImportOptions(chunkLines, line.longValue(), org.isIntegralNumber() ? org.longValue() : null);
        }
    }

    /**
     * A finished import, or (handed to a progress callback) where one stands.
     *
     * @param lines          lines read from the body
     * @param committedLines the last line whose chunk committed
     * @param skippedLines   lines before {@code fromLine}
     * @param chunks         chunks committed
     * @param revision       the revision the last commit reached (0 when nothing changed): a consistency token
     * @param counts         per kind ({@code role}, {@code member}, {@code group}, {@code group_member},
     *                       {@code assignment}, …, and in a deployment's import {@code organization}), what happened;
     *                       in the order the server lists the kinds
     * @param orgId          a deployment's import: the organization the last committed line belongs to (null when
     *                       none, and in an organization's import)
     * @param organizations  a deployment's import: the organizations it created, in line order (empty in an
     *                       organization's import, and in progress, which the server sends without them)
     */
    record ImportResult(long lines, long committedLines, long skippedLines, long chunks, long revision,
                        Map<String, Counts> counts, Long orgId, List<OrganizationCreated> organizations) {

        public ImportResult {
            counts = Collections.unmodifiableMap(new LinkedHashMap<>(counts));
            organizations = List.copyOf(organizations);
        }

        /** An organization's import's result. */
        public ImportResult(long lines, long committedLines, long skippedLines, long chunks, long revision,
                            Map<String, Counts> counts) {
            this(lines, committedLines, skippedLines, chunks, revision, counts, null, List.of());
        }

        static ImportResult from(JsonNode n) {
            Map<String, Counts> counts = new LinkedHashMap<>();
            JsonNode kinds = Wire.node(n, "counts");
            if (kinds != null) {
                for (String kind : kinds.propertyNames()) {
                    JsonNode c = kinds.get(kind);
                    counts.put(kind, new Counts(Wire.number(c, "created"), Wire.number(c, "updated"),
                            Wire.number(c, "deleted"), Wire.number(c, "unchanged"), Wire.longOrNull(c, "kept")));
                }
            }
            return new ImportResult(Wire.number(n, "lines"), Wire.number(n, "committed_lines"),
                    Wire.number(n, "skipped_lines"), Wire.number(n, "chunks"), Wire.number(n, "revision"), counts,
                    Wire.longOrNull(n, "org_id"), Wire.list(n, "organizations", OrganizationCreated::from));
        }
    }

    /**
     * An organization a deployment's import created.
     *
     * @param line  the {@code organization} line that created it
     * @param orgId its id
     */
    record OrganizationCreated(long line, long orgId) {

        static OrganizationCreated from(JsonNode n) {
            return new OrganizationCreated(Wire.number(n, "line"), Wire.number(n, "org_id"));
        }
    }

    /**
     * What an import did to one kind of object.
     *
     * @param kept {@code grants} only (null for every other kind): of the sets created or updated, those stored for a
     *             member whose company role takes no grants — held, not counting until a move to a role that takes
     *             them (docs/api.md, "Bulk import and export")
     */
    record Counts(long created, long updated, long deleted, long unchanged, Long kept) {

        /** The counts of a kind other than {@code grants}, which has no {@code kept}. */
        public Counts(long created, long updated, long deleted, long unchanged) {
            this(created, updated, deleted, unchanged, null);
        }
    }
}
