package dev.gatehouse.http.edge;

import java.time.Duration;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;

/**
 * HTTP/1.1 connections with a deadline on each request head ({@link HeadTimedConnection}); otherwise what
 * {@link HttpConnectionFactory} makes. Thread-safe.
 */
final class EdgeConnectionFactory extends HttpConnectionFactory {

    private final Duration headTimeout;

    EdgeConnectionFactory(HttpConfiguration config, Duration headTimeout) {
        super(config);
        this.headTimeout = headTimeout;
    }

    @Override
    public Connection newConnection(Connector connector, EndPoint endPoint) {
        HeadTimedConnection connection = new HeadTimedConnection(getHttpConfiguration(), connector, endPoint,
                headTimeout);
        connection.setTransferEncodingChunkMaxLength(getTransferEncodingChunkMaxLength());
        return configure(connection, connector, endPoint);
    }
}
