package dev.gatehouse.bulk;

import dev.gatehouse.access.Caller;
import dev.gatehouse.access.MissingPermission;
import dev.gatehouse.access.Principal;
import dev.gatehouse.assignment.AssignmentRules;
import dev.gatehouse.error.ForbiddenException;
import dev.gatehouse.error.GatehouseException;
import dev.gatehouse.error.InternalErrorException;
import dev.gatehouse.error.InvalidInputException;
import dev.gatehouse.error.RequestTimeoutException;
import dev.gatehouse.error.TooLargeException;
import dev.gatehouse.error.UnavailableException;
import dev.gatehouse.model.Management;
import dev.gatehouse.model.PermissionModel;
import dev.gatehouse.store.Store;
import dev.gatehouse.store.Tx;
import dev.gatehouse.store.Written;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Bulk import: an organization's roles, members, groups and assignments from NDJSON, streamed — or many
 * organizations' at once ({@link #runDeployment}: each organization's lines after the organization line that creates
 * or names it, a chunk of them one transaction whatever organizations it spans, written by a {@link SectionWriter}).
 *
 * <p><b>Contract.</b> The body is read line by line, never held whole: memory stays within two chunks, and the
 * members earlier chunks resolved ({@link KnownMembers}, at most {@link KnownMembers#MAX}), whatever its size (a
 * long import parses the next chunk while the last is written). Lines are parsed and checked as they
 * arrive ({@link LineParser}) and written in <em>chunks</em> of at most {@link ImportOptions#chunkLines()} lines
 * (and {@link #CHUNK_BYTES} bytes): each chunk is one transaction of the organization ({@link ChunkWriter}), which
 * commits whole or not at all, and whose change records reach every node like any write's (one per object
 * changed, but one {@code bulk_import} record for each run of assignment upserts, listing them: see
 * {@code assignment/LoggedImport}). The first line that fails — malformed, unknown field, a name that resolves to
 * nothing, a rule of the caller's own request, a limit, the body ending inside it, the line limit — stops the
 * import: its chunk changes nothing, earlier chunks stay committed, and the failure
 * ({@link ImportFailedException}) names the line, the reason its own request would have been given, and
 * {@code committed_lines}, the last line committed. Lines are parsed ahead of their writing, but a line failing as it
 * is read or parsed is reported only once the lines before it in its chunk have been written, in the chunk's
 * transaction which its failure then rolls back ({@code Run#inOrder}): one of them failing when written is the
 * failure reported, always the first failing line in the body's order. Sending the same body again with
 * {@code from_line = committed_lines + 1} resumes; since a line that changes nothing records nothing, sending
 * it again from the start converges too. Lines before {@code from_line} are read and skipped unparsed.
 *
 * <p><b>Deadline.</b> A body of any size cannot be bounded as a whole, but a client must not hold a place
 * ({@link #CONCURRENT}) by sending slowly: each chunk's lines (blank ones count toward nothing) must arrive within
 * {@link ImportOptions#chunkTimeout()} of the chunk's start — the end of the last commit, not counting the time spent
 * writing —, or the import fails with 408 {@code request_timeout} at the first line read after it, like any failing
 * line; skipped lines count in chunks of the same size. Reads are blocking: a connection that goes silent is ended by
 * the idle timeout, and is reported the same way once past the deadline.
 *
 * <p>Imports run on the calling thread; at most {@link #CONCURRENT} long ones at a time on one node (more are
 * refused with a retryable 503), so they cannot take every request thread. A long import's chunks are written
 * by a thread of its own place, one at a time and in order, while the calling thread reads and parses the next
 * chunk; what a written chunk did (its counts, revision and progress) is taken in on the calling thread, before the
 * next chunk is handed over and before the import answers, so a failure is reported as if the chunks had run one
 * after the other. A long chunk's records are applied to this node's engine by another thread of its place, in
 * order, while its writer writes the next chunk; the import answers — success or failure — once this node has
 * applied every chunk it committed. A <em>small</em> import — its body declared at most {@link #SMALL_BODY_BYTES} long — is
 * bounded like any other write request, takes no such place and writes its chunks on the calling thread. A chunk
 * of at most {@link #SHARED_CHUNK_LINES} lines commits through the group commit (in the same transaction and
 * flush as the writes waiting with it, inside a savepoint of its own, so still whole or not at all), as a heavy
 * write ({@link Store#heavy}: a batch takes one at most); a longer one in a transaction of its own, which holds up no
 * other write (the write lanes leave the organization's writes out of their batches meanwhile).
 *
 * <p>The imports of one organization run one at a time on a node (their chunks would only wait for each other's
 * lock, each holding a connection or a batch meanwhile), in the order they arrived: each waits, in memory, before it
 * takes a place or a connection, for those that arrived before it — in a queue of the organization's, which exists
 * while one of them runs or waits, so that one arriving later never takes the turn first —, up to
 * {@link #ORGANIZATION_WAIT} in all, and is then refused with a retryable 503 {@code imports_busy}. A deployment's
 * import is not one organization's and waits for none. Only a caller that could
 * write some line takes the organization's turn or a place ({@link #requireMayWriteSomeLine}): one whose every line
 * would be refused would otherwise keep the organization's imports out for as long as its body's chunks arrive.
 *
 * <p><b>Stopping.</b> {@link #close} (the node stopping, before HTTP stops) refuses new imports with 503
 * {@code node_stopping}, and ends those running where they stand: the chunk being written is let finish (or fail),
 * no other starts, and each import fails with 503 {@code node_stopping} at the first line not committed, its
 * progress exactly what committed — so that resuming from it neither skips nor repeats a line (which in a
 * deployment's import would create its organizations again). {@link #close} returns once every import's answer
 * has gone out ({@link #answering}), or after {@link #STOP_GRACE}. Thread-safe.
 */
public final class ImportService implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ImportService.class);
    /** Imports running at once on one node. */
    static final int CONCURRENT = 2;
    /** A chunk ends early once its lines hold this many bytes. */
    static final long CHUNK_BYTES = 16L << 20;
    /** A body declared at most this long is a small import, which takes none of the {@link #CONCURRENT} places. */
    static final long SMALL_BODY_BYTES = 256L << 10;
    /** A chunk of at most this many lines shares the group commit's transactions and flushes with other writes. */
    static final int SHARED_CHUNK_LINES = 1000;
    /** How long an organization's import waits for the one of it running on this node before it is refused. */
    static final Duration ORGANIZATION_WAIT = Duration.ofSeconds(30);
    /**
     * Imports that may wait for their organization's turn at once, on the node and for one organization: each holds a
     * request thread (of the node's 250, which every tenant shares) while it waits, so a member sending imports that
     * never end could otherwise take them all. One more is refused at once with 503 {@code imports_busy}.
     */
    static final int MAX_WAITING = 64;
    static final int MAX_WAITING_PER_ORGANIZATION = 16;
    /** The longest line read. */
    static final int MAX_LINE_BYTES = 1 << 20;
    /**
     * How long a stopping node waits for its imports' answers: a chunk being written (seconds for a long one), then
     * a line to read (each arrives within the chunk deadline, 30 s by default, or the import would fail anyway).
     */
    static final Duration STOP_GRACE = Duration.ofSeconds(30);
    /** What a deployment's import is called in a refusal or the log. */
    private static final String DEPLOYMENT = "a deployment's import";
    /** What an organization's import is called in a refusal. */
    private static final String IMPORTING = "an import";

    private final BulkServices services;
    private final long maxLines;
    private final Semaphore running = new Semaphore(CONCURRENT);
    /**
     * Per organization an import of which runs or waits on this node, its imports in the order they arrived: the
     * first runs, the others wait for their turn ({@link #awaitOrganization}); an organization none of whose imports
     * runs or waits has no entry. Guarded by itself, which waiters wait on.
     */
    private final Map<Long, Deque<Object>> importing = new HashMap<>();
    /** Writes the chunks of long imports: one thread per place, ended after a minute without work. */
    private final ExecutorService writers = pool("gatehouse-import-writer");
    /** Has this node apply what a long import's chunks committed, while their writer writes the next: as many. */
    private final ExecutorService appliers = pool("gatehouse-import-applier");
    /** Set once by {@link #close}: runs take no new chunk, new imports are refused. */
    private volatile boolean stopping;
    /** Imports whose answer has not gone out yet (guarded by {@link #importing}). */
    private int answering;

    /** @param maxLines lines one request may carry ({@link ImportOptions#maxLines()}) */
    public ImportService(BulkServices services, long maxLines) {
        this.services = services;
        this.maxLines = maxLines;
    }

    private static ExecutorService pool(String threadName) {
        ThreadPoolExecutor pool = new ThreadPoolExecutor(CONCURRENT, CONCURRENT, 1, TimeUnit.MINUTES,
                new LinkedBlockingQueue<>(), r -> {
                    Thread t = new Thread(r, threadName);
                    t.setDaemon(true);
                    return t;
                });
        pool.allowCoreThreadTimeOut(true);
        return pool;
    }

    /**
     * Counts an import's answer as going out until the returned handle is closed (once its answer is complete):
     * {@link #close} waits for it. 503 {@code node_stopping} once the node stops.
     */
    public Answering answering() {
        synchronized (importing) {
            if (stopping) {
                throw nodeStopping();
            }
            answering++;
        }
        boolean[] closed = {false};
        return () -> {
            synchronized (importing) {
                if (!closed[0]) {
                    closed[0] = true;
                    answering--;
                    importing.notifyAll();
                }
            }
        };
    }

    /** An import's answer going out ({@link #answering}); closing it again does nothing. */
    @FunctionalInterface
    public interface Answering extends AutoCloseable {
        @Override
        void close();
    }

    /**
     * The node stops: new imports are refused, running ones end once the chunk being written is taken in (see the
     * class comment); returns when every answer has gone out, or after {@link #STOP_GRACE}.
     */
    @Override
    public void close() {
        long deadline = System.nanoTime() + STOP_GRACE.toNanos();
        synchronized (importing) {
            stopping = true;
            importing.notifyAll(); // an import waiting for its organization's turn is refused now
            while (answering > 0) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    LOG.warn("stopping with {} import(s) still answering after {} s", answering,
                            STOP_GRACE.toSeconds());
                    return;
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(importing, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    private static UnavailableException nodeStopping() {
        return new UnavailableException("node_stopping", "this node is stopping; retry the import on another node");
    }

    /** Lines one request may carry, counted from its {@code from_line}. */
    public long maxLines() {
        return maxLines;
    }

    /**
     * Imports {@code body} into the organization; {@code progress} hears after every committed chunk. The
     * answer's progress is the whole import's. Errors before the first line (the organization, the caller, a caller
     * that could write no line: {@link #requireMayWriteSomeLine}) are thrown as they are, before any line is read; a
     * failing line as {@link ImportFailedException}.
     *
     * @param declaredBytes the body's length as its request declares it, or -1 when it does not
     */
    public ImportProgress run(Principal principal, long orgId, InputStream body, long declaredBytes,
                              ImportOptions options, Consumer<ImportProgress> progress) {
        requireMayWriteSomeLine(principal, orgId);
        return start(principal, orgId, false, body, declaredBytes, options, progress);
    }

    /**
     * Imports {@code body} into the deployment: lines grouped by organization, each group after an
     * {@code organization} line that creates an organization or names an existing one (service keys only). Chunks
     * are as in {@link #run}, each one transaction of its own whatever its organizations ({@link SectionWriter});
     * the answer lists the organizations created. {@code orgId}, when not null, is the organization the body's first
     * lines (after {@code from_line}'s skipped ones) belong to, as a failed import's answer gives it to resume.
     */
    public ImportProgress runDeployment(Principal principal, Long orgId, InputStream body, long declaredBytes,
                                        ImportOptions options, Consumer<ImportProgress> progress) {
        services.access().requireService(principal, DEPLOYMENT);
        if (orgId != null) {
            requireOrganization(principal, orgId);
        }
        return start(principal, orgId == null ? 0 : orgId, true, body, declaredBytes, options, progress);
    }

    /** 404 unless the organization exists, and the caller's refusal unless it may read there. */
    private void requireOrganization(Principal principal, long orgId) {
        services.access().read(principal, orgId, (h, caller) -> services.orgModels().model(h, orgId));
    }

    /**
     * Before an organization's import takes the organization's place ({@link #awaitOrganization}) or a place of the
     * node, before any line is read: 404 unless the organization exists, the caller's refusal unless it may read
     * there, and 403 {@code permission_required}, as every other write route refuses a caller without the permission
     * (not a failure of a line: no line is read, and a resume would meet it again at whatever line it starts), unless
     * the caller could write some line — a service key, a member whose company role or grants hold
     * the model's management permission of roles or of members, or one the model's assignment rules let manage
     * assignments ({@link AssignmentRules#requireMayManage}: the model's management permission of assignments, or
     * on the {@code rooms} models the caller's role in each room). Each line is still judged by its own rules; this
     * only keeps a caller whose every line would be refused from holding the organization's imports up while its
     * body arrives.
     */
    private void requireMayWriteSomeLine(Principal principal, long orgId) {
        GatehouseException refused = services.access().read(principal, orgId, (h, caller) -> {
            PermissionModel model = services.orgModels().model(h, orgId);
            Management manage = model.management();
            if (caller.has(manage.roles()) || caller.has(manage.members())) {
                return null;
            }
            try {
                services.assignments().rules().requireMayManage(caller, model, IMPORTING);
                return null;
            } catch (ForbiddenException e) {
                Set<String> needed = new LinkedHashSet<>(List.of(manage.roles(), manage.members(),
                        manage.assignments()));
                return ForbiddenException.about(new MissingPermission(manage.assignments(), IMPORTING,
                        caller.memberId()), "permission_required", IMPORTING + " writes roles, members or "
                        + "assignments, which need " + (needed.size() == 1 ? "the permission " : "one of the "
                        + "permissions ") + String.join(", ", needed.stream().map(p -> "\"" + p + "\"").toList())
                        + ", which member " + caller.memberId() + " does not have from its company role or grants (a "
                        + "role held on a resource does not count)");
            }
        });
        if (refused != null) {
            throw refused;
        }
    }

    private ImportProgress start(Principal principal, long orgId, boolean deployment, InputStream body,
                                 long declaredBytes, ImportOptions options, Consumer<ImportProgress> progress) {
        Object turn = deployment ? null : awaitOrganization(orgId);
        try {
            boolean small = declaredBytes >= 0 && declaredBytes <= SMALL_BODY_BYTES;
            if (!small && !running.tryAcquire()) {
                throw new UnavailableException("imports_busy", "this node runs " + CONCURRENT + " imports already; "
                        + "retry shortly");
            }
            try {
                return new Run(principal, orgId, deployment, body, options, progress, small ? null : writers).run();
            } finally {
                if (!small) {
                    running.release();
                }
            }
        } finally {
            if (!deployment) {
                leaveOrganization(orgId, turn);
            }
        }
    }

    /**
     * Queues the import behind the organization's others on this node and waits until those before it have ended;
     * returns its turn, to give back by {@link #leaveOrganization} once it ends. 503 {@code imports_busy} when they
     * take more than {@link #ORGANIZATION_WAIT} in all, 503 {@code node_stopping} when the node stops meanwhile.
     */
    private Object awaitOrganization(long orgId) {
        long deadline = System.nanoTime() + ORGANIZATION_WAIT.toNanos();
        Object turn = new Object();
        synchronized (importing) {
            Deque<Object> queue = importing.computeIfAbsent(orgId, id -> new ArrayDeque<>());
            int waitingHere = Math.max(0, queue.size() - 1);
            if (!queue.isEmpty() && (waitingHere >= MAX_WAITING_PER_ORGANIZATION || waiting() >= MAX_WAITING)) {
                throw new UnavailableException("imports_busy", "an import into organization " + orgId + " runs on "
                        + "this node, and " + (waitingHere >= MAX_WAITING_PER_ORGANIZATION ? waitingHere
                        + " more of it wait for their turn" : MAX_WAITING + " imports wait for their turn on it")
                        + " already (at most " + MAX_WAITING_PER_ORGANIZATION + " of an organization, "
                        + MAX_WAITING + " in all); retry once they have ended");
            }
            queue.addLast(turn);
            boolean taken = false;
            try {
                while (queue.peekFirst() != turn) {
                    if (stopping) {
                        throw nodeStopping();
                    }
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        throw new UnavailableException("imports_busy", "the " + ahead(queue, turn) + " import(s) "
                                + "into organization " + orgId + " that arrived before this one on this node did not "
                                + "end within " + ORGANIZATION_WAIT.toSeconds() + " s; retry once they have ended");
                    }
                    TimeUnit.NANOSECONDS.timedWait(importing, left);
                }
                taken = true;
                return turn;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new UnavailableException("imports_busy", "the import was interrupted while it waited for "
                        + "other imports into organization " + orgId + "; retry");
            } finally {
                if (!taken) {
                    leaveOrganization(orgId, turn);
                }
            }
        }
    }

    /** How many imports wait for their organization's turn on this node (guarded by {@code importing}). */
    private int waiting() {
        int waiting = 0;
        for (Deque<Object> queue : importing.values()) {
            waiting += queue.size() - 1;
        }
        return waiting;
    }

    /** How many imports of {@code queue} are before {@code turn}: the one running and those waiting before it. */
    private static int ahead(Deque<Object> queue, Object turn) {
        int ahead = 0;
        for (Object other : queue) {
            if (other == turn) {
                return ahead;
            }
            ahead++;
        }
        throw new IllegalStateException("the import's turn is not in its organization's queue");
    }

    /**
     * Takes the import's {@code turn} out of its organization's queue: the next one waiting, if any, runs now; the
     * organization's entry goes once none runs or waits.
     */
    private void leaveOrganization(long orgId, Object turn) {
        synchronized (importing) {
            Deque<Object> queue = importing.get(orgId);
            boolean wasRunning = queue.peekFirst() == turn;
            queue.remove(turn);
            if (queue.isEmpty()) {
                importing.remove(orgId);
            } else if (wasRunning) {
                importing.notifyAll();
            }
        }
    }

    /** One import in progress. Not thread-safe. */
    private final class Run {

        private final Principal principal;
        /** A deployment's import ({@link #runDeployment}) rather than one organization's. */
        private final boolean deployment;
        /**
         * The organization of an organization's import; in a deployment's, the one the last chunk taken in ended in
         * (0: none yet).
         */
        private long orgId;
        /** In a deployment's import: whether a line read may belong to an organization (one was named before it). */
        private boolean inOrganization;
        /** In a deployment's import: the organizations its chunks taken in created. */
        private final List<ImportProgress.Created> created = new ArrayList<>();
        private final LineReader reader;
        private final ImportOptions options;
        private final Consumer<ImportProgress> progress;
        /** Where chunks are written (null: on the calling thread). */
        private final ExecutorService writer;
        private final ImportCounts total = new ImportCounts();
        private final KnownMembers known = new KnownMembers();
        /** Whether the import's runs of assignments have found none stored so far ({@link ChunkWriter}). */
        private boolean assignmentsNew = true;
        private long committedLines;
        /**
         * When the lines now arriving began to ({@link System#nanoTime}): the import's start, the last commit's
         * end, or when the last {@link #arrivedLines} filled a chunk's worth (skipped lines).
         */
        private long arrivingSince = System.nanoTime();
        /** Lines (not blank) and their bytes arrived since {@link #arrivingSince}. */
        private int arrivedLines;
        private long arrivedBytes;
        private long skipped;
        private int chunks;
        private long revision;
        /** The chunk being written by {@link #writer}, not taken in yet (null: none). */
        private Writing writing;
        /** This node's applying of the chunks taken in (done: all applied). */
        private CompletableFuture<Void> applied = CompletableFuture.completedFuture(null);
        /** The lines parsed since the last chunk handed to be written. */
        private final List<ImportLine> chunk = new ArrayList<>();
        /** The first line of the chunk whose writing failed (null: none failed). */
        private ImportLine failedChunkStart;

        Run(Principal principal, long orgId, boolean deployment, InputStream body, ImportOptions options,
            Consumer<ImportProgress> progress, ExecutorService writer) {
            this.principal = principal;
            this.orgId = orgId;
            this.deployment = deployment;
            this.inOrganization = orgId != 0;
            this.reader = new LineReader(body, MAX_LINE_BYTES, this::requireInTime);
            this.options = options;
            this.progress = progress;
            this.writer = writer;
        }

        ImportProgress run() {
            long lastLine = 0;
            long chunkBytes = 0;
            try {
                LineReader.Line line;
                while ((line = next()) != null) {
                    requireNodeRunning(lastLine);
                    lastLine = line.number();
                    arrived(line);
                    if (line.number() < options.fromLine()) {
                        skipped++;
                        committedLines = line.number();
                        continue;
                    }
                    if (line.number() - options.fromLine() >= options.maxLines()) {
                        // the lines before it are within the bound: committed, so that the rest resumes at this one
                        commit(chunk, line.number() - 1);
                        takeIn();
                        throw new LineFailure(line.number(), new InvalidInputException("too_many_lines", "an import "
                                + "takes at most " + options.maxLines() + " lines; send the rest in another request "
                                + "with from_line=" + line.number()));
                    }
                    if (line.blank()) {
                        continue;
                    }
                    chunk.add(parseInOrder(line));
                    chunkBytes += line.bytes().length;
                    if (chunk.size() >= options.chunkLines() || chunkBytes >= CHUNK_BYTES) {
                        commit(chunk, lastLine);
                        chunk.clear();
                        chunkBytes = 0;
                        arriving(); // the chunk's writing, or waiting for the one before it, is not the client's time
                    }
                }
                takeIn();
                if (!chunk.isEmpty() || lastLine > committedLines) {
                    commit(chunk, lastLine);
                }
                takeIn();
                settle();
            } catch (LineFailure f) {
                takeInBefore(lastLine);
                throw failed(f.line(), f.reason(), lastLine);
            } catch (IOException e) {
                takeInBefore(lastLine);
                if (late()) { // the connection went silent past the chunk's deadline, and the idle timeout ended it
                    throw failed(lastLine + 1, tooSlow(), lastLine);
                }
                LOG.info("{} stopped: its body could not be read ({})", deployment ? DEPLOYMENT
                        : "an import into organization " + orgId, e.toString());
                throw failed(lastLine + 1, new InvalidInputException("body_incomplete", "the body "
                        + "could not be read to its end (" + e.getClass().getSimpleName() + ")"), lastLine);
            } catch (ImportFailedException | UncheckedIOException | Error e) {
                // ended as reported (a node stopping), the client gone while reading progress, or the JVM failing
                abandon();
                throw e;
            } catch (GatehouseException e) {
                // a failure of the service's own kind, met outside a line (the database's while a chunk is written)
                abandon();
                throw failed(firstUncommitted(), e, lastLine);
            } catch (RuntimeException e) {
                abandon();
                throw unexpected(e, lastLine);
            }
            return snapshot(lastLine);
        }

        /**
         * The line a failure met outside a line ends the import at: the first of the chunk whose writing failed, else
         * the first not committed.
         */
        private long firstUncommitted() {
            return failedChunkStart != null ? failedChunkStart.line() : committedLines + 1;
        }

        /**
         * An unexpected failure (a bug), logged under a new error id: the import still ends at a line with where it
         * stands, as after any failing line — the line of the chunk whose writing failed, else the first one not
         * committed —, so that the committed chunks are not lost to the client.
         */
        private ImportFailedException unexpected(RuntimeException e, long lastLine) {
            long line = firstUncommitted();
            String errorId = InternalErrorException.log(LOG, e, "in " + (deployment ? DEPLOYMENT
                    : "an import into organization " + orgId) + " at line " + line + " (" + committedLines
                    + " lines committed)");
            return failed(line, new InternalErrorException(errorId, e), lastLine);
        }

        /**
         * The deadline of a streamed body ({@link ImportOptions#chunkTimeout}): a chunk's lines — {@link
         * ImportOptions#chunkLines()} of them, or {@link #CHUNK_BYTES}, or the body's end — must have arrived within it
         * of the chunk's start, or the line being read when a read of the body returns after it (whatever that read
         * brought: part of a line, a blank line — blank lines fill nothing —, or the body's end) fails the import.
         * The edge's body deadline holds only for bodies it reads whole; without this one, a client sending a blank
         * line now and then, or a line a byte at a time, held one of the node's {@link #CONCURRENT} places for as long
         * as it liked (a connection that goes silent instead is closed after the idle timeout: {@link #late}).
         */
        private void requireInTime(long lineNumber) {
            if (late()) {
                throw new LineFailure(lineNumber, tooSlow());
            }
        }

        private boolean late() {
            return System.nanoTime() - arrivingSince > options.chunkTimeout().toNanos();
        }

        private RequestTimeoutException tooSlow() {
            long elapsed = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - arrivingSince);
            return new RequestTimeoutException("the lines arrive too slowly: a chunk's " + options.chunkLines()
                    + " lines (blank lines not counted), or the body's end, must arrive within "
                    + options.chunkTimeout().toMillis() + " ms of the chunk's start; " + arrivedLines + " arrived in "
                    + elapsed + " ms");
        }

        /** Counts a line toward the lines arriving: a skipped one too, whose chunk's worth restarts the deadline. */
        private void arrived(LineReader.Line line) {
            if (line.blank()) {
                return;
            }
            arrivedLines++;
            arrivedBytes += line.bytes().length;
            if (line.number() < options.fromLine()
                    && (arrivedLines >= options.chunkLines() || arrivedBytes >= CHUNK_BYTES)) {
                arriving();
            }
        }

        /** The next chunk's lines begin to arrive now. */
        private void arriving() {
            arrivingSince = System.nanoTime();
            arrivedLines = 0;
            arrivedBytes = 0;
        }

        /**
         * Before a failure found by the calling thread is reported: the chunk still being written is waited for
         * and taken in, and its own failure, of an earlier line, is the one reported.
         */
        private void takeInBefore(long lastLine) {
            try {
                takeIn();
            } catch (LineFailure earlier) {
                settle();
                throw failed(earlier.line(), earlier.reason(), lastLine);
            } catch (GatehouseException failedChunk) {
                // the chunk being written failed outside a line (the database's failure): it ends the import
                abandon();
                throw failed(firstUncommitted(), failedChunk, lastLine);
            }
            settle();
        }

        /** Waits until this node has applied every chunk taken in: an import answers only then. */
        private void settle() {
            applied.exceptionally(t -> null).join();
        }

        /**
         * After an unexpected failure of the calling thread: waits for the chunk being written (which, if it
         * committed, this node has applied), ignoring its outcome.
         */
        private void abandon() {
            if (writing != null) {
                writing.done.exceptionally(t -> null).join();
                applied = writing.applied;
                writing = null;
            }
            settle();
        }

        /** The next line read, or null at the body's end; a line too long fails in order ({@link #inOrder}). */
        private LineReader.Line next() throws IOException {
            try {
                return reader.next();
            } catch (LineFailure failure) {
                throw failure.reason() instanceof TooLargeException ? inOrder(failure) : failure;
            }
        }

        /** The line parsed; a line that is not a valid one fails in order ({@link #inOrder}). */
        private ImportLine parseInOrder(LineReader.Line line) {
            try {
                return parse(line);
            } catch (LineFailure failure) {
                throw inOrder(failure);
            }
        }

        /**
         * A line's own failure found as it is read or parsed ({@code failure}), reported in the body's order: the lines
         * of its chunk before it, parsed ahead of their writing, are written first, in the chunk's transaction, which
         * {@code failure} then ends and rolls back — so that one of them failing when written, an earlier line, is the
         * failure thrown (as {@link #takeIn} throws it), with its chunk changing nothing, as the class comment says.
         * Returns {@code failure} when no line precedes it in its chunk.
         */
        private LineFailure inOrder(LineFailure failure) {
            if (chunk.isEmpty()) {
                return failure;
            }
            commit(chunk, failure.line(), failure);
            takeIn();
            throw new IllegalStateException("a chunk ending with the failure of line " + failure.line()
                    + " was written without it");
        }

        private ImportLine parse(LineReader.Line line) {
            ImportLine parsed;
            try {
                parsed = LineParser.parse(line.number(), line.bytes(), line.cutOff(), deployment);
            } catch (GatehouseException e) {
                throw new LineFailure(line.number(), e);
            }
            if (deployment && !inOrganization && !(parsed instanceof ImportLine.Organization)) {
                throw new LineFailure(line.number(), new InvalidInputException("organization_required", "a "
                        + "deployment's import names the organization its lines belong to first: an organization "
                        + "line ({\"type\": \"organization\", \"name\", \"model\"} or {\"type\": \"organization\", "
                        + "\"org_id\"}) before them, or org_id in the query when resuming"));
            }
            inOrganization = true;
            return parsed;
        }

        /**
         * Once the node stops ({@link ImportService#close}): takes in the chunk being written, if any, and ends the
         * import with 503 {@code node_stopping} at the first line not committed ({@code linesRead}: the lines read
         * so far, those after the last chunk dropped unwritten).
         */
        private void requireNodeRunning(long linesRead) {
            if (!stopping) {
                return;
            }
            takeInBefore(linesRead);
            LOG.info("{} stopped at line {}: the node is stopping", deployment ? DEPLOYMENT
                    : "an import into organization " + orgId, committedLines + 1);
            throw failed(committedLines + 1, new UnavailableException("node_stopping", "this node "
                    + "is stopping; lines up to " + committedLines + " are committed, resume from line "
                    + (committedLines + 1) + " on another node or once it is back"), linesRead);
        }

        /**
         * Writes one chunk in its own transaction ({@code lastLine} is the last line it covers): on the calling
         * thread, or handed to {@link #writer} once the chunk before it has been taken in. None starts once the
         * node stops.
         */
        private void commit(List<ImportLine> chunk, long lastLine) {
            commit(chunk, lastLine, null);
        }

        /** {@link #commit(List, long)}, the chunk ending with {@code failing} when not null ({@link #inOrder}). */
        private void commit(List<ImportLine> chunk, long lastLine, LineFailure failing) {
            requireNodeRunning(lastLine);
            takeIn();
            Writing next = new Writing(List.copyOf(chunk), lastLine, applied, orgId, assignmentsNew, failing);
            if (writer == null) {
                next.done.complete(next.write());
            } else {
                Map<String, String> context = MDC.getCopyOfContextMap();
                writer.execute(() -> {
                    if (context != null) {
                        MDC.setContextMap(context);
                    }
                    try {
                        next.done.complete(next.write());
                    } catch (Throwable t) {
                        next.done.completeExceptionally(t);
                    } finally {
                        MDC.clear();
                    }
                });
            }
            writing = next;
            if (writer == null) {
                takeIn();
            }
        }

        /** Waits for the chunk being written, if any, and counts what it did; rethrows its failure. */
        private void takeIn() {
            if (writing == null) {
                return;
            }
            Writing done = writing;
            writing = null;
            Written<Void> written;
            try {
                written = Written.join(done.done);
            } catch (RuntimeException | Error e) {
                failedChunkStart = done.lines.isEmpty() ? null : done.lines.get(0);
                throw e;
            }
            applied = done.applied;
            if (written != null) {
                if (deployment) {
                    orgId = done.orgIdAfter;
                    created.addAll(done.created);
                } else {
                    known.take(done.resolved, written.revision());
                }
                assignmentsNew = done.assignmentsNewAfter;
                total.add(done.counts);
                chunks++;
                revision = Math.max(revision, written.revision());
            }
            committedLines = done.lastLine;
            progress.accept(snapshot(done.lastLine, false));
        }

        /** One chunk to write, and then what it did ({@link #done}: null when it had no lines). */
        private final class Writing {

            final List<ImportLine> lines;
            final long lastLine;
            /** The failure of the line after {@link #lines}, which ends the chunk once they are written (null: none). */
            final LineFailure failing;
            final ImportCounts counts = new ImportCounts();
            final CompletableFuture<Written<Void>> done = new CompletableFuture<>();
            /** This node's applying of the chunks before this one. */
            final CompletableFuture<Void> before;
            /** What the chunk resolved (its last attempt's), set by {@link #write}. */
            KnownMembers.Resolved resolved;
            /** In a deployment's import: the organization the chunk begins in, and the one it ends in. */
            final long orgIdBefore;
            long orgIdAfter;
            /** In a deployment's import: the organizations the chunk created, set by {@link #write}. */
            List<ImportProgress.Created> created = List.of();
            /** Whether the import's runs of assignments found none stored so far: before this chunk, and after it. */
            final boolean assignmentsNew;
            boolean assignmentsNewAfter;
            /** This node's applying of this chunk and those before it, set by {@link #write}. */
            CompletableFuture<Void> applied;

            Writing(List<ImportLine> lines, long lastLine, CompletableFuture<Void> before, long orgId,
                    boolean assignmentsNew, LineFailure failing) {
                this.lines = lines;
                this.failing = failing;
                this.orgIdBefore = orgId;
                this.orgIdAfter = orgId;
                this.lastLine = lastLine;
                this.before = before;
                this.applied = before;
                this.assignmentsNew = assignmentsNew;
                this.assignmentsNewAfter = assignmentsNew;
            }

            Written<Void> write() {
                if (lines.isEmpty()) {
                    return null;
                }
                if (deployment) {
                    return writeSections();
                }
                // a chunk sharing a transaction may follow another write of the organization whose records are
                // not in the log yet: only a chunk alone in its transaction may trust what earlier chunks resolved
                boolean alone = lines.size() > SHARED_CHUNK_LINES;
                BiFunction<Tx, Caller, Void> work = (tx, caller) -> {
                    ChunkWriter chunk = new ChunkWriter(services, tx, caller,
                            services.orgModels().model(tx.handle(), orgId), orgId, counts, alone ? known : null,
                            assignmentsNew, null);
                    ChunkWriter.announce(tx, lines, List.of());
                    chunk.write(lines);
                    requireNotFailing();
                    resolved = chunk.resolved();
                    assignmentsNewAfter = chunk.assignmentsNew();
                    return null;
                };
                try {
                    if (!alone) {
                        return Store.heavy(() -> services.access().write(principal, orgId, work));
                    }
                    if (writer == null) {
                        return services.access().writeAlone(principal, orgId, work);
                    }
                    // applied on another thread, in order, while this one writes the next chunk
                    Store.Committed<Void> committed = services.access().commitAlone(principal, orgId, work);
                    publish(committed);
                    return committed.written();
                } catch (GatehouseException e) {
                    // not a line's own failure: the organization, the caller's key or the database
                    throw new LineFailure(lines.get(0).line(), e);
                }
            }

            /** Ends the chunk's transaction, rolling it back, with the failure of the line after its lines, if any. */
            private void requireNotFailing() {
                if (failing != null) {
                    throw failing;
                }
            }

            /** A deployment's chunk: in a transaction of its own, whatever its size ({@link SectionWriter}). */
            private Written<Void> writeSections() {
                try {
                    Store.Committed<Void> committed = services.access().commitDeploymentAlone(principal, DEPLOYMENT,
                            (tx, caller) -> {
                                SectionWriter sections = new SectionWriter(services, tx, caller, counts, orgIdBefore,
                                        assignmentsNew);
                                sections.write(lines);
                                requireNotFailing();
                                created = List.copyOf(sections.created());
                                orgIdAfter = sections.orgId();
                                assignmentsNewAfter = sections.assignmentsNew();
                                return null;
                            });
                    publish(committed);
                    return committed.written();
                } catch (GatehouseException e) {
                    throw new LineFailure(lines.get(0).line(), e);
                }
            }

            /** Has this node apply the chunk's records: now, or on another thread while the next chunk is written. */
            private void publish(Store.Committed<Void> committed) {
                if (writer == null) {
                    committed.publish();
                } else {
                    applied = before.exceptionally(t -> null).thenRunAsync(committed::publish, appliers);
                }
            }
        }

        private ImportProgress snapshot(long linesRead) {
            return snapshot(linesRead, true);
        }

        /** The import ended at {@code line} by {@code reason}, after reading {@code linesRead} lines. */
        private ImportFailedException failed(long line, GatehouseException reason, long linesRead) {
            return new ImportFailedException(line, reason, snapshot(linesRead), resumeOrgId());
        }

        /**
         * In a deployment's import, the organization the first line not committed belongs to when it exists already:
         * the one the committed lines end in (0 when none did), unless that line is known to be an organization line,
         * which names its own (one it creates is rolled back with its chunk). 0 in an organization's import.
         */
        private long resumeOrgId() {
            if (!deployment) {
                return 0;
            }
            ImportLine first = failedChunkStart != null ? failedChunkStart : chunk.isEmpty() ? null : chunk.get(0);
            // a chunk committed before the failure (too_many_lines) leaves its lines behind: the first is not known
            boolean known = first != null && first.line() > committedLines;
            return known && first instanceof ImportLine.Organization ? 0 : orgId;
        }

        /**
         * Where the import stands; a deployment's also says in which organization its committed lines end and, in
         * an answer ({@code listed}) rather than a progress line, lists the organizations it created.
         */
        private ImportProgress snapshot(long linesRead, boolean listed) {
            return new ImportProgress(linesRead, committedLines, skipped, chunks, revision, total, !deployment ? null
                    : new ImportProgress.Organizations(listed ? List.copyOf(created) : null, orgId));
        }
    }
}
