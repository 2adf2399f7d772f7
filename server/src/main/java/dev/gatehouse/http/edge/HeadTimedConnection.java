package dev.gatehouse.http.edge;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.jetty.http.HttpException;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.internal.HttpConnection;
import org.eclipse.jetty.util.thread.Scheduler;

/**
 * An HTTP/1.1 connection that must deliver each request head (request line and headers) within a deadline
 * counted from the head's first byte; a connection that trickles its head slower is closed. Jetty's idle
 * timeout alone lets a client keep a connection forever by sending one byte just before each timeout.
 * Waiting for the first byte of a request is bounded by the idle timeout; bodies by {@link BodyBuffer}.
 *
 * <p>It also remembers the target of the request line being parsed, so that an error raised before the request
 * exists (headers too large, a malformed header) can still be answered in the shape of the dialect that owns the
 * path ({@link DialectErrorHandler}).
 *
 * <p>Builds on Jetty's {@code HttpConnection} and its parser callbacks ({@code messageBegin},
 * {@code startRequest}, {@code headerComplete}); covered by {@code SlowClientsIT} and {@code JettyErrorsIT},
 * which fail should a Jetty upgrade change them.
 *
 * <p>Thread-safe: the parser callbacks run on one thread at a time; the deadline fires on the scheduler's.
 */
final class HeadTimedConnection extends HttpConnection {

    private final Scheduler scheduler;
    private final long headMillis;
    /** Number of the deadline now armed; 0 when none is. */
    private final AtomicLong armed = new AtomicLong();
    private final AtomicLong generations = new AtomicLong();
    private volatile Scheduler.Task pending;
    private volatile String target;

    HeadTimedConnection(HttpConfiguration config, Connector connector, EndPoint endPoint, Duration headTimeout) {
        super(config, connector, endPoint);
        this.scheduler = connector.getScheduler();
        this.headMillis = headTimeout.toMillis();
    }

    /** The request target of the request line last parsed on this connection, or null. */
    String target() {
        return target;
    }

    @Override
    protected RequestHandler newRequestHandler() {
        return new RequestHandler() {
            @Override
            public void messageBegin() {
                target = null;
                arm();
                super.messageBegin();
            }

            @Override
            public void startRequest(String method, String uri, HttpVersion version) {
                target = uri;
                super.startRequest(method, uri, version);
            }

            @Override
            public boolean headerComplete() {
                disarm();
                return super.headerComplete();
            }

            @Override
            public void badMessage(HttpException failure) {
                disarm();
                super.badMessage(failure);
            }

            @Override
            public void earlyEOF() {
                disarm();
                super.earlyEOF();
            }
        };
    }

    @Override
    public void onClose(Throwable cause) {
        disarm();
        super.onClose(cause);
    }

    private void arm() {
        long generation = generations.incrementAndGet();
        armed.set(generation);
        Scheduler.Task task = scheduler.schedule(() -> expire(generation), headMillis, TimeUnit.MILLISECONDS);
        pending = task;
    }

    private void disarm() {
        armed.set(0);
        Scheduler.Task task = pending;
        if (task != null) {
            task.cancel();
        }
    }

    private void expire(long generation) {
        if (armed.compareAndSet(generation, 0)) {
            getEndPoint().close(new TimeoutException("request head not received within " + headMillis + " ms"));
        }
    }
}
