package dev.gatehouse.http;

import dev.gatehouse.json.Json;
import io.javalin.http.Context;
import java.util.Map;
import tools.jackson.databind.node.ObjectNode;

/** Errors as {@code application/problem+json} (RFC 9457) with a stable {@code code}: the native shape. */
public final class Problem {

    private Problem() {
    }

    public static void write(Context ctx, int status, String code, String detail, Map<String, String> fieldErrors) {
        write(ctx, status, code, detail, fieldErrors, Map.of());
    }

    /** With {@code context} facts as extension members beside the standard ones (RFC 9457 §3.2). */
    public static void write(Context ctx, int status, String code, String detail, Map<String, String> fieldErrors,
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
        ctx.status(status).contentType("application/problem+json").result(Json.write(body));
    }
}
