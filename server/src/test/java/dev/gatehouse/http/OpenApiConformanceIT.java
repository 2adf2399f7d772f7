package dev.gatehouse.http;

import dev.gatehouse.testing.Await;
import dev.gatehouse.testing.Fixtures;
import dev.gatehouse.testing.Http;
import dev.gatehouse.testing.TestNode;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import static dev.gatehouse.http.CheckedHttp.expect;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The served openapi.yaml tells the truth: a scenario drives every native and operations route — successes, lists
 * followed page by page, every object type, and the common refusals (400, 401, 403, 404, 409, 412, 413, 415) —
 * and holds each exchange to the document ({@link OpenApiContract}): parameters and bodies sent are documented
 * ones, and each answer's status, content type, body and headers are documented, bodies validated against their
 * schemas with every listed object read as closed. Every mismatch is collected and reported at once; a last check
 * asserts that no documented operation went unexercised.
 */
class OpenApiConformanceIT {

    /** A model with everything a native route can address: a hierarchy, grants, visibility and external roles. */
    static final Map<String, Object> MODEL = map(
            "id", "conformance", "name", "Conformance model",
            "description", "Folders of documents, record visibility, grants",
            "external_roles", true,
            "categories", List.of(Map.of("key", "docs", "name", "Documents"),
                    Map.of("key", "admin", "name", "Administration")),
            "permissions", List.of(
                    Map.of("key", "doc.read", "category", "docs", "scopes", List.of("organization", "folder", "doc")),
                    Map.of("key", "doc.edit", "category", "docs", "scopes", List.of("organization", "folder", "doc")),
                    Map.of("key", "records.all", "category", "docs", "description", "Sees every record"),
                    Map.of("key", "members.manage", "category", "admin"),
                    Map.of("key", "settings.edit", "category", "admin")),
            "resource_types", List.of(Map.of("key", "folder", "name", "Folder"),
                    Map.of("key", "doc", "name", "Document", "inherits_company_role", true, "parent_type", "folder")),
            "system_roles", List.of(
                    Map.of("key", "admin", "name", "Admin", "permissions", List.of("doc.read", "doc.edit",
                            "records.all", "members.manage", "settings.edit"), "default_for_admin", true),
                    Map.of("key", "manager", "name", "Manager", "permissions", List.of("doc.read", "records.all"))),
            "management", Map.of("roles", "settings.edit", "members", "members.manage",
                    "assignments", "members.manage"),
            "visibility", Map.of("sees_all_permission", "records.all", "max_fields", 3),
            "member_grants", Map.of("permissions", List.of("doc.edit", "members.manage"), "roles", List.of("manager")));

    private final List<String> mismatches = new ArrayList<>();
    private TestNode node;
    private OpenApiContract contract;
    private CheckedHttp service;
    private CheckedHttp anonymous;

    @Test
    void everyDocumentedOperation_answersAsDocumented() {
        try (TestNode started = TestNode.start()) {
            node = started;
            contract = OpenApiContract.parse(node.anonymous().get("/openapi.yaml").body());
            service = new CheckedHttp(contract, node.service(), mismatches);
            anonymous = service.as(node.anonymous());
            section("operations", this::operations);
            section("models", this::models);
            Fixtures.Org org = organizations();
            section("roles and members", () -> rolesAndMembers(org));
            section("groups", () -> groups(org));
            section("hierarchy, assignments and grants", () -> hierarchyAndAssignments(org));
            section("decisions and previews", () -> decisions(org));
            section("offices and regions", this::officesAndRegions);
            section("import, export and events", () -> bulkAndEvents(org));
            section("webhooks", () -> webhooks(org));
            section("replication", () -> replication(org));
            section("refusals at the edge", () -> edge(org));
        }
        Set<String> unexercised = new TreeSet<>(contract.operations());
        unexercised.removeAll(contract.exercised());
        unexercised.removeIf(operation -> operation.contains(" /api/") || operation.contains(" /restapi/"));
        unexercised.forEach(operation -> mismatches.add(operation + ": not exercised by this test"));
        // the same departure seen in several exchanges is reported once
        assertThat(new LinkedHashSet<>(mismatches)).as("exchanges that depart from openapi.yaml").isEmpty();
    }

    /** Runs one part of the scenario; one that loses its footing is reported and the others still run. */
    private void section(String name, Runnable part) {
        try {
            part.run();
        } catch (AssertionError | RuntimeException e) {
            mismatches.add("scenario section \"" + name + "\" stopped: " + e);
        }
    }

    private void operations() {
        expect(anonymous.get("/healthz"), 200);
        expect(anonymous.get("/readyz"), 200);
        expect(anonymous.get("/readyz/writes"), 200);
        expect(service.get("/metrics"), 200);
        expect(anonymous.get("/metrics"), 401);
        expect(anonymous.get("/openapi.yaml"), 200);
        expect(anonymous.get("/"), 302);
        expect(anonymous.get("/console"), 302);
        Http.Res page = expect(anonymous.get("/console/"), 200);
        expect(anonymous.get("/console/sign-in.json"), 200);
        Http.Res file = expect(anonymous.get("/console/main.js"), 200);
        expect(anonymous.header("If-None-Match", file.header("ETag")).get("/console/main.js"), 304);
        expect(anonymous.get("/console/no-such-file.js"), 404);
        assertThat(page.body()).contains("<html");
    }

    private void models() {
        Http.Res first = expect(service.get("/v1/models?limit=1"), 200);
        String cursor = first.get("next_cursor").stringValue();
        expect(service.get("/v1/models?limit=1&cursor=" + cursor), 200);
        expect(service.post("/v1/models", MODEL), 201);
        expect(service.post("/v1/models", MODEL), 409);
        expect(service.badRequest().post("/v1/models", Map.of("id", "broken")), 400);
        expect(service.get("/v1/models/conformance"), 200);
        expect(service.get("/v1/models/no-such-model"), 404);
        expect(service.get("/v1/engine"), 200);
    }

    private Fixtures.Org organizations() {
        Http.Res created = expect(service.post("/v1/orgs", Map.of("name", "Acme", "model", "conformance",
                "admin", Map.of("user_id", "u-ada", "email", "ada@acme.test", "first_name", "Ada",
                        "last_name", "Admin"))), 201);
        JsonNode json = created.json();
        Fixtures.Org org = new Fixtures.Org(json.get("id").longValue(), json.get("account_id").stringValue(),
                json.get("admin_member").get("id").longValue(), json.get("admin_key").get("key").stringValue(),
                node.as(json.get("admin_key").get("key").stringValue()), json);
        section("organizations", () -> {
            long bare = expect(service.post("/v1/orgs", Map.of("name", "Bare", "model", "conformance")), 201).json()
                    .get("id").longValue();
            expect(service.badRequest().post("/v1/orgs", Map.of("name", "No model")), 400);
            expect(service.post("/v1/orgs", Map.of("name", "Unknown model", "model", "no-such-model")), 400);
            expect(service.as(org.admin()).post("/v1/orgs", Map.of("name", "By a member", "model", "conformance")),
                    403);
            expect(anonymous.get("/v1/orgs"), 401);
            expect(service.as(node.as("ghm_000000000000000000000000_" + "x".repeat(43))).get("/v1/orgs"), 401);
            Http.Res page = expect(service.get("/v1/orgs?limit=1"), 200);
            expect(service.get("/v1/orgs?limit=1&cursor=" + page.get("next_cursor").stringValue()), 200);
            expect(service.as(org.admin()).get("/v1/orgs"), 200);
            Http.Res got = expect(service.get(org.path()), 200);
            expect(service.get("/v1/orgs/999999"), 404);
            expect(service.badRequest().get("/v1/orgs/abc"), 400);
            expect(service.header("If-None-Match", got.header("ETag")).get(org.path()), 304);
            expect(service.header("If-None-Match", "W/" + got.header("ETag")).get(org.path()), 304);
            expect(service.header("If-None-Match", "\"999999\"").get(org.path()), 200);
            expect(service.header("If-Match", got.header("ETag")).patch(org.path(), Map.of("name", "Acme Inc")), 200);
            expect(service.header("If-Match", "\"1\"").patch(org.path(), Map.of("name", "Acme Stale")), 412);
            expect(service.as(org.admin()).get(org.path() + "/model"), 200);
            expect(service.delete("/v1/orgs/" + bare), 204);
            expect(service.delete("/v1/orgs/" + bare), 404);
        });
        return org;
    }

    private void rolesAndMembers(Fixtures.Org org) {
        CheckedHttp admin = service.as(org.admin());
        Http.Res roles = expect(admin.get(org.path() + "/roles?limit=1"), 200);
        expect(admin.get(org.path() + "/roles?limit=1&cursor=" + roles.get("next_cursor").stringValue()), 200);
        Map<String, Object> visibility = Map.of("user_field_ids", List.of("owner_id"),
                "unassigned", "require_assignment");
        long writer = id(expect(admin.post(org.path() + "/roles", Map.of("name", "Writer", "description", "Writes",
                "permissions", List.of("doc.read", "doc.edit"), "visibility", visibility)), 201));
        expect(admin.post(org.path() + "/roles", Map.of("name", "Guest", "permissions",
                List.of("doc.read"), "external", true, "visibility", visibility)), 201);
        expect(admin.post(org.path() + "/roles", Map.of("name", "No visibility", "permissions",
                List.of("doc.read"))), 400);
        expect(admin.post(org.path() + "/roles", Map.of("name", "Unknown", "permissions", List.of("doc.burn"),
                "visibility", visibility)), 400);
        expect(admin.post(org.path() + "/roles", Map.of("name", "Writer", "permissions", List.of("doc.read"),
                "visibility", visibility)), 409);
        Http.Res role = expect(admin.get(org.path() + "/roles/" + writer), 200);
        expect(admin.get(org.path() + "/roles/999999"), 404);
        expect(admin.header("If-Match", role.header("ETag")).patch(org.path() + "/roles/" + writer,
                Map.of("description", "Writes documents")), 200);
        expect(admin.header("If-Match", role.header("ETag")).patch(org.path() + "/roles/" + writer,
                Map.of("description", "Stale")), 412);
        long adminRole = roleId(admin, org, "Admin");
        expect(admin.patch(org.path() + "/roles/" + adminRole, Map.of("description", "Mine now")), 403);

        long bob = id(expect(admin.post(org.path() + "/members", Map.of("user_id", "u-bob", "email", "bob@acme.test",
                "first_name", "Bob", "role_id", writer)), 201));
        expect(admin.post(org.path() + "/members", Map.of("user_id", "u-carl", "email", "carl@buyer.test",
                "external", true)), 201);
        expect(admin.post(org.path() + "/members", Map.of("user_id", "u-ivy", "email", "ivy@acme.test",
                "role_id", writer, "status", "invited")), 201);
        expect(admin.post(org.path() + "/members", Map.of("user_id", "u-bob", "email", "bob2@acme.test",
                "role_id", writer)), 409);
        expect(admin.post(org.path() + "/members", Map.of("user_id", "u-nobody", "email", "nobody@acme.test",
                "role_id", 999999)), 400);
        expect(admin.get(org.path() + "/members?limit=2&status=active&role_id=" + writer), 200);
        expect(admin.get(org.path() + "/members?limit=1&q=acme"), 200);
        expect(admin.get(org.path() + "/members?limit=1&cursor=" + expect(admin.get(org.path() + "/members?limit=1"),
                200).get("next_cursor").stringValue()), 200);
        expect(admin.badRequest().get(org.path() + "/members?status=bogus"), 400);
        Http.Res member = expect(admin.get(org.path() + "/members/user:u-bob"), 200);
        expect(admin.get(org.path() + "/members/id:" + bob), 200);
        expect(admin.get(org.path() + "/members/u-nobody"), 404);
        expect(admin.header("If-Match", member.header("ETag")).patch(org.path() + "/members/u-bob",
                Map.of("last_name", "Builder")), 200);
        expect(admin.header("If-Match", member.header("ETag")).patch(org.path() + "/members/u-bob",
                Map.of("last_name", "Stale")), 412);
        expect(admin.post(org.path() + "/members/u-ivy/accept", null), 200);
        expect(admin.post(org.path() + "/members/u-ivy/accept", null), 200);
        long dan = id(expect(admin.post(org.path() + "/members", Map.of("user_id", "u-dan", "email", "dan@acme.test",
                "role_id", writer, "status", "invited")), 201));
        expect(admin.patch(org.path() + "/members/" + dan, Map.of("status", "deactivated")), 200);
        expect(admin.post(org.path() + "/members/" + dan + "/accept", null), 409);
        expect(admin.patch(org.path() + "/members/" + org.adminId(), Map.of("status", "deactivated")), 409);

        expect(admin.post(org.path() + "/members/u-bob/keys", Map.of("name", "laptop")), 403);
        Http.Res key = expect(service.post(org.path() + "/members/u-bob/keys", Map.of("name", "laptop")), 201);
        CheckedHttp bobKey = service.as(node.as(key.get("key").stringValue()));
        expect(bobKey.post(org.path() + "/members/u-bob/keys", null), 201);
        expect(bobKey.get(org.path() + "/members/u-bob/keys?limit=1"), 200);
        expect(admin.get(org.path() + "/members/u-bob/keys"), 200);
        expect(bobKey.get(org.path() + "/members/" + org.adminId() + "/keys"), 403);
        expect(bobKey.post(org.path() + "/members", Map.of("user_id", "u-eve", "email", "eve@acme.test",
                "role_id", writer)), 403);
        expect(bobKey.get("/v1/engine"), 403);
        expect(admin.delete(org.path() + "/members/u-bob/keys/" + key.get("id").stringValue()), 204);
        expect(admin.delete(org.path() + "/members/u-bob/keys/000000000000000000000000"), 404);

        expect(admin.delete(org.path() + "/roles/" + writer), 409);
        long unused = id(expect(admin.post(org.path() + "/roles", Map.of("name", "Unused", "permissions",
                List.of("doc.read"), "visibility", visibility)), 201));
        expect(admin.delete(org.path() + "/roles/" + unused), 204);
        expect(admin.get(org.path() + "/roles/" + unused), 404);
        expect(admin.delete(org.path() + "/members/" + dan), 204);
        expect(admin.delete(org.path() + "/members/" + dan), 404);
    }

    private void groups(Fixtures.Org org) {
        CheckedHttp admin = service.as(org.admin());
        long sales = id(expect(admin.post(org.path() + "/groups", Map.of("name", "Sales")), 201));
        expect(admin.post(org.path() + "/groups", Map.of("name", "SALES")), 409);
        expect(admin.post(org.path() + "/groups", Map.of("name", "Support")), 201);
        Http.Res page = expect(admin.get(org.path() + "/groups?limit=1"), 200);
        expect(admin.get(org.path() + "/groups?limit=1&cursor=" + page.get("next_cursor").stringValue()), 200);
        Http.Res group = expect(admin.get(org.path() + "/groups/" + sales), 200);
        expect(admin.get(org.path() + "/groups/999999"), 404);
        expect(admin.header("If-Match", group.header("ETag")).patch(org.path() + "/groups/" + sales,
                Map.of("name", "Sales EU")), 200);
        expect(admin.header("If-Match", group.header("ETag")).patch(org.path() + "/groups/" + sales,
                Map.of("name", "Sales US")), 412);
        expect(admin.post(org.path() + "/groups/" + sales + "/members", Map.of("user_id", "u-bob")), 201);
        expect(admin.post(org.path() + "/groups/" + sales + "/members", Map.of("user_id", "u-bob")), 200);
        expect(admin.post(org.path() + "/groups/" + sales + "/members", Map.of("member_id", org.adminId())), 201);
        expect(admin.post(org.path() + "/groups/" + sales + "/members", Map.of("user_id", "u-nobody")), 404);
        Http.Res members = expect(admin.get(org.path() + "/groups/" + sales + "/members?limit=1"), 200);
        expect(admin.get(org.path() + "/groups/" + sales + "/members?limit=1&cursor="
                + members.get("next_cursor").stringValue()), 200);
        expect(admin.delete(org.path() + "/groups/" + sales + "/members/u-bob"), 204);
        expect(admin.delete(org.path() + "/groups/" + sales + "/members/u-bob"), 404);
        expect(admin.delete(org.path() + "/groups/" + sales), 204);
        expect(admin.delete(org.path() + "/groups/" + sales), 404);
    }

    private void hierarchyAndAssignments(Fixtures.Org org) {
        CheckedHttp admin = service.as(org.admin());
        String resources = org.path() + "/resources/";
        expect(admin.put(resources + "folder/f1", Map.of()), 201);
        expect(admin.put(resources + "folder/f1", map("parent", null)), 200);
        expect(admin.put(resources + "folder/f2", Map.of()), 201);
        expect(admin.put(resources + "doc/d1", Map.of("parent", Map.of("type", "folder", "id", "f1"))), 201);
        expect(admin.put(resources + "doc/d2", Map.of("parent", Map.of("type", "folder", "id", "f1"))), 201);
        expect(admin.put(resources + "doc/d3", Map.of("parent", Map.of("type", "doc", "id", "d1"))), 400);
        expect(admin.get(resources + "doc/d1"), 200);
        expect(admin.get(resources + "doc/d404"), 404);
        Http.Res children = expect(admin.get(resources + "folder/f1/children?limit=1"), 200);
        expect(admin.get(resources + "folder/f1/children?limit=1&cursor=" + children.get("next_cursor").stringValue()),
                200);
        expect(admin.delete(resources + "folder/f1"), 409);
        expect(admin.delete(resources + "folder/f2"), 204);
        expect(admin.delete(resources + "folder/f2"), 404);

        long writer = roleId(admin, org, "Writer");
        long guest = roleId(admin, org, "Guest");
        String end = Instant.now().plus(30, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS).toString();
        expect(admin.put(resources + "doc/d1/assignments/u-bob", Map.of("role_id", writer, "expires_at", end)), 200);
        expect(admin.put(resources + "doc/d1/assignments/u-carl", Map.of("role_id", guest)), 200);
        expect(admin.put(resources + "doc/d2/assignments/u-carl", Map.of("role_id", guest)), 200);
        expect(admin.put(resources + "doc/d1/assignments/u-carl", Map.of("role_id", writer)), 400);
        expect(admin.get(resources + "doc/d1/assignments/u-bob"), 200);
        expect(admin.get(resources + "doc/d2/assignments/u-bob"), 404);
        Http.Res onDoc = expect(admin.get(resources + "doc/d1/assignments?limit=1"), 200);
        expect(admin.get(resources + "doc/d1/assignments?limit=1&cursor=" + onDoc.get("next_cursor").stringValue()),
                200);
        Http.Res ofCarl = expect(admin.get(org.path() + "/members/u-carl/assignments?limit=1"), 200);
        expect(admin.get(org.path() + "/members/u-carl/assignments?limit=1&cursor="
                + ofCarl.get("next_cursor").stringValue()), 200);
        expect(admin.delete(resources + "doc/d2/assignments/u-carl"), 204);
        expect(admin.delete(resources + "doc/d2/assignments/u-carl"), 404);
        expect(admin.put(resources + "doc/d2/assignments/u-carl", Map.of("role_id", guest)), 200);
        expect(admin.delete(org.path() + "/members/u-carl/assignments"), 200);
        expect(admin.put(resources + "doc/d2/assignments/u-carl", Map.of("role_id", guest)), 200);
        expect(admin.delete(resources + "doc/d2/assignments"), 200);
        expect(admin.put(resources + "doc/d2/assignments/u-bob", Map.of("role_id", writer)), 200);

        long manager = roleId(admin, org, "Manager");
        expect(admin.post(org.path() + "/members", Map.of("user_id", "u-mia", "email", "mia@acme.test",
                "role_id", manager)), 201);
        expect(admin.get(org.path() + "/members/u-mia/grants"), 200);
        expect(admin.put(org.path() + "/members/u-mia/grants", Map.of("permissions", List.of("doc.edit"))), 200);
        expect(admin.get(org.path() + "/members/u-mia/grants"), 200);
        expect(admin.put(org.path() + "/members/u-mia/grants", Map.of("permissions", List.of("settings.edit"))), 400);
        expect(admin.put(org.path() + "/members/u-bob/grants", Map.of("permissions", List.of("doc.edit"))), 409);
        expect(admin.get(org.path() + "/members/u-nobody/grants"), 404);
    }

    private void decisions(Fixtures.Org org) {
        CheckedHttp admin = service.as(org.admin());
        Map<String, Object> d1 = Map.of("type", "doc", "id", "d1");
        Http.Res check = expect(admin.post(org.path() + "/check", Map.of("user_id", "u-bob", "permission", "doc.edit",
                "resource", d1, "explain", true)), 200);
        expect(admin.post(org.path() + "/check", Map.of("user_id", "u-mia", "permission", "doc.edit", "explain", true,
                "min_revision", check.revision())), 200);
        expect(admin.post(org.path() + "/check", Map.of("user_id", "u-bob", "permission", "doc.edit",
                "resource", Map.of("type", "doc", "id", "d2"), "explain", true)), 200);
        expect(admin.post(org.path() + "/check", Map.of("member_id", org.adminId(), "permission", "doc.read")), 200);
        expect(admin.post(org.path() + "/check", Map.of("user_id", "u-nobody", "permission", "doc.read")), 404);
        expect(admin.post(org.path() + "/check", Map.of("user_id", "u-bob", "permission", "doc.burn")), 400);
        expect(admin.post(org.path() + "/check/batch", Map.of("checks", List.of(
                Map.of("user_id", "u-bob", "permission", "doc.read", "resource", d1),
                Map.of("user_id", "u-nobody", "permission", "doc.read"),
                Map.of("user_id", "u-bob", "permission", "doc.burn")))), 200);
        Http.Res lookup = expect(admin.post(org.path() + "/lookup/resources", Map.of("user_id", "u-bob",
                "permission", "doc.read", "type", "doc", "limit", 1)), 200);
        expect(admin.post(org.path() + "/lookup/resources", Map.of("user_id", "u-bob", "permission", "doc.read",
                "type", "doc", "limit", 1, "cursor", lookup.get("next_cursor").stringValue())), 200);
        Http.Res who = expect(admin.post(org.path() + "/lookup/members", Map.of("permission", "doc.read",
                "resource", d1, "limit", 1)), 200);
        expect(admin.post(org.path() + "/lookup/members", Map.of("permission", "doc.read", "resource", d1,
                "limit", 1, "cursor", who.get("next_cursor").stringValue())), 200);
        expect(admin.post(org.path() + "/visibility/check", Map.of("user_id", "u-bob", "record",
                Map.of("fields", Map.of("owner_id", List.of("u-bob"))), "min_revision", check.revision())), 200);
        expect(admin.get(org.path() + "/members/u-bob/visibility-filter?min_revision=" + check.revision()), 200);
        expect(admin.get(org.path() + "/members/u-ada/visibility-filter"), 200);
        expect(admin.get(org.path() + "/members/u-bob/permissions"), 200);
        expect(admin.get(org.path() + "/members/u-bob/permissions?resource_type=doc&resource_id=d1&min_revision="
                + check.revision()), 200);
        expect(admin.get(org.path() + "/members/u-bob/permissions?min_revision=" + (check.revision() + 1_000_000)),
                400);

        long writer = roleId(admin, org, "Writer");
        Http.Res role = expect(admin.get(org.path() + "/roles/" + writer), 200);
        int version = role.get("version").intValue();
        expect(admin.post(org.path() + "/preview", Map.of("role", Map.of("id", writer, "version", version,
                "permissions", List.of("doc.read")), "all", true)), 200);
        expect(admin.post(org.path() + "/preview", Map.of("role", Map.of("id", writer, "version", version - 1,
                "permissions", List.of("doc.read")))), 412);
        expect(admin.post(org.path() + "/preview", Map.of("member", Map.of("user_id", "u-bob", "status", "deactivated"),
                "limit", 1)), 200);
        expect(admin.post(org.path() + "/preview", Map.of("assignment", map("resource", d1, "user_id", "u-bob",
                "role_id", null))), 200);
        expect(admin.post(org.path() + "/preview", Map.of("assignment", Map.of("resource", d1, "user_id", "u-nobody",
                "role_id", writer))), 404);
        expect(admin.post(org.path() + "/preview", Map.of("member", Map.of("user_id", "u-ada",
                "status", "deactivated"))), 409);
    }

    private void officesAndRegions() {
        Http.Res created = expect(service.post("/v1/orgs", Map.of("name", "Realty", "model", "rooms",
                "admin", Map.of("user_id", "u-rita", "email", "rita@realty.test"))), 201);
        String path = "/v1/orgs/" + created.get("id").longValue();
        CheckedHttp admin = service.as(node.as(created.get("admin_key").get("key").stringValue()));
        long north = id(expect(admin.post(path + "/regions", Map.of("name", "North")), 201));
        long south = id(expect(admin.post(path + "/regions", Map.of("name", "South")), 201));
        Http.Res regions = expect(admin.get(path + "/regions?limit=1"), 200);
        expect(admin.get(path + "/regions?limit=1&cursor=" + regions.get("next_cursor").stringValue()), 200);
        Http.Res region = expect(admin.get(path + "/regions/" + north), 200);
        expect(admin.get(path + "/regions/2147483000"), 404);
        expect(admin.header("If-Match", region.header("ETag")).patch(path + "/regions/" + north,
                Map.of("name", "North EU")), 200);
        expect(admin.header("If-Match", region.header("ETag")).patch(path + "/regions/" + north,
                Map.of("name", "North US")), 412);
        long harbour = id(expect(admin.post(path + "/offices", Map.of("name", "Harbour", "region_id", north,
                "city", "Oslo", "phone", "+47 1234")), 201));
        expect(admin.post(path + "/offices", Map.of("name", "Hill", "region_id", south)), 201);
        expect(admin.post(path + "/offices", Map.of("name", "Nowhere", "region_id", 2147483000)), 400);
        Http.Res offices = expect(admin.get(path + "/offices?limit=1"), 200);
        expect(admin.get(path + "/offices?limit=1&cursor=" + offices.get("next_cursor").stringValue()), 200);
        expect(admin.get(path + "/offices?q=harb"), 200);
        Http.Res office = expect(admin.get(path + "/offices/" + harbour), 200);
        expect(admin.get(path + "/offices/2147483000"), 404);
        expect(admin.header("If-Match", office.header("ETag")).patch(path + "/offices/" + harbour,
                map("city", "Bergen", "phone", null)), 200);
        expect(admin.badRequest().patch(path + "/offices/" + harbour, map("name", null)), 400);
        expect(admin.header("If-Match", office.header("ETag")).patch(path + "/offices/" + harbour,
                Map.of("city", "Stale")), 412);
        expect(admin.delete(path + "/regions/" + north), 409);
        expect(admin.delete(path + "/offices/" + harbour), 204);
        expect(admin.delete(path + "/offices/" + harbour), 404);
        expect(admin.delete(path + "/regions/" + north), 204);
        expect(admin.delete(path + "/regions/" + north), 404);
        expect(service.get("/v1/orgs/" + expect(service.get("/v1/orgs?limit=1"), 200).get("items").get(0).get("id")
                .longValue() + "/regions"), 400);
    }

    private void bulkAndEvents(Fixtures.Org org) {
        CheckedHttp admin = service.as(org.admin());
        String lines = String.join("\n",
                "{\"type\": \"header\", \"model\": \"conformance\"}",
                "{\"type\": \"role\", \"name\": \"Reader\", \"permissions\": [\"doc.read\"], \"visibility\": "
                        + "{\"user_field_ids\": [\"owner_id\"], \"unassigned\": \"allow_unassigned\"}}",
                "{\"type\": \"member\", \"user_id\": \"u-rea\", \"email\": \"rea@acme.test\", \"role\": \"Reader\"}",
                "{\"type\": \"assignment\", \"resource\": {\"type\": \"doc\", \"id\": \"d1\"}, \"user_id\": \"u-rea\", "
                        + "\"role\": \"Writer\"}",
                "{\"type\": \"assignment\", \"resource\": {\"type\": \"doc\", \"id\": \"d2\"}, \"user_id\": \"u-rea\", "
                        + "\"role\": \"Writer\"}") + "\n";
        Http.Res imported = expect(admin.raw("POST", org.path() + "/import?chunk_lines=2", lines,
                "application/x-ndjson"), 200);
        expect(admin.header("Accept", "application/x-ndjson").raw("POST", org.path() + "/import?from_line=2", lines,
                "application/x-ndjson"), 200);
        expect(admin.raw("POST", org.path() + "/import", "{\"type\": \"member\", \"user_id\": \"u-zed\", "
                + "\"email\": \"zed@acme.test\", \"role\": \"No such role\"}\n", "application/x-ndjson"), 400);
        expect(admin.badRequest().raw("POST", org.path() + "/import?bogus=1", lines, "application/x-ndjson"), 400);
        expect(admin.badRequest().raw("POST", org.path() + "/import", lines, "text/plain"), 415);
        expect(admin.badRequest().raw("POST", org.path() + "/import", lines, null), 415);
        expect(admin.get(org.path() + "/export"), 200);
        String deployment = "{\"type\": \"organization\", \"name\": \"conformance copy\", \"model\": \"conformance\"}\n"
                + "{\"type\": \"role\", \"name\": \"Writer\", \"permissions\": [\"doc.read\"], \"visibility\": "
                + "{\"user_field_ids\": [\"owner_id\"], \"unassigned\": \"allow_unassigned\"}}\n" + lines;
        Http.Res copied = expect(service.raw("POST", "/v1/import?chunk_lines=2", deployment, "application/x-ndjson"),
                200);
        expect(service.header("Accept", "application/x-ndjson").raw("POST", "/v1/import?from_line=3&org_id="
                + copied.get("org_id").longValue(), deployment, "application/x-ndjson"), 200);
        expect(service.raw("POST", "/v1/import", lines, "application/x-ndjson"), 400);
        expect(admin.raw("POST", "/v1/import", deployment, "application/x-ndjson"), 403);
        expect(service.get("/v1/export"), 200);
        expect(admin.get("/v1/export"), 403);

        Http.Res events = expect(admin.get(org.path() + "/events?limit=2"), 200);
        expect(admin.get(org.path() + "/events?limit=2&cursor=" + events.get("next_cursor").stringValue()), 200);
        expect(admin.get(org.path() + "/events?order=asc&object_type=role,member&action=created&actor_type=member"
                + "&actor_id=" + org.adminId() + "&since=2020-01-01T00:00:00Z&until=2999-01-01T00:00:00Z"
                + "&after_revision=0&before_revision=" + (imported.revision() + 1)), 200);
        expect(admin.get(org.path() + "/events?object_type=group&action=updated&action=deleted"), 200);
        expect(admin.get(org.path() + "/events?object_type=assignment&action=expired"), 200);
        expect(admin.badRequest().get(org.path() + "/events?since=yesterday"), 400);
        long bulk = -1;
        for (JsonNode event : expect(admin.get(org.path() + "/events?object_type=bulk_import&limit=1"), 200)
                .get("items")) {
            bulk = event.get("revision").longValue();
        }
        expect(admin.get(org.path() + "/events/" + bulk), 200);
        Http.Res objects = expect(admin.get(org.path() + "/events/" + bulk + "/objects?limit=1"), 200);
        expect(admin.get(org.path() + "/events/" + bulk + "/objects?limit=1&cursor="
                + objects.get("next_cursor").stringValue()), 200);
        long plain = expect(admin.get(org.path() + "/events?object_type=role&limit=1"), 200).get("items").get(0)
                .get("revision").longValue();
        expect(admin.get(org.path() + "/events/" + plain + "/objects"), 404);
        expect(admin.get(org.path() + "/events/999999999"), 404);
        expect(admin.get(org.path() + "/events?key_id=nope&object_id=1"), 200);
    }

    private void webhooks(Fixtures.Org org) {
        CheckedHttp admin = service.as(org.admin());
        String hooks = org.path() + "/webhooks";
        // hosts under .invalid never resolve (RFC 6761): deliveries just keep failing, nothing leaves the machine
        long hook = id(expect(admin.post(hooks, Map.of("url", "https://hooks.invalid/gatehouse", "description",
                "Audit", "object_types", List.of("role", "member"), "actions", List.of("created"))), 201));
        expect(admin.post(hooks, Map.of("url", "https://second.invalid/hook", "status", "paused")), 201);
        expect(admin.post(hooks, Map.of("url", "http://127.0.0.1:9/hook")), 400);
        Http.Res page = expect(admin.get(hooks + "?limit=1"), 200);
        expect(admin.get(hooks + "?limit=1&cursor=" + page.get("next_cursor").stringValue()), 200);
        expect(admin.post(org.path() + "/roles", Map.of("name", "Trigger", "permissions", List.of("doc.read"),
                "visibility", Map.of("user_field_ids", List.of("owner_id"), "unassigned", "allow_unassigned"))), 201);
        // the first attempt fails (the host never resolves), so the deliveries log and the delivery state have entries
        Await.until(Duration.ofSeconds(20), "a failed delivery", () -> node.service().get(hooks + "/" + hook
                + "/deliveries").get("items").size() > 0);
        Http.Res webhook = expect(admin.get(hooks + "/" + hook), 200);
        assertThat(webhook.get("delivery").get("last_error").isString()).as("the delivery state shows the failure")
                .isTrue();
        expect(admin.get(hooks + "/999999"), 404);
        expect(admin.header("If-Match", webhook.header("ETag")).patch(hooks + "/" + hook,
                Map.of("status", "paused", "rotate_secret", true)), 200);
        expect(admin.header("If-Match", "\"1\"").patch(hooks + "/" + hook, Map.of("description", "Stale")), 412);
        expect(admin.patch(hooks + "/" + hook, Map.of("url", "ftp://hooks.invalid/")), 400);
        expect(admin.patch(hooks + "/" + hook, Map.of("status", "active")), 200);
        Http.Res deliveries = expect(admin.get(hooks + "/" + hook + "/deliveries?limit=1&outcome=failed"), 200);
        expect(admin.get(hooks + "/" + hook + "/deliveries?limit=1&outcome=failed&cursor="
                + deliveries.get("next_cursor").stringValue()), 200);
        expect(admin.get(hooks + "/999999/deliveries"), 404);
        expect(admin.delete(hooks + "/" + hook), 204);
        expect(admin.delete(hooks + "/" + hook), 404);
    }

    private void replication(Fixtures.Org org) {
        Http.Res all = expect(service.post("/v1/replica-keys", Map.of("name", "everything")), 201);
        Http.Res one = expect(service.post("/v1/replica-keys", Map.of("name", "acme", "org_id", org.id())), 201);
        expect(service.post("/v1/replica-keys", Map.of("org_id", 999999)), 404);
        expect(service.as(org.admin()).post("/v1/replica-keys", Map.of()), 403);
        Http.Res keys = expect(service.get("/v1/replica-keys?limit=1"), 200);
        expect(service.get("/v1/replica-keys?limit=1&cursor=" + keys.get("next_cursor").stringValue()), 200);
        CheckedHttp replica = service.as(node.as(one.get("key").stringValue()));
        Http.Res snapshot = expect(replica.get("/v1/snapshot?org=" + org.id()), 200);
        expect(service.get("/v1/snapshot"), 200);
        expect(service.badRequest().get("/v1/snapshot?org=abc"), 400);
        expect(service.as(org.admin()).get("/v1/snapshot"), 403);
        expect(replica.get(org.path()), 403);
        expect(replica.get("/v1/changes?after=" + snapshot.revision() + "&wait=0&limit=10&org=" + org.id()), 200);
        expect(service.get("/v1/changes?after=0&wait=100ms"), 200);
        expect(service.get("/v1/changes?after=" + (snapshot.revision() + 1_000_000) + "&wait=0"), 410);
        expect(service.badRequest().get("/v1/changes?after=-1&wait=0"), 400);
        stream("/v1/changes?after=" + snapshot.revision() + "&heartbeat=100ms");
        expect(service.delete("/v1/replica-keys/" + all.get("id").stringValue()), 204);
        expect(service.delete("/v1/replica-keys/000000000000000000000000"), 404);
    }

    /** Opens the change stream, reads up to its first heartbeat and holds what it read to the document. */
    private void stream(String path) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(node.baseUrl() + path))
                .header("Authorization", "Bearer " + TestNode.SERVICE_KEY).timeout(Duration.ofSeconds(10)).build();
        try {
            HttpResponse<InputStream> response = HttpClient.newHttpClient().send(request,
                    HttpResponse.BodyHandlers.ofInputStream());
            StringBuilder read = new StringBuilder();
            try (InputStream in = response.body()) {
                byte[] buffer = new byte[1024];
                while (!read.toString().contains("event: heartbeat")) {
                    int n = in.read(buffer);
                    if (n < 0) {
                        break;
                    }
                    read.append(new String(buffer, 0, n, StandardCharsets.UTF_8));
                }
            }
            mismatches.addAll(contract.check(null, true, response, read.toString()));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private void edge(Fixtures.Org org) {
        CheckedHttp admin = service.as(org.admin()).badRequest();
        expect(admin.raw("POST", org.path() + "/groups", "{\"name\": \"Text\"}", "text/plain"), 415);
        expect(admin.raw("POST", org.path() + "/groups", "{\"name\": \"Untyped\"}", null), 415);
        expect(admin.raw("POST", org.path() + "/groups", "{\"name\": \"" + "x".repeat(1_100_000) + "\"}",
                "application/json"), 413);
        expect(admin.raw("POST", org.path() + "/groups", "{\"name\": ", "application/json"), 400);
        expect(admin.post(org.path() + "/groups", Map.of("name", "Typo", "nmae", "x")), 400);
        expect(admin.post(org.path() + "/check", Map.of("user_id", "u-bob")), 400);
        expect(admin.get(org.path() + "/roles?limit=0"), 400);
        expect(admin.get(org.path() + "/roles?cursor=!!!"), 400);
        expect(admin.get(org.path() + "/members/user:u-bob/permissions?min_revision=-1"), 400);
    }

    private long roleId(CheckedHttp admin, Fixtures.Org org, String name) {
        for (JsonNode role : expect(admin.get(org.path() + "/roles?limit=1000"), 200).get("items")) {
            if (role.get("name").stringValue().equals(name)) {
                return role.get("id").longValue();
            }
        }
        throw new AssertionError("no role " + name + " in organization " + org.id());
    }

    private static long id(Http.Res res) {
        return res.json().get("id").longValue();
    }

    static Map<String, Object> map(Object... pairs) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            map.put((String) pairs[i], pairs[i + 1]);
        }
        return map;
    }
}
