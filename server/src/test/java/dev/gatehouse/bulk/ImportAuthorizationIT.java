package dev.gatehouse.bulk;

import dev.gatehouse.testing.Fixtures;
import dev.gatehouse.testing.Http;
import dev.gatehouse.testing.TestNode;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
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
 * where the single request is refused, the import is refused with the same code and changes nothing.
 */
class ImportAuthorizationIT {

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
