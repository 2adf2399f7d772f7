package dev.gatehouse.error;

import java.util.Map;

/**
 * See {@link GatehouseException}: an unexpected failure (a bug), already logged under {@code errorId}, reported where
 * the answer must say more than a bare 500 can (a bulk import: where it stands); code {@code internal_error}.
 */
public final class InternalErrorException extends GatehouseException {

    public InternalErrorException(String errorId, Throwable cause) {
        super("internal_error", "an unexpected error occurred; error id " + errorId, Map.of(), null, cause);
    }
}
