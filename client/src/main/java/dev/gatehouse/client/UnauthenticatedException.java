package dev.gatehouse.client;

/**
 * 401: no key, an unknown or revoked key, or a key whose member is not active.
 * See {@link GatehouseException}. Immutable and thread-safe.
 */
public final class UnauthenticatedException extends GatehouseException {

    UnauthenticatedException(Problem problem) {
        super(problem, null);
    }
}
