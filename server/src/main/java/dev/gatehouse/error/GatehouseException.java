package dev.gatehouse.error;

import java.util.Collections;
import java.util.LinkedHashMap;
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
    private final Map<String, Object> context;

    GatehouseException(String code, String detail) {
        this(code, detail, Map.of());
    }

    GatehouseException(String code, String detail, Map<String, Object> context) {
        this(code, detail, context, null);
    }

    /** @param cause the failure this one reports (a lower layer's exception), or null */
    GatehouseException(String code, String detail, Map<String, Object> context, Throwable cause) {
        super(detail, cause);
        this.code = code;
        this.context = Collections.unmodifiableMap(new LinkedHashMap<>(context));
    }

    /** Stable machine-readable code, e.g. {@code role_in_use}. */
    public String code() {
        return code;
    }

    public String detail() {
        return getMessage();
    }

    /**
     * Facts about the failure for programs, beside the detail for people (e.g. a limit's name, maximum and current
     * count), in a stable order; empty for most failures. Values are strings and numbers, never secrets.
     */
    public Map<String, Object> context() {
        return context;
    }

    /** Per-field errors; empty unless the input was invalid. */
    public Map<String, String> fieldErrors() {
        return Map.of();
    }
}
