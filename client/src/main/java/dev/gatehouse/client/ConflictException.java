package dev.gatehouse.client;

/**
 * 409: the request conflicts with the state: a duplicate name, a role still in use ({@code role_in_use}), the last role manager, an ambiguous member, a per-organization limit ({@code limit_reached}, whose {@link #problem()} names {@code limit}, {@code maximum} and {@code current}).
 * See {@link GatehouseException}. Immutable and thread-safe.
 */
public final class ConflictException extends GatehouseException {

    ConflictException(Problem problem) {
        super(problem, null);
    }
}
