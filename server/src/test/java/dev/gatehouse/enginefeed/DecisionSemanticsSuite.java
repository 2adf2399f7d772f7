package dev.gatehouse.enginefeed;

import dev.gatehouse.json.Json;
import dev.gatehouse.testing.Fixtures;
import dev.gatehouse.testing.Asker;
import dev.gatehouse.testing.Asker.Answer;
import dev.gatehouse.testing.Http;
import dev.gatehouse.testing.TestNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Decision semantics (DESIGN §3), one scenario asked of every path that decides: a node writes it, and each
 * subclass names the deciders that must answer alike ({@link #engines()}, {@link #asker}) — on the server, the
 * writing node (its engine updated incrementally from change records) and a second node started afterwards on the
 * same database (its engine rebuilt from the tables), {@code DecisionSemanticsIT}; in the client module, an
 * in-process replica following the writing node. The questions go through {@link Asker} in the native API's
 * shapes, so every decider is held to the same answers.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class DecisionSemanticsSuite {

    /** The suite running now: its deciders answer the static helpers below. */
    private static DecisionSemanticsSuite current;

    protected static final Map<String, Object> GUEST_VISIBILITY = Map.of("user_field_ids", List.of("owner_id"),
            "unassigned", "require_assignment");
    protected static TestNode writer;
    protected static Fixtures fx;
    protected static Fixtures.Org org;
    protected static final Map<String, Long> ids = new HashMap<>();
    protected static Fixtures.Org site;
    protected static final Map<String, Long> siteIds = new HashMap<>();
    protected static Fixtures.Org granting;
    protected static final Map<String, Long> grantIds = new HashMap<>();

    /** Starts the deciders once the scenario is written ({@link #writer} holds it). */
    protected abstract void startDeciders();

    /** Stops them (before the writing node stops). */
    protected abstract void stopDeciders();

    /** The names of the deciders every parameterized case asks. */
    protected abstract Stream<String> engines();

    /** The decider of that name, asked in the native API's shapes. */
    protected abstract Asker asker(String engine);

    @BeforeAll
    void scenario() throws IOException {
        writer = TestNode.start();
        fx = new Fixtures(writer);
        try (InputStream in = DecisionSemanticsIT.class.getResourceAsStream("/models/docs.json")) {
            assertThat(writer.service().post("/v1/models", Json.MAPPER.readTree(in)).status()).isEqualTo(201);
        }
        org = fx.org("docs");
        ids.put("editor", fx.role(org, "Editor", List.of("doc.read", "doc.write", "records.all")));
        ids.put("viewer", fx.role(org, "Viewer", List.of("doc.read", "records.all")));
        ids.put("limited", fx.role(org, Map.of("name", "Limited", "permissions", List.of("doc.read"),
                "visibility", Map.of("user_field_ids", List.of("owner_id", "rep_id"), "unassigned", "require_assignment"))));
        ids.put("open", fx.role(org, Map.of("name", "Open", "permissions", List.of("doc.read"),
                "visibility", Map.of("user_field_ids", List.of("owner_id"), "unassigned", "allow_unassigned"))));
        ids.put("guest", fx.role(org, Map.of("name", "Guest", "permissions", List.of("doc.read"), "external", true, "visibility", GUEST_VISIBILITY)));
        ids.put("alice", fx.member(org, "alice", ids.get("editor")));
        ids.put("bob", fx.member(org, "bob", ids.get("viewer")));
        ids.put("carol", fx.member(org, "carol", ids.get("limited")));
        ids.put("dave", fx.member(org, "dave", ids.get("open")));
        ids.put("eve", fx.external(org, "eve"));
        ids.put("frank", fx.member(org, "frank", ids.get("editor")));
        assign("doc", "d1", "alice", "viewer");
        assign("doc", "d2", "bob", "editor");
        assign("room", "r1", "eve", "guest");
        assign("room", "r1", "bob", "editor");
        assign("doc", "d9", "frank", "editor");
        assertThat(writer.service().patch(org.path() + "/members/frank", Map.of("status", "deactivated")).status())
                .isEqualTo(200);
        ids.put("gina", invited("gina", ids.get("editor")));
        assign("doc", "d8", "gina", "editor");
        ids.put("hank", invited("hank", ids.get("viewer")));
        assign("doc", "d8", "hank", "editor");
        assertThat(writer.service().post(org.path() + "/members/hank/accept", Map.of()).status()).isEqualTo(200);
        hierarchy();
        grants();
        current = this;
        startDeciders();
    }

    /**
     * The {@code sites} organization: regions ⊃ offices ⊃ rooms (no company role beneath), folders ⊃ docs (company
     * role beneath). Room r3 is recorded under office east and then moved to west; room r6 is recorded and deleted.
     */
    static void hierarchy() throws IOException {
        try (InputStream in = DecisionSemanticsIT.class.getResourceAsStream("/models/sites.json")) {
            assertThat(writer.service().post("/v1/models", Json.MAPPER.readTree(in)).status()).isEqualTo(201);
        }
        site = fx.org("sites");
        siteIds.put("manager", fx.role(site, "Manager", List.of("room.view", "room.edit", "doc.read")));
        siteIds.put("viewer", fx.role(site, "Viewer", List.of("room.view", "doc.read")));
        siteIds.put("nothing", fx.role(site, "Nothing", List.of()));
        siteIds.put("alice", fx.member(site, "alice", siteIds.get("viewer")));
        siteIds.put("bob", fx.member(site, "bob", siteIds.get("viewer")));
        siteIds.put("carol", fx.member(site, "carol", siteIds.get("manager")));
        place("region", "europe", null, 201);
        place("region", "america", null, 201);
        place("office", "east", "europe", 201);
        place("office", "west", "europe", 201);
        place("office", "ny", "america", 201);
        place("room", "r1", "east", 201);
        place("room", "r2", "east", 201);
        place("room", "r3", "east", 201);
        place("room", "r4", "ny", 201);
        place("room", "r5", null, 201);
        place("room", "r6", "east", 201);
        place("folder", "f1", null, 201);
        place("doc", "d1", "f1", 201);
        siteAssign("region", "europe", "alice", "manager");
        siteAssign("office", "west", "alice", "viewer");
        siteAssign("room", "r2", "alice", "nothing");
        siteAssign("room", "r4", "bob", "manager");
        siteAssign("folder", "f1", "carol", "nothing");
        place("room", "r3", "west", 200);
        assertThat(writer.service().delete(site.path() + "/resources/room/r6").status()).isEqualTo(204);
    }

    /**
     * The {@code grants} organization: Managers may be granted members.manage and room.delete. Mia (Manager) holds
     * both, Max (Manager) held members.manage and had it taken away, Abe (Agent) could be given none; Mia's own
     * role on office east (Agent) decides alone in its rooms. Dora (custom role Deputy: members.manage and
     * room.view) may grant only what she holds.
     */
    static void grants() throws IOException {
        try (InputStream in = DecisionSemanticsIT.class.getResourceAsStream("/models/grants.json")) {
            assertThat(writer.service().post("/v1/models", Json.MAPPER.readTree(in)).status()).isEqualTo(201);
        }
        granting = fx.org("grants");
        long manager = fx.roleId(granting, "Manager");
        long agent = fx.roleId(granting, "Agent");
        long deputy = fx.role(granting, "Deputy", List.of("members.manage", "room.view"));
        grantIds.put("mia", fx.member(granting, "mia", manager));
        grantIds.put("max", fx.member(granting, "max", manager));
        grantIds.put("abe", fx.member(granting, "abe", agent));
        grantIds.put("dora", fx.member(granting, "dora", deputy));
        Http dora = fx.keyFor(granting, grantIds.get("dora"));
        assertThat(putGrants(writer.service(), "mia", List.of("room.delete", "members.manage")).status())
                .isEqualTo(200);
        assertThat(putGrants(dora, "max", List.of("members.manage")).status()).isEqualTo(200);
        assertThat(putGrants(writer.service(), "max", List.of()).status()).isEqualTo(200);
        assertThat(writer.service().put(granting.path() + "/resources/office/east", Map.of()).status())
                .isEqualTo(201);
        Http.Res placed = writer.service().put(granting.path() + "/resources/room/r1",
                Map.of("parent", Map.of("type", "office", "id", "east")));
        assertThat(placed.status()).as(placed.toString()).isEqualTo(201);
        Http.Res assigned = writer.service().put(granting.path() + "/resources/office/east/assignments/mia",
                Map.of("role_id", agent));
        assertThat(assigned.status()).as(assigned.toString()).isEqualTo(200);
    }

    static Http.Res putGrants(Http as, String member, List<String> permissions) {
        return as.put(granting.path() + "/members/" + member + "/grants", Map.of("permissions", permissions));
    }

    static final Map<String, String> PARENT_TYPES = Map.of("office", "region", "room", "office", "doc", "folder");

    static void place(String type, String id, String parent, int status) {
        Map<String, Object> body = new HashMap<>();
        body.put("parent", parent == null ? null : Map.of("type", PARENT_TYPES.get(type), "id", parent));
        Http.Res res = writer.service().put(site.path() + "/resources/" + type + "/" + id, body);
        assertThat(res.status()).as(res.toString()).isEqualTo(status);
    }

    static void siteAssign(String type, String id, String member, String role) {
        Http.Res res = writer.service().put(site.path() + "/resources/" + type + "/" + id + "/assignments/" + member,
                Map.of("role_id", siteIds.get(role)));
        assertThat(res.status()).as(res.toString()).isEqualTo(200);
    }

    /** A member added {@code invited}: it has no access until its invitation is accepted. */
    static long invited(String user, long roleId) {
        Http.Res res = writer.service().post(org.path() + "/members", Map.of("user_id", user, "email",
                user + "@example.com", "role_id", roleId, "status", "invited"));
        assertThat(res.status()).as(res.toString()).isEqualTo(201);
        assertThat(res.get("status").stringValue()).isEqualTo("invited");
        return res.get("id").longValue();
    }

    static void assign(String type, String id, String member, String role) {
        Http.Res res = writer.service().put(org.path() + "/resources/" + type + "/" + id + "/assignments/" + member,
                Map.of("role_id", ids.get(role)));
        assertThat(res.status()).as(res.toString()).isEqualTo(200);
    }

    @AfterAll
    void stop() {
        try {
            stopDeciders();
        } finally {
            writer.close();
        }
    }

    static Asker api(String engine) {
        return current.asker(engine);
    }

    static boolean allowed(String engine, String user, String permission, String type, String id) {
        Map<String, Object> body = new HashMap<>(Map.of("user_id", user, "permission", permission));
        if (type != null) {
            body.put("resource", Map.of("type", type, "id", id));
        }
        Answer res = api(engine).post(org.path() + "/check", body);
        assertThat(res.status()).as(res.toString()).isEqualTo(200);
        return res.get("allowed").booleanValue();
    }

    @ParameterizedTest
    @MethodSource("engines")
    void companyRole_decidesOrganizationWide(String engine) {
        assertThat(allowed(engine, "alice", "doc.write", null, null)).isTrue();
        assertThat(allowed(engine, "bob", "doc.write", null, null)).isFalse();
        assertThat(allowed(engine, "bob", "doc.read", null, null)).isTrue();
    }

    @ParameterizedTest
    @MethodSource("engines")
    void resourceRole_overridesCompanyRole_inBothDirections(String engine) {
        assertThat(allowed(engine, "alice", "doc.write", "doc", "d1")).as("editor demoted to viewer on d1").isFalse();
        assertThat(allowed(engine, "alice", "doc.read", "doc", "d1")).isTrue();
        assertThat(allowed(engine, "bob", "doc.write", "doc", "d2")).as("viewer promoted to editor on d2").isTrue();
    }

    @ParameterizedTest
    @MethodSource("engines")
    void withoutAssignment_fallsBackToCompanyRole_onlyWhereTheTypeInherits(String engine) {
        assertThat(allowed(engine, "alice", "doc.write", "doc", "d3")).as("doc inherits").isTrue();
        assertThat(allowed(engine, "alice", "doc.read", "room", "r2")).as("room does not inherit").isFalse();
        assertThat(allowed(engine, "bob", "doc.write", "room", "r1")).isTrue();
    }

    @ParameterizedTest
    @MethodSource("engines")
    void externalMembers_actOnlyThroughResourceRoles(String engine) {
        assertThat(allowed(engine, "eve", "doc.read", null, null)).isFalse();
        assertThat(allowed(engine, "eve", "doc.read", "room", "r1")).isTrue();
        assertThat(allowed(engine, "eve", "doc.write", "room", "r1")).isFalse();
        assertThat(allowed(engine, "eve", "doc.read", "room", "r2")).isFalse();
        assertThat(allowed(engine, "eve", "doc.read", "doc", "d3")).as("no company role to inherit").isFalse();
    }

    @ParameterizedTest
    @MethodSource("engines")
    void deactivatedMembers_areDeniedEverywhere(String engine) {
        assertThat(allowed(engine, "frank", "doc.read", null, null)).isFalse();
        assertThat(allowed(engine, "frank", "doc.read", "doc", "d9")).isFalse();
        assertThat(allowed(engine, "frank", "doc.read", "doc", "d3")).isFalse();
    }

    /** An invited member is allowed nothing — by its company role or its resource roles — until it accepts. */
    @ParameterizedTest
    @MethodSource("engines")
    void invitedMembers_areDeniedEverywhere_untilTheyAccept(String engine) {
        assertThat(allowed(engine, "gina", "doc.read", null, null)).isFalse();
        assertThat(allowed(engine, "gina", "doc.write", "doc", "d8")).isFalse();
        assertThat(allowed(engine, "gina", "doc.read", "doc", "d3")).isFalse();
        assertThat(visible(engine, "gina", Map.of())).isFalse();
        assertThat(allowed(engine, "hank", "doc.read", null, null)).as("accepted").isTrue();
        assertThat(allowed(engine, "hank", "doc.write", "doc", "d8")).as("accepted, its room role counts").isTrue();
        assertThat(allowed(engine, "hank", "doc.write", null, null)).isFalse();
    }

    @ParameterizedTest
    @MethodSource("engines")
    void unknownPermissionOrType_is400_unknownMember_is404(String engine) {
        Answer perm = api(engine).post(org.path() + "/check", Map.of("user_id", "alice", "permission", "doc.fly"));
        assertThat(perm.status()).isEqualTo(400);
        assertThat(perm.get("detail").stringValue()).contains("doc.fly");
        Answer type = api(engine).post(org.path() + "/check", Map.of("user_id", "alice", "permission", "doc.read",
                "resource", Map.of("type", "spaceship", "id", "x")));
        assertThat(type.status()).isEqualTo(400);
        assertThat(type.get("code").stringValue()).isEqualTo("unknown_resource_type");
        assertThat(api(engine).post(org.path() + "/check", Map.of("user_id", "nobody", "permission", "doc.read"))
                .status()).isEqualTo(404);
        assertThat(api(engine).post(org.path() + "/check", Map.of("member_id", 999_999, "permission", "doc.read"))
                .status()).isEqualTo(404);
    }

    @ParameterizedTest
    @MethodSource("engines")
    void explanation_namesRoleAndPath(String engine) {
        JsonNode onDoc = api(engine).post(org.path() + "/check", Map.of("user_id", "alice", "permission", "doc.write",
                "resource", Map.of("type", "doc", "id", "d1"), "explain", true)).json();
        assertThat(onDoc.get("allowed").booleanValue()).isFalse();
        assertThat(onDoc.get("explanation").get("path").stringValue()).isEqualTo("resource_role");
        assertThat(onDoc.get("explanation").get("role_id").longValue()).isEqualTo(ids.get("viewer"));
        JsonNode company = api(engine).post(org.path() + "/check", Map.of("user_id", "alice", "permission", "doc.write",
                "explain", true)).json();
        assertThat(company.get("explanation").get("path").stringValue()).isEqualTo("company_role");
        assertThat(company.get("explanation").get("role_id").longValue()).isEqualTo(ids.get("editor"));
        JsonNode none = api(engine).post(org.path() + "/check", Map.of("user_id", "eve", "permission", "doc.read",
                "explain", true)).json();
        assertThat(none.get("explanation").get("path").stringValue()).isEqualTo("none");
        assertThat(none.get("revision").longValue()).isPositive();
    }

    static boolean visible(String engine, String user, Map<String, List<String>> fields) {
        Answer res = api(engine).post(org.path() + "/visibility/check", Map.of("user_id", user,
                "record", Map.of("fields", fields)));
        assertThat(res.status()).as(res.toString()).isEqualTo(200);
        return res.get("visible").booleanValue();
    }

    @ParameterizedTest
    @MethodSource("engines")
    void visibility_requireAssignment(String engine) {
        assertThat(visible(engine, "carol", Map.of("owner_id", List.of("carol")))).isTrue();
        assertThat(visible(engine, "carol", Map.of("owner_id", List.of("x"), "rep_id", List.of("carol")))).isTrue();
        assertThat(visible(engine, "carol", Map.of("owner_id", List.of("x")))).isFalse();
        assertThat(visible(engine, "carol", Map.of())).as("unassigned record").isFalse();
        assertThat(visible(engine, "carol", Map.of("other_field", List.of("carol")))).isFalse();
    }

    @ParameterizedTest
    @MethodSource("engines")
    void visibility_allowUnassigned_andSeesAll(String engine) {
        assertThat(visible(engine, "dave", Map.of())).isTrue();
        assertThat(visible(engine, "dave", Map.of("owner_id", List.of()))).isTrue();
        assertThat(visible(engine, "dave", Map.of("owner_id", List.of("x")))).isFalse();
        assertThat(visible(engine, "dave", Map.of("owner_id", List.of("dave")))).isTrue();
        assertThat(visible(engine, "alice", Map.of("owner_id", List.of("x")))).isTrue();
        assertThat(visible(engine, "eve", Map.of())).as("external: no company role").isFalse();
        assertThat(visible(engine, "frank", Map.of())).as("deactivated").isFalse();
    }

    @ParameterizedTest
    @MethodSource("engines")
    void visibilityFilter_isTheRuleItself(String engine) {
        JsonNode carol = api(engine).get(org.path() + "/members/carol/visibility-filter").json();
        assertThat(carol.get("sees_all").booleanValue()).isFalse();
        assertThat(carol.get("user_id").stringValue()).isEqualTo("carol");
        assertThat(carol.get("user_field_ids")).extracting(JsonNode::stringValue).containsExactly("owner_id", "rep_id");
        assertThat(carol.get("unassigned_visible").booleanValue()).isFalse();
        assertThat(api(engine).get(org.path() + "/members/alice/visibility-filter").json().get("sees_all").booleanValue())
                .isTrue();
    }

    @ParameterizedTest
    @MethodSource("engines")
    void effectivePermissions_orgWideAndOnResource(String engine) {
        assertThat(api(engine).get(org.path() + "/members/bob/permissions").json().get("permissions"))
                .extracting(JsonNode::stringValue).containsExactly("doc.read", "records.all");
        assertThat(api(engine).get(org.path() + "/members/bob/permissions?resource_type=doc&resource_id=d2").json()
                .get("permissions")).as("only what applies on a doc: records.all is the organization's")
                .extracting(JsonNode::stringValue).containsExactly("doc.read", "doc.write");
        assertThat(api(engine).get(org.path() + "/members/eve/permissions?resource_type=room&resource_id=r1").json()
                .get("permissions")).extracting(JsonNode::stringValue).containsExactly("doc.read");
    }

    static final List<String> USERS = List.of("alice", "bob", "carol", "dave", "eve", "frank", "gina", "hank");
    static final List<String[]> RESOURCES = List.of(new String[] {"doc", "d1"}, new String[] {"doc", "d2"},
            new String[] {"doc", "d3"}, new String[] {"doc", "d8"}, new String[] {"doc", "d9"}, new String[] {"room", "r1"}, new String[] {"room", "r2"});

    @ParameterizedTest
    @MethodSource("engines")
    void lookupMembers_agreesWithCheck_everywhere(String engine) {
        for (String permission : List.of("doc.read", "doc.write")) {
            List<String> orgWide = lookupMembers(engine, permission, null);
            for (String user : USERS) {
                assertThat(orgWide.contains(user)).as(user + " " + permission)
                        .isEqualTo(allowed(engine, user, permission, null, null));
            }
            for (String[] r : RESOURCES) {
                List<String> here = lookupMembers(engine, permission, Map.of("type", r[0], "id", r[1]));
                for (String user : USERS) {
                    assertThat(here.contains(user)).as(user + " " + permission + " on " + r[0] + " " + r[1])
                            .isEqualTo(allowed(engine, user, permission, r[0], r[1]));
                }
            }
        }
    }

    @ParameterizedTest
    @MethodSource("engines")
    void lookupResources_agreesWithCheck(String engine) {
        for (String user : USERS) {
            for (String type : List.of("doc", "room")) {
                JsonNode res = api(engine).post(org.path() + "/lookup/resources", Map.of("user_id", user,
                        "permission", "doc.write", "type", type)).json();
                List<String> found = new ArrayList<>();
                res.get("items").forEach(n -> found.add(n.stringValue()));
                for (String[] r : RESOURCES) {
                    if (!r[0].equals(type)) {
                        continue;
                    }
                    boolean assignedHere = !writer.service().get(org.path() + "/resources/" + type + "/" + r[1]
                            + "/assignments/" + user).body().contains("assignment_not_found");
                    boolean allowedHere = allowed(engine, user, "doc.write", type, r[1]);
                    if (assignedHere) {
                        assertThat(found.contains(r[1])).as(user + " on " + r[1]).isEqualTo(allowedHere);
                    } else {
                        assertThat(res.get("all_unassigned").booleanValue()).as(user + " unassigned " + r[1])
                                .isEqualTo(allowedHere);
                    }
                }
            }
        }
    }

    static List<String> lookupMembers(String engine, String permission, Map<String, String> resource) {
        List<String> users = new ArrayList<>();
        String cursor = null;
        do {
            Map<String, Object> body = new HashMap<>(Map.of("permission", permission, "limit", 2));
            if (resource != null) {
                body.put("resource", resource);
            }
            if (cursor != null) {
                body.put("cursor", cursor);
            }
            JsonNode page = api(engine).post(org.path() + "/lookup/members", body).json();
            page.get("items").forEach(m -> users.add(m.get("user_id").stringValue()));
            cursor = page.get("next_cursor").isNull() ? null : page.get("next_cursor").stringValue();
        } while (cursor != null);
        return users;
    }

    @ParameterizedTest
    @MethodSource("engines")
    void batch_answersInOrder_withPerItemErrors(String engine) {
        JsonNode res = api(engine).post(org.path() + "/check/batch", Map.of("checks", List.of(
                Map.of("user_id", "alice", "permission", "doc.write"),
                Map.of("user_id", "bob", "permission", "doc.write"),
                Map.of("user_id", "alice", "permission", "doc.fly"),
                Map.of("user_id", "bob", "permission", "doc.write", "resource", Map.of("type", "doc", "id", "d2"))))).json();
        JsonNode results = res.get("results");
        assertThat(results).hasSize(4);
        assertThat(results.get(0).get("allowed").booleanValue()).isTrue();
        assertThat(results.get(1).get("allowed").booleanValue()).isFalse();
        assertThat(results.get(2).get("error").get("code").stringValue()).isEqualTo("unknown_permission");
        assertThat(results.get(3).get("allowed").booleanValue()).isTrue();
    }

    static JsonNode grantCheck(String engine, String user, String permission, String type, String id) {
        Map<String, Object> body = new HashMap<>(Map.of("user_id", user, "permission", permission, "explain", true));
        if (type != null) {
            body.put("resource", Map.of("type", type, "id", id));
        }
        Answer res = api(engine).post(granting.path() + "/check", body);
        assertThat(res.status()).as(res.toString()).isEqualTo(200);
        return res.json();
    }

    @ParameterizedTest
    @MethodSource("engines")
    void memberGrants_addToTheCompanyRole_whereItDecides_withThePathMemberGrant(String engine) {
        JsonNode orgWide = grantCheck(engine, "mia", "members.manage", null, null);
        assertThat(orgWide.get("allowed").booleanValue()).isTrue();
        assertThat(orgWide.toString()).contains("member_grant");
        assertThat(grantCheck(engine, "max", "members.manage", null, null).get("allowed").booleanValue())
                .as("taken away").isFalse();
        assertThat(grantCheck(engine, "mia", "room.delete", "room", "r9").get("allowed").booleanValue())
                .as("an unassigned room inherits the company role, and with it the grants").isTrue();
        assertThat(grantCheck(engine, "mia", "room.delete", "room", "r1").get("allowed").booleanValue())
                .as("her role on office east, r1's parent, decides alone").isFalse();
        assertThat(grantCheck(engine, "mia", "settings.edit", null, null).get("allowed").booleanValue()).isFalse();
        JsonNode effective = api(engine).get(granting.path() + "/members/mia/permissions").json();
        assertThat(effective.toString()).contains("members.manage").contains("room.delete");
        List<String> who = new ArrayList<>();
        api(engine).post(granting.path() + "/lookup/members", Map.of("permission", "members.manage")).json()
                .get("items").forEach(m -> who.add(m.get("user_id").stringValue()));
        assertThat(who).contains("mia", "dora").doesNotContain("max", "abe");
        List<String> inRoom = new ArrayList<>();
        api(engine).post(granting.path() + "/lookup/members", Map.of("permission", "room.delete",
                "resource", Map.of("type", "room", "id", "r1"))).json()
                .get("items").forEach(m -> inRoom.add(m.get("user_id").stringValue()));
        assertThat(inRoom).doesNotContain("mia");
    }

    static JsonNode siteCheck(String engine, String user, String permission, String type, String id) {
        Answer res = api(engine).post(site.path() + "/check", Map.of("user_id", user, "permission", permission,
                "resource", Map.of("type", type, "id", id), "explain", true));
        assertThat(res.status()).as(res.toString()).isEqualTo(200);
        return res.json();
    }

    static boolean siteAllowed(String engine, String user, String permission, String type, String id) {
        return siteCheck(engine, user, permission, type, id).get("allowed").booleanValue();
    }

    @ParameterizedTest
    @MethodSource("engines")
    void hierarchy_aRoleOnAnAncestor_appliesBeneath_untilTheChildHasTheMembersOwn(String engine) {
        JsonNode viaRegion = siteCheck(engine, "alice", "room.edit", "room", "r1");
        assertThat(viaRegion.get("allowed").booleanValue()).isTrue();
        assertThat(viaRegion.get("explanation").get("path").stringValue()).isEqualTo("parent_resource_role");
        assertThat(viaRegion.get("explanation").get("ancestor").get("type").stringValue()).isEqualTo("region");
        assertThat(viaRegion.get("explanation").get("ancestor").get("id").stringValue()).isEqualTo("europe");
        assertThat(viaRegion.get("explanation").get("role_id").longValue()).isEqualTo(siteIds.get("manager"));
        assertThat(siteAllowed(engine, "alice", "room.edit", "office", "east")).isTrue();
        JsonNode moved = siteCheck(engine, "alice", "room.edit", "room", "r3");
        assertThat(moved.get("allowed").booleanValue()).as("r3 moved under west, where alice is a viewer").isFalse();
        assertThat(moved.get("explanation").get("ancestor").get("id").stringValue()).isEqualTo("west");
        assertThat(siteAllowed(engine, "alice", "room.view", "room", "r3")).isTrue();
        JsonNode own = siteCheck(engine, "alice", "room.view", "room", "r2");
        assertThat(own.get("allowed").booleanValue()).as("her own role on r2 decides alone").isFalse();
        assertThat(own.get("explanation").get("path").stringValue()).isEqualTo("resource_role");
        assertThat(siteAllowed(engine, "alice", "room.view", "room", "r4")).as("another region").isFalse();
        assertThat(siteAllowed(engine, "alice", "room.view", "room", "r5")).as("a room at the top").isFalse();
        assertThat(siteAllowed(engine, "alice", "room.view", "room", "r6")).as("a deleted room").isFalse();
        assertThat(siteAllowed(engine, "bob", "room.edit", "room", "r4")).isTrue();
        assertThat(siteAllowed(engine, "bob", "room.view", "room", "r1")).as("rooms do not inherit").isFalse();
    }

    @ParameterizedTest
    @MethodSource("engines")
    void hierarchy_theCompanyRoleApplies_beneathTypesThatInheritIt(String engine) {
        assertThat(siteCheck(engine, "alice", "doc.read", "doc", "d1").get("explanation").get("path").stringValue())
                .isEqualTo("company_role");
        JsonNode carol = siteCheck(engine, "carol", "doc.read", "doc", "d1");
        assertThat(carol.get("allowed").booleanValue()).as("her role on folder f1 decides").isFalse();
        assertThat(carol.get("explanation").get("ancestor").get("id").stringValue()).isEqualTo("f1");
        assertThat(siteAllowed(engine, "carol", "doc.read", "doc", "d2")).isTrue();
    }

    /**
     * {@code all_unassigned} speaks of the resources where neither they nor an ancestor hold the member's role: carol's
     * company role covers every such document, but not d1, where her role on folder f1 (granting nothing) decides,
     * and which the lookup therefore leaves out of its items as a check denies it.
     */
    @ParameterizedTest
    @MethodSource("engines")
    void hierarchy_allUnassigned_leavesOutWhatAnAncestorsRoleDecides(String engine) {
        JsonNode page = api(engine).post(site.path() + "/lookup/resources", Map.of("user_id", "carol", "permission",
                "doc.read", "type", "doc")).json();
        assertThat(page.get("all_unassigned").booleanValue()).isTrue();
        assertThat(page.get("items")).isEmpty();
        assertThat(siteAllowed(engine, "carol", "doc.read", "doc", "d1")).as("decided by her role on f1").isFalse();
        assertThat(siteAllowed(engine, "carol", "doc.read", "doc", "d-unrecorded")).isTrue();
    }

    @ParameterizedTest
    @MethodSource("engines")
    void hierarchy_lookupsAndEffectivePermissions_followIt(String engine) {
        assertThat(siteResources(engine, "alice", "room.view", "room")).containsExactly("r1", "r3");
        assertThat(siteResources(engine, "alice", "room.edit", "room")).containsExactly("r1");
        assertThat(siteResources(engine, "alice", "room.edit", "office")).containsExactly("east");
        assertThat(siteResources(engine, "bob", "room.view", "room")).containsExactly("r4");
        for (String[] r : List.of(new String[] {"room", "r1"}, new String[] {"room", "r3"}, new String[] {"room", "r4"},
                new String[] {"office", "west"})) {
            List<String> users = new ArrayList<>();
            api(engine).post(site.path() + "/lookup/members", Map.of("permission", "room.view", "resource",
                    Map.of("type", r[0], "id", r[1]))).json().get("items").forEach(m -> users.add(m.get("user_id")
                    .stringValue()));
            for (String user : List.of("alice", "bob", "carol")) {
                assertThat(users.contains(user)).as(user + " on " + r[0] + " " + r[1])
                        .isEqualTo(siteAllowed(engine, user, "room.view", r[0], r[1]));
            }
        }
        assertThat(api(engine).get(site.path() + "/members/alice/permissions?resource_type=room&resource_id=r1")
                .json().get("permissions")).as("only what applies on a room").extracting(JsonNode::stringValue)
                .containsExactly("room.view", "room.edit");
    }

    /** Every page of {@code lookup/resources}, one item per page. */
    static List<String> siteResources(String engine, String user, String permission, String type) {
        List<String> found = new ArrayList<>();
        String cursor = null;
        do {
            Map<String, Object> body = new HashMap<>(Map.of("user_id", user, "permission", permission, "type", type,
                    "limit", 1));
            if (cursor != null) {
                body.put("cursor", cursor);
            }
            JsonNode page = api(engine).post(site.path() + "/lookup/resources", body).json();
            page.get("items").forEach(n -> found.add(n.stringValue()));
            cursor = page.get("next_cursor").isNull() ? null : page.get("next_cursor").stringValue();
        } while (cursor != null);
        return found;
    }
}
