package dev.gatehouse.app;

import dev.gatehouse.http.HttpSettings;
import picocli.CommandLine.Option;

/** The {@code serve} options of the HTTP edge ({@link HttpSettings}), each with its {@code GATEHOUSE_*} variable. */
final class HttpOptions {

    @Option(names = "--request-header-timeout", defaultValue = "${env:GATEHOUSE_REQUEST_HEADER_TIMEOUT:-10s}", description = "a connection must send a complete request head within this time, e.g. 10s (GATEHOUSE_REQUEST_HEADER_TIMEOUT, default 10s)")
    String requestHeaderTimeout;

    @Option(names = "--request-body-timeout", defaultValue = "${env:GATEHOUSE_REQUEST_BODY_TIMEOUT:-30s}", description = "a request body must arrive in full within this time, else 408 (GATEHOUSE_REQUEST_BODY_TIMEOUT, default 30s)")
    String requestBodyTimeout;

    @Option(names = "--idle-timeout", defaultValue = "${env:GATEHOUSE_IDLE_TIMEOUT:-30s}", description = "close connections idle this long (GATEHOUSE_IDLE_TIMEOUT, default 30s)")
    String idleTimeout;

    @Option(names = "--max-connections-per-address", defaultValue = "${env:GATEHOUSE_MAX_CONNECTIONS_PER_ADDRESS:-256}", description = "open connections per client IP address; 0 for no limit (GATEHOUSE_MAX_CONNECTIONS_PER_ADDRESS, default 256)")
    int maxConnectionsPerAddress;

    @Option(names = "--management-port", defaultValue = "${env:GATEHOUSE_MANAGEMENT_PORT}", description = "serve /metrics on this port without a key, and not on --port (GATEHOUSE_MANAGEMENT_PORT; unset: /metrics needs the service key)")
    Integer managementPort;

    /** The settings; an {@link IllegalArgumentException} naming the option when one is bad. */
    HttpSettings settings() {
        return new HttpSettings(Config.duration("--request-header-timeout", requestHeaderTimeout),
                Config.duration("--request-body-timeout", requestBodyTimeout),
                Config.duration("--idle-timeout", idleTimeout), maxConnectionsPerAddress, managementPort);
    }
}
