package dev.gatehouse.model;

import dev.gatehouse.json.Json;
import dev.gatehouse.testing.Fixtures;
import dev.gatehouse.testing.Http;
import dev.gatehouse.testing.TestNode;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import static org.assertj.core.api.Assertions.assertThat;

class ModelsIT {

    static TestNode node;
    static Fixtures fx;

    @BeforeAll
    static void start() {
        node = TestNode.start();
        fx = new Fixtures(node);
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    /** A custom model in the registration format, with a given id. */
    static ObjectNode helpdesk(String id) {
        return (ObjectNode) Json.readTree("""
                {"id": "%s", "name": "Helpdesk", "description": "Tickets and queues",
                 "categories": [{"key": "tickets", "name": "Tickets"}, {"key": "admin", "name": "Admin"}],
                 "permissions": [
                   {"key": "ticket.read", "category": "tickets", "scopes": ["organization", "queue"]},
                   {"key": "ticket.write", "category": "tickets", "scopes": ["organization", "queue"]},
                   {"key": "admin.manage", "category": "admin"}],
                 "resource_types": [{"key": "queue", "name": "Queue", "inherits_company_role": true}],
                 "system_roles": [
                   {"key": "lead", "name": "Lead", "permissions": ["ticket.read", "ticket.write", "admin.manage"],
                    "default_for_admin": true},
                   {"key": "agent", "name": "Agent", "permissions": ["ticket.read", "ticket.write"]}],
                 "management": {"roles": "admin.manage", "members": "admin.manage", "assignments": "admin.manage"}}
                """.formatted(id));
    }

    /**
     * A model another node registered a moment ago — stored, its change record not yet here (written straight to the
     * table, as that node's commit is before this node hears of it) — is known to every write and read at once: it
     * once answered 400 "unknown model" and 404 for some milliseconds.
     */
    @Test
    void aModelStoredButNotYetHeardOf_isReadable_andOrganizationsAreCreatedWithIt() {
        String id = "helpdesk-elsewhere";
        node.node().core().store().jdbi().useHandle(h -> h.createUpdate(
                        "INSERT INTO models (id, definition) VALUES (:id, CAST(:d AS jsonb))")
                .bind("id", id).bind("d", Json.writeString(helpdesk(id))).execute());

        Http.Res created = node.service().post("/v1/orgs", Map.of("name", "Elsewhere", "model", id,
                "admin", Map.of("user_id", "u-lead", "email", "lead@elsewhere.test")));
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        assertThat(node.service().get("/v1/models/" + id).status()).isEqualTo(200);
        assertThat(node.service().get("/v1/models").json().get("items"))
                .extracting(m -> m.get("id").stringValue()).contains(id);
        Http.Res check = node.service().post("/v1/orgs/" + created.get("id").longValue() + "/check", Map.of(
                "member_id", created.json().at("/admin_member/id").longValue(), "permission", "ticket.write",
                "min_revision", created.revision()));
        assertThat(check.status()).as(check.toString()).isEqualTo(200);
        assertThat(check.get("allowed").booleanValue()).isTrue();
    }

    @Test
    void builtInModels_areListedAndReadable() {
        JsonNode items = node.service().get("/v1/models").json().get("items");
        assertThat(items).extracting(m -> m.get("id").stringValue()).contains("close", "rooms");
        JsonNode close = node.service().get("/v1/models/close").json();
        assertThat(close.get("built_in").booleanValue()).isTrue();
        assertThat(close.get("permissions")).hasSize(24);
        assertThat(close.get("system_roles")).extracting(r -> r.get("key").stringValue())
                .containsExactly("admin", "superuser", "user", "restricteduser");
        assertThat(close.at("/management/roles").stringValue()).isEqualTo("manage_organization");
        assertThat(close.at("/visibility/sees_all_permission").stringValue()).isEqualTo("view_all_leads");
        JsonNode rooms = node.service().get("/v1/models/rooms").json();
        assertThat(rooms.get("external_roles").booleanValue()).isTrue();
        assertThat(rooms.at("/resource_types/0/key").stringValue()).isEqualTo("room");

        Http.Res missing = node.service().get("/v1/models/nope");
        assertThat(missing.status()).isEqualTo(404);
        assertThat(missing.get("code").stringValue()).isEqualTo("model_not_found");
    }

    @Test
    void memberKeys_readModels_butCannotRegisterOne() {
        var org = fx.org("close");
        assertThat(org.admin().get("/v1/models/close").status()).isEqualTo(200);
        Http.Res refused = org.admin().post("/v1/models", helpdesk("member-made"));
        assertThat(refused.status()).isEqualTo(403);
        assertThat(refused.get("code").stringValue()).isEqualTo("service_key_required");
        assertThat(node.service().get("/v1/models/member-made").status()).isEqualTo(404);
    }

    @Test
    void customModel_isRegistered_andOrganizationsCanUseIt() {
        Http.Res created = node.service().post("/v1/models", helpdesk("helpdesk"));
        assertThat(created.status()).isEqualTo(201);
        assertThat(created.header("Gatehouse-Revision")).isNotNull();
        assertThat(created.get("built_in").booleanValue()).isFalse();
        assertThat(node.service().get("/v1/models/helpdesk").json()).isEqualTo(created.json());

        var org = fx.org("helpdesk");
        JsonNode roles = node.service().get(org.path() + "/roles").json().get("items");
        assertThat(roles).extracting(r -> r.get("key").stringValue()).containsExactly("lead", "agent");
        long lead = roles.get(0).get("id").longValue();
        assertThat(org.json().at("/admin_member/role_id").longValue()).isEqualTo(lead);
        assertThat(org.admin().post(org.path() + "/roles", java.util.Map.of("name", "Reader",
                "permissions", java.util.List.of("ticket.read"))).status()).isEqualTo(201);
    }

    @Test
    void invalidModel_is400_namingEveryProblem() {
        ObjectNode model = helpdesk("broken");
        ((ObjectNode) model.get("permissions").get(0)).put("category", "nowhere");
        ((ObjectNode) model.get("permissions").get(2)).put("key", "ticket.write");
        ((ArrayNode) model.get("system_roles").get(1).get("permissions")).add("ticket.fly");
        Http.Res res = node.service().post("/v1/models", model);
        assertThat(res.status()).isEqualTo(400);
        assertThat(res.header("Content-Type")).startsWith("application/problem+json");
        JsonNode errors = res.get("errors");
        assertThat(errors.get("permissions[0].category").stringValue()).contains("nowhere");
        assertThat(errors.get("permissions[2].key").stringValue()).contains("duplicate");
        assertThat(errors.get("system_roles[1].permissions").stringValue()).contains("ticket.fly");
        assertThat(res.get("detail").stringValue()).contains("permissions[0].category");
        assertThat(node.service().get("/v1/models/broken").status()).isEqualTo(404);
    }

    @Test
    void modelIds_areUnique_includingTheBuiltIns() {
        assertThat(node.service().post("/v1/models", helpdesk("twice")).status()).isEqualTo(201);
        Http.Res again = node.service().post("/v1/models", helpdesk("twice"));
        assertThat(again.status()).isEqualTo(409);
        assertThat(again.get("code").stringValue()).isEqualTo("model_exists");
        assertThat(node.service().post("/v1/models", helpdesk("close")).status()).isEqualTo(409);
        assertThat(node.service().get("/v1/models/close").get("built_in").booleanValue()).isTrue();
    }

    @Test
    void list_isPaginated() {
        Http.Res first = node.service().get("/v1/models?limit=1");
        assertThat(first.json().get("items")).hasSize(1);
        String cursor = first.json().get("next_cursor").stringValue();
        JsonNode second = node.service().get("/v1/models?limit=1000&cursor=" + cursor).json();
        assertThat(second.get("items")).extracting(m -> m.get("id").stringValue())
                .doesNotContain(first.json().at("/items/0/id").stringValue()).isSortedAccordingTo(String::compareTo);
        assertThat(second.get("next_cursor").isNull()).isTrue();
    }
}
