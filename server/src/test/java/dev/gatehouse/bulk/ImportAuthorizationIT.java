package dev.gatehouse.bulk;

import dev.gatehouse.json.Json;
import dev.gatehouse.testing.Fixtures;
import dev.gatehouse.testing.Http;
import dev.gatehouse.testing.TestNode;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import tools.jackson.databind.JsonNode;

import static dev.gatehouse.bulk.Bulk.assignment;
import static dev.gatehouse.bulk.Bulk.importLines;
import static dev.gatehouse.bulk.Bulk.line;
import static dev.gatehouse.bulk.Bulk.member;
import static dev.gatehouse.bulk.Bulk.role;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * An import line does exactly what the caller's corresponding single request may do, no more: each attack — a
 * member manager raising its own company role, making someone an owner, changing or deleting the system role,
 * widening its own role, taking the owner's role on a resource, demoting, deactivating or removing the owner — is
 * sent once as a single request and once as an import line, each into an organization of its own set up alike;
 * where the single request is refused, the import is refused with the same code and changes nothing. A line after
 * one that changes the caller itself is judged as its request would be after that change.
 */
class ImportAuthorizationIT {

    static final List<String> READ = List.of("doc.read", "records.all");

    static TestNode node;
    static Fixtures fx;

    @BeforeAll
    static void start() {
        node = TestNode.start();
        fx = new Fixtures(node);
        Bulk.registerDocsModel(node);
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    /** A docs organization with a member manager ({@code members.manage}, reading only) and its key. */
    record Setup(Fixtures.Org org, long owner, long manager, long managerRole, long reader, String adminUser,
                 Http managerKey) {

        static Setup create() {
            Fixtures.Org org = fx.org("docs");
            long managerRole = fx.role(org, "Manager", List.of("members.manage", "doc.read", "records.all"));
            long reader = fx.role(org, "Reader", List.of("doc.read", "records.all"));
            long manager = fx.member(org, "manager", managerRole);
            String adminUser = node.service().get(org.path() + "/members/" + org.adminId()).get("user_id")
                    .stringValue();
            return new Setup(org, fx.roleId(org, "Owner"), manager, managerRole, reader, adminUser,
                    fx.keyFor(org, manager));
        }
    }

    record Attack(String name, BiFunction<Setup, Http, Http.Res> single, java.util.function.Function<Setup,
            List<String>> lines) {
    }

    static List<Attack> attacks() {
        return List.of(
                new Attack("its own company role raised to the owner's",
                        (s, as) -> as.patch(s.org().path() + "/members/" + s.manager(), Map.of("role_id", s.owner())),
                        s -> List.of(member("manager", "Owner"))),
                new Attack("a new member made owner",
                        (s, as) -> as.post(s.org().path() + "/members", Map.of("user_id", "boss", "email",
                                "boss@example.com", "role_id", s.owner())),
                        s -> List.of(member("boss", "Owner"))),
                new Attack("the system role narrowed",
                        (s, as) -> as.patch(s.org().path() + "/roles/" + s.owner(), Map.of("permissions",
                                List.of("doc.read"))),
                        s -> List.of(role("Owner", List.of("doc.read")))),
                new Attack("the system role deleted",
                        (s, as) -> as.delete(s.org().path() + "/roles/" + s.owner()),
                        s -> List.of(line("type", "role", "op", "delete", "name", "Owner"))),
                new Attack("its own role widened",
                        (s, as) -> as.patch(s.org().path() + "/roles/" + s.managerRole(), Map.of("permissions",
                                List.of("members.manage", "doc.read", "doc.write", "records.all"))),
                        s -> List.of(role("Manager", List.of("members.manage", "doc.read", "doc.write",
                                "records.all")))),
                new Attack("a new role wider than its own",
                        (s, as) -> as.post(s.org().path() + "/roles", Map.of("name", "Wide", "permissions",
                                List.of("doc.delete"))),
                        s -> List.of(role("Wide", List.of("doc.delete")))),
                new Attack("the owner's role on a document for itself",
                        (s, as) -> as.put(s.org().path() + "/resources/doc/d1/assignments/" + s.manager(),
                                Map.of("role_id", s.owner())),
                        s -> List.of(assignment("doc", "d1", "manager", "Owner"))),
                new Attack("the owner demoted",
                        (s, as) -> as.patch(s.org().path() + "/members/" + s.org().adminId(), Map.of("role_id",
                                s.reader())),
                        s -> List.of(line("type", "member", "user_id", s.adminUser(), "email", node.service()
                                .get(s.org().path() + "/members/" + s.org().adminId()).get("email").stringValue(),
                                "role", "Reader"))),
                new Attack("the owner deactivated",
                        (s, as) -> as.patch(s.org().path() + "/members/" + s.org().adminId(), Map.of("status",
                                "deactivated")),
                        s -> List.of(line("type", "member", "user_id", s.adminUser(), "email", node.service()
                                .get(s.org().path() + "/members/" + s.org().adminId()).get("email").stringValue(),
                                "role", "Owner", "status", "deactivated"))),
                new Attack("the owner removed",
                        (s, as) -> as.delete(s.org().path() + "/members/" + s.org().adminId()),
                        s -> List.of(line("type", "member", "op", "delete", "user_id", s.adminUser()))));
    }

    /** Lines that would change nothing, sent by a reader (no management permission) and as its single requests. */
    static List<Attack> lookingUp() {
        return List.of(
                new Attack("an existing role, as it is",
                        (s, as) -> as.patch(s.org().path() + "/roles/" + s.reader(), Map.of("permissions",
                                List.of("doc.read", "records.all"))),
                        s -> List.of(role("Reader", List.of("doc.read", "records.all")))),
                new Attack("a role that does not exist, deleted",
                        (s, as) -> as.delete(s.org().path() + "/roles/" + Long.MAX_VALUE),
                        s -> List.of(line("type", "role", "op", "delete", "name", "Nobody's"))),
                new Attack("an existing group, created again",
                        (s, as) -> as.post(s.org().path() + "/groups", Map.of("name", "Team")),
                        s -> List.of(line("type", "group", "name", "Team"))),
                new Attack("a group that does not exist, deleted",
                        (s, as) -> as.delete(s.org().path() + "/groups/" + Long.MAX_VALUE),
                        s -> List.of(line("type", "group", "op", "delete", "name", "Nobody's"))),
                new Attack("a member of a group that does not exist, taken out",
                        (s, as) -> as.delete(s.org().path() + "/groups/" + Long.MAX_VALUE + "/members/"
                                + s.manager()),
                        s -> List.of(line("type", "group_member", "op", "delete", "group", "Nobody's", "user_id",
                                "manager"))),
                new Attack("a member, as it is",
                        (s, as) -> as.patch(s.org().path() + "/members/" + s.manager(), Map.of("email",
                                "manager@example.com")),
                        s -> List.of(member("manager", "Manager"))),
                new Attack("a role on a document that a member does not hold, taken away",
                        (s, as) -> as.delete(s.org().path() + "/resources/doc/d1/assignments/" + s.manager()),
                        s -> List.of(line("type", "assignment", "op", "delete", "resource", Map.of("type", "doc",
                                "id", "d1"), "user_id", "manager"))),
                new Attack("a role on a document, by a role name that does not exist",
                        (s, as) -> as.put(s.org().path() + "/resources/doc/d1/assignments/" + s.manager(),
                                Map.of("role_id", Long.MAX_VALUE)),
                        s -> List.of(assignment("doc", "d1", "manager", "Nobody's"))),
                new Attack("a role on a document for a member that does not exist, taken away",
                        (s, as) -> as.delete(s.org().path() + "/resources/doc/d1/assignments/" + s.manager()),
                        s -> List.of(line("type", "assignment", "op", "delete", "resource", Map.of("type", "doc",
                                "id", "d1"), "user_id", "nobody"))));
    }

    /**
     * A key without the model's management permissions may not use an import to learn what it could not read: a
     * line that would change nothing (an object as it is, or the removal of one that is not there) is refused as its
     * single request is, not answered "unchanged" — the answer would tell a role's permissions, a group's name or a
     * member's email apart from a wrong guess.
     */
    @TestFactory
    Stream<DynamicTest> aLineChangingNothing_isRefusedWhereItsSingleRequestIs() {
        return lookingUp().stream().map(attack -> DynamicTest.dynamicTest(attack.name(), () -> {
            Setup setup = Setup.create();
            assertThat(node.service().post(setup.org().path() + "/groups", Map.of("name", "Team")).status())
                    .isEqualTo(201);
            Http readerKey = fx.keyFor(setup.org(), fx.member(setup.org(), "reader", setup.reader()));
            Http.Res single = attack.single().apply(setup, readerKey);
            assertThat(single.status()).as("the single request: %s", single).isEqualTo(403);

            List<JsonNode> before = Bulk.export(node.service(), setup.org().id());
            Http.Res res = importLines(readerKey, setup.org().id(), "", attack.lines().apply(setup));
            assertThat(res.status()).as("import, where the single request was %s: %s", single, res).isEqualTo(403);
            assertThat(res.get("code").stringValue()).isEqualTo(single.get("code").stringValue());
            assertThat(res.json().has("line")).as("refused before any line: %s", res).isFalse();
            List<JsonNode> after = Bulk.export(node.service(), setup.org().id());
            assertThat(after.subList(1, after.size())).as("nothing changed").isEqualTo(before.subList(1, before.size()));
        }));
    }

    /**
     * A change of the caller itself, then a second write: sent as two single requests, one after the other, and as
     * two import lines. The second is judged by the caller's state after the first, in the import as singly.
     */
    record SelfChange(String name, BiFunction<Setup, Http, Http.Res> first, BiFunction<Setup, Http, Http.Res> second,
                      List<String> lines) {
    }

    static List<SelfChange> selfChanges() {
        BiFunction<Setup, Http, Http.Res> newRole = (s, as) -> as.post(s.org().path() + "/roles", Map.of("name",
                "Made after", "permissions", READ));
        BiFunction<Setup, Http, Http.Res> newMember = (s, as) -> as.post(s.org().path() + "/members", Map.of(
                "user_id", "newbie", "email", "newbie@example.com", "role_id", s.reader()));
        return List.of(
                new SelfChange("demoted itself, then a role created",
                        (s, as) -> as.patch(s.org().path() + "/members/" + s.manager(), Map.of("role_id", s.reader())),
                        newRole, List.of(member("manager", "Reader"), role("Made after", READ))),
                new SelfChange("deactivated itself, then a member added",
                        (s, as) -> as.patch(s.org().path() + "/members/" + s.manager(), Map.of("status",
                                "deactivated")),
                        newMember, List.of(line("type", "member", "user_id", "manager", "email", "manager@example.com",
                                "role", "Manager", "status", "deactivated"), member("newbie", "Reader"))),
                new SelfChange("narrowed its own role, then a member added",
                        (s, as) -> as.patch(s.org().path() + "/roles/" + s.managerRole(), Map.of("permissions",
                                List.of("doc.read", "records.all"))),
                        newMember, List.of(role("Manager", List.of("doc.read", "records.all")),
                                member("newbie", "Reader"))),
                new SelfChange("renamed itself, then a role created",
                        (s, as) -> as.patch(s.org().path() + "/members/" + s.manager(), Map.of("first_name", "Max")),
                        newRole, List.of(line("type", "member", "user_id", "manager", "email", "manager@example.com",
                                "role", "Manager", "first_name", "Max"), role("Made after", READ))));
    }

    /**
     * Every line is judged against the state inside the import's transaction, the earlier lines' included: a line
     * after one that demotes, deactivates or narrows the importing member itself is refused as its own request
     * would be after that change (once refused, both lines change nothing), not judged by the rights the caller had
     * when the chunk began.
     */
    @TestFactory
    Stream<DynamicTest> aLineAfterOneChangingTheCaller_isJudgedByTheCallerAfterIt() {
        return selfChanges().stream().map(change -> DynamicTest.dynamicTest(change.name(), () -> {
            Setup singly = Setup.create();
            Http.Res first = change.first().apply(singly, singly.managerKey());
            assertThat(first.status()).as("the first single request: %s", first).isEqualTo(200);
            Http.Res single = change.second().apply(singly, singly.managerKey());

            Setup imported = Setup.create();
            List<JsonNode> before = Bulk.export(node.service(), imported.org().id());
            Http.Res res = importLines(imported.managerKey(), imported.org().id(), "", change.lines());
            if (single.status() >= 400) {
                assertThat(res.status()).as("import, where the second single request was %s: %s", single, res)
                        .isEqualTo(single.status());
                assertThat(res.get("code").stringValue()).isEqualTo(single.get("code").stringValue());
                assertThat(res.get("line").longValue()).isEqualTo(2);
                List<JsonNode> after = Bulk.export(node.service(), imported.org().id());
                assertThat(after.subList(1, after.size())).as("nothing changed")
                        .isEqualTo(before.subList(1, before.size()));
            } else {
                assertThat(res.status()).as("import, where the second single request was %s: %s", single, res)
                        .isEqualTo(200);
            }
        }));
    }

    /** As above, for a member whose management permission is a per-member grant it takes away from itself. */
    @Test
    void aLineAfterOneRemovingTheCallersOwnGrants_isJudgedWithoutThem() throws IOException {
        try (InputStream in = ImportAuthorizationIT.class.getResourceAsStream("/models/grants.json")) {
            assertThat(node.service().post("/v1/models", Json.MAPPER.readTree(in)).status()).isIn(201, 409);
        }
        Fixtures.Org org = fx.org("grants");
        long mia = fx.member(org, "mia", fx.roleId(org, "Manager"));
        assertThat(node.service().put(org.path() + "/members/mia/grants", Map.of("permissions",
                List.of("members.manage"))).status()).isEqualTo(200);
        Http miaKey = fx.keyFor(org, mia);
        List<JsonNode> before = Bulk.export(node.service(), org.id());

        Http.Res res = importLines(miaKey, org.id(), "", List.of(
                line("type", "grants", "op", "delete", "user_id", "mia"), member("newbie", "Agent")));

        assertThat(res.status()).as("%s", res).isEqualTo(403);
        assertThat(res.get("code").stringValue()).isEqualTo("permission_required");
        assertThat(res.get("line").longValue()).isEqualTo(2);
        List<JsonNode> after = Bulk.export(node.service(), org.id());
        assertThat(after.subList(1, after.size())).as("nothing changed").isEqualTo(before.subList(1, before.size()));
        Http.Res alone = importLines(miaKey, org.id(), "", List.of(member("newbie", "Agent")));
        assertThat(alone.status()).as("with its grant, the line alone is taken: %s", alone).isEqualTo(200);
    }

    /** A grants organization (grants.json), registering the model when the node has not yet. */
    private static Fixtures.Org grantsOrg() throws IOException {
        try (InputStream in = ImportAuthorizationIT.class.getResourceAsStream("/models/grants.json")) {
            assertThat(node.service().post("/v1/models", Json.MAPPER.readTree(in)).status()).isIn(201, 409);
        }
        return fx.org("grants");
    }

    /**
     * A role line asking for permissions beyond the caller's is refused as the role's update is, also when the role
     * holds them already: the line would change nothing, and was answered "unchanged".
     */
    @Test
    void aRoleLineChangingNothing_beyondTheCaller_isRefusedAsItsUpdateIs() throws IOException {
        Fixtures.Org org = grantsOrg();
        long deleter = fx.role(org, "Deleter", List.of("room.view", "room.delete"));
        Http roleManager = fx.keyFor(org, fx.member(org, "rolemgr", fx.role(org, "RoleMgr",
                List.of("settings.edit"))));

        Http.Res single = roleManager.patch(org.path() + "/roles/" + deleter, Map.of("permissions",
                List.of("room.view", "room.delete")));
        Http.Res line = importLines(roleManager, org.id(), "", List.of(role("Deleter", List.of("room.view",
                "room.delete"))));

        assertThat(single.status()).as("%s", single).isEqualTo(403);
        assertThat(line.status()).as("the role as it is, where its update was %s: %s", single, line).isEqualTo(403);
        assertThat(line.get("code").stringValue()).isEqualTo(single.get("code").stringValue());
    }

    /**
     * A key without the management permission of members is refused it before a member's removal, grants or company
     * role is looked for, whether or not they exist — as the grants' and the member's own requests refuse it.
     */
    @Test
    void memberLinesNamingNothing_areRefusedForWantOfThePermissionFirst() throws IOException {
        Fixtures.Org org = grantsOrg();
        Http agent = fx.keyFor(org, fx.member(org, "agent", fx.roleId(org, "Agent")));
        List<JsonNode> before = Bulk.export(node.service(), org.id());

        Map<String, String> lines = Map.of(
                "a member that is not there, removed", line("type", "member", "op", "delete", "user_id", "ghost"),
                "the grants of a member that is not there", line("type", "grants", "user_id", "ghost",
                        "permissions", List.of()),
                "a member with a company role that is not there", member("newbie", "Nobody's"));
        lines.forEach((name, refused) -> {
            Http.Res res = importLines(agent, org.id(), "", List.of(refused));
            assertThat(res.status()).as("%s: %s", name, res).isEqualTo(403);
            assertThat(res.get("code").stringValue()).isEqualTo("permission_required");
        });
        Http.Res grants = agent.put(org.path() + "/members/" + Long.MAX_VALUE + "/grants", Map.of("permissions",
                List.of()));
        assertThat(grants.status()).as("the grants' own request: %s", grants).isEqualTo(403);
        Http.Res added = agent.post(org.path() + "/members", Map.of("user_id", "newbie", "email",
                "newbie@example.com", "role_id", Long.MAX_VALUE));
        assertThat(added.status()).as("the member's own request: %s", added).isEqualTo(403);
        List<JsonNode> after = Bulk.export(node.service(), org.id());
        assertThat(after.subList(1, after.size())).as("nothing changed").isEqualTo(before.subList(1, before.size()));
    }

    /**
     * A key that may write no line at all — none of the model's management permissions — is refused 403
     * {@code permission_required} before any line is read, as every other write route refuses it: a plain problem
     * naming no line and no progress (not a failure of line 1, which a resume would meet again at its own first
     * line), and nothing written.
     */
    @Test
    void aKeyThatMayWriteNoLine_isRefusedAPlain403_beforeAnyLine() {
        Setup s = Setup.create();
        Http reader = fx.keyFor(s.org(), fx.member(s.org(), "reader", s.reader()));
        List<JsonNode> before = Bulk.export(node.service(), s.org().id());
        Http.Res single = reader.post(s.org().path() + "/roles", Map.of("name", "Narrow", "permissions",
                List.of("doc.read")));
        assertThat(single.status()).as("%s", single).isEqualTo(403);

        for (String query : List.of("", "from_line=2")) {
            Http.Res res = importLines(reader, s.org().id(), query, List.of(role("Narrow", List.of("doc.read")),
                    line("type", "group", "name", "Readers")));
            assertThat(res.status()).as("%s: %s", query, res).isEqualTo(403);
            assertThat(res.get("code").stringValue()).isEqualTo("permission_required");
            assertThat(res.get("detail").stringValue()).startsWith("an import writes roles, members or assignments");
            assertThat(res.json().has("line")).as("%s", res).isFalse();
            assertThat(res.json().has("committed_lines")).as("%s", res).isFalse();
            assertThat(res.json().has("progress")).as("%s", res).isFalse();
        }
        List<JsonNode> after = Bulk.export(node.service(), s.org().id());
        assertThat(after.subList(1, after.size())).as("nothing changed").isEqualTo(before.subList(1, before.size()));
    }

    @TestFactory
    Stream<DynamicTest> anImportLine_isRefusedWhereItsSingleRequestIs() {
        return attacks().stream().map(attack -> DynamicTest.dynamicTest(attack.name(), () -> {
            Setup singly = Setup.create();
            Http.Res single = attack.single().apply(singly, singly.managerKey());

            Setup imported = Setup.create();
            List<JsonNode> before = Bulk.export(node.service(), imported.org().id());
            Http.Res res = importLines(imported.managerKey(), imported.org().id(), "", attack.lines().apply(imported));
            if (single.status() >= 400) {
                assertThat(res.status()).as("import, where the single request was %s: %s", single, res)
                        .isEqualTo(single.status());
                assertThat(res.get("code").stringValue()).isEqualTo(single.get("code").stringValue());
                List<JsonNode> after = Bulk.export(node.service(), imported.org().id());
                assertThat(after.subList(1, after.size())).as("nothing changed")
                        .isEqualTo(before.subList(1, before.size()));
            } else {
                assertThat(res.status()).as("import, where the single request was %s: %s", single, res)
                        .isEqualTo(200);
            }
        }));
    }
}
