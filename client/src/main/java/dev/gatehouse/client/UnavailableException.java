package dev.gatehouse.client;

/**
 * 503: the node could not answer now ({@code database_unavailable}, {@code revision_not_reached}, {@code node_resyncing}, {@code imports_busy}, {@code write_outcome_unknown}, …). The client retries the retryable ones itself (see {@link RetryPolicy}) and throws this once it gives up, or at once for a write whose outcome is unknown.
 * See {@link GatehouseException}. Immutable and thread-safe.
 */
public final class UnavailableException extends GatehouseException {

    UnavailableException(Problem problem) {
        super(problem, null);
    }
}
