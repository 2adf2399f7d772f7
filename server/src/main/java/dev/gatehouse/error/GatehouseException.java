package dev.gatehouse.error;

import java.util.Map;

/**
 * Root of the one unchecked exception tree that services throw. Each subclass is one kind of failure,
 * mapped to an HTTP status once per dialect. Messages carry context (organization, ids, counts), never
 * secrets.
 */
public abstract sealed class GatehouseException extends RuntimeException
        permits NotFoundException, ConflictException, InvalidInputException, UnauthenticatedException,
                ForbiddenException, PreconditionFailedException, UnavailableException {

    private final String code;

    GatehouseException(String code, String detail) {
        super(detail);
        this.code = code;
    }

    /** Stable machine-readable code, e.g. {@code role_in_use}. */
    public String code() {
        return code;
    }

    public String detail() {
        return getMessage();
    }

    /** Per-field errors; empty unless the input was invalid. */
    public Map<String, String> fieldErrors() {
        return Map.of();
    }
}
