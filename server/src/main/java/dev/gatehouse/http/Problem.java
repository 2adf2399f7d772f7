package dev.gatehouse.http;

import dev.gatehouse.json.Json;
import io.javalin.http.Context;
import java.util.Map;
import tools.jackson.databind.node.ObjectNode;

/** Errors as {@code application/problem+json} (RFC 9457) with a stable {@code code}: the native shape. */
public final class Problem {

    public static final String CONTENT_TYPE = "application/problem+json";

    private Problem() {
    }

    /** The problem document, with {@code context} facts as extension members (RFC 9457 §3.2). */
    public static Dialect.ErrorReply reply(int status, String code, String detail, Map<String, String> fieldErrors,
                                           Map<String, Object> context) {
        ObjectNode body = Json.object();
        body.put("type", "https://gatehouse.dev/problems/" + code);
        body.put("title", io.javalin.http.HttpStatus.forStatus(status).getMessage());
        body.put("status", status);
        body.put("code", code);
        body.put("detail", detail);
        if (!fieldErrors.isEmpty()) {
            ObjectNode errors = body.putObject("errors");
            fieldErrors.forEach(errors::put);
        }
        context.forEach((name, value) -> body.set(name, Json.MAPPER.valueToTree(value)));
        return new Dialect.ErrorReply(status, CONTENT_TYPE, Json.write(body));
    }

    public static void write(Context ctx, int status, String code, String detail, Map<String, String> fieldErrors) {
        Dialect.ErrorReply reply = reply(status, code, detail, fieldErrors, Map.of());
        ctx.status(reply.status()).contentType(reply.contentType()).result(reply.body());
    }
}
