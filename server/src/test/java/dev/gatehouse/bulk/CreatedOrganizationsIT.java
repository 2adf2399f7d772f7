package dev.gatehouse.bulk;

import dev.gatehouse.limit.Limits;
import dev.gatehouse.testing.Http;
import dev.gatehouse.testing.Statements;
import dev.gatehouse.testing.TestNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import static dev.gatehouse.bulk.Bulk.assignment;
import static dev.gatehouse.bulk.Bulk.body;
import static dev.gatehouse.bulk.Bulk.line;
import static dev.gatehouse.bulk.Bulk.member;
import static dev.gatehouse.bulk.Bulk.role;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * An organization that the deployment's import creates is filled without reading back what it cannot hold yet — no
 * member looked for, nothing counted — and with every rule kept: the limits on roles, members and a resource's
 * assignments, and an email taken by a member added earlier in the same import.
 */
class CreatedOrganizationsIT {

    /** Roles: the docs model's one system role and two more; three members; two members with a role on a resource. */
    static final Limits SMALL = new Limits(3, 3, 1_000, 20, 2, 5_000, 1_000_000, 1_000_000);
    static final List<String> READ = List.of("doc.read", "records.all");

    static TestNode node;

    @BeforeAll
    static void start() {
        node = TestNode.start(c -> c.withLimits(SMALL));
        Bulk.registerDocsModel(node);
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    static String organization() {
        return line("type", "organization", "name", "org-" + UUID.randomUUID(), "model", "docs");
    }

    static Http.Res importDeployment(List<String> lines) {
        return node.service().raw("POST", "/v1/import", body(lines), "application/x-ndjson");
    }

    /** An organization's lines after its organization line: a role, two members holding it, both on a document. */
    static List<String> contents(String prefix) {
        return List.of(role("Reader", READ), member(prefix + "-u1", "Reader"), member(prefix + "-u2", "Reader"),
                assignment("doc", "d", prefix + "-u1", "Reader"), assignment("doc", "d", prefix + "-u2", "Reader"));
    }

    @Test
    void aCreatedOrganization_isFilledWithoutLookingForMembers_orCounting_whileAnExistingOneIsRead() {
        List<String> created = new ArrayList<>(List.of(organization()));
        created.addAll(contents("c"));
        Http.Res[] answer = new Http.Res[1];
        List<String> whenCreated = Statements.of(node, () -> answer[0] = importDeployment(created));
        assertThat(answer[0].status()).as("%s", answer[0]).isEqualTo(200);
        long createdId = answer[0].get("org_id").longValue();

        Http.Res empty = importDeployment(List.of(organization()));
        long existing = empty.get("org_id").longValue();
        List<String> named = new ArrayList<>(List.of(line("type", "organization", "org_id", existing)));
        named.addAll(contents("e"));
        List<String> whenExisting = Statements.of(node, () -> assertThat(importDeployment(named).status())
                .isEqualTo(200));

        String shown = String.join("\n", whenCreated);
        assertThat(whenCreated).as(shown).noneMatch(sql -> sql.contains("FROM members"))
                .noneMatch(sql -> sql.contains("count(*)"));
        assertThat(whenCreated.stream().filter(sql -> sql.contains("FROM roles"))).as(shown)
                .allMatch(sql -> sql.contains("unnest"), "only the role run's own name query reads roles");
        assertThat(whenExisting).as(String.join("\n", whenExisting)).anyMatch(sql -> sql.contains("FROM members"))
                .anyMatch(sql -> sql.contains("count(*)"));
        for (long orgId : List.of(createdId, existing)) {
            assertThat(node.service().get("/v1/orgs/" + orgId + "/members?limit=10").get("items")).hasSize(2);
            assertThat(node.service().get("/v1/orgs/" + orgId + "/resources/doc/d/assignments?limit=10").get("items"))
                    .hasSize(2);
        }
    }

    /**
     * A chunk of a deployment's import inserts the organizations it creates in one statement, and their system roles
     * in one more, has the database fold the emails and role names of all of them together, and takes the ids of all
     * their new members, and of all their new roles, in one query each: its statements do not grow with the
     * organizations it creates.
     */
    @Test
    void aChunk_foldsAndTakesIdsOnceForAllTheOrganizationsItCreates() {
        List<String> two = statementsCreating(2);
        List<String> six = statementsCreating(6);

        String shown = String.join("\n", six);
        assertThat(six).as(shown).hasSameSizeAs(two);
        assertThat(six.stream().filter(sql -> sql.startsWith("INSERT INTO organizations"))).as(shown).hasSize(1);
        assertThat(six).as(shown).noneMatch(sql -> sql.startsWith("INSERT INTO roles"));
        // the system roles' ids, the custom roles' and the members'
        assertThat(six.stream().filter(sql -> sql.startsWith("SELECT nextval("))).as(shown).hasSize(3);
        assertThat(six.stream().filter(sql -> sql.contains("array_agg(lower(t)"))).as(shown).hasSize(1);
    }

    /** The statements of one import creating {@code n} organizations, each with {@link #contents}, all filled. */
    private static List<String> statementsCreating(int n) {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            lines.add(organization());
            lines.addAll(contents("o" + i));
        }
        Http.Res[] answer = new Http.Res[1];
        List<String> statements = Statements.of(node, () -> answer[0] = importDeployment(lines));
        assertThat(answer[0].status()).as("%s", answer[0]).isEqualTo(200);
        for (JsonNode created : answer[0].get("organizations")) {
            long orgId = created.get("org_id").longValue();
            assertThat(node.service().get("/v1/orgs/" + orgId + "/members?limit=10").get("items")).hasSize(2);
            assertThat(node.service().get("/v1/orgs/" + orgId + "/roles?limit=10").get("items")).hasSize(2);
        }
        return statements;
    }

    /**
     * Roles, members and a resource's assignments past their limits are refused at the line that passes them, in an
     * organization the import creates and in an existing empty one alike — also when the lines before it in the
     * same run are checked and not inserted yet (a run of roles or members is inserted in one statement after).
     */
    @Test
    void theLimitsOfRolesMembersAndAssignments_holdInACreatedOrganization_andInAnExistingOne() {
        Map<List<String>, Long> refusedAt = Map.of(
                List.of(role("A", READ), role("B", READ), role("C", READ)), 4L,
                List.of(role("A", READ), member("u1", "A"), member("u2", "A"), member("u3", "A"), member("u4", "A")),
                6L,
                List.of(role("A", READ), member("u1", "A"), member("u2", "A"), member("u3", "A"),
                        assignment("doc", "d", "u1", "A"), assignment("doc", "d", "u2", "A"),
                        assignment("doc", "d", "u3", "A")), 8L);
        refusedAt.forEach((contents, line) -> {
            long existing = importDeployment(List.of(organization())).get("org_id").longValue();
            for (String organization : List.of(organization(), line("type", "organization", "org_id", existing))) {
                List<String> lines = new ArrayList<>(List.of(organization));
                lines.addAll(contents);
                Http.Res res = importDeployment(lines);
                assertThat(res.status()).as("%s", res).isEqualTo(409);
                assertThat(res.get("code").stringValue()).isEqualTo("limit_reached");
                assertThat(res.get("line").longValue()).as("%s", res).isEqualTo(line);
                assertThat(res.get("committed_lines").longValue()).isZero();
                // a limit of the organization names it; a created one is rolled back with the chunk, so not by its id
                String detail = res.get("detail").stringValue();
                boolean ofTheOrganization = !detail.contains("assignments_per_resource");
                if (organization.contains("org_id")) {
                    assertThat(detail.contains(": organization " + existing + " already has"))
                            .as(detail).isEqualTo(ofTheOrganization);
                } else {
                    assertThat(detail).doesNotContainPattern("organization \\d");
                    assertThat(detail.contains(": organization \"org-")
                            && detail.contains("(created by line 1 of this import, and rolled back with it)"))
                            .as(detail).isEqualTo(ofTheOrganization);
                }
            }
        });
    }

    @Test
    void aCreatedOrganization_refusesAnEmailTakenByAMemberAddedEarlierInTheImport_inAnotherRun() {
        Http.Res res = importDeployment(List.of(organization(), role("A", READ), member("u1", "A"), role("B", READ),
                line("type", "member", "user_id", "u2", "email", "U1@Example.com", "role", "B")));

        assertThat(res.status()).as("%s", res).isEqualTo(409);
        assertThat(res.get("code").stringValue()).isEqualTo("member_exists");
        assertThat(res.get("detail").stringValue()).contains("U1@Example.com");
        assertThat(res.get("line").longValue()).isEqualTo(5);
        assertThat(res.get("committed_lines").longValue()).isZero();
    }
}
