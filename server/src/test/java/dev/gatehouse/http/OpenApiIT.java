package dev.gatehouse.http;

import dev.gatehouse.json.Json;
import dev.gatehouse.testing.Fixtures;
import dev.gatehouse.testing.Http;
import dev.gatehouse.testing.TestNode;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.oas.models.parameters.Parameter;
import io.swagger.v3.parser.OpenAPIV3Parser;
import io.swagger.v3.parser.core.models.ParseOptions;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The served openapi.yaml is valid and lists exactly the native and operations routes of the route table, each
 * native route reads exactly the query parameters its operation documents — those that may repeat documented as
 * arrays —, and documents {@code If-Match} exactly where it reads it.
 */
class OpenApiIT {

    @Test
    void openapi_equalsTheRouteTable() {
        try (TestNode node = TestNode.start()) {
            OpenAPI api = parse(node, false);
            Set<String> documented = new TreeSet<>();
            for (Map.Entry<String, PathItem> path : api.getPaths().entrySet()) {
                path.getValue().readOperationsMap().keySet()
                        .forEach(method -> documented.add(method.name() + " " + path.getKey()));
            }
            Set<String> routed = new TreeSet<>();
            for (Route route : node.node().http().routes()) {
                if (!route.path().startsWith("/api/") && !route.path().startsWith("/restapi/")) {
                    routed.add(route.method().name() + " " + route.path());
                }
            }
            assertThat(documented).isEqualTo(routed);
        }
    }

    @Test
    void everyNativeRoute_readsTheQueryParametersItsOperationDocuments() {
        try (TestNode node = TestNode.start()) {
            OpenAPI api = parse(node, true);
            Map<String, String> declared = new TreeMap<>();
            Map<String, String> documented = new TreeMap<>();
            for (Route route : node.node().http().routes()) {
                if (!route.path().startsWith("/v1/")) {
                    continue;
                }
                String operation = route.method().name() + " " + route.path();
                assertThat(route.query()).as("%s declares the query parameters it reads", operation).isNotNull();
                declared.put(operation, describe(route.query().names(), route.query()::repeatable));
                List<Parameter> query = queryParameters(api.getPaths().get(route.path()), route);
                Set<String> arrays = new TreeSet<>();
                query.stream().filter(p -> "array".equals(p.getSchema().getType()))
                        .forEach(p -> arrays.add(p.getName()));
                documented.put(operation, describe(query.stream().map(Parameter::getName).toList(), arrays::contains));
            }
            assertThat(declared).isNotEmpty().isEqualTo(documented);
        }
    }

    /**
     * Every native write that reads {@code If-Match} ({@link Route#readsIfMatch}) documents it, and no other
     * operation does: every other write refuses the header, so a document offering it there would promise a
     * condition the server never evaluates.
     */
    @Test
    void ifMatch_isDocumentedOnExactlyTheRoutesThatReadIt() {
        try (TestNode node = TestNode.start()) {
            OpenAPI api = parse(node, true);
            Set<String> reading = new TreeSet<>();
            Set<String> documented = new TreeSet<>();
            for (Route route : node.node().http().routes()) {
                if (!route.path().startsWith("/v1/")) {
                    continue;
                }
                String operation = route.method().name() + " " + route.path();
                if (route.readsIfMatch()) {
                    reading.add(operation);
                }
                if (parameters(api.getPaths().get(route.path()), route).stream()
                        .anyMatch(p -> "header".equals(p.getIn()) && "If-Match".equalsIgnoreCase(p.getName()))) {
                    documented.add(operation);
                }
            }
            assertThat(reading).isNotEmpty().isEqualTo(documented);
        }
    }

    /**
     * The codes the events list's description names for a refused filter or cursor are those the server answers: it
     * once named {@code invalid_input} where the server answers {@code invalid_query}.
     */
    @Test
    void eventsList_namesTheCodesItsRefusalsAnswer() {
        try (TestNode node = TestNode.start()) {
            String described = parse(node, true).getPaths().get("/v1/orgs/{org}/events").getGet().getDescription();
            Fixtures.Org org = new Fixtures(node).org("close");
            for (String query : List.of("actor_id=", "object_type=nope", "object_type=group,", "order=up",
                    "cursor=bogus")) {
                Http.Res res = node.service().get(org.path() + "/events?" + query);
                assertThat(res.status()).as("%s: %s", query, res).isEqualTo(400);
                assertThat(described).as(query).contains("400 `" + res.get("code").stringValue() + "`");
            }
            assertThat(described).doesNotContain("`invalid_input`");
        }
    }

    /**
     * A body the server refuses for a field it requires is one the document refuses too: {@code POST
     * …/visibility/check} requires {@code record.fields}, which the document once left optional.
     */
    @Test
    void visibilityCheck_documentsRecordFieldsAsRequired_asTheServerRequiresThem() {
        try (TestNode node = TestNode.start()) {
            OpenApiContract contract = OpenApiContract.parse(node.anonymous().get("/openapi.yaml").body());
            Fixtures.Org org = new Fixtures(node).org("close");
            String body = Json.writeString(Map.of("member_id", org.adminId(), "record", Map.of()));
            Http.Res refused = node.service().raw("POST", org.path() + "/visibility/check", body, "application/json");
            assertThat(refused.status()).as("%s", refused).isEqualTo(400);
            assertThat(refused.get("errors").has("record.fields")).as("%s", refused).isTrue();
            assertThat(contract.check(body, true, refused.raw(), refused.body()))
                    .as("the document refuses the body the server refused").singleElement().asString()
                    .contains("request").contains("fields");
        }
    }

    /** The query parameters of the route's operation: the path's and the operation's own. */
    private static List<Parameter> queryParameters(PathItem item, Route route) {
        return parameters(item, route).stream().filter(p -> "query".equals(p.getIn())).toList();
    }

    /** The parameters of the route's operation: the path's and the operation's own. */
    private static List<Parameter> parameters(PathItem item, Route route) {
        assertThat(item).as("%s is documented", route.path()).isNotNull();
        Operation operation = item.readOperationsMap().get(PathItem.HttpMethod.valueOf(route.method().name()));
        assertThat(operation).as("%s %s is documented", route.method(), route.path()).isNotNull();
        List<Parameter> all = new ArrayList<>();
        if (item.getParameters() != null) {
            all.addAll(item.getParameters());
        }
        if (operation.getParameters() != null) {
            all.addAll(operation.getParameters());
        }
        return all;
    }

    /** Sorted names, each marked when it may repeat: "a, b (repeatable)". */
    private static String describe(Collection<String> names, Predicate<String> repeats) {
        return String.join(", ", new TreeSet<>(names).stream().map(n -> repeats.test(n) ? n + " (repeatable)" : n)
                .toList());
    }

    private static OpenAPI parse(TestNode node, boolean resolved) {
        String yaml = node.anonymous().get("/openapi.yaml").body();
        ParseOptions options = new ParseOptions();
        options.setResolveFully(true);
        SwaggerParseResult result = resolved ? new OpenAPIV3Parser().readContents(yaml, null, options)
                : new OpenAPIV3Parser().readContents(yaml);
        assertThat(result.getMessages()).isEmpty();
        return result.getOpenAPI();
    }
}
