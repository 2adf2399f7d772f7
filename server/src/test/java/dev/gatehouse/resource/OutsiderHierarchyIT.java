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
 * when the caller sees the parent too, else it reads as at the top — as the parent itself answers 404; it reads the
 * participants of what it sees, one by one as in their listing.
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

    /**
     * An outsider reads one participant's role on a resource it sees — one it holds a role on, or one beneath that —
     * exactly as the resource's listing shows it: a member the listing shows is read by any of its names, and one it
     * does not show (holding a role elsewhere only, or above the resource) answers as a member that does not exist.
     */
    @Test
    void anOutsider_readsEachParticipant_asTheListingShowsIt() {
        var org = fx.org("sites-outsiders");
        long guestRole = fx.role(org, Map.of("name", "Guest", "permissions", List.of("doc.read"), "external", true));
        long reader = fx.role(org, "Reader", List.of("doc.read"));
        Http api = node.service();
        assertThat(api.put(org.path() + "/resources/folder/f1", Map.of()).status()).isIn(200, 201);
        assertThat(api.put(org.path() + "/resources/folder/f2", Map.of()).status()).isIn(200, 201);
        assertThat(api.put(org.path() + "/resources/doc/x1", Map.of("parent", Map.of("type", "folder", "id", "f1")))
                .status()).isIn(200, 201);
        long writer = fx.member(org, "writer", reader);
        long lead = fx.member(org, "lead", reader);
        long other = fx.member(org, "other", reader);
        long guest = fx.external(org, "guest");
        give(org, "doc/x1", writer, reader);
        give(org, "folder/f1", lead, reader);
        give(org, "folder/f1", guest, guestRole);
        give(org, "folder/f2", other, reader);
        Http key = fx.keyFor(org, guest);

        for (String resource : List.of("doc/x1", "folder/f1")) {
            String path = org.path() + "/resources/" + resource + "/assignments";
            Http.Res listed = key.get(path);
            assertThat(listed.status()).as("%s", listed).isEqualTo(200);
            for (JsonNode shown : listed.json().get("items")) {
                long member = shown.get("member_id").longValue();
                Http.Res read = key.get(path + "/id:" + member);
                assertThat(read.status()).as("%s: %s", resource, read).isEqualTo(200);
                assertThat(read.get("role_id").longValue()).isEqualTo(shown.get("role_id").longValue());
            }
        }
        String onDoc = org.path() + "/resources/doc/x1/assignments/";
        for (String name : List.of(String.valueOf(writer), "id:" + writer, "user:writer", "writer")) {
            Http.Res read = key.get(onDoc + name);
            assertThat(read.status()).as("%s: %s", name, read).isEqualTo(200);
            assertThat(read.get("member_id").longValue()).isEqualTo(writer);
        }
        for (long unseen : List.of(lead, other, org.adminId(), 999_999L)) {
            Http.Res read = key.get(onDoc + "id:" + unseen);
            assertThat(read.status()).as("member %s: %s", unseen, read).isEqualTo(404);
            assertThat(read.get("code").stringValue()).isEqualTo("member_not_found");
            assertThat(read.get("detail").stringValue())
                    .isEqualTo("no member with id " + unseen + " in organization " + org.id());
        }
        assertThat(key.get(onDoc + "user:lead").get("code").stringValue()).isEqualTo("member_not_found");
        assertThat(key.get(onDoc + "id:" + guest).get("code").stringValue())
                .as("itself, holding no role on the doc").isEqualTo("assignment_not_found");
        assertThat(api.get(onDoc + "id:" + lead).get("code").stringValue())
                .as("who sees every member is told the member holds no role there").isEqualTo("assignment_not_found");
    }

    private static void give(Fixtures.Org org, String resource, long member, long role) {
        Http.Res res = node.service().put(org.path() + "/resources/" + resource + "/assignments/" + member,
                Map.of("role_id", role));
        assertThat(res.status()).as("%s", res).isIn(200, 201);
    }
}
