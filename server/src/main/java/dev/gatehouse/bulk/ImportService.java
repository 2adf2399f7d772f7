package dev.gatehouse.bulk;

import dev.gatehouse.access.Caller;
import dev.gatehouse.access.Principal;
import dev.gatehouse.error.GatehouseException;
import dev.gatehouse.error.InvalidInputException;
import dev.gatehouse.error.UnavailableException;
import dev.gatehouse.model.PermissionModel;
import dev.gatehouse.store.Tx;
import dev.gatehouse.store.Written;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Bulk import: an organization's roles, members, groups and assignments from NDJSON, streamed.
 *
 * <p><b>Contract.</b> The body is read line by line, never held whole: memory stays within one chunk whatever
 * its size. Lines are parsed and checked as they arrive ({@link LineParser}) and written in <em>chunks</em> of at
 * most {@link ImportOptions#chunkLines()} lines (and {@link #CHUNK_BYTES} bytes): each chunk is one transaction
 * of the organization ({@link ChunkWriter}), which commits whole or not at all, and whose change records reach
 * every node like any write's (one per object changed, but one {@code bulk_import} record for each run of
 * assignment upserts, listing them: see {@code assignment/LoggedImport}). The first line that fails — malformed, unknown field,
 * a name that resolves to nothing, a rule of the caller's own request, a limit, the body ending inside it, the
 * line limit — stops the import: its chunk changes nothing, earlier chunks stay committed, and the failure
 * ({@link ImportFailedException}) names the line, the reason its own request would have been given, and
 * {@code committed_lines}, the last line committed. Sending the same body again with
 * {@code from_line = committed_lines + 1} resumes; since a line that changes nothing records nothing, sending
 * it again from the start converges too. Lines before {@code from_line} are read and skipped unparsed.
 *
 * <p>Imports run on the calling thread; at most {@link #CONCURRENT} long ones at a time on one node (more are
 * refused with a retryable 503), so they cannot take every request thread. A <em>small</em> import — its body
 * declared at most {@link #SMALL_BODY_BYTES} long — is bounded like any other write request and takes no such
 * place. A chunk of at most {@link #SHARED_CHUNK_LINES} lines commits through the group commit (in the same
 * transaction and flush as the writes waiting with it, inside a savepoint of its own, so still whole or not at
 * all); a longer one in a transaction of its own, which holds up no other write. Thread-safe.
 */
public final class ImportService {

    private static final Logger LOG = LoggerFactory.getLogger(ImportService.class);
    /** Imports running at once on one node. */
    static final int CONCURRENT = 2;
    /** A chunk ends early once its lines hold this many bytes. */
    static final long CHUNK_BYTES = 16L << 20;
    /** A body declared at most this long is a small import, which takes none of the {@link #CONCURRENT} places. */
    static final long SMALL_BODY_BYTES = 256L << 10;
    /** A chunk of at most this many lines shares the group commit's transactions and flushes with other writes. */
    static final int SHARED_CHUNK_LINES = 1000;
    /** The longest line read. */
    static final int MAX_LINE_BYTES = 1 << 20;

    private final BulkServices services;
    private final long maxLines;
    private final Semaphore running = new Semaphore(CONCURRENT);

    /** @param maxLines lines one request may carry ({@link ImportOptions#maxLines()}) */
    public ImportService(BulkServices services, long maxLines) {
        this.services = services;
        this.maxLines = maxLines;
    }

    /** Lines one request may carry, counted from its {@code from_line}. */
    public long maxLines() {
        return maxLines;
    }

    /**
     * Imports {@code body} into the organization; {@code progress} hears after every committed chunk. The
     * answer's progress is the whole import's. Errors before the first line (the organization, the caller) are
     * thrown as they are; a failing line as {@link ImportFailedException}.
     *
     * @param declaredBytes the body's length as its request declares it, or -1 when it does not
     */
    public ImportProgress run(Principal principal, long orgId, InputStream body, long declaredBytes,
                              ImportOptions options, Consumer<ImportProgress> progress) {
        PermissionModel model = services.access().read(principal, orgId, (h, caller) ->
                services.orgModels().model(h, orgId));
        boolean small = declaredBytes >= 0 && declaredBytes <= SMALL_BODY_BYTES;
        if (!small && !running.tryAcquire()) {
            throw new UnavailableException("imports_busy", "this node runs " + CONCURRENT + " imports already; "
                    + "retry shortly");
        }
        try {
            return new Run(principal, orgId, model, body, options, progress).run();
        } finally {
            if (!small) {
                running.release();
            }
        }
    }

    /** One import in progress. Not thread-safe. */
    private final class Run {

        private final Principal principal;
        private final long orgId;
        private final LineReader reader;
        private final ImportOptions options;
        private final Consumer<ImportProgress> progress;
        private final ImportCounts total = new ImportCounts();
        private long committedLines;
        private long skipped;
        private int chunks;
        private long revision;

        Run(Principal principal, long orgId, PermissionModel model, InputStream body, ImportOptions options,
            Consumer<ImportProgress> progress) {
            this.principal = principal;
            this.orgId = orgId;
            this.reader = new LineReader(body, MAX_LINE_BYTES);
            this.options = options;
            this.progress = progress;
        }

        ImportProgress run() {
            long lastLine = 0;
            List<ImportLine> chunk = new ArrayList<>();
            long chunkBytes = 0;
            try {
                LineReader.Line line;
                while ((line = reader.next()) != null) {
                    lastLine = line.number();
                    if (line.number() < options.fromLine()) {
                        skipped++;
                        committedLines = line.number();
                        continue;
                    }
                    if (line.number() - options.fromLine() >= options.maxLines()) {
                        throw new LineFailure(line.number(), new InvalidInputException("too_many_lines", "an import "
                                + "takes at most " + options.maxLines() + " lines; send the rest in another request "
                                + "with from_line=" + line.number()));
                    }
                    if (line.blank()) {
                        continue;
                    }
                    chunk.add(parse(line));
                    chunkBytes += line.bytes().length;
                    if (chunk.size() >= options.chunkLines() || chunkBytes >= CHUNK_BYTES) {
                        commit(chunk, lastLine);
                        chunk.clear();
                        chunkBytes = 0;
                    }
                }
                if (!chunk.isEmpty() || lastLine > committedLines) {
                    commit(chunk, lastLine);
                }
            } catch (LineFailure f) {
                throw new ImportFailedException(f.line(), f.reason(), snapshot(lastLine));
            } catch (IOException e) {
                LOG.info("an import into organization {} stopped: its body could not be read ({})", orgId,
                        e.toString());
                throw new ImportFailedException(lastLine + 1, new InvalidInputException("body_incomplete", "the body "
                        + "could not be read to its end (" + e.getClass().getSimpleName() + ")"), snapshot(lastLine));
            }
            return snapshot(lastLine);
        }

        private ImportLine parse(LineReader.Line line) {
            try {
                return LineParser.parse(line.number(), line.bytes(), line.cutOff());
            } catch (GatehouseException e) {
                throw new LineFailure(line.number(), e);
            }
        }

        /** Writes one chunk in its own transaction; {@code lastLine} is the last line it covers. */
        private void commit(List<ImportLine> chunk, long lastLine) {
            if (!chunk.isEmpty()) {
                ImportCounts counts = new ImportCounts();
                Written<Void> written;
                BiFunction<Tx, Caller, Void> work = (tx, caller) -> {
                    new ChunkWriter(services, tx, caller, services.orgModels().model(tx.handle(), orgId), orgId,
                            counts).write(chunk);
                    return null;
                };
                try {
                    written = chunk.size() <= SHARED_CHUNK_LINES ? services.access().write(principal, orgId, work)
                            : services.access().writeAlone(principal, orgId, work);
                } catch (GatehouseException e) {
                    // not a line's own failure: the organization, the caller's key or the database
                    throw new LineFailure(chunk.get(0).line(), e);
                }
                total.add(counts);
                chunks++;
                revision = Math.max(revision, written.revision());
            }
            committedLines = lastLine;
            progress.accept(snapshot(lastLine));
        }

        private ImportProgress snapshot(long linesRead) {
            return new ImportProgress(linesRead, committedLines, skipped, chunks, revision, total);
        }
    }
}
