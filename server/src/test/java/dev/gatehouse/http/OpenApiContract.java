package dev.gatehouse.http;

import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SchemaRegistryConfig;
import com.networknt.schema.SpecificationVersion;
import dev.gatehouse.json.Json;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.oas.models.headers.Header;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.parameters.Parameter;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.parser.OpenAPIV3Parser;
import io.swagger.v3.parser.core.models.ParseOptions;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * openapi.yaml as a contract, held against one HTTP exchange at a time: the operation exists, the parameters and
 * body sent are documented ones, the status is documented (a {@code default} response covers errors only, never a
 * success), and the answer's content type, body and headers are the documented ones.
 *
 * <p>Schemas are OpenAPI 3.0's dialect of JSON Schema; {@link #jsonSchema} turns one into draft 2020-12 for the
 * validator: {@code nullable} becomes a {@code "null"} type (and enum value), and an object schema that lists its
 * properties is read as closed ({@code additionalProperties: false}) unless it says otherwise, so that every
 * property the server sends or takes is documented. The parser resolves {@code $ref}s and merges {@code allOf}
 * before that. The headers held to the document are those a client acts on ({@link #REQUEST_HEADERS} sent,
 * {@link #CONTRACT_HEADERS} answered); headers on every answer alike ({@code Gatehouse-Staleness}, caching,
 * security) are described once, in the document's description.
 *
 * <p>Not thread-safe (validators are built on first use, and {@link #exercised} grows): confine an instance to one
 * thread.
 */
final class OpenApiContract {

    static final List<String> CONTRACT_HEADERS = List.of("Gatehouse-Revision", "ETag", "Location", "Retry-After");
    /** Request headers that are parameters of some operations (and of no other). */
    static final List<String> REQUEST_HEADERS = List.of("If-Match", "If-None-Match");
    private static final Set<String> OPENAPI_ONLY = Set.of("nullable", "example", "discriminator", "xml",
            "externalDocs", "deprecated", "readOnly", "writeOnly");
    private static final Pattern PARAM = Pattern.compile("\\{([^}/]+)}");

    private final OpenAPI api;
    private final Map<String, Pattern> templates = new LinkedHashMap<>();
    private final SchemaRegistry registry = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12,
            builder -> builder.schemaRegistryConfig(SchemaRegistryConfig.builder().formatAssertionsEnabled(true)
                    .build()));
    private final Map<Schema<?>, com.networknt.schema.Schema> validators = new IdentityHashMap<>();
    private final Set<String> exercised = new TreeSet<>();

    private OpenApiContract(OpenAPI api) {
        this.api = api;
        for (String template : api.getPaths().keySet()) {
            Matcher m = PARAM.matcher(template);
            StringBuilder regex = new StringBuilder();
            int last = 0;
            while (m.find()) {
                regex.append(Pattern.quote(template.substring(last, m.start()))).append("([^/]+)");
                last = m.end();
            }
            templates.put(template, Pattern.compile(regex + Pattern.quote(template.substring(last))));
        }
    }

    /** The contract of an OpenAPI 3.0 document; a document the parser complains about is refused. */
    static OpenApiContract parse(String yaml) {
        ParseOptions options = new ParseOptions();
        options.setResolveFully(true);
        SwaggerParseResult result = new OpenAPIV3Parser().readContents(yaml, null, options);
        if (result.getOpenAPI() == null || !result.getMessages().isEmpty()) {
            throw new IllegalArgumentException("openapi.yaml does not parse: " + result.getMessages());
        }
        return new OpenApiContract(result.getOpenAPI());
    }

    /** Every documented operation, as {@code "GET /v1/orgs/{org}"}. */
    Set<String> operations() {
        Set<String> all = new TreeSet<>();
        api.getPaths().forEach((template, item) -> item.readOperationsMap().keySet()
                .forEach(method -> all.add(method.name() + " " + template)));
        return all;
    }

    /** The operations {@link #check} has been shown so far. */
    Set<String> exercised() {
        return Set.copyOf(exercised);
    }

    /**
     * Where an exchange departs from the document, each as one line naming the operation and status; empty when it
     * conforms. {@code requestBody} is the body sent (null: none), {@code responseBody} the one answered (or as much
     * of a stream as was read); with {@code requestDocumented} false the request is bad on purpose and only the
     * answer is held to the document.
     */
    List<String> check(String requestBody, boolean requestDocumented, HttpResponse<?> response, String responseBody) {
        List<String> found = new ArrayList<>();
        URI uri = response.request().uri();
        String method = response.request().method();
        String path = uri.getRawPath();
        Map.Entry<String, List<String>> matched = template(path);
        if (matched == null && path.length() > 1 && path.endsWith("/")) {
            // the server, as the framework, answers a path with a trailing slash as the path without it
            matched = template(path.substring(0, path.length() - 1));
        }
        PathItem item = matched == null ? null : api.getPaths().get(matched.getKey());
        Operation operation = item == null ? null
                : item.readOperationsMap().get(PathItem.HttpMethod.valueOf(method.toUpperCase(Locale.ROOT)));
        if (operation == null) {
            found.add(method + " " + uri.getRawPath() + ": no such operation in openapi.yaml");
            return found;
        }
        String name = method + " " + matched.getKey();
        exercised.add(name);
        String where = name + " -> " + response.statusCode() + ": ";
        if (requestDocumented) {
            checkRequest(item, operation, matched, response.request(), requestBody, where, found);
        }
        checkResponse(operation, response, responseBody, where, found);
        return found;
    }

    private void checkRequest(PathItem item, Operation operation, Map.Entry<String, List<String>> matched,
                              HttpRequest request, String body, String where, List<String> found) {
        URI uri = request.uri();
        Map<String, Parameter> documented = new LinkedHashMap<>();
        List<Parameter> all = new ArrayList<>();
        if (item.getParameters() != null) {
            all.addAll(item.getParameters());
        }
        if (operation.getParameters() != null) {
            all.addAll(operation.getParameters());
        }
        all.forEach(p -> documented.put(p.getIn() + ":" + p.getName(), p));
        List<String> names = new ArrayList<>();
        PARAM.matcher(matched.getKey()).results().forEach(r -> names.add(r.group(1)));
        for (int i = 0; i < names.size(); i++) {
            checkParameter(documented.get("path:" + names.get(i)), "path parameter " + names.get(i),
                    decode(matched.getValue().get(i)), where, found);
        }
        Map<String, String> query = new LinkedHashMap<>();
        if (uri.getRawQuery() != null) {
            for (String pair : uri.getRawQuery().split("&")) {
                int eq = pair.indexOf('=');
                query.put(decode(eq < 0 ? pair : pair.substring(0, eq)), eq < 0 ? "" : decode(pair.substring(eq + 1)));
            }
        }
        query.forEach((param, value) -> checkParameter(documented.get("query:" + param), "query parameter " + param,
                value, where, found));
        for (String header : REQUEST_HEADERS) {
            request.headers().firstValue(header).ifPresent(value -> checkParameter(documented.get("header:" + header),
                    "header " + header, value, where, found));
        }
        documented.values().stream().filter(p -> "query".equals(p.getIn()) && Boolean.TRUE.equals(p.getRequired())
                        && !query.containsKey(p.getName()))
                .forEach(p -> found.add(where + "required query parameter " + p.getName() + " not sent"));
        if (operation.getRequestBody() == null || operation.getRequestBody().getContent() == null) {
            if (body != null && !body.isEmpty()) {
                found.add(where + "a request body is sent but none is documented");
            }
            return;
        }
        if (body == null || body.isEmpty()) {
            if (Boolean.TRUE.equals(operation.getRequestBody().getRequired())) {
                found.add(where + "the documented request body is required but none is sent");
            }
            return;
        }
        checkBody(operation.getRequestBody().getContent(),
                mediaType(request.headers().firstValue("Content-Type").orElse(null)), body, where + "request ", found);
    }

    private void checkParameter(Parameter parameter, String what, String value, String where, List<String> found) {
        if (parameter == null) {
            found.add(where + what + " is not documented");
            return;
        }
        Schema<?> schema = parameter.getSchema();
        JsonNode node = parameterValue(schema, value);
        validate(schema, node).forEach(error -> found.add(where + what + " \"" + value + "\": " + error));
    }

    /** A parameter's text as the JSON value its schema speaks of (text that is no number stays text). */
    private static JsonNode parameterValue(Schema<?> schema, String value) {
        JsonNodeFactory nodes = JsonNodeFactory.instance;
        String type = schema == null ? null : schema.getType();
        if ("array".equals(type)) {
            ArrayNode array = nodes.arrayNode();
            for (String part : value.split(",", -1)) {
                array.add(parameterValue(schema.getItems(), part));
            }
            return array;
        }
        if ("integer".equals(type) || "number".equals(type)) {
            try {
                return nodes.numberNode(new java.math.BigDecimal(value));
            } catch (NumberFormatException e) {
                return nodes.stringNode(value);
            }
        }
        if ("boolean".equals(type) && (value.equals("true") || value.equals("false"))) {
            return nodes.booleanNode(Boolean.parseBoolean(value));
        }
        return nodes.stringNode(value);
    }

    private void checkResponse(Operation operation, HttpResponse<?> response, String body, String where,
                               List<String> found) {
        int status = response.statusCode();
        ApiResponse documented = operation.getResponses().get(String.valueOf(status));
        if (documented == null) {
            documented = operation.getResponses().get(status / 100 + "XX");
        }
        if (documented == null && status >= 400) {
            documented = operation.getResponses().get("default");
        }
        if (documented == null) {
            found.add(where + "status not documented (documented: " + operation.getResponses().keySet() + "); body "
                    + abbreviate(body));
            return;
        }
        Map<String, Header> headers = new LinkedHashMap<>();
        if (documented.getHeaders() != null) {
            documented.getHeaders().forEach((header, value) -> headers.put(header.toLowerCase(Locale.ROOT), value));
        }
        for (String header : CONTRACT_HEADERS) {
            String value = response.headers().firstValue(header).orElse(null);
            Header spec = headers.get(header.toLowerCase(Locale.ROOT));
            if (value != null && spec == null) {
                found.add(where + "header " + header + " is sent but not documented");
            } else if (value == null && spec != null && Boolean.TRUE.equals(spec.getRequired())) {
                found.add(where + "header " + header + " is documented as required but not sent");
            } else if (value != null) {
                validate(spec.getSchema(), parameterValue(spec.getSchema(), value))
                        .forEach(error -> found.add(where + "header " + header + " \"" + value + "\": " + error));
            }
        }
        Content content = documented.getContent();
        if (body == null || body.isEmpty()) {
            if (content != null && !content.isEmpty()) {
                found.add(where + "no body, but " + content.keySet() + " is documented");
            }
            return;
        }
        String type = mediaType(response.headers().firstValue("Content-Type").orElse(null));
        if (content == null || content.isEmpty()) {
            found.add(where + "a body (" + type + ") is sent but none is documented: " + abbreviate(body));
            return;
        }
        checkBody(content, type, body, where, found);
    }

    private void checkBody(Content content, String type, String body, String where, List<String> found) {
        if (type == null || !content.containsKey(type)) {
            found.add(where + "content type " + type + " is not documented (documented: " + content.keySet() + ")");
            return;
        }
        Schema<?> schema = content.get(type).getSchema();
        if (schema == null || !type.endsWith("json") || type.endsWith("ndjson")) {
            return;
        }
        JsonNode node;
        try {
            node = Json.readTree(body);
        } catch (RuntimeException e) {
            found.add(where + "body is not JSON: " + abbreviate(body));
            return;
        }
        validate(schema, node).forEach(error -> found.add(where + "body " + error));
    }

    private List<String> validate(Schema<?> schema, JsonNode node) {
        if (schema == null) {
            return List.of();
        }
        com.networknt.schema.Schema validator = validators.computeIfAbsent(schema,
                s -> registry.getSchema(jsonSchema(Json.readTree(io.swagger.v3.core.util.Json.pretty(s)))));
        return validator.validate(node).stream().map(error -> error.toString()).toList();
    }

    /** An OpenAPI 3.0 schema (references resolved) as JSON Schema 2020-12, objects with properties closed. */
    static JsonNode jsonSchema(JsonNode openApi) {
        if (openApi.isArray()) {
            ArrayNode out = JsonNodeFactory.instance.arrayNode();
            openApi.forEach(element -> out.add(jsonSchema(element)));
            return out;
        }
        if (!openApi.isObject()) {
            return openApi;
        }
        ObjectNode out = Json.object();
        for (Map.Entry<String, JsonNode> field : openApi.properties()) {
            if (field.getKey().equals("properties")) {
                ObjectNode properties = out.putObject("properties");
                field.getValue().properties().forEach(p -> properties.set(p.getKey(), jsonSchema(p.getValue())));
            } else if (!OPENAPI_ONLY.contains(field.getKey())) {
                out.set(field.getKey(), jsonSchema(field.getValue()));
            }
        }
        if (openApi.path("nullable").asBoolean(false)) {
            if (out.has("type")) {
                out.putArray("type").add(openApi.get("type").asString()).add("null");
            }
            if (out.has("enum")) {
                ((ArrayNode) out.get("enum")).addNull();
            }
        }
        if (out.has("properties") && !out.has("additionalProperties")) {
            out.put("additionalProperties", false);
        }
        return out;
    }

    /** The documented template a raw path matches, with its raw parameter values; literal segments win. */
    private Map.Entry<String, List<String>> template(String rawPath) {
        Map.Entry<String, List<String>> best = null;
        int bestLiteral = -1;
        for (Map.Entry<String, Pattern> t : templates.entrySet()) {
            Matcher m = t.getValue().matcher(rawPath);
            if (m.matches()) {
                int literal = t.getKey().replaceAll("\\{[^}]*}", "").length();
                if (literal > bestLiteral) {
                    List<String> values = new ArrayList<>();
                    for (int g = 1; g <= m.groupCount(); g++) {
                        values.add(m.group(g));
                    }
                    best = Map.entry(t.getKey(), values);
                    bestLiteral = literal;
                }
            }
        }
        return best;
    }

    private static String mediaType(String contentType) {
        if (contentType == null) {
            return null;
        }
        int semicolon = contentType.indexOf(';');
        return (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).strip().toLowerCase(Locale.ROOT);
    }

    private static String decode(String raw) {
        return URLDecoder.decode(raw.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    static String abbreviate(String text) {
        return text == null ? "(none)" : text.length() <= 300 ? text : text.substring(0, 300) + "… (" + text.length()
                + " chars)";
    }
}
