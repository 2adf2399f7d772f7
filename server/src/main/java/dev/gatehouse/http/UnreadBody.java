package dev.gatehouse.http;

import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;

/**
 * What a route that reads its body itself ({@link Route#streamsBody}) left unread when it ended — refused before the
 * first line (a bad key, a parameter it does not read), or stopped at a failing line — is read and dropped before
 * the answer goes out. A client that writes its whole request before reading the answer (the JDK's client, curl)
 * would otherwise meet a connection closed under the rest of its body, and lose the answer to the reset.
 */
final class UnreadBody {

    /** At most this much is read and dropped; a longer rest closes the connection after the answer. */
    static final long MAX_DRAINED_BYTES = 64L << 20;

    private UnreadBody() {
    }

    /** Reads and drops the rest of {@code ctx}'s body, up to {@link #MAX_DRAINED_BYTES}. */
    static void drain(Context ctx) {
        byte[] sink = new byte[64 * 1024];
        long left = MAX_DRAINED_BYTES;
        try {
            InputStream in = ctx.req().getInputStream();
            int n;
            while (left > 0 && (n = in.read(sink, 0, (int) Math.min(sink.length, left))) >= 0) {
                left -= n;
            }
            if (left <= 0) {
                ctx.header("Connection", "close");
            }
        } catch (IOException | RuntimeException unreadable) {
            // the client went away, or the body broke off: nothing more can be read from this connection
            ctx.header("Connection", "close");
        }
    }
}
