package dev.gatehouse.client;

/**
 * 403: the caller is known but may not do this (a missing management permission, {@code privilege_escalation}).
 * See {@link GatehouseException}. Immutable and thread-safe.
 */
public final class ForbiddenException extends GatehouseException {

    ForbiddenException(Problem problem) {
        super(problem, null);
    }
}
