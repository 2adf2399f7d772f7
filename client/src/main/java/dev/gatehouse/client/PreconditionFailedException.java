package dev.gatehouse.client;

/**
 * 412: an {@code If-Match} version was stale ({@code version_mismatch}): read the object again and retry on its new version.
 * See {@link GatehouseException}. Immutable and thread-safe.
 */
public final class PreconditionFailedException extends GatehouseException {

    PreconditionFailedException(Problem problem) {
        super(problem, null);
    }
}
