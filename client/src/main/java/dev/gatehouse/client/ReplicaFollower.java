package dev.gatehouse.client;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The {@link GatehouseReplica}: loads a snapshot, then follows {@code GET /v1/changes} (Server-Sent Events) on a
 * thread of its own ({@code gatehouse-replica-N}).
 *
 * <p><b>Algorithm.</b> The follow loop opens the stream after {@link ReplicaState#revision()}, applies each
 * {@code change} event, and notes every event (heartbeats too) as news. When the stream ends or fails it opens it
 * again from the revision held, waiting 100 ms doubling to the configured maximum between failed attempts (reset by
 * any event received). A 410 {@code resync_required} answer, a {@code resync} event, a change that cannot be read
 * or applied whole and in order ({@link ReplicaState#apply(String)}: not JSON, a field of the wrong type, a revision
 * not above the one held, an organization the replica does not hold) or an event longer than the line bound
 * ({@link ReplicaLines}) makes it load a fresh snapshot first: reopening the stream would only send the same event
 * again. So does a stream that names another history than the snapshot held: revisions number one deployment's change
 * log, which the server names in {@code Gatehouse-Deployment} on the snapshot and on the stream; a stream whose id
 * differs from the snapshot's (another id, or none where the snapshot named one: the URL now leads to a deployment
 * re-created by export and import, or to another cluster) would send that other history's revisions, which the
 * replica must not apply on top of what it holds. A {@code revoked} event, or a 401 or 403 answer to the stream (its
 * key revoked, or never one that may read it), stops the following for good: reconnecting could not succeed, and the
 * replica calls itself stale from then on ({@link #stoppedBy()}). A watchdog ({@code gatehouse-replica-watchdog-N})
 * closes a stream that brought no bytes for longer than the stale bound, since a connection can die without ending (a
 * peer gone without a FIN); the loop then reconnects. Bytes, not whole events: a change too large to arrive within
 * the bound (a long import's, on a slow link) is still arriving, and closing its stream would only make the replica
 * ask for it again, and again. Staleness ({@link #isStale()}) still counts from the last whole event. A snapshot is
 * not watched for news (a large one is read for a while before anything is heard) but bounded as a whole by the
 * snapshot timeout, on the same thread.
 *
 * <p>Thread-safety: the follow thread alone writes the state and {@link #deployment} (the builder's thread the first
 * time, before the follow thread starts); {@link #stream} and the counters are volatile;
 * {@link #close()} may be called from any thread, once or more.
 */
final class ReplicaFollower implements GatehouseReplica {

    private static final AtomicInteger THREADS = new AtomicInteger();
    private static final long FIRST_BACKOFF_MILLIS = 100;
    private static final HttpHeaders EMPTY_HEADERS = HttpHeaders.of(Map.of(), (name, value) -> true);
    private static final String DEPLOYMENT_HEADER = "Gatehouse-Deployment";

    private final ReplicaSettings settings;
    private final ReplicaState state = new ReplicaState();
    private final ExecutorService httpThreads;
    private final HttpClient http;
    private final ScheduledExecutorService watchdog;
    private final Thread follower;
    private volatile boolean closed;
    /** Why the following stopped for good (the server refused the replica's key); null while it goes on. */
    private volatile GatehouseException stoppedBy;
    /** The change stream being read, which the watchdog may close; null between connections. */
    private volatile InputStream stream;
    /** The snapshot being read, which the snapshot's deadline or {@link #close()} may close; null otherwise. */
    private volatile InputStream loading;
    private volatile long lastHeard = System.nanoTime();
    /** When the open stream last brought bytes, or was opened. */
    private volatile long lastBytes = System.nanoTime();
    private volatile long resyncs;
    private volatile long reconnects;
    /**
     * The {@code Gatehouse-Deployment} of the snapshot held: the history whose revisions the replica follows (null when
     * the server named none).
     */
    private String deployment;

    private ReplicaFollower(ReplicaSettings settings) {
        this.settings = settings;
        int n = THREADS.incrementAndGet();
        this.httpThreads = Executors.newCachedThreadPool(daemon("gatehouse-replica-http-" + n));
        this.http = HttpClient.newBuilder().connectTimeout(settings.connectTimeout())
                .followRedirects(HttpClient.Redirect.NEVER).executor(httpThreads).build();
        this.watchdog = Executors.newSingleThreadScheduledExecutor(daemon("gatehouse-replica-watchdog-" + n));
        this.follower = daemon("gatehouse-replica-" + n).newThread(this::follow);
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        AtomicInteger count = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, count.getAndIncrement() == 0 ? name : name + "-" + count.get());
            thread.setDaemon(true);
            return thread;
        };
    }

    /** A replica with its first snapshot loaded and its follower started. */
    static GatehouseReplica start(ReplicaSettings settings) {
        ReplicaFollower replica = new ReplicaFollower(settings);
        try {
            replica.loadSnapshot(() -> { });
        } catch (IOException e) {
            replica.close();
            throw snapshotFailed(settings, e);
        } catch (RuntimeException e) {
            replica.close();
            throw e;
        } catch (InterruptedException e) {
            replica.close();
            Thread.currentThread().interrupt();
            throw Problem.local("interrupted", "interrupted while loading the snapshot").exception();
        }
        long check = Math.max(50, settings.heartbeat().toMillis() / 2);
        replica.watchdog.scheduleWithFixedDelay(replica::closeIfSilent, check, check, TimeUnit.MILLISECONDS);
        replica.follower.start();
        return replica;
    }

    /**
     * The first snapshot could not be read: a {@link TransportException} with the client's codes (as
     * {@link Transport} names them) and the JDK's exception as its cause.
     */
    private static TransportException snapshotFailed(ReplicaSettings settings, IOException e) {
        String what = "GET " + settings.uri("/v1/snapshot", null).getRawPath() + ": ";
        Problem problem;
        if (e instanceof HttpConnectTimeoutException || e instanceof ConnectException) {
            problem = Problem.local("connect_failed", what + "could not connect to " + settings.url() + " (" + e + ")");
        } else if (e instanceof SnapshotTimeoutException) {
            problem = Problem.local("timeout", what + "no complete snapshot within " + settings.snapshotTimeout());
        } else if (e instanceof HttpTimeoutException) {
            problem = Problem.local("timeout", what + "no answer within " + settings.connectTimeout()
                    .plus(settings.staleAfter()));
        } else {
            problem = Problem.local("io_error", what + "loading the snapshot failed: " + e);
        }
        return new TransportException(problem, e);
    }

    /**
     * Loads a snapshot and swaps it in; {@code counted} runs just before the swap (a resync is counted then). The
     * whole answer must arrive within the snapshot timeout: the JDK client's request timeout covers its headers only,
     * and a body can stall half-way. The deadline, on the watchdog's thread, cancels the exchange while the headers
     * are awaited and closes the body once it is being read; the reader then fails with a
     * {@link SnapshotTimeoutException}. Whichever of the two sets its flag ({@code late}, {@link #loading}) first,
     * the other sees it, so a deadline falling between them is not lost.
     */
    private void loadSnapshot(Runnable counted) throws IOException, InterruptedException {
        Duration bound = settings.snapshotTimeout();
        CompletableFuture<HttpResponse<InputStream>> answer = http.sendAsync(
                request(settings.uri("/v1/snapshot", null)), HttpResponse.BodyHandlers.ofInputStream());
        AtomicBoolean late = new AtomicBoolean();
        ScheduledFuture<?> deadline = watchdog.schedule(() -> {
            late.set(true);
            answer.cancel(true);
            InputStream open = loading;
            if (open != null) {
                closeQuietly(open);
            }
        }, bound.toNanos(), TimeUnit.NANOSECONDS);
        try {
            HttpResponse<InputStream> res = headers(answer);
            try (InputStream body = res.body()) {
                if (res.statusCode() != 200) {
                    throw Problem.of(res.statusCode(), res.headers(), body.readAllBytes()).exception();
                }
                loading = body;
                if (closed) {
                    return;
                }
                if (late.get()) {
                    throw new SnapshotTimeoutException(bound);
                }
                state.loadSnapshot(new ReplicaLines(body, settings.maxLineChars()), counted);
                deployment = res.headers().firstValue(DEPLOYMENT_HEADER).orElse(null);
                heard();
            }
        } catch (IOException | CancellationException failed) {
            if (late.get()) {
                SnapshotTimeoutException timeout = new SnapshotTimeoutException(bound);
                timeout.initCause(failed);
                throw timeout;
            }
            throw failed;
        } finally {
            loading = null;
            deadline.cancel(false);
        }
    }

    /** The snapshot's answer once its headers are in; the JDK's failure as it threw it. */
    private static HttpResponse<InputStream> headers(CompletableFuture<HttpResponse<InputStream>> answer)
            throws IOException, InterruptedException {
        try {
            return answer.get();
        } catch (InterruptedException interrupted) {
            answer.cancel(true);
            throw interrupted;
        } catch (ExecutionException failed) {
            throw Transport.rethrown(failed);
        }
    }

    /** A snapshot not whole within the snapshot timeout. */
    private static final class SnapshotTimeoutException extends HttpTimeoutException {
        private static final long serialVersionUID = 1L;

        SnapshotTimeoutException(Duration bound) {
            super("the snapshot was not complete within " + bound);
        }
    }

    private HttpRequest request(java.net.URI uri) {
        // the timeout runs until the answer's head arrives; the body is watched by the watchdog
        return HttpRequest.newBuilder(uri).timeout(settings.connectTimeout().plus(settings.staleAfter()))
                .header("Authorization", "Bearer " + settings.key())
                .header("User-Agent", "gatehouse-replica").GET().build();
    }

    private void follow() {
        long backoff = FIRST_BACKOFF_MILLIS;
        boolean resync = false;
        while (!closed) {
            try {
                if (resync) {
                    loadSnapshot(() -> resyncs++);
                    resync = false;
                }
                if (stream(new boolean[1])) {
                    backoff = FIRST_BACKOFF_MILLIS;
                }
            } catch (ReplicaState.ResyncNeeded e) {
                resync = true;
            } catch (UnauthenticatedException | ForbiddenException e) {
                stoppedBy = e;
                return;
            } catch (IOException | RuntimeException e) {
                // a broken or refused connection: try again after the backoff
            } catch (InterruptedException e) {
                return;
            }
            if (closed) {
                return;
            }
            reconnects++;
            try {
                Thread.sleep(backoff);
            } catch (InterruptedException e) {
                return;
            }
            backoff = Math.min(backoff * 2, settings.maxBackoff().toMillis());
        }
    }

    /**
     * Follows one connection until it ends; true when it brought at least one event. Throws
     * {@link ReplicaState.ResyncNeeded} when the replica must reload a snapshot.
     */
    private boolean stream(boolean[] news) throws IOException, InterruptedException {
        String query = "after=" + state.revision() + "&heartbeat=" + settings.heartbeat().toMillis() + "ms";
        HttpResponse<InputStream> res = http.send(request(settings.uri("/v1/changes", query)),
                HttpResponse.BodyHandlers.ofInputStream());
        try (InputStream body = res.body()) {
            if (res.statusCode() == 410) {
                throw new ReplicaState.ResyncNeeded("the server asks for a resync: "
                        + new String(body.readAllBytes(), StandardCharsets.UTF_8), null);
            }
            if (res.statusCode() != 200) {
                throw Problem.of(res.statusCode(), res.headers(), body.readAllBytes()).exception();
            }
            String named = res.headers().firstValue(DEPLOYMENT_HEADER).orElse(null);
            if (!Objects.equals(named, deployment)) {
                throw new ReplicaState.ResyncNeeded("GET /v1/changes names deployment " + named + ", the snapshot held "
                        + "was of deployment " + deployment + ": the server's revisions number another history", null);
            }
            lastBytes = System.nanoTime();
            stream = body;
            if (closed) {
                return false;
            }
            ReplicaLines lines = new ReplicaLines(new Arrivals(body), settings.maxLineChars());
            String event = null;
            StringBuilder data = new StringBuilder();
            String line;
            while ((line = nextLine(lines)) != null) {
                if (line.isEmpty()) {
                    if (event != null) {
                        dispatch(event, data.toString());
                        news[0] = true;
                    }
                    event = null;
                    data.setLength(0);
                } else if (line.startsWith("event:")) {
                    event = line.substring(6).strip();
                } else if (line.startsWith("data:")) {
                    // an event's data lines join with a newline (as EventSource joins them), within the same bound
                    if (data.length() + line.length() > settings.maxLineChars()) {
                        throw tooLong(new ReplicaLines.TooLong(settings.maxLineChars()));
                    }
                    data.append(data.isEmpty() ? "" : "\n").append(line.substring(5).strip());
                }
            }
            return news[0];
        } finally {
            stream = null;
        }
    }

    /** The stream's next line, or null at its end; one too long to read makes the replica reload a snapshot. */
    private String nextLine(ReplicaLines lines) throws IOException {
        try {
            return lines.readLine();
        } catch (ReplicaLines.TooLong tooLong) {
            throw tooLong(tooLong);
        }
    }

    /**
     * An event too long to read: not one the server sends whole, so whatever change it holds is taken from a
     * snapshot instead (reconnecting would meet the same event again).
     */
    private ReplicaState.ResyncNeeded tooLong(ReplicaLines.TooLong tooLong) {
        return new ReplicaState.ResyncNeeded("GET /v1/changes after revision " + state.revision() + ": "
                + tooLong.getMessage(), tooLong);
    }

    private void dispatch(String event, String data) {
        heard();
        switch (event) {
            case "change" -> state.apply(data);
            case "resync" -> throw new ReplicaState.ResyncNeeded("the server asks for a resync: " + data, null);
            case "revoked" -> throw Problem.of(401, EMPTY_HEADERS, data.getBytes(StandardCharsets.UTF_8)).exception();
            default -> {
                // heartbeats are news and nothing more; unknown events from a newer server are ignored
            }
        }
    }

    private void heard() {
        lastHeard = System.nanoTime();
    }

    /** The watchdog: a stream that brought no bytes for longer than the stale bound is closed; the loop reconnects. */
    private void closeIfSilent() {
        InputStream open = stream;
        if (open != null && System.nanoTime() - lastBytes > settings.staleAfter().toNanos()) {
            closeQuietly(open);
        }
    }

    /** The change stream, noting when bytes arrive ({@link #lastBytes}). */
    private final class Arrivals extends FilterInputStream {

        Arrivals(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                lastBytes = System.nanoTime();
            }
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n = super.read(buffer, offset, length);
            if (n > 0) {
                lastBytes = System.nanoTime();
            }
            return n;
        }
    }

    private static void closeQuietly(InputStream in) {
        try {
            in.close();
        } catch (IOException ignored) {
            // closing is all that was wanted
        }
    }

    @Override
    public Decisions decisions(long orgId) {
        return new ReplicaDecisions(state, orgId);
    }

    @Override
    public long revision() {
        return state.revision();
    }

    @Override
    public boolean awaitRevision(long revision, Duration timeout) throws InterruptedException {
        return state.awaitRevision(revision, Arguments.required(timeout, "timeout"));
    }

    @Override
    public Duration staleness() {
        return Duration.ofNanos(System.nanoTime() - lastHeard);
    }

    @Override
    public boolean isStale() {
        return stoppedBy != null || staleness().compareTo(settings.staleAfter()) > 0;
    }

    @Override
    public Optional<GatehouseException> stoppedBy() {
        return Optional.ofNullable(stoppedBy);
    }

    @Override
    public long resyncs() {
        return resyncs;
    }

    @Override
    public long reconnects() {
        return reconnects;
    }

    @Override
    public void close() {
        closed = true;
        watchdog.shutdownNow();
        follower.interrupt();
        for (InputStream open : new InputStream[] {stream, loading}) {
            if (open != null) {
                closeQuietly(open);
            }
        }
        try {
            if (follower.isAlive() && Thread.currentThread() != follower) {
                follower.join(5_000);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        httpThreads.shutdownNow();
    }
}
