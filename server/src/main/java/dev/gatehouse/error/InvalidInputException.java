package dev.gatehouse.error;

import java.util.LinkedHashMap;
import java.util.Map;

/** The request was understood but its content breaks a rule; {@link #fieldErrors()} names the fields. */
public final class InvalidInputException extends GatehouseException {

    private final Map<String, String> fieldErrors;

    public InvalidInputException(String detail) {
        this("invalid_input", detail, Map.of());
    }

    public InvalidInputException(String code, String detail) {
        this(code, detail, Map.of());
    }

    public InvalidInputException(String code, String detail, Map<String, String> fieldErrors) {
        this(code, detail, fieldErrors, null);
    }

    /** Reports {@code cause} (a lower layer's failure, e.g. the engine's) under this tree's code. */
    public InvalidInputException(String code, String detail, Map<String, String> fieldErrors, Throwable cause) {
        this(code, detail, fieldErrors, Map.of(), cause);
    }

    private InvalidInputException(String code, String detail, Map<String, String> fieldErrors,
                                  Map<String, Object> context, Throwable cause) {
        super(code, detail, context, null, cause);
        this.fieldErrors = Map.copyOf(new LinkedHashMap<>(fieldErrors));
    }

    /** One field is wrong: the detail names it and the field error repeats the reason. */
    public static InvalidInputException field(String field, String reason) {
        return field(field, reason, Map.of());
    }

    /** {@link #field(String, String)} with {@link #context() facts} for programs beside it. */
    public static InvalidInputException field(String field, String reason, Map<String, Object> context) {
        return new InvalidInputException("invalid_input", field + ": " + reason, Map.of(field, reason), context, null);
    }

    @Override
    public Map<String, String> fieldErrors() {
        return fieldErrors;
    }
}
