package dev.gatehouse.http.v1;

import dev.gatehouse.bulk.ExportService;
import dev.gatehouse.bulk.ImportFailedException;
import dev.gatehouse.bulk.ImportOptions;
import dev.gatehouse.bulk.ImportProgress;
import dev.gatehouse.bulk.ImportService;
import dev.gatehouse.error.GatehouseException;
import dev.gatehouse.error.InternalErrorException;
import dev.gatehouse.error.InvalidInputException;
import dev.gatehouse.error.UnsupportedMediaTypeException;
import dev.gatehouse.http.Auth;
import dev.gatehouse.http.HeaderValues;
import dev.gatehouse.http.HttpServer;
import dev.gatehouse.http.MediaTypes;
import dev.gatehouse.http.Problem;
import dev.gatehouse.http.QueryParameters;
import dev.gatehouse.http.Route;
import dev.gatehouse.json.Digits;
import dev.gatehouse.json.Fields;
import dev.gatehouse.json.Json;
import io.javalin.http.Context;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.LongConsumer;
import java.util.function.LongSupplier;
import org.eclipse.jetty.ee10.servlet.ServletContextRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Bulk import and export of an organization under {@code /v1/orgs/{org}}, and of the whole deployment under
 * {@code /v1}: {@code POST …/import} streams NDJSON lines in ({@link ImportService}), {@code GET …/export} streams
 * them out ({@link ExportService}). An import asked for
 * with {@code Accept: application/x-ndjson} answers with progress lines as chunks commit, then one result or
 * error line; otherwise with one JSON answer at the end. A failing line is a problem document naming the line,
 * with {@code committed_lines} and {@code resume_from_line} beside the line's own status and code.
 */
final class BulkResource {

    private static final Logger LOG = LoggerFactory.getLogger(BulkResource.class);

    static final String NDJSON = "application/x-ndjson";
    /** The type of an answer of NDJSON lines: UTF-8, said so, as a client that guesses a charset otherwise may not. */
    static final String NDJSON_UTF8 = NDJSON + "; charset=utf-8";
    /**
     * Body types taken as NDJSON: a JSON object per line (so a body of one JSON object is one line). Not text: a
     * browser sends a text body cross-site without asking the server first.
     */
    private static final Set<String> BODY_TYPES = Set.of(NDJSON, "application/ndjson", "application/jsonl",
            "application/json-lines", "application/json");

    /** The query parameters an import reads; any other, or one given twice, is refused before any line is read. */
    private static final QueryParameters IMPORT_PARAMETERS = QueryParameters.of("chunk_lines", "from_line");
    /** A deployment's import also reads {@code org_id}: the organization its first lines belong to, to resume. */
    private static final QueryParameters DEPLOYMENT_IMPORT_PARAMETERS = QueryParameters.of("chunk_lines",
            "from_line", "org_id");
    private final ImportService imports;
    private final ExportService exports;
    private final Auth auth;
    /** The revision this node has applied: the token of an import that committed nothing. */
    private final LongSupplier applied;

    BulkResource(ImportService imports, ExportService exports, Auth auth, LongSupplier applied) {
        this.imports = imports;
        this.exports = exports;
        this.auth = auth;
        this.applied = applied;
    }

    List<Route> routes() {
        return List.of(
                Route.postStreamed("/v1/orgs/{org}/import", this::importOrganization).reading(IMPORT_PARAMETERS),
                Route.get("/v1/orgs/{org}/export", this::export),
                Route.postStreamed("/v1/import", this::importDeployment).reading(DEPLOYMENT_IMPORT_PARAMETERS),
                Route.get("/v1/export", this::exportDeployment));
    }

    /** How one import runs once its request is read: into an organization, or into the deployment. */
    @FunctionalInterface
    private interface Import {
        ImportProgress run(InputStream body, long declaredBytes, ImportOptions options,
                           Consumer<ImportProgress> progress);
    }

    private void importOrganization(Context ctx) throws IOException {
        var principal = auth.principal(ctx);
        long orgId = V1.id(ctx, "org");
        importLines(ctx, (body, declared, options, progress) ->
                imports.run(principal, orgId, body, declared, options, progress));
    }

    private void importDeployment(Context ctx) throws IOException {
        var principal = auth.principal(ctx);
        Long orgId = ctx.queryParam("org_id") == null ? null : longParam(ctx, "org_id", 0, 1, Long.MAX_VALUE);
        importLines(ctx, (body, declared, options, progress) ->
                imports.runDeployment(principal, orgId, body, declared, options, progress));
    }

    /**
     * Runs an import and answers it. The answer counts as going out ({@link ImportService#answering}) until the
     * response is complete, so that a stopping node, which ends its imports before HTTP stops, sends each its last
     * line (a {@code node_stopping} error once progress went out) rather than cut it off.
     */
    private void importLines(Context ctx, Import run) throws IOException {
        requireLinesBody(ctx);
        ImportOptions options = options(ctx);
        ImportService.Answering answering = imports.answering();
        boolean tracked = false;
        try {
            tracked = HttpServer.whenComplete(ctx, answering::close);
            answer(ctx, options, run);
        } finally {
            if (!tracked) {
                answering.close();
            }
        }
    }

    private void answer(Context ctx, ImportOptions options, Import run) throws IOException {
        boolean streamed = accepts(ctx, NDJSON);
        ProgressLines lines = streamed ? new ProgressLines(ctx, applied) : null;
        ImportProgress done;
        try {
            done = run.run(ctx.req().getInputStream(), ctx.req().getContentLengthLong(), options,
                    lines == null ? p -> { } : lines::progress);
        } catch (UncheckedIOException e) {
            if (lines != null && lines.started()) {
                return; // the client went away while reading progress: the committed chunks stay
            }
            throw e;
        } catch (ImportFailedException e) {
            if (lines != null && lines.started()) {
                lines.end("error", problem(e));
                return;
            }
            revision(ctx, e.progress());
            HttpServer.errorHeaders(e.reason(), ctx::header); // a 503's Retry-After, as every other answer's
            ObjectNode body = problem(e);
            ctx.status(body.get("status").intValue()).contentType(Problem.CONTENT_TYPE).result(Json.write(body));
            return;
        }
        if (lines != null && lines.started()) {
            lines.end("result", lines.answered(done));
            return;
        }
        ObjectNode result = answered(done, applied.getAsLong());
        ctx.header(V1.REVISION_HEADER, String.valueOf(result.get("revision").longValue()));
        if (lines != null) {
            ctx.status(200).contentType(NDJSON_UTF8).result(Json.writeString(Json.object().set("result", result)) + "\n");
        } else {
            V1.ok(ctx, result);
        }
    }

    private void export(Context ctx) {
        var principal = auth.principal(ctx);
        long orgId = V1.id(ctx, "org");
        exportLines(ctx, (atRevision, out) -> exports.export(principal, orgId, atRevision, out));
    }

    private void exportDeployment(Context ctx) {
        var principal = auth.principal(ctx);
        exportLines(ctx, (atRevision, out) -> exports.exportDeployment(principal, atRevision, out));
    }

    /** Streams an export's lines, the status and revision going out before the first. */
    private static void exportLines(Context ctx, BiConsumer<LongConsumer, OutputStream> export) {
        boolean[] started = {false};
        try {
            OutputStream out = new BufferedOutputStream(ctx.outputStream(), 64 * 1024);
            export.accept(revision -> {
                ctx.status(200).contentType(NDJSON_UTF8);
                ctx.header(V1.REVISION_HEADER, String.valueOf(revision));
                started[0] = true;
            }, out);
        } catch (RuntimeException e) {
            if (!started[0]) {
                throw e;
            }
            // The answer has begun: the client went away, or the export could not go on (its thread interrupted by
            // a stopping node, its spool unreadable). Either way the answer must not end as a complete one does — the
            // lines sent so far would read as the whole export —, so it is aborted: the connection closes without
            // the chunked answer's end, which every client reads as a broken transfer.
            if (!(e instanceof UncheckedIOException) && !(e instanceof GatehouseException)) {
                InternalErrorException.log(LOG, e, "in an export after its answer began");
            }
            ServletContextRequest.getServletContextRequest(ctx.req()).getServletChannel().abort(e);
        }
    }

    private static void requireLinesBody(Context ctx) {
        String type = ctx.contentType();
        if (type == null) {
            return;
        }
        if (!BODY_TYPES.contains(MediaTypes.of(type))) {
            throw new UnsupportedMediaTypeException("Content-Type must be " + NDJSON
                    + " (one JSON object per line), got \"" + HeaderValues.shown(type) + "\"");
        }
        V1.requireUtf8(type);
    }

    private ImportOptions options(Context ctx) {
        int chunk = (int) longParam(ctx, "chunk_lines", ImportOptions.DEFAULT_CHUNK_LINES, 1,
                ImportOptions.MAX_CHUNK_LINES);
        long from = longParam(ctx, "from_line", 1, 1, Long.MAX_VALUE / 2);
        return new ImportOptions(chunk, from, imports.maxLines(), HttpServer.bodyTimeout(ctx));
    }

    private static long longParam(Context ctx, String name, long fallback, long min, long max) {
        String raw = ctx.queryParam(name);
        if (raw == null) {
            return fallback;
        }
        long value = Digits.parse(raw);
        if (value >= min && value <= max) {
            return value;
        }
        throw new InvalidInputException("invalid_parameter", name + " must be an integer from " + min + " to " + max
                + ", got \"" + Fields.abbreviate(raw) + "\"", Map.of(name, "must be " + min + ".." + max));
    }

    private static boolean accepts(Context ctx, String type) {
        String accept = ctx.header("Accept");
        return accept != null && accept.toLowerCase(Locale.ROOT).contains(type);
    }

    private static void revision(Context ctx, ImportProgress progress) {
        if (progress.revision() > 0) {
            ctx.header(V1.REVISION_HEADER, String.valueOf(progress.revision()));
        }
    }

    /**
     * The problem document of a failed import: the line's own failure, and where the import stands — in a deployment's
     * import with the organizations its committed chunks created, as a success lists them: a resume does not create
     * them again, so its answer does not list them.
     */
    private static ObjectNode problem(ImportFailedException e) {
        GatehouseException reason = e.reason();
        ObjectNode progress = e.progress().json();
        Map<String, Object> context = new LinkedHashMap<>(reason.context());
        context.put("line", e.line());
        context.put("committed_lines", e.progress().committedLines());
        context.put("resume_from_line", e.progress().committedLines() + 1);
        if (e.resumeOrgId() != 0) {
            context.put("resume_org_id", e.resumeOrgId());
        }
        if (progress.has("organizations")) {
            context.put("organizations", progress.get("organizations"));
        }
        context.put("revision", e.progress().revision());
        context.put("progress", progress);
        byte[] body = Problem.reply(HttpServer.status(reason), reason.code(), "line " + e.line() + ": "
                + reason.detail(), reason.fieldErrors(), context).body();
        return (ObjectNode) Json.MAPPER.readTree(body);
    }

    /**
     * Where a successful import stands, as its answer (or a progress line) says it: its {@code revision} the
     * consistency token the answer's {@code Gatehouse-Revision} gives — the last chunk's commit, or {@code unchanged}
     * (what this node had applied when it answered) while nothing committed, never 0, which no header gives.
     */
    private static ObjectNode answered(ImportProgress progress, long unchanged) {
        return progress.json().put("revision", progress.revision() > 0 ? progress.revision() : unchanged);
    }

    /** Progress lines: the status goes out with the first one, so an import failing early still gets its own. */
    private static final class ProgressLines {

        private final Context ctx;
        private final LongSupplier applied;
        private OutputStream out;
        /** The answer's revision while nothing committed: what this node had applied when the first line went out. */
        private long unchanged;

        ProgressLines(Context ctx, LongSupplier applied) {
            this.ctx = ctx;
            this.applied = applied;
        }

        boolean started() {
            return out != null;
        }

        void progress(ImportProgress progress) {
            if (out == null) {
                unchanged = applied.getAsLong();
            }
            write("progress", answered(progress));
        }

        /** {@link BulkResource#answered} with the revision this answer's header gave while nothing committed. */
        ObjectNode answered(ImportProgress progress) {
            return BulkResource.answered(progress, unchanged);
        }

        /** The last line; a client gone before it is read leaves nothing to answer, and the import's outcome stands. */
        void end(String kind, JsonNode body) {
            try {
                write(kind, body);
            } catch (UncheckedIOException e) {
                // the client went away: nothing left to answer
            }
        }

        /** Writes a line; the first (a progress line) also the status and the headers, its revision the token. */
        private void write(String kind, JsonNode body) {
            try {
                if (out == null) {
                    ctx.status(200).contentType(NDJSON_UTF8);
                    ctx.header(V1.REVISION_HEADER, String.valueOf(body.get("revision").longValue()));
                    // the servlet's own stream: the web framework's holds what is written until the handler ends,
                    // whatever flush() asks, and a progress line is worth sending only while the body still arrives
                    out = ctx.res().getOutputStream();
                }
                out.write(Json.write(Json.object().set(kind, body)));
                out.write('\n');
                out.flush();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
