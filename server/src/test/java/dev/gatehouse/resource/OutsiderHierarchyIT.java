package dev.gatehouse.resource;

import dev.gatehouse.json.Json;
import dev.gatehouse.testing.Fixtures;
import dev.gatehouse.testing.Http;
import dev.gatehouse.testing.TestNode;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An outsider sees the resources it holds a role on and nothing above them: a resource it reads names its parent only
 * when the caller sees the parent too, else it reads as at the top — as the parent itself answers 404.
 */
class OutsiderHierarchyIT {

    static TestNode node;
    static Fixtures fx;

    @BeforeAll
    static void start() throws IOException {
        node = TestNode.start();
        fx = new Fixtures(node);
        try (InputStream in = OutsiderHierarchyIT.class.getResourceAsStream("/models/sites.json")) {
            ObjectNode model = (ObjectNode) Json.MAPPER.readTree(in);
            model.put("id", "sites-outsiders").put("external_roles", true);
            assertThat(node.service().post("/v1/models", model).status()).isEqualTo(201);
        }
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    @Test
    void anOutsider_readsItsRoom_withoutTheParentsItDoesNotSee() {
        var org = fx.org("sites-outsiders");
        long guest = fx.role(org, Map.of("name", "Guest", "permissions", List.of("room.view"), "external", true));
        Http api = node.service();
        assertThat(api.put(org.path() + "/resources/region/acme-eu", Map.of()).status()).isIn(200, 201);
        assertThat(api.put(org.path() + "/resources/office/acme-paris", Map.of("parent", Map.of("type", "region",
                "id", "acme-eu"))).status()).isIn(200, 201);
        assertThat(api.put(org.path() + "/resources/room/r1", Map.of("parent", Map.of("type", "office",
                "id", "acme-paris"))).status()).isIn(200, 201);
        long outsider = fx.external(org, "x1");
        assertThat(api.put(org.path() + "/resources/room/r1/assignments/" + outsider, Map.of("role_id", guest))
                .status()).isIn(200, 201);
        Http key = fx.keyFor(org, outsider);

        Http.Res room = key.get(org.path() + "/resources/room/r1");
        assertThat(room.status()).as("%s", room).isEqualTo(200);
        JsonNode parent = room.get("parent");
        assertThat(parent == null || parent.isNull()).as("the office is not shown: %s", room).isTrue();
        assertThat(room.body()).doesNotContain("acme-paris");
        assertThat(key.get(org.path() + "/resources/office/acme-paris").status()).isEqualTo(404);
        assertThat(api.get(org.path() + "/resources/room/r1").get("parent").get("id").stringValue())
                .as("who sees the office sees it named").isEqualTo("acme-paris");
    }
}
