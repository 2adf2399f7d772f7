package dev.gatehouse.http.edge;

import java.time.Duration;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.PreEncodedHttpField;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;

/**
 * HTTP/1.1 connections with a deadline on each request head ({@link HeadTimedConnection}), whose header values are
 * read exactly as sent and whose every answer carries {@link #NOSNIFF}; otherwise what {@link HttpConnectionFactory}
 * makes. Thread-safe.
 */
final class EdgeConnectionFactory extends HttpConnectionFactory {

    /**
     * On every answer, whatever route or error produced it: a browser takes its {@code Content-Type} as sent, so an
     * answer quoting what a caller stored (a role's name, a refused value) is never read as a page or a script.
     */
    static final HttpField NOSNIFF = new PreEncodedHttpField("X-Content-Type-Options", "nosniff");

    private final Duration headTimeout;

    EdgeConnectionFactory(HttpConfiguration config, Duration headTimeout) {
        super(edge(config));
        this.headTimeout = headTimeout;
    }

    /**
     * A copy of {@code config} whose requests start their answers with {@link #NOSNIFF}, and whose parser reuses a
     * header the connection carried before only when its value is the same to the letter: by default it matched
     * ignoring case, so a key differing from the one sent before on the connection only in the case of its letters
     * was read as that key.
     */
    private static HttpConfiguration edge(HttpConfiguration config) {
        HttpConfiguration copy = new HttpConfiguration(config);
        copy.setHeaderCacheCaseSensitive(true);
        copy.addCustomizer((request, responseHeaders) -> {
            responseHeaders.put(NOSNIFF);
            return request;
        });
        return copy;
    }

    @Override
    public Connection newConnection(Connector connector, EndPoint endPoint) {
        HeadTimedConnection connection = new HeadTimedConnection(getHttpConfiguration(), connector, endPoint,
                headTimeout);
        connection.setTransferEncodingChunkMaxLength(getTransferEncodingChunkMaxLength());
        return configure(connection, connector, endPoint);
    }
}
