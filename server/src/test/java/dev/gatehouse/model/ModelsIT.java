package dev.gatehouse.model;

import dev.gatehouse.json.Json;
import dev.gatehouse.testing.Await;
import dev.gatehouse.testing.Fixtures;
import dev.gatehouse.testing.Http;
import dev.gatehouse.testing.RevisionLock;
import dev.gatehouse.testing.TestNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
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
     * The same model registered twice at once, in two write lanes' transactions (or on two nodes): one 201 and one
     * 409 {@code model_exists}, as when one follows the other. The second once found the first's row not committed
     * yet, inserted its own, and was answered the unique index's generic 409 {@code duplicate}.
     */
    @Test
    void aModelRegisteredTwiceAtOnce_isRegisteredOnce_andTheOtherIsToldItExists() {
        ObjectNode definition = helpdesk("helpdesk-twice");
        List<CompletableFuture<Http.Res>> registrations = new ArrayList<>();
        try (RevisionLock lock = RevisionLock.hold(node)) {
            for (int i = 1; i <= 2; i++) {
                registrations.add(CompletableFuture.supplyAsync(() -> node.service().post("/v1/models", definition)));
                int waiting = i;
                Await.until(Duration.ofSeconds(20), waiting + " registration(s) wait", () -> lock.lockWaits() == waiting);
            }
        }
        List<Http.Res> answers = registrations.stream().map(CompletableFuture::join).toList();
        assertThat(answers.get(0).status()).as("%s", answers.get(0)).isEqualTo(201);
        assertThat(answers.get(1).status()).as("%s", answers.get(1)).isEqualTo(409);
        assertThat(answers.get(1).get("code").stringValue()).isEqualTo("model_exists");
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

    /**
     * A member key reads the built-in models and its own organization's, never another organization's custom model,
     * which is 404 as one nobody registered: any key once listed and read every model of the deployment, so one
     * tenant learnt what the others were made with. A service key still reads every model.
     */
    @Test
    void memberKeys_readTheBuiltInModelsAndTheirOwn_only() {
        assertThat(node.service().post("/v1/models", helpdesk("helpdesk-ours")).status()).isEqualTo(201);
        assertThat(node.service().post("/v1/models", helpdesk("helpdesk-theirs")).status()).isEqualTo(201);
        var ours = fx.org("helpdesk-ours");
        fx.org("helpdesk-theirs");
        var outsider = fx.org("close");

        for (var key : java.util.List.of(ours.admin(), outsider.admin())) {
            Http.Res hidden = key.get("/v1/models/helpdesk-theirs");
            assertThat(hidden.status()).as("%s", hidden).isEqualTo(404);
            assertThat(hidden.get("code").stringValue()).isEqualTo("model_not_found");
            String nobodys = key.get("/v1/models/nope").get("detail").stringValue();
            assertThat(hidden.get("detail").stringValue()).isEqualTo(nobodys.replace("nope", "helpdesk-theirs"));
            assertThat(key.get("/v1/models/rooms").status()).isEqualTo(200);
        }
        assertThat(ours.admin().get("/v1/models").json().get("items")).extracting(m -> m.get("id").stringValue())
                .containsExactly("close", "helpdesk-ours", "rooms", "rooms_v5");
        assertThat(ours.admin().get("/v1/models/helpdesk-ours").json())
                .isEqualTo(node.service().get("/v1/models/helpdesk-ours").json());
        assertThat(ours.admin().get(ours.path() + "/model").get("id").stringValue()).isEqualTo("helpdesk-ours");
        assertThat(outsider.admin().get("/v1/models").json().get("items")).extracting(m -> m.get("id").stringValue())
                .containsExactly("close", "rooms", "rooms_v5");
        assertThat(outsider.admin().get("/v1/models?limit=1&cursor=" + ours.admin().get("/v1/models?limit=1")
                .get("next_cursor").stringValue()).json().get("items")).extracting(m -> m.get("id").stringValue())
                .containsExactly("rooms");

        assertThat(node.service().get("/v1/models").json().get("items")).extracting(m -> m.get("id").stringValue())
                .contains("helpdesk-ours", "helpdesk-theirs");
        assertThat(node.service().get("/v1/models/helpdesk-theirs").status()).isEqualTo(200);
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

    /**
     * A model's names are stored as registration took them, trimmed of spaces of every kind — in its table and its
     * change record, from which every node learns it. A system role named {@code "Agent\u00a0"} was stored as sent,
     * and its organizations then held it beside a custom role {@code "Agent"} that looked the same.
     */
    @Test
    void aModelsNames_areStoredTrimmed_soNoCustomRoleLooksLikeASystemRole() {
        String id = "helpdesk-spaced";
        ObjectNode model = helpdesk(id);
        model.put("name", "Helpdesk\u00a0");
        ((ObjectNode) model.at("/categories/0")).put("name", "\u2007Tickets");
        ((ObjectNode) model.at("/resource_types/0")).put("name", "Queue\u202f");
        ((ObjectNode) model.at("/system_roles/1")).put("name", "Agent\u00a0");
        Http.Res registered = node.service().post("/v1/models", model);
        assertThat(registered.status()).as("%s", registered).isEqualTo(201);

        JsonNode read = node.service().get("/v1/models/" + id).json();
        assertThat(read).isEqualTo(registered.json());
        JsonNode stored = Json.readTree(node.node().core().store().jdbi().withHandle(h -> h.createQuery(
                "SELECT definition FROM models WHERE id = :id").bind("id", id).mapTo(String.class).one()));
        JsonNode recorded = Json.readTree(node.node().core().store().jdbi().withHandle(h -> h.createQuery(
                "SELECT after FROM change_log WHERE object_type = 'model' AND object_id = :id").bind("id", id)
                .mapTo(String.class).one()));
        for (JsonNode definition : List.of(read, stored, recorded)) {
            assertThat(definition.get("name").stringValue()).isEqualTo("Helpdesk");
            assertThat(definition.at("/categories/0/name").stringValue()).isEqualTo("Tickets");
            assertThat(definition.at("/resource_types/0/name").stringValue()).isEqualTo("Queue");
            assertThat(definition.at("/system_roles/1/name").stringValue()).isEqualTo("Agent");
        }

        var org = fx.org(id);
        assertThat(node.service().get(org.path() + "/roles").json().get("items"))
                .extracting(r -> r.get("name").stringValue()).containsExactly("Lead", "Agent");
        Http.Res lookalike = org.admin().post(org.path() + "/roles", Map.of("name", "Agent",
                "permissions", List.of("ticket.read")));
        assertThat(lookalike.status()).as("%s", lookalike).isEqualTo(409);
        assertThat(lookalike.get("code").stringValue()).isEqualTo("role_name_taken");
    }

    /**
     * A model's answer registers again as it is, under a new id: its read-only {@code built_in} is taken when false
     * and refused when true (it was an unknown field either way).
     */
    @Test
    void aModelsAnswer_registersUnderANewId_butNeverAsBuiltIn() {
        assertThat(node.service().post("/v1/models", helpdesk("helpdesk-original")).status()).isEqualTo(201);
        ObjectNode copy = (ObjectNode) node.service().get("/v1/models/helpdesk-original").json();
        copy.put("id", "helpdesk-copy");
        Http.Res copied = node.service().post("/v1/models", copy);
        assertThat(copied.status()).as("%s", copied).isEqualTo(201);
        assertThat(copied.json()).isEqualTo(copy);

        copy.put("id", "helpdesk-built-in").put("built_in", true);
        Http.Res refused = node.service().post("/v1/models", copy);
        assertThat(refused.status()).as("%s", refused).isEqualTo(400);
        assertThat(refused.get("errors").properties()).extracting(Map.Entry::getKey).containsExactly("built_in");
        assertThat(refused.get("errors").get("built_in").stringValue()).contains("built in");
        assertThat(node.service().get("/v1/models/helpdesk-built-in").status()).isEqualTo(404);
    }

    /** A registered model is permanent, as the guide says: no route changes or deletes it. */
    @Test
    void aRegisteredModel_isNeitherChangedNorDeleted() {
        Http.Res registered = node.service().post("/v1/models", helpdesk("helpdesk-permanent"));
        assertThat(registered.status()).as("%s", registered).isEqualTo(201);
        ObjectNode changed = helpdesk("helpdesk-permanent").put("name", "Changed");
        for (Http.Res refused : List.of(node.service().put("/v1/models/helpdesk-permanent", changed),
                node.service().patch("/v1/models/helpdesk-permanent", changed),
                node.service().delete("/v1/models/helpdesk-permanent"))) {
            assertThat(refused.status()).as("%s", refused).isEqualTo(405);
            assertThat(refused.get("code").stringValue()).isEqualTo("method_not_allowed");
        }
        assertThat(node.service().get("/v1/models/helpdesk-permanent").json()).isEqualTo(registered.json());
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

    /** The outside tester's model: "restricted" lacks the "sees all" permission, and a system role has no settings. */
    static ObjectNode withVisibility(String id, String... restrictedPermissions) {
        ObjectNode model = (ObjectNode) Json.readTree("""
                {"id": "%s", "name": "v", "categories": [{"key": "c", "name": "C"}],
                 "permissions": [{"key": "view", "category": "c"}, {"key": "admin", "category": "c"},
                                 {"key": "records.all", "category": "c"}],
                 "system_roles": [
                   {"key": "owner", "name": "Owner", "permissions": ["view", "admin", "records.all"],
                    "default_for_admin": true},
                   {"key": "restricted", "name": "Restricted", "permissions": []}],
                 "management": {"roles": "admin", "members": "admin", "assignments": "admin"},
                 "visibility": {"sees_all_permission": "records.all"}}
                """.formatted(id));
        ArrayNode granted = (ArrayNode) model.at("/system_roles/1/permissions");
        for (String permission : restrictedPermissions) {
            granted.add(permission);
        }
        return model;
    }

    /**
     * In a model with record visibility, a system role without the "sees all" permission is refused: a system role
     * carries no visibility settings, and a role without them sees every record — its members once saw every record
     * ({@code sees_all: true}) in a model that said they may not.
     */
    @Test
    void aSystemRoleWithoutTheSeesAllPermission_isRefused_inAModelWithVisibility() {
        Http.Res refused = node.service().post("/v1/models", withVisibility("vissys", "view"));
        assertThat(refused.status()).as("%s", refused).isEqualTo(400);
        assertThat(refused.get("errors").get("system_roles[1].permissions").stringValue())
                .contains("records.all").contains("sees every record");
        assertThat(refused.get("errors").has("system_roles[0].permissions")).as("%s", refused).isFalse();
        assertThat(node.service().get("/v1/models/vissys").status()).isEqualTo(404);

        Http.Res seeing = node.service().post("/v1/models", withVisibility("vissys-all", "view", "records.all"));
        assertThat(seeing.status()).as("every system role sees all records: %s", seeing).isEqualTo(201);
        ObjectNode without = withVisibility("vissys-none", "view");
        without.remove("visibility");
        assertThat(node.service().post("/v1/models", without).status()).as("no visibility rule").isEqualTo(201);
    }

    /**
     * An external system role cannot be the first admin's: such a model was registered, and every organization
     * created with an admin then failed, 400 naming a {@code role_id} the caller never sent.
     */
    @Test
    void anExternalDefaultForAdminRole_isRefused() {
        ObjectNode model = helpdesk("outside-admin");
        model.put("external_roles", true);
        ((ObjectNode) model.at("/system_roles/0")).put("external", true);
        Http.Res refused = node.service().post("/v1/models", model);
        assertThat(refused.status()).as("%s", refused).isEqualTo(400);
        assertThat(refused.get("errors").get("system_roles[0].default_for_admin").stringValue())
                .contains("external");
        assertThat(node.service().get("/v1/models/outside-admin").status()).isEqualTo(404);

        ((ObjectNode) model.at("/system_roles/1")).put("external", true);
        ((ObjectNode) model.at("/system_roles/0")).put("external", false);
        Http.Res accepted = node.service().post("/v1/models", model);
        assertThat(accepted.status()).as("another system role may be external: %s", accepted).isEqualTo(201);
        assertThat(fx.org("outside-admin").json().at("/admin_member/id").isIntegralNumber()).isTrue();
    }

    /** A permission listing a scope twice is refused, naming its scopes. */
    @Test
    void aScopeListedTwice_isRefused() {
        ObjectNode model = helpdesk("twice-scoped");
        ((ArrayNode) model.at("/permissions/1/scopes")).add("queue");
        Http.Res refused = node.service().post("/v1/models", model);
        assertThat(refused.status()).as("%s", refused).isEqualTo(400);
        assertThat(refused.get("errors").get("permissions[1].scopes").stringValue()).contains("twice");
    }

    /**
     * Too many resource types is one error, on {@code resource_types}: the permissions naming those types are not
     * also said to name unknown scopes (the types were never read).
     */
    @Test
    void tooManyResourceTypes_isOneError_notUnknownScopesToo() {
        ObjectNode model = helpdesk("crowded");
        ArrayNode types = model.putArray("resource_types");
        ArrayNode scopes = ((ObjectNode) model.at("/permissions/0")).putArray("scopes");
        for (int i = 0; i < 51; i++) {
            types.addObject().put("key", "t" + i);
            scopes.add("t" + i);
        }
        Http.Res refused = node.service().post("/v1/models", model);
        assertThat(refused.status()).as("%s", refused).isEqualTo(400);
        assertThat(refused.get("errors").get("resource_types").stringValue()).contains("50");
        assertThat(refused.get("errors").has("permissions[0].scopes")).as("%s", refused).isFalse();
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

    /**
     * A management permission is asked organization-wide, so one whose scopes leave out {@code organization} (no
     * member could ever hold it where it is asked) is refused, as is a member-grants role listed twice; both were
     * registered. Resource type keys differing only by case stay two types: every key is compared as
     * written.
     */
    @Test
    void aResourceOnlyManagementPermission_orAGrantRoleListedTwice_isRefused() {
        ObjectNode model = helpdesk("queue-managed");
        ((ObjectNode) model.get("management")).put("assignments", "ticket.write");
        ((ObjectNode) model.at("/permissions/1")).putArray("scopes").add("queue");
        model.putObject("member_grants").putArray("permissions").add("ticket.write");
        ((ObjectNode) model.get("member_grants")).putArray("roles").add("agent").add("agent");
        Http.Res refused = node.service().post("/v1/models", model);
        assertThat(refused.status()).as("%s", refused).isEqualTo(400);
        assertThat(refused.get("errors").get("management.assignments").stringValue()).as("%s", refused)
                .contains("organization");
        assertThat(refused.get("errors").get("member_grants.roles").stringValue()).as("%s", refused)
                .contains("twice");

        ObjectNode cased = helpdesk("queue-cased");
        ((ArrayNode) cased.get("resource_types")).addObject().put("key", "Queue");
        assertThat(node.service().post("/v1/models", cased).status()).isEqualTo(201);
    }
}
