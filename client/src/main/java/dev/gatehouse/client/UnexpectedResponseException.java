package dev.gatehouse.client;

/**
 * Any other answer: a 500 (a server bug, its detail carrying an error id), or a status the native API does not use (405, 408, 414, 415, 431, 505, …).
 * See {@link GatehouseException}. Immutable and thread-safe.
 */
public final class UnexpectedResponseException extends GatehouseException {

    UnexpectedResponseException(Problem problem) {
        super(problem, null);
    }
}
