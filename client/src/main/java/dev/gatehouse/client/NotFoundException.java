package dev.gatehouse.client;

/**
 * 404: what the request names does not exist, or the caller may not see it (docs/security.md: what a caller may not read answers like something that does not exist).
 * See {@link GatehouseException}. Immutable and thread-safe.
 */
public final class NotFoundException extends GatehouseException {

    NotFoundException(Problem problem) {
        super(problem, null);
    }
}
