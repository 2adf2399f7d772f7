package dev.gatehouse.http.edge;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.http.HttpCompliance;
import org.eclipse.jetty.http.HttpException;
import org.eclipse.jetty.http.HttpParser;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.io.ssl.SslConnection;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.internal.HttpConnection;
import org.eclipse.jetty.util.thread.Scheduler;

/**
 * An HTTP/1.1 connection that must deliver each request head (request line and headers) within a deadline
 * counted from the first byte to arrive after the connection opened or after the previous exchange ended, whatever
 * that byte is: the blank lines a parser skips before a request line, or the bytes of a TLS handshake, which bring
 * no request byte at all, count as the head begun. A connection that trickles its head slower is closed. Jetty's
 * idle timeout alone lets a client keep a connection forever by sending one byte just before each timeout. Waiting
 * for the first byte (a new connection, or a kept-alive one between requests) is bounded by the idle timeout;
 * bodies by {@link BodyBuffer}.
 *
 * <p>A head normally arrives whole, in one read: the deadline is armed only when a read ends with a head
 * begun but not complete, so ordinary requests cost no timer. A deadline fires only for the head it was
 * armed for ({@link #headStarted} identifies it), so a late or duplicate timer can never cut off a request
 * being handled.
 *
 * <p>It also remembers the target of the request line being parsed, so that an error raised before the request
 * exists (headers too large, a malformed header) can still be answered in the shape of the dialect that owns the
 * path ({@link DialectErrorHandler}); and, for a request line the parser refuses before it has read the target
 * whole (a URI too long, an unknown HTTP version), the start of its path, read from the bytes before they are
 * parsed ({@link #pathStart}).
 *
 * <p>Builds on Jetty's {@code HttpConnection}, its parser callbacks ({@code messageBegin}, {@code startRequest},
 * {@code headerComplete}) and its count of bytes received (the TLS connection's, under TLS); covered by {@code
 * SlowClientsIT} and {@code JettyErrorsIT}, which fail should a Jetty upgrade change them. The parser is asked to
 * parse at every read, with or without new bytes, and begins a message each time it is asked at its start: so a
 * head is begun by bytes received, never by that call.
 *
 * <p>Thread-safe: the parser callbacks and {@link #onFillable} run on one thread at a time; the deadline fires
 * on the scheduler's; the fields they share are volatile.
 */
final class HeadTimedConnection extends HttpConnection {

    /** Enough of a request line to hold its method and the start of its path, which tells its dialect. */
    private static final int LINE_START_BYTES = 80;

    private final Scheduler scheduler;
    private final long headMillis;
    /** {@link System#nanoTime()} at the first byte of the head being read (never 0); 0 when none is. */
    private volatile long headStarted;
    /**
     * Whether a request is being handled: its head is complete and the parser has not yet come back to its start for
     * the next one.
     */
    private volatile boolean exchanging;
    /** {@link #bytesReceived} when the connection last began waiting for a head: more since begin one. */
    private volatile long bytesWhenWaiting;
    /** The {@link #headStarted} the pending deadline was armed for. */
    private volatile long timedHead;
    private volatile Scheduler.Task pending;
    private volatile String target;
    /** The first bytes of the request line read last (of {@link #lineStartLength}): copied, never parsed on the way. */
    private final byte[] lineStart = new byte[LINE_START_BYTES];
    private volatile int lineStartLength;
    /** The handler of {@link #newRequestHandler}, set while the superclass is built (so, without an initializer). */
    private RequestHandler requestHandler;

    HeadTimedConnection(HttpConfiguration config, Connector connector, EndPoint endPoint, Duration headTimeout) {
        super(config, connector, endPoint);
        this.scheduler = connector.getScheduler();
        this.headMillis = headTimeout.toMillis();
    }

    /**
     * The request target of the request line last parsed on this connection; for one refused before its target was
     * read whole, the start of its path; else null.
     */
    String target() {
        String parsed = target;
        return parsed != null ? parsed : pathStart(lineStart, lineStartLength);
    }

    /** A parser that keeps the first bytes of each request line before parsing it ({@link #pathStart}). */
    @Override
    protected HttpParser newHttpParser(HttpCompliance compliance) {
        HttpConfiguration config = getHttpConfiguration();
        HttpParser parser = new HttpParser(requestHandler, config.getRequestHeaderSize(), compliance) {
            @Override
            public boolean parseNext(ByteBuffer buffer) {
                if (isStart()) {
                    atStart(buffer.hasRemaining());
                }
                if (isStart() && buffer.hasRemaining()) {
                    int length = Math.min(buffer.remaining(), LINE_START_BYTES);
                    buffer.get(buffer.position(), lineStart, 0, length);
                    lineStartLength = length;
                }
                return super.parseNext(buffer);
            }
        };
        parser.setHeaderCacheSize(config.getHeaderCacheSize());
        parser.setHeaderCacheCaseSensitive(config.isHeaderCacheCaseSensitive());
        return parser;
    }

    /**
     * The path, as far as {@code line}'s first {@code length} bytes hold it, of the request line they start; null
     * when they hold none.
     */
    static String pathStart(byte[] line, int length) {
        int i = 0;
        while (i < length && (line[i] == '\r' || line[i] == '\n')) {
            i++;
        }
        while (i < length && line[i] != ' ') {
            i++;
        }
        int start = ++i;
        while (i < length && line[i] != ' ' && line[i] != '?' && line[i] > 0x20 && line[i] < 0x7f) {
            i++;
        }
        return i > start && line[start] == '/' ? new String(line, start, i - start, StandardCharsets.US_ASCII) : null;
    }

    @Override
    protected RequestHandler newRequestHandler() {
        requestHandler = new RequestHandler() {
            @Override
            public void messageBegin() {
                target = null;
                super.messageBegin();
            }

            @Override
            public void startRequest(String method, String uri, HttpVersion version) {
                target = uri;
                super.startRequest(method, uri, version);
            }

            @Override
            public boolean headerComplete() {
                endHead();
                exchanging = true;
                return super.headerComplete();
            }

            @Override
            public void badMessage(HttpException failure) {
                endHead();
                exchanging = true; // answered with an error, as a request would be
                super.badMessage(failure);
            }

            @Override
            public void earlyEOF() {
                endHead();
                super.earlyEOF();
            }
        };
        return requestHandler;
    }

    /**
     * The parser at the start of a message, with {@code bytesInHand} when its buffer holds bytes not yet parsed: a
     * request handled before has ended, and bytes received since the connection began waiting begin a head.
     */
    private void atStart(boolean bytesInHand) {
        if (exchanging) {
            exchanging = false;
            bytesWhenWaiting = bytesReceived();
        }
        if (bytesInHand) {
            beginHead();
        }
    }

    /** After each read: bytes received while waiting begin a head; a head begun and not complete gets its deadline. */
    @Override
    public void onFillable() {
        super.onFillable();
        if (!exchanging && headStarted == 0 && bytesReceived() != bytesWhenWaiting && getEndPoint().isOpen()) {
            beginHead();
        }
        long started = headStarted;
        if (started != 0 && timedHead != started) {
            timedHead = started;
            long left = headMillis - TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
            pending = scheduler.schedule(() -> expire(started), Math.max(left, 0), TimeUnit.MILLISECONDS);
        }
    }

    /** Starts the clock of the head being read, unless it runs already. */
    private void beginHead() {
        if (headStarted == 0) {
            long now = System.nanoTime();
            headStarted = now == 0 ? 1 : now;
        }
    }

    /**
     * The bytes the connection has received from the network: under TLS, those of the TLS connection beneath this
     * one (handshake included), of which this one sees only the requests they carry.
     */
    private long bytesReceived() {
        return getEndPoint() instanceof SslConnection.SslEndPoint tls ? tls.getSslConnection().getBytesIn()
                : getBytesIn();
    }

    @Override
    public void onClose(Throwable cause) {
        endHead();
        super.onClose(cause);
    }

    private void endHead() {
        headStarted = 0;
        Scheduler.Task task = pending;
        if (task != null) {
            task.cancel();
        }
    }

    private void expire(long started) {
        if (headStarted == started) {
            getEndPoint().close(new TimeoutException("request head not received within " + headMillis + " ms"));
        }
    }
}
