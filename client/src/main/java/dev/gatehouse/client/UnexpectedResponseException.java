package dev.gatehouse.client;

/**
 * Any other answer: a 500 (a server bug, its detail carrying an error id), or a status the client's requests do not
 * meet from the native API (405, 408, 414, 415 — its bodies are always JSON —, 431, 505, …), or a successful
 * answer whose body is not valid JSON or has a field the client cannot read ({@code malformed_answer}, its cause the
 * parser's or the reader's exception).
 * See {@link GatehouseException}. Immutable and thread-safe.
 */
public final class UnexpectedResponseException extends GatehouseException {

    UnexpectedResponseException(Problem problem) {
        super(problem, null);
    }

    UnexpectedResponseException(Problem problem, Throwable cause) {
        super(problem, cause);
    }
}
