package dev.gatehouse.http.edge;

import dev.gatehouse.error.GatehouseException;
import dev.gatehouse.http.Dialect;
import dev.gatehouse.http.HttpSettings;
import java.nio.ByteBuffer;
import java.util.function.BiPredicate;
import java.util.function.Function;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.server.ConnectionFactory;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;

/**
 * The HTTP edge between the network and the application, where one client's slowness or malformed HTTP is
 * contained before it can cost anyone else:
 * <ul>
 *   <li>each request head must arrive within {@link HttpSettings#headerTimeout()} ({@link HeadTimedConnection});
 *   <li>each body is read without a thread, within {@link HttpSettings#bodyTimeout()} and the size limit
 *       ({@link BodyBuffer}) — except for routes that stream their bodies (a bulk import), which the idle
 *       timeout alone bounds;
 *   <li>connections idle for {@link HttpSettings#idleTimeout()} are closed;
 *   <li>one remote address holds at most {@link HttpSettings#maxConnectionsPerAddress()} connections
 *       ({@link AddressLimit});
 *   <li>the management port serves only the operations endpoints ({@link PortRules});
 *   <li>a request runs the method it was sent with, but where a dialect runs a GET sent as a POST, and a
 *       {@code HEAD} runs the {@code GET} of its path without its body, ending with its headers ({@link
 *       RequestMethod});
 *   <li>a request carries each header the server decides by — {@code Authorization}, {@code Content-Type},
 *       {@code Origin}, {@code Sec-Fetch-Site}, {@code X-TZ-Offset} — once at most ({@link SingleHeaders});
 *   <li>errors raised by Jetty itself take the shape of the dialect owning the path ({@link DialectErrorHandler}).
 * </ul>
 * Thread-safe once built.
 */
public final class Edge {

    /** Name of the management connector. */
    static final String MANAGEMENT = "management";

    private final HttpSettings settings;
    private final long maxBodyBytes;
    private final Function<String, Dialect> dialects;
    private final AddressLimit addressLimit;
    private final BiPredicate<String, String> streamed;
    private final Function<String, GatehouseException> pathRefusals;

    /** @param dialects the dialect owning a path, for errors */
    public Edge(HttpSettings settings, long maxBodyBytes, Function<String, Dialect> dialects) {
        this(settings, maxBodyBytes, dialects, (method, path) -> false);
    }

    /**
     * @param dialects the dialect owning a path, for errors
     * @param streamed whether a request (method, path) goes to a route that reads its body itself, as a stream
     *                 of any size: its body is not buffered, only the connection's idle timeout applies to it
     */
    public Edge(HttpSettings settings, long maxBodyBytes, Function<String, Dialect> dialects,
                BiPredicate<String, String> streamed) {
        this(settings, maxBodyBytes, dialects, streamed, path -> null);
    }

    /**
     * @param dialects     the dialect owning a path, for errors
     * @param streamed     whether a request (method, path) goes to a route that reads its body itself, as a stream
     *                     of any size: its body is not buffered, only the connection's idle timeout applies to it
     * @param pathRefusals the refusal the routes give a path as sent (percent-encoded), or null when they give none:
     *                     the answer to a path the parser refuses to read ({@link DialectErrorHandler})
     */
    public Edge(HttpSettings settings, long maxBodyBytes, Function<String, Dialect> dialects,
                BiPredicate<String, String> streamed, Function<String, GatehouseException> pathRefusals) {
        this.pathRefusals = pathRefusals;
        this.settings = settings;
        this.maxBodyBytes = maxBodyBytes;
        this.dialects = dialects;
        this.streamed = streamed;
        this.addressLimit = settings.maxConnectionsPerAddress() == 0 ? null
                : new AddressLimit(settings.maxConnectionsPerAddress());
    }

    /** Puts the edge's handlers in front of the server's and its error handler in place of Jetty's. */
    public void install(Server server) {
        install(server, null);
    }

    /**
     * Puts the edge's handlers in front of the server's, with {@code inner} (when not null, a wrapper without a
     * handler of its own) between them and the server's: it sees the requests that passed the edge, with their
     * bodies read ({@link #body}). Puts the edge's error handler in place of Jetty's.
     */
    public void install(Server server, Handler.Singleton inner) {
        PortRules ports = new PortRules(settings.managementPort() != null);
        RequestMethod methods = new RequestMethod(dialects);
        ports.setHandler(methods);
        SingleHeaders single = new SingleHeaders();
        methods.setHandler(single);
        BodyBuffer bodies = new BodyBuffer(maxBodyBytes, settings.bodyTimeout(), streamed);
        single.setHandler(bodies);
        if (inner != null) {
            bodies.setHandler(inner);
        }
        server.insertHandler(ports);
        server.setErrorHandler(new DialectErrorHandler(dialects, pathRefusals));
    }

    /**
     * The body of a request the edge read in full, without consuming it (the application still reads it), or null
     * for a request without one (no body, or a route that streams its body).
     */
    public static ByteBuffer body(Request request) {
        return BodyBuffer.body(request);
    }

    /** The public HTTP connector. */
    public ServerConnector connector(Server server, HttpConfiguration http, String host, int port) {
        return limited(connector(server, host, port, new EdgeConnectionFactory(http, settings.headerTimeout())));
    }

    /** The public HTTPS connector: TLS, and a 400 in words to plain HTTP sent to it ({@link HttpsOnly}). */
    public ServerConnector secureConnector(Server server, HttpConfiguration https, String host, int port,
                                           SslContextFactory.Server ssl) {
        return limited(connector(server, host, port,
                new HttpsOnly(new SslConnectionFactory(ssl, HttpVersion.HTTP_1_1.asString())),
                new EdgeConnectionFactory(https, settings.headerTimeout())));
    }

    /** The management connector: operations endpoints only, no limit per address. */
    public ServerConnector managementConnector(Server server, HttpConfiguration http, String host, int port) {
        ServerConnector connector = connector(server, host, port,
                new EdgeConnectionFactory(new HttpConfiguration(http), settings.headerTimeout()));
        connector.setName(MANAGEMENT);
        return connector;
    }

    /**
     * A connector with one network (selector) thread per core, where Jetty's default is one per two: checks are
     * answered on those threads ({@code http/DirectRoutes}), so fewer would cap them below the machine's cores.
     */
    private ServerConnector connector(Server server, String host, int port, ConnectionFactory... factories) {
        ServerConnector connector = new ServerConnector(server, -1, Runtime.getRuntime().availableProcessors(),
                factories);
        connector.setHost(host);
        connector.setPort(port);
        connector.setIdleTimeout(settings.idleTimeout().toMillis());
        return connector;
    }

    private ServerConnector limited(ServerConnector connector) {
        if (addressLimit != null) {
            connector.addEventListener(addressLimit);
        }
        return connector;
    }
}
