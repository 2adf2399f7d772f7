package dev.gatehouse.error;

import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.MDC;

/**
 * See {@link GatehouseException}: an unexpected failure (a bug), already logged under {@code errorId} ({@link #log}),
 * reported where the answer must say more than a bare 500 can (a bulk import: where it stands); code
 * {@code internal_error}.
 */
public final class InternalErrorException extends GatehouseException {

    public InternalErrorException(String errorId, Throwable cause) {
        super("internal_error", detail(errorId), Map.of(), null, cause);
    }

    /**
     * Logs {@code cause}, an unexpected failure (a bug), at ERROR on {@code log} under a new error id, with where it
     * happened ({@code where}: a route template, never a path or a value a request carried, which may name a
     * person). Returns the id, which the answer gives ({@link #detail}).
     */
    public static String log(Logger log, Throwable cause, String where) {
        String errorId = UUID.randomUUID().toString();
        MDC.put("error_id", errorId);
        log.error("unexpected error {} {}", errorId, where, cause);
        MDC.remove("error_id");
        return errorId;
    }

    /** The detail of an unexpected failure's answer: the error id under which it was logged, nothing else. */
    public static String detail(String errorId) {
        return "an unexpected error occurred; error id " + errorId;
    }
}
