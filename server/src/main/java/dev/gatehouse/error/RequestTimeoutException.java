package dev.gatehouse.error;

/**
 * See {@link GatehouseException}: a part of a streamed body did not arrive within its deadline (a chunk of a bulk
 * import's lines); default code {@code request_timeout}.
 */
public final class RequestTimeoutException extends GatehouseException {

    public RequestTimeoutException(String detail) {
        super("request_timeout", detail);
    }
}
