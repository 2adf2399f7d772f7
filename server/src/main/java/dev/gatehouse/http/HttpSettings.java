package dev.gatehouse.http;

import java.time.Duration;

/**
 * How the HTTP edge treats connections: deadlines for a request's headers and body, the idle timeout, the
 * connections one remote address may hold, and the optional management port. Validated here, once; the
 * messages name the command-line option. Immutable.
 *
 * @param headerTimeout            a connection must present a complete request head within this time of the
 *                                 head's first byte (the first to arrive after the connection opened or its previous
 *                                 response, whatever it is); otherwise it is closed. Waiting for that byte is idle
 *                                 time
 * @param bodyTimeout              a request body must arrive in full within this time of its head;
 *                                 otherwise the request is answered 408 and the connection closed
 * @param idleTimeout              a connection on which nothing moves for this long is closed
 * @param maxConnectionsPerAddress open connections one remote IP address may hold; 0 for no limit
 * @param managementPort           serve {@code /metrics} here, without a key and not on the public port; null
 *                                 for none (then {@code /metrics} needs the service key); 0 for a random port
 */
public record HttpSettings(Duration headerTimeout, Duration bodyTimeout, Duration idleTimeout,
                           int maxConnectionsPerAddress, Integer managementPort) {

    public static final Duration DEFAULT_HEADER_TIMEOUT = Duration.ofSeconds(10);
    public static final Duration DEFAULT_BODY_TIMEOUT = Duration.ofSeconds(30);
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(30);
    public static final int DEFAULT_MAX_CONNECTIONS_PER_ADDRESS = 256;

    /** The defaults: 10 s for a request head, 30 s for a body, 30 s idle, 256 connections per address, no management port. */
    public static final HttpSettings DEFAULTS = new HttpSettings(DEFAULT_HEADER_TIMEOUT, DEFAULT_BODY_TIMEOUT,
            DEFAULT_IDLE_TIMEOUT, DEFAULT_MAX_CONNECTIONS_PER_ADDRESS, null);

    public HttpSettings {
        headerTimeout = within("--request-header-timeout", headerTimeout, DEFAULT_HEADER_TIMEOUT);
        bodyTimeout = within("--request-body-timeout", bodyTimeout, DEFAULT_BODY_TIMEOUT);
        idleTimeout = within("--idle-timeout", idleTimeout, DEFAULT_IDLE_TIMEOUT);
        if (maxConnectionsPerAddress < 0 || maxConnectionsPerAddress > 1_000_000) {
            throw new IllegalArgumentException("--max-connections-per-address must be 0 (no limit) to 1000000, got "
                    + maxConnectionsPerAddress);
        }
        if (managementPort != null && (managementPort < 0 || managementPort > 65535)) {
            throw new IllegalArgumentException("--management-port must be 0..65535, got " + managementPort);
        }
    }

    /** A copy with other request deadlines (tests use tight ones). */
    public HttpSettings withTimeouts(Duration header, Duration body, Duration idle) {
        return new HttpSettings(header, body, idle, maxConnectionsPerAddress, managementPort);
    }

    public HttpSettings withMaxConnectionsPerAddress(int max) {
        return new HttpSettings(headerTimeout, bodyTimeout, idleTimeout, max, managementPort);
    }

    public HttpSettings withManagementPort(Integer port) {
        return new HttpSettings(headerTimeout, bodyTimeout, idleTimeout, maxConnectionsPerAddress, port);
    }

    private static Duration within(String option, Duration value, Duration fallback) {
        Duration d = value == null ? fallback : value;
        if (d.compareTo(Duration.ofMillis(100)) < 0 || d.compareTo(Duration.ofHours(1)) > 0) {
            throw new IllegalArgumentException(option + " must be 100ms..1h, got " + d);
        }
        return d;
    }
}
