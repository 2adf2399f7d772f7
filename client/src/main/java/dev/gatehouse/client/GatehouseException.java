package dev.gatehouse.client;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import tools.jackson.databind.JsonNode;

/**
 * Root of the client's one unchecked exception tree: each subclass is one kind of failure, mirroring the server's
 * error tree and its HTTP statuses (docs/api.md, "Errors"). Every failure carries the server's stable {@link #code()}
 * (e.g. {@code role_in_use}, {@code version_mismatch}), its {@link #detail()}, the HTTP {@link #status()}, the
 * per-field errors of invalid input and the whole problem document ({@link #problem()}) for the facts some codes add
 * (a limit's {@code maximum} and {@code current}, an import's {@code line} and {@code resume_from_line}).
 *
 * <p>Catch the subclass you can act on ({@link NotFoundException}, {@link ConflictException}, …); a
 * {@code switch} over the sealed tree names every case. Immutable and thread-safe.
 */
public abstract sealed class GatehouseException extends RuntimeException
        permits NotFoundException, ConflictException, InvalidInputException, UnauthenticatedException,
                ForbiddenException, PreconditionFailedException, TooLargeException, RateLimitedException,
                UnavailableException, UnexpectedResponseException, TransportException {

    private final int status;
    private final String code;
    private final String detail;
    private final Map<String, String> fieldErrors;
    private final JsonNode problem;
    private final Duration retryAfter;

    GatehouseException(Problem p, Throwable cause) {
        super(p.message(), cause);
        this.status = p.status();
        this.code = p.code();
        this.detail = p.detail();
        this.fieldErrors = p.fieldErrors();
        this.problem = p.document();
        this.retryAfter = p.retryAfter();
    }

    /** The HTTP status the server answered; 0 when no answer arrived ({@link TransportException}). */
    public int status() {
        return status;
    }

    /** The server's stable machine-readable code, e.g. {@code not_found}, {@code role_in_use}. */
    public String code() {
        return code;
    }

    /** What is wrong, for people (the problem document's {@code detail}). */
    public String detail() {
        return detail;
    }

    /** Per-field errors (field name to reason); empty unless the input was invalid. */
    public Map<String, String> fieldErrors() {
        return fieldErrors;
    }

    /** The whole problem document as the server sent it (an empty object when there was none). */
    public JsonNode problem() {
        return problem;
    }

    /** How long the server asked the client to wait before trying again ({@code Retry-After}), when it said. */
    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }
}
