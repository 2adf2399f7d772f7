package dev.gatehouse.http;

import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * What a route that reads its body itself ({@link Route#streamsBody}) left unread when it ended — refused before the
 * first line (a bad key, a parameter it does not read), or stopped at a failing line — is read and dropped before
 * the answer goes out. A client that writes its whole request before reading the answer (the JDK's client, curl)
 * would otherwise meet a connection closed under the rest of its body, and lose the answer to the reset.
 *
 * <p>Draining holds a request thread, which every tenant shares, and a refusal needs no key: so a node drains at most
 * {@link #MAX_DRAINS} bodies at once, each for at most {@link #MAX_DRAIN_NANOS} (and one idle timeout for its last
 * read), up to {@link #MAX_DRAINED_BYTES}. A body beyond any of these is not waited for: the connection is closed
 * after the answer. Without these bounds, 250 connections trickling refused uploads, without a key, held every
 * request thread of the node. One per server; thread-safe.
 */
final class UnreadBody {

    /** At most this much is read and dropped; a longer rest closes the connection after the answer. */
    static final long MAX_DRAINED_BYTES = 64L << 20;
    /** Drains one node runs at once. */
    static final int MAX_DRAINS = 16;
    /** How long one drain reads at most: 64 MiB at 10 MB/s. */
    static final long MAX_DRAIN_NANOS = TimeUnit.SECONDS.toNanos(7);

    private final Semaphore drains = new Semaphore(MAX_DRAINS);

    /** Reads and drops the rest of {@code ctx}'s body, within the bounds above; else closes the connection after. */
    void drain(Context ctx) {
        if (!drains.tryAcquire()) {
            ctx.header("Connection", "close");
            return;
        }
        try {
            byte[] sink = new byte[64 * 1024];
            long left = MAX_DRAINED_BYTES;
            long deadline = System.nanoTime() + MAX_DRAIN_NANOS;
            InputStream in = ctx.req().getInputStream();
            int n = 0;
            while (left > 0 && System.nanoTime() - deadline < 0
                    && (n = in.read(sink, 0, (int) Math.min(sink.length, left))) >= 0) {
                left -= n;
            }
            if (n >= 0) { // stopped before the body's end
                ctx.header("Connection", "close");
            }
        } catch (IOException | RuntimeException unreadable) {
            // the client went away, or the body broke off: nothing more can be read from this connection
            ctx.header("Connection", "close");
        } finally {
            drains.release();
        }
    }
}
