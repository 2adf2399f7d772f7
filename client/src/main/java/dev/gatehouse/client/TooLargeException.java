package dev.gatehouse.client;

/**
 * 413: a body, an import line or a batch over its limit.
 * See {@link GatehouseException}. Immutable and thread-safe.
 */
public final class TooLargeException extends GatehouseException {

    TooLargeException(Problem problem) {
        super(problem, null);
    }
}
