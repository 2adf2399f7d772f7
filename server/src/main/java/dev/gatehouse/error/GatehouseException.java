package dev.gatehouse.error;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Root of the one unchecked exception tree that services throw. Each subclass is one kind of failure,
 * mapped to an HTTP status once per dialect. Messages carry context (organization, ids, counts), never
 * secrets. Beside the message, a failure carries what a program needs: {@link #context()}, facts every API
 * shows its clients, and {@link #subject}, the typed object the failure is about, from which a dialect phrases
 * it in its own terms (its own ids, its own wording) without parsing the message. A dialect that rephrases a
 * failure throws a new one with the original as its cause.
 */
public abstract sealed class GatehouseException extends RuntimeException
        permits NotFoundException, ConflictException, InvalidInputException, UnauthenticatedException,
                ForbiddenException, PreconditionFailedException, TooLargeException, UnsupportedMediaTypeException,
                UnavailableException, RequestTimeoutException, InternalErrorException {

    private final String code;
    private final Map<String, Object> context;
    private final Object subject;

    GatehouseException(String code, String detail) {
        this(code, detail, Map.of());
    }

    GatehouseException(String code, String detail, Map<String, Object> context) {
        this(code, detail, context, null, null);
    }

    /**
     * @param subject the typed object the failure is about ({@link #subject}), or null
     * @param cause   the failure this one reports (a lower layer's exception, or a service's failure that a
     *                dialect rephrases), or null
     */
    GatehouseException(String code, String detail, Map<String, Object> context, Object subject, Throwable cause) {
        super(detail, cause);
        this.code = code;
        this.context = Collections.unmodifiableMap(new LinkedHashMap<>(context));
        this.subject = subject;
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

    /**
     * What the failure is about, when it is of {@code type}: the member reference that named nobody, the member
     * already holding an address, the holders of a role still in use. Unlike {@link #context()} it is never
     * rendered as is; a dialect takes what it needs to phrase the failure its own way. Empty for most failures.
     */
    public <T> Optional<T> subject(Class<T> type) {
        return type.isInstance(subject) ? Optional.of(type.cast(subject)) : Optional.empty();
    }

    /** Per-field errors; empty unless the input was invalid. */
    public Map<String, String> fieldErrors() {
        return Map.of();
    }
}
