package dev.gatehouse.http;

import dev.gatehouse.testing.TestNode;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.parser.OpenAPIV3Parser;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The served openapi.yaml is valid and lists exactly the native and operations routes of the route table. */
class OpenApiIT {

    @Test
    void openapi_equalsTheRouteTable() {
        try (TestNode node = TestNode.start()) {
            String yaml = node.anonymous().get("/openapi.yaml").body();
            SwaggerParseResult result = new OpenAPIV3Parser().readContents(yaml);
            assertThat(result.getMessages()).isEmpty();
            OpenAPI api = result.getOpenAPI();
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
}
