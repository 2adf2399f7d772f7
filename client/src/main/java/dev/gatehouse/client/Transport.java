package dev.gatehouse.client;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandler;
import java.net.http.HttpResponse.BodySubscribers;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import tools.jackson.databind.JsonNode;

/**
 * Sends one request of the native API and reads its answer: authentication, timeouts, the retry loop of
 * {@link RetryPolicy}, problem documents turned into {@link GatehouseException}s, and the session's revision.
 *
 * <p><b>Session revision.</b> Every successful answer carries {@code Gatehouse-Revision} (a write: the revision it
 * committed; anything else: the revision the node had applied). {@link #revision} keeps the largest seen, rising
 * only; decision requests send it as {@code min_revision}, so a later read on any node sees this session's writes
 * and never goes back in time (read-your-writes and monotonic reads). An error never raises it. The one exception
 * is a revision the deployment's change log never reached ({@link #logEnd}): no node would ever answer it, so the
 * decision reads lower it to the log's end ({@link #lower}) and ask again.
 *
 * <p><b>Retries.</b> A request is {@link Safety#IDEMPOTENT} (a read, a decision, a {@code PUT}, a {@code DELETE}) or a
 * {@link Safety#WRITE}; a write is sent again only when the failure proves it was not applied (a refused connection,
 * 429, a 503 whose code is in {@link #NOT_APPLIED}) — never an import that answers with the lines it committed,
 * whatever its code ({@link Problem#appliedInPart}: it is resumed, not sent again). Bodies come from a supplier so
 * each attempt sends them afresh; a body that cannot be replayed is sent once.
 *
 * <p><b>A retried {@code DELETE} that finds nothing.</b> When an attempt of a {@code DELETE} fails so that it may
 * have been applied (a timeout, a broken connection, a 502/504, a 503 not in {@link #NOT_APPLIED}), a 404 to a later
 * attempt does not mean the caller asked for something absent: most likely the earlier attempt deleted it. Either
 * way what the caller wanted gone is gone, so that 404 is the call's success ({@link Reply#gone()}), not a
 * {@link NotFoundException}. A 404 to the first attempt, or after failures that prove nothing was applied (a refused
 * connection, 429, a 503 in {@link #NOT_APPLIED}), is the server's plain answer and is thrown. A conditional delete
 * ({@code If-Match}) is the same: its 404 on such a retry is success; a 412 on a retry stays an error, since the
 * object is still there, at a version the caller did not name.
 *
 * <p><b>Timeouts.</b> Each attempt waits at most its call's timeout for its answer: the whole answer when it is read
 * whole, the headers when its body is a stream the caller reads as it comes (see {@link #exchange}).
 *
 * <p><b>Closing.</b> {@link #close} cancels every exchange in flight, closes every streamed body being read
 * ({@link #stream}: its exchange left the flight with its headers) and wakes every call waiting to retry: a call in
 * progress ends at once with an {@link IllegalStateException} saying the client was closed during it — or, when an
 * attempt of it had already failed, with that failure, the closing added to it as suppressed — and so does a read of
 * a streamed body; later calls throw {@link IllegalStateException} before sending anything. A call that passed the
 * first check just before the close and reaches the JDK client after its threads stopped (which refuses it with a
 * {@link RejectedExecutionException}) is a call the client was closed during, like any other.
 *
 * <p>Thread-safe: the JDK client is, the revision is an atomic, the exchanges in flight and the bodies being read
 * concurrent sets, and nothing else changes after construction.
 */
final class Transport {

    /** The header of a write's committed revision, and of the revision any other answer reflects. */
    static final String REVISION_HEADER = "Gatehouse-Revision";

    /** 503 codes the server uses only when it refused the request before applying anything. */
    static final Set<String> NOT_APPLIED = Set.of("database_unavailable", "database_busy", "revision_not_reached",
            "node_resyncing", "node_stopping", "imports_busy", "exports_busy", "snapshots_busy", "retry");

    /** Whether a request may be repeated when its outcome is unknown. */
    enum Safety { IDEMPOTENT, WRITE }

    /**
     * One request.
     *
     * @param body        a fresh body for each attempt, or null for none
     * @param replayable  whether {@code body} can be sent more than once
     * @param timeout     how long to wait for the answer: all of it when read whole, its headers when streamed
     */
    record Call(String method, String path, Safety safety, Supplier<HttpRequest.BodyPublisher> body,
                boolean replayable, String contentType, String accept, Long ifMatch, Duration timeout) {
    }

    /**
     * A successful answer: status, headers, body (the JSON tree, or null for a body-less or non-JSON one). A
     * {@link #gone()} one is a retried {@code DELETE}'s 404, with no body (see the class comment).
     */
    record Answer(int status, HttpHeaders headers, JsonNode body) {

        /** Whether this is a retried {@code DELETE} whose target was no longer there: done, with nothing to read. */
        boolean gone() {
            return status == 404;
        }
    }

    /**
     * A successful answer whose body {@code handler} read (a stream, lines, bytes); a {@link #gone()} one (a retried
     * {@code DELETE}'s 404) has a null body.
     */
    record Reply<T>(int status, HttpHeaders headers, T body) {

        /** Whether this is a retried {@code DELETE} whose target was no longer there: done, with nothing to read. */
        boolean gone() {
            return status == 404;
        }
    }

    /** The body of a response, or the bytes of a failed one. */
    private record Outcome<T>(T body, byte[] failure) {
    }

    private final HttpClient http;
    private final ExecutorService executor;
    private final String base;
    private final String authorization;
    private final RetryPolicy retry;
    private final AtomicLong revision;
    private final AtomicBoolean closed = new AtomicBoolean();
    /** Counted down once, by {@link #close}: wakes the calls waiting to retry. */
    private final CountDownLatch closing = new CountDownLatch(1);
    /** The exchanges in flight, which {@link #close} cancels. */
    private final Set<CompletableFuture<?>> inFlight = ConcurrentHashMap.newKeySet();
    /** The streamed bodies being read ({@link #stream}), which {@link #close} closes. */
    private final Set<StreamedBody> reading = ConcurrentHashMap.newKeySet();

    Transport(HttpClient http, ExecutorService executor, URI base, String key, RetryPolicy retry, long revision) {
        this.http = http;
        this.executor = executor;
        this.base = base.toString(); // without trailing slashes: GatehouseClient.Builder.baseUrl made it
        this.authorization = "Bearer " + key;
        this.retry = retry;
        this.revision = new AtomicLong(revision);
    }

    long revision() {
        return revision.get();
    }

    void observe(long seen) {
        revision.accumulateAndGet(seen, Math::max);
    }

    /**
     * Lowers the session's revision from {@code from} to {@code to}, unless it moved since {@code from} was read (a
     * write's answer raised it, or another call lowered it already).
     */
    void lower(long from, long to) {
        revision.compareAndSet(from, to);
    }

    /**
     * The revision the deployment's change log ends at, when {@code refused} is the server's answer to a
     * {@code min_revision} past it (400 {@code invalid_input} naming {@code min_revision}, with the log's end as
     * {@code last_revision}); -1 for any other refusal.
     */
    static long logEnd(InvalidInputException refused) {
        JsonNode last = refused.problem().get("last_revision");
        if (refused.status() != 400 || !"invalid_input".equals(refused.code())
                || !refused.fieldErrors().containsKey("min_revision") || last == null || !last.isIntegralNumber()) {
            return -1;
        }
        return last.longValue();
    }

    /** Raises the session's revision to an answer's {@code Gatehouse-Revision}; a malformed one is ignored. */
    void observe(HttpHeaders headers) {
        headers.firstValue(REVISION_HEADER).ifPresent(value -> {
            try {
                observe(Long.parseLong(value.trim()));
            } catch (NumberFormatException notANumber) {
                // not the server's header (a proxy's?): it proves nothing about what the session has seen
            }
        });
    }

    /** Sends {@code call}, answering a 2xx with its JSON body (parsed when there is one). */
    Answer json(Call call) {
        Reply<byte[]> reply = send(call, HttpResponse.BodyHandlers.ofByteArray());
        byte[] bytes = reply.body();
        JsonNode body = reply.gone() || bytes.length == 0 ? null
                : Wire.answer(reply.status(), call.method() + " " + call.path(), bytes);
        return new Answer(reply.status(), reply.headers(), body);
    }

    /**
     * Sends {@code call}, retrying as {@link RetryPolicy} allows; answers a 2xx response with its body as
     * {@code handler} reads it, throws the {@link GatehouseException} of anything else.
     */
    <T> Reply<T> send(Call call, BodyHandler<T> handler) {
        int attempts = call.replayable() ? retry.maxAttempts() : 1;
        boolean mayHaveApplied = false;
        GatehouseException failure = null;
        for (int attempt = 1; ; attempt++) {
            if (closed.get()) {
                throw attempt == 1 ? new IllegalStateException("this GatehouseClient is closed")
                        : closedDuring(call, failure);
            }
            boolean retryable;
            try {
                HttpResponse<Outcome<T>> response = exchange(call, handler);
                Outcome<T> outcome = response.body();
                if (outcome.failure() == null) {
                    observe(response.headers());
                    return new Reply<>(response.statusCode(), response.headers(), outcome.body());
                }
                if (response.statusCode() == 404 && mayHaveApplied && "DELETE".equals(call.method())) {
                    // an earlier attempt of this DELETE may have deleted it: what the caller wanted gone is gone
                    observe(response.headers());
                    return new Reply<>(404, response.headers(), null);
                }
                Problem problem = Problem.of(response.statusCode(), response.headers(), outcome.failure());
                failure = problem.exception();
                // an import answered with the lines it committed was applied in part, whatever its code says
                retryable = !problem.appliedInPart() && retryable(problem.status(), problem.code(), call.safety());
                mayHaveApplied |= problem.appliedInPart() || retryable && !notApplied(problem.status(), problem.code());
            } catch (HttpConnectTimeoutException | ConnectException notConnected) {
                failure = new TransportException(Problem.local("connect_failed", call.method() + " " + call.path()
                        + ": could not connect to " + base + " (" + notConnected + ")"), notConnected);
                retryable = true;
            } catch (HttpTimeoutException timeout) {
                failure = new TransportException(Problem.local("timeout", call.method() + " " + call.path()
                        + ": no complete answer within " + call.timeout()), timeout);
                retryable = call.safety() == Safety.IDEMPOTENT;
                mayHaveApplied = true;
            } catch (IOException broken) {
                failure = new TransportException(Problem.local("io_error", call.method() + " " + call.path() + ": "
                        + broken), broken);
                retryable = call.safety() == Safety.IDEMPOTENT;
                mayHaveApplied = true;
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
                throw new TransportException(Problem.local("interrupted", call.method() + " " + call.path()
                        + ": interrupted"), interrupted);
            } catch (CancellationException cancelled) {
                // only close() cancels an exchange this thread waits for
                throw closedDuring(call, failure);
            } catch (RejectedExecutionException refused) {
                if (!closed.get()) {
                    throw refused;
                }
                // close() stopped the client's threads after this attempt looked: the JDK client takes no exchange
                throw closedDuring(call, failure);
            }
            Duration wait = retryable && attempt < attempts ? retry.delay(attempt, failure.retryAfter().orElse(null))
                    : null;
            if (wait == null) {
                throw failure;
            }
            sleep(wait, failure);
        }
    }

    /**
     * Sends {@code call} as {@link #send} does, answering its body as a stream the caller reads as it arrives (an
     * export's lines, an import's progress) and must close. Until it is closed {@link #close} ends it too: its reads
     * then throw the {@link IllegalStateException} of a call the client was closed during.
     */
    Reply<InputStream> stream(Call call) {
        Reply<InputStream> reply = send(call, HttpResponse.BodyHandlers.ofInputStream());
        if (reply.gone()) {
            return reply;
        }
        StreamedBody body = new StreamedBody(reply.body(), call);
        reading.add(body);
        if (closed.get()) {
            // close() may have looked at the bodies being read before this one was added
            body.end();
        }
        return new Reply<>(reply.status(), reply.headers(), body);
    }

    /**
     * A streamed answer's body, known to {@link #close} from its answer until it is closed. A read that fails or
     * ends once the client is closed is one the closing cut short: it throws the {@link IllegalStateException} of a
     * call the client was closed during, never an end that would pass for the whole answer.
     */
    private final class StreamedBody extends FilterInputStream {

        private final Call call;
        /** Whether the body was read to its end (only its reader's thread reads and writes it). */
        private boolean complete;

        StreamedBody(InputStream body, Call call) {
            super(body);
            this.call = call;
        }

        @Override
        public int read() throws IOException {
            try {
                return ended(super.read());
            } catch (IOException broken) {
                throw cut(broken);
            }
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            try {
                return ended(super.read(buffer, offset, length));
            } catch (IOException broken) {
                throw cut(broken);
            }
        }

        private int ended(int read) {
            if (read < 0 && !complete) {
                if (closed.get()) {
                    throw closedDuring(call, null);
                }
                complete = true; // read to its end: nothing left for close() to cut short
                reading.remove(this);
            }
            return read;
        }

        private IOException cut(IOException broken) {
            if (closed.get()) {
                RuntimeException closedNow = closedDuring(call, null);
                closedNow.addSuppressed(broken);
                throw closedNow;
            }
            return broken;
        }

        /** Closes the body, as {@link #close} of the client does: a reader waiting for more wakes. */
        void end() {
            try {
                in.close();
            } catch (IOException releasing) {
                // only releases the connection: the reader learns of the closing from its next read
            }
        }

        @Override
        public void close() throws IOException {
            reading.remove(this);
            super.close();
        }
    }

    /**
     * What a call that {@link #close} ended throws: the failure of its last attempt, when one failed before, with the
     * closing suppressed in it (it is what the call met; the closing only stopped a retry), else an
     * {@link IllegalStateException} saying the client was closed during the call.
     */
    private static RuntimeException closedDuring(Call call, GatehouseException earlier) {
        IllegalStateException closedNow = new IllegalStateException("this GatehouseClient was closed during "
                + call.method() + " " + call.path());
        if (earlier == null) {
            return closedNow;
        }
        earlier.addSuppressed(closedNow);
        return earlier;
    }

    /**
     * One attempt, waiting at most {@code call.timeout()} for what {@code handler} needs before it answers. The JDK
     * client's own request timeout covers only the wait for the answer's headers: a server that stalled in the middle
     * of a body would hold a call forever. The future of {@code sendAsync} completes once the handler has its body —
     * the whole body for an answer read whole (JSON, a failure's problem document), the headers alone for a stream
     * (an export's lines, an import's progress), whose body the caller reads as it arrives — so the one bound is the
     * whole answer for the first and the headers for the second. Past it the exchange is cancelled, closing its
     * connection.
     */
    private <T> HttpResponse<Outcome<T>> exchange(Call call, BodyHandler<T> handler)
            throws IOException, InterruptedException {
        CompletableFuture<HttpResponse<Outcome<T>>> answer = http.sendAsync(request(call), outcome(handler));
        inFlight.add(answer);
        if (closed.get()) {
            // close() may have looked at the exchanges in flight before this one was added
            answer.cancel(true);
        }
        try {
            return answer.get(call.timeout().toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException late) {
            answer.cancel(true);
            throw new HttpTimeoutException("the answer was not complete within " + call.timeout());
        } catch (InterruptedException interrupted) {
            answer.cancel(true);
            throw interrupted;
        } catch (ExecutionException failed) {
            throw rethrown(failed);
        } finally {
            inFlight.remove(answer);
        }
    }

    /** What an exchange failed with, thrown as the JDK client throws it from a blocking send. */
    static IOException rethrown(ExecutionException failed) {
        Throwable cause = failed.getCause();
        if (cause instanceof IOException io) {
            return io;
        }
        if (cause instanceof RuntimeException unchecked) {
            throw unchecked;
        }
        if (cause instanceof Error error) {
            throw error;
        }
        return new IOException(cause);
    }

    /** Whether a failed answer may be sent again: see the class comment. */
    static boolean retryable(int status, String code, Safety safety) {
        if (notApplied(status, code)) {
            return true;
        }
        return (status == 503 || status == 502 || status == 504) && safety == Safety.IDEMPOTENT;
    }

    /** Whether a failed answer proves the request was not applied: 429, or a 503 whose code is in {@link #NOT_APPLIED}. */
    static boolean notApplied(int status, String code) {
        return status == 429 || status == 503 && NOT_APPLIED.contains(code);
    }

    private HttpRequest request(Call call) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(base + call.path()))
                .timeout(call.timeout())
                .header("Authorization", authorization)
                .header("Accept", call.accept())
                .header("User-Agent", "gatehouse-client");
        if (call.ifMatch() != null) {
            builder.header("If-Match", "\"" + call.ifMatch() + "\"");
        }
        if (call.body() != null) {
            builder.header("Content-Type", call.contentType());
            builder.method(call.method(), call.body().get());
        } else {
            builder.method(call.method(), HttpRequest.BodyPublishers.noBody());
        }
        return builder.build();
    }

    private static <T> BodyHandler<Outcome<T>> outcome(BodyHandler<T> success) {
        return info -> {
            if (info.statusCode() >= 200 && info.statusCode() < 300) {
                return BodySubscribers.mapping(success.apply(info), body -> new Outcome<T>(body, null));
            }
            return BodySubscribers.mapping(BodySubscribers.ofByteArray(), bytes -> new Outcome<T>(null, bytes));
        };
    }

    /** Waits {@code wait} before a retry; {@link #close} ends the wait early (the next attempt then throws). */
    private void sleep(Duration wait, GatehouseException failure) {
        try {
            closing.await(wait.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            failure.addSuppressed(interrupted);
            throw failure;
        }
    }

    /**
     * Stops the client: cancels the exchanges in flight, closes the streamed bodies being read and wakes the calls
     * waiting to retry (see the class comment), then stops its threads; later requests throw
     * {@link IllegalStateException}. Idempotent.
     */
    void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        closing.countDown();
        inFlight.forEach(exchange -> exchange.cancel(true));
        reading.forEach(StreamedBody::end);
        if (executor != null) {
            executor.shutdownNow();
        }
    }
}
