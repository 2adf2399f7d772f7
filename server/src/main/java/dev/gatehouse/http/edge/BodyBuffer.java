package dev.gatehouse.http.edge;

import dev.gatehouse.http.HeaderValues;
import dev.gatehouse.http.MediaTypes;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.TimeUnit;
import java.util.function.BiPredicate;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpHeaderValue;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.Invocable;
import org.eclipse.jetty.util.thread.Scheduler;

/**
 * Reads every request body in full, without holding a thread while it arrives, before the application (which
 * reads bodies with blocking I/O) sees the request. A body must arrive within the body deadline of its
 * request's head, or the request is answered 408 and its connection closed; a body larger than the limit is
 * answered 413. So a client trickling bodies ties up a connection and at most the limit in memory, never one
 * of the request threads that every tenant shares.
 *
 * <p>An oversized body of up to {@link #DRAIN_FACTOR} times the limit is read and thrown away before the 413
 * goes out: closing a connection with unread bytes makes TCP reset it, and the reset can destroy the 413 on
 * its way to the client. A larger one is answered at once and its connection closed.
 *
 * <p>The bytes are copied out of Jetty's network buffers (retaining those buffers instead would let a body
 * sent one byte at a time pin one buffer per byte). Most bodies arrive with their head: they are read on the
 * calling thread and handed on without a dispatch.
 *
 * <p>A body is read as sent: in no content coding but {@code identity}. One declared in another
 * ({@code Content-Encoding: gzip}, {@code br}, …) is answered 415 with {@code Accept-Encoding: identity} (RFC 9110,
 * section 15.5.16) before anything reads it, whichever route it is for — read as it is, a compressed body would be
 * "malformed JSON", and one that only claims a coding would be taken as plain.
 *
 * <p>A request that asks before it sends its body ({@code Expect: 100-continue}) is judged on its head first: one
 * declaring a body over the limit is answered 413, and one whose body is not JSON (nor for a route that streams its
 * body) 415 — the type every route but those reads, which would refuse it — before {@code 100 Continue} is sent, so
 * that the client sends nothing and the server reads nothing; its connection is closed after the answer.
 *
 * <p>Requests to a route that streams its body (a bulk import, any size) pass unread when their body is not
 * declared or declared over the limit: the application reads them as they arrive, bounded by the connection's idle
 * timeout. A body declared within the limit is read here like any other, so a small import trickled byte by byte
 * holds no thread either.
 *
 * <p>While the server stops, a body that stops arriving for the stop's grace is answered 503 (the server's error
 * handler renders it as {@code node_stopping}): the stop cut it off, the client is not to blame.
 *
 * <p>Thread-safe: each request's reading is serialized by Jetty's demand mechanism and guarded by the
 * {@link Loading} lock against its deadline.
 */
final class BodyBuffer extends Handler.Wrapper {

    private static final int FIRST_BUFFER = 8 * 1024;
    static final int DRAIN_FACTOR = 4;

    private final long maxBytes;
    private final long timeoutMillis;
    private final BiPredicate<String, String> streamed;

    /** @param streamed requests (method, path) whose bodies the application reads itself, as a stream */
    BodyBuffer(long maxBytes, Duration timeout, BiPredicate<String, String> streamed) {
        this.maxBytes = maxBytes;
        this.timeoutMillis = timeout.toMillis();
        this.streamed = streamed;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        if (!hasBody(request)) {
            return super.handle(request, response, callback);
        }
        String coding = codingOtherThanIdentity(request);
        if (coding != null) {
            closeAfter(response);
            response.getHeaders().put(HttpHeader.ACCEPT_ENCODING, "identity");
            Response.writeError(request, response, callback, HttpStatus.UNSUPPORTED_MEDIA_TYPE_415,
                    "a request body is read without a content coding; send it uncompressed, without Content-Encoding"
                            + " (it named " + coding + ")");
            return true;
        }
        long declared = request.getLength();
        if ((declared < 0 || declared > maxBytes) && streamed.test(request.getMethod(),
                Request.getPathInContext(request))) {
            return super.handle(request, response, callback);
        }
        boolean asksFirst = request.getHeaders().contains(HttpHeader.EXPECT, HttpHeaderValue.CONTINUE.asString());
        if (declared > maxBytes * DRAIN_FACTOR || asksFirst && declared > maxBytes) {
            tooLarge(request, response, callback, false);
            return true;
        }
        if (asksFirst && !readable(request)) {
            closeAfter(response);
            String type = request.getHeaders().get(HttpHeader.CONTENT_TYPE);
            Response.writeError(request, response, callback, HttpStatus.UNSUPPORTED_MEDIA_TYPE_415, type == null
                    ? "a request body needs a Content-Type naming what it is: application/json"
                    : "Content-Type must be application/json, got \"" + HeaderValues.shown(type) + "\"");
            return true;
        }
        new Loading(request, response, callback, declared).start();
        return true;
    }

    /** The body of a request read here, unconsumed, or null (see {@link Edge#body}). */
    static ByteBuffer body(Request request) {
        BufferedRequest buffered = Request.as(request, BufferedRequest.class);
        return buffered == null ? null : buffered.peek();
    }

    private static boolean hasBody(Request request) {
        for (HttpField field : request.getHeaders()) {
            HttpHeader header = field.getHeader();
            if (header == HttpHeader.CONTENT_LENGTH && field.getLongValue() > 0) {
                return true;
            }
            if (header == HttpHeader.TRANSFER_ENCODING && field.contains(HttpHeaderValue.CHUNKED.asString())) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether a request's body is of a type some route reads — JSON (as every route reads it: {@link
     * MediaTypes#json}) or any type for a route that streams its body, which judges its own —: asked before
     * {@code 100 Continue}.
     */
    private boolean readable(Request request) {
        return MediaTypes.json(request.getHeaders().get(HttpHeader.CONTENT_TYPE))
                || streamed.test(request.getMethod(), Request.getPathInContext(request));
    }

    /** The first content coding a request's body declares other than {@code identity}, or null. */
    private static String codingOtherThanIdentity(Request request) {
        for (HttpField field : request.getHeaders()) {
            if (field.getHeader() != HttpHeader.CONTENT_ENCODING) {
                continue;
            }
            for (String coding : field.getValue().split(",")) {
                String name = coding.strip();
                if (!name.isEmpty() && !name.equalsIgnoreCase("identity")) {
                    return name.length() > 40 ? name.substring(0, 40) : name;
                }
            }
        }
        return null;
    }

    /** @param drained whether the whole body was read (else the connection is closed after the answer) */
    private void tooLarge(Request request, Response response, Callback callback, boolean drained) {
        if (!drained) {
            closeAfter(response);
        }
        Response.writeError(request, response, callback, HttpStatus.PAYLOAD_TOO_LARGE_413,
                "request body larger than " + maxBytes + " bytes");
    }

    /** The rest of the body is not read: the connection cannot carry another request. */
    private static void closeAfter(Response response) {
        response.getHeaders().put(HttpHeader.CONNECTION, HttpHeaderValue.CLOSE.asString());
    }

    /** One body being read: a demand callback, against a deadline. */
    private final class Loading implements Invocable.Task {

        private final Request request;
        private final Response response;
        private final Callback callback;
        private byte[] bytes;
        private int size;
        /** Bytes read and thrown away once the body proved too large; -1 while it fits. */
        private long discarded = -1;
        /** Guarded by this: set once, by the outcome (body complete, too large, failed or timed out). */
        private boolean finished;
        /** Guarded by this; null until the body proves not to have arrived with its head. */
        private Scheduler.Task deadline;

        Loading(Request request, Response response, Callback callback, long declared) {
            this.request = request;
            this.response = response;
            this.callback = callback;
            if (declared > maxBytes) {
                discarded = 0;
            } else {
                bytes = new byte[(int) Math.min(Math.max(declared, 16), FIRST_BUFFER)];
            }
        }

        /** Reads what has arrived; only a body still incomplete after that gets a deadline (and costs a timer). */
        void start() {
            read(false);
            synchronized (this) {
                if (!finished) {
                    deadline = request.getComponents().getScheduler().schedule(this::expire, timeoutMillis,
                            TimeUnit.MILLISECONDS);
                }
            }
        }

        /** Demand callback: more content, EOF or a failure arrived. */
        @Override
        public void run() {
            read(true);
        }

        @Override
        public InvocationType getInvocationType() {
            return InvocationType.NON_BLOCKING;
        }

        private void read(boolean inCallback) {
            Outcome outcome;
            Throwable failure = null;
            synchronized (this) {
                if (finished) {
                    return;
                }
                outcome = null;
                while (outcome == null) {
                    Content.Chunk chunk = request.read();
                    if (chunk == null) {
                        request.demand(this);
                        return;
                    }
                    if (Content.Chunk.isFailure(chunk)) {
                        failure = chunk.getFailure();
                        // while the server stops, whatever failed the read (an idle timeout the stop shortened, the
                        // connection it closed when its grace ran out) the stop cut the body: a 500 once told of it;
                        // else the connection's idle timeout ran out before the body's deadline: a body not received
                        // in time all the same (it was answered as an error of the server)
                        outcome = DialectErrorHandler.stopping(request) ? Outcome.CUT_BY_STOP
                                : failure instanceof TimeoutException ? Outcome.STALLED : Outcome.FAILED;
                    } else {
                        take(chunk.getByteBuffer());
                        boolean last = chunk.isLast();
                        chunk.release();
                        if (discarded > maxBytes * DRAIN_FACTOR) {
                            outcome = Outcome.TOO_LARGE_UNREAD;
                        } else if (last) {
                            outcome = discarded >= 0 ? Outcome.TOO_LARGE : Outcome.COMPLETE;
                        }
                    }
                }
                finished = true;
                if (deadline != null) {
                    deadline.cancel();
                }
            }
            switch (outcome) {
                case COMPLETE -> {
                    if (inCallback) {
                        request.getContext().execute(this::handOn);
                    } else {
                        handOn();
                    }
                }
                case TOO_LARGE -> tooLarge(request, response, callback, true);
                case TOO_LARGE_UNREAD -> tooLarge(request, response, callback, false);
                case STALLED -> notInTime("nothing of the request body received within the connection's idle timeout");
                case CUT_BY_STOP -> cutByStop();
                case FAILED -> callback.failed(failure);
            }
        }

        /** Keeps the bytes while the body fits the limit; counts and drops them once it does not. */
        private void take(ByteBuffer chunk) {
            int n = chunk.remaining();
            if (discarded < 0 && (long) size + n > maxBytes) {
                discarded = size;
                bytes = null;
            }
            if (discarded >= 0) {
                discarded += n;
                chunk.position(chunk.limit());
                return;
            }
            if (size + n > bytes.length) {
                bytes = Arrays.copyOf(bytes, (int) Math.min(maxBytes, Math.max(size + n, 2L * bytes.length)));
            }
            chunk.get(bytes, size, n);
            size += n;
        }

        private void expire() {
            synchronized (this) {
                if (finished) {
                    return;
                }
                finished = true;
            }
            notInTime("request body not received within " + timeoutMillis + " ms");
        }

        /** 408, and the connection closed: the rest of the body may still come, and cannot be told from a request. */
        private void notInTime(String why) {
            closeAfter(response);
            Response.writeError(request, response, callback, HttpStatus.REQUEST_TIMEOUT_408, why);
        }

        /**
         * 503, and the connection closed: the body did not finish arriving within the stop's grace. The request was
         * not run, and may be sent again (the server's error handler says so: {@code node_stopping}).
         */
        private void cutByStop() {
            closeAfter(response);
            Response.writeError(request, response, callback, HttpStatus.SERVICE_UNAVAILABLE_503,
                    "the server stopped before the request body arrived");
        }

        private void handOn() {
            Request buffered = new BufferedRequest(request, ByteBuffer.wrap(bytes, 0, size));
            try {
                if (!getHandler().handle(buffered, response, callback)) {
                    Response.writeError(request, response, callback, HttpStatus.NOT_FOUND_404);
                }
            } catch (Throwable t) {
                Response.writeError(request, response, callback, t);
            }
        }
    }

    private enum Outcome { COMPLETE, TOO_LARGE, TOO_LARGE_UNREAD, STALLED, CUT_BY_STOP, FAILED }

    /** A request whose body was read already: the application reads it from memory. */
    private static final class BufferedRequest extends Request.Wrapper {

        private Content.Chunk body;

        BufferedRequest(Request request, ByteBuffer body) {
            super(request);
            this.body = Content.Chunk.from(body, true);
        }

        /** The body, if not read yet, without reading it. */
        ByteBuffer peek() {
            Content.Chunk chunk = body;
            return chunk == null ? null : chunk.getByteBuffer().duplicate();
        }

        @Override
        public Content.Chunk read() {
            Content.Chunk chunk = body;
            if (chunk == null) {
                return Content.Chunk.EOF;
            }
            body = null;
            return chunk;
        }

        @Override
        public void demand(Runnable demandCallback) {
            demandCallback.run();
        }
    }
}
