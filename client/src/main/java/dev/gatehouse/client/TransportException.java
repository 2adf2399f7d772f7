package dev.gatehouse.client;

/**
 * No answer arrived: the connection failed or broke, or the request timed out ({@code code} {@code timeout},
 * {@code connect_failed}, {@code io_error} or {@code interrupted}; {@link #status()} 0). The cause is the JDK's
 * exception. Whether a write took effect is unknown unless the connection was never made. See
 * {@link GatehouseException}. Immutable and thread-safe.
 */
public final class TransportException extends GatehouseException {

    TransportException(Problem problem, Throwable cause) {
        super(problem, cause);
    }
}
