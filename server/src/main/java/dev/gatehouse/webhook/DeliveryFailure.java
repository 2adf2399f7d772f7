package dev.gatehouse.webhook;

import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.PortUnreachableException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLException;

/**
 * Why a delivery attempt failed, as recorded in the deliveries log ({@code error}), the delivery state
 * ({@code last_error}) and an automatic pause's reason. Only these classes are recorded, never an
 * exception's text: the text of a socket error tells "connection refused" from "no route" from "reset",
 * which would turn the deliveries log into a port scanner. Stable codes: receivers' operators may match on
 * them.
 */
enum DeliveryFailure {
    /** The target resolves to an address webhooks may not reach; nothing was sent. */
    REFUSED_ADDRESS("refused_address"),
    /** The target's name did not resolve. */
    DNS_FAILED("dns_failed"),
    /** No connection could be made (refused, unreachable). */
    CONNECT_FAILED("connect_failed"),
    /** No complete answer within the time limit (connecting, TLS, the answer's headers and body together). */
    TIMEOUT("timeout"),
    /** The TLS handshake failed: an untrusted or mismatched certificate, or no TLS at all on the other side. */
    TLS_ERROR("tls_error"),
    /** The receiver answered with a status other than 2xx (redirects are not followed). */
    HTTP_STATUS("http_status"),
    /** The connection was made but closed, or answered with something other than HTTP, before a status. */
    BAD_RESPONSE("bad_response"),
    /** The stored URL cannot be requested. */
    INVALID_URL("invalid_url"),
    /** The subscription's format could not build the request (its data could not be read); nothing was sent. */
    FORMAT_FAILED("format_failed"),
    /**
     * Not an attempt: events the subscription had not received yet were deleted by change-log retention (it
     * was paused, or further behind than retention waits for); the entry's revision is the newest of them.
     */
    EVENTS_PRUNED("events_pruned"),
    /** The node stopped while the request was in flight. */
    CANCELLED("cancelled");

    private final String code;

    DeliveryFailure(String code) {
        this.code = code;
    }

    String code() {
        return code;
    }

    /** The recorded text: the code, and for {@link #HTTP_STATUS} the status ({@code http_status 503}). */
    String describe(Integer status) {
        return this == HTTP_STATUS && status != null ? code + " " + status : code;
    }

    /** The class of a failed request, from the first cause that tells. */
    static DeliveryFailure of(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof RefusedAddressException) {
                return REFUSED_ADDRESS;
            }
            if (t instanceof UnknownHostException) {
                return DNS_FAILED;
            }
            if (t instanceof SSLException) {
                return TLS_ERROR;
            }
            if (t instanceof TimeoutException || t instanceof SocketTimeoutException) {
                return TIMEOUT;
            }
            if (t instanceof ConnectException || t instanceof NoRouteToHostException
                    || t instanceof PortUnreachableException) {
                return CONNECT_FAILED;
            }
            if (t instanceof InterruptedException) {
                return CANCELLED;
            }
        }
        return BAD_RESPONSE;
    }
}
