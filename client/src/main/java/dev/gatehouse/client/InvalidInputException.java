package dev.gatehouse.client;

/**
 * 400 (or 422): the request breaks a rule of its content — an unknown permission, a missing or malformed field, an
 * unknown field, a bad cursor or limit. {@link #fieldErrors()} names the fields and what is wrong with each.
 * See {@link GatehouseException}. Immutable and thread-safe.
 */
public final class InvalidInputException extends GatehouseException {

    InvalidInputException(Problem problem) {
        super(problem, null);
    }
}
