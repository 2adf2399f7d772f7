package dev.gatehouse.client;

import java.net.http.HttpHeaders;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A failed answer as the client read it: the problem document ({@code application/problem+json}: {@code status},
 * {@code code}, {@code detail}, {@code errors}) and the {@code Retry-After} header, turned into the matching
 * {@link GatehouseException}. A body that is not a problem document (a proxy's page) still yields an exception,
 * with a code made from the status. Immutable.
 */
record Problem(int status, String code, String detail, Map<String, String> fieldErrors, JsonNode document,
               Duration retryAfter) {

    Problem {
        fieldErrors = Map.copyOf(fieldErrors);
    }

    /** The problem of an answer with {@code status}, its headers and its body (possibly empty or not JSON). */
    static Problem of(int status, HttpHeaders headers, byte[] body) {
        JsonNode document = parse(body);
        String code = document.path("code").isString() ? document.get("code").stringValue() : codeFor(status);
        String detail = document.path("detail").isString() ? document.get("detail").stringValue()
                : abbreviate(new String(body, StandardCharsets.UTF_8));
        Map<String, String> fields = new LinkedHashMap<>();
        JsonNode errors = document.path("errors");
        if (errors.isObject()) {
            for (String name : errors.propertyNames()) {
                fields.put(name, errors.get(name).asString());
            }
        }
        Duration retryAfter = headers.firstValue("Retry-After").flatMap(Problem::retryAfter).orElse(null);
        return new Problem(status, code, detail, fields, document, retryAfter);
    }

    /**
     * Whether the failed request was applied in part: an import whose earlier chunks committed names them
     * ({@code committed_lines} above 0), whatever its code — a node stopping, a database lost midway — so that sending
     * it again from its first line would apply those lines twice (a deployment's import would create its
     * organizations again); it is resumed instead ({@code resume_from_line}).
     */
    boolean appliedInPart() {
        JsonNode committed = document.path("committed_lines");
        return committed.isNumber() && committed.longValue() > 0;
    }

    /** A failure before any answer: {@code code} and what happened. */
    static Problem local(String code, String detail) {
        ObjectNode document = Wire.MAPPER.createObjectNode().put("code", code).put("detail", detail);
        return new Problem(0, code, detail, Map.of(), document, null);
    }

    /** A 503 the client concludes itself (as the server would answer it), without an answer to show. */
    static Problem unavailable(String code, String detail) {
        ObjectNode document = Wire.MAPPER.createObjectNode().put("status", 503).put("code", code).put("detail", detail);
        return new Problem(503, code, detail, Map.of(), document, null);
    }

    /**
     * A successful answer ({@code status}) to {@code what} whose body is not what the API sends — not JSON, garbled,
     * or a page from something in between — and why: {@code malformed_answer}, an
     * {@link UnexpectedResponseException}.
     */
    static Problem malformed(int status, String what, String reason) {
        String detail = what + ": a malformed answer (" + reason + ")";
        ObjectNode document = Wire.MAPPER.createObjectNode().put("status", status).put("code", "malformed_answer")
                .put("detail", detail);
        return new Problem(status, "malformed_answer", detail, Map.of(), document, null);
    }

    /** The exception's message: the status (when an answer came), the code and the detail. */
    String message() {
        return (status == 0 ? "" : "HTTP " + status + " ") + code + ": " + detail;
    }

    /** The exception of this problem's kind. */
    GatehouseException exception() {
        return switch (status) {
            case 0 -> new TransportException(this, null);
            case 400, 422 -> new InvalidInputException(this);
            case 401 -> new UnauthenticatedException(this);
            case 403 -> new ForbiddenException(this);
            case 404 -> new NotFoundException(this);
            case 409 -> new ConflictException(this);
            case 412 -> new PreconditionFailedException(this);
            case 413 -> new TooLargeException(this);
            case 429 -> new RateLimitedException(this);
            case 503 -> new UnavailableException(this);
            default -> new UnexpectedResponseException(this);
        };
    }

    private static JsonNode parse(byte[] body) {
        if (body.length > 0) {
            try {
                JsonNode tree = Wire.MAPPER.readTree(body);
                if (tree != null && tree.isObject()) {
                    return tree;
                }
            } catch (JacksonException notJson) {
                // a proxy's or a servlet container's page: the status alone says what happened
            }
        }
        return Wire.MAPPER.createObjectNode();
    }

    /** {@code Retry-After}: delta-seconds or an HTTP date (RFC 9110 §10.2.3); empty when neither. */
    static Optional<Duration> retryAfter(String value) {
        String text = value.trim();
        try {
            long seconds = Long.parseLong(text);
            return seconds < 0 ? Optional.empty() : Optional.of(Duration.ofSeconds(seconds));
        } catch (NumberFormatException notSeconds) {
            try {
                ZonedDateTime at = ZonedDateTime.parse(text, DateTimeFormatter.RFC_1123_DATE_TIME);
                Duration wait = Duration.between(ZonedDateTime.now(at.getZone()), at);
                return Optional.of(wait.isNegative() ? Duration.ZERO : wait);
            } catch (DateTimeParseException notDate) {
                return Optional.empty();
            }
        }
    }

    private static String codeFor(int status) {
        return switch (status) {
            case 400 -> "bad_request";
            case 401 -> "unauthenticated";
            case 403 -> "forbidden";
            case 404 -> "not_found";
            case 409 -> "conflict";
            case 429 -> "rate_limited";
            case 500 -> "internal_error";
            case 502 -> "bad_gateway";
            case 503 -> "unavailable";
            case 504 -> "gateway_timeout";
            default -> "http_" + status;
        };
    }

    private static String abbreviate(String text) {
        String oneLine = text.strip().replaceAll("\\s+", " ");
        return oneLine.isEmpty() ? "(no body)" : oneLine.length() > 200 ? oneLine.substring(0, 200) + "…" : oneLine;
    }
}
