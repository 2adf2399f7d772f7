package dev.gatehouse.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.json.Json;
import dev.gatehouse.testing.Fixtures;
import dev.gatehouse.testing.TestNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * {@code gatehouse import --deployment} and {@code gatehouse export --deployment} against a real server: an import
 * creates organizations and prints their ids, the deployment's export imports back as copies of them; a failing line
 * exits 1 and prints the exact {@code --from-line N --org-id M} that resumes it; naming neither or both of
 * {@code --org} and {@code --deployment} is a usage error; a member key exits 2 with the server's refusal.
 */
class DeploymentBulkCommandsIT {

    /** Removed by JUnit after the test (a test leaves nothing in /tmp). */
    @TempDir
    Path temp;

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

    @Test
    void importThenExport_ofTheDeployment_copiesItsOrganizations() throws IOException {
        String a = unique("a");
        String b = unique("b");
        List<String> lines = new ArrayList<>(tenant(a));
        lines.addAll(tenant(b));
        Path file = write("deployment", lines);

        Cli.Run imported = Cli.run(node, "import", "--deployment", "--chunk-lines", "3", file.toString());

        assertThat(imported.exit()).as(imported.toString()).isZero();
        assertThat(imported.err()).contains("8 of 8 lines committed in 3 chunks").contains("2 organizations created");
        JsonNode result = Json.readTree(imported.out().strip());
        assertThat(result.get("counts").get("organization").get("created").longValue()).isEqualTo(2);
        assertThat(result.get("organizations")).extracting(o -> o.get("line").longValue()).containsExactly(1L, 5L);
        long orgA = result.get("organizations").get(0).get("org_id").longValue();
        long orgB = result.get("organizations").get(1).get("org_id").longValue();
        assertThat(result.get("org_id").longValue()).isEqualTo(orgB);
        assertThat(node.service().get("/v1/orgs/" + orgA).get("name").stringValue()).isEqualTo(a);
        assertThat(node.service().get("/v1/orgs/" + orgB + "/members/" + b + "-u2").status()).isEqualTo(200);

        Cli.Run exported = Cli.run(node, "export", "--deployment");

        assertThat(exported.exit()).as(exported.toString()).isZero();
        assertThat(exported.err()).containsPattern("deployment: \\d+ organizations, \\d+ lines at revision \\d+");
        List<String> all = Arrays.asList(exported.out().split("\n"));
        assertThat(Json.readTree(all.get(0)).get("type").stringValue()).isEqualTo("organization");
        List<String> copies = copiesOf(all, List.of(a, b));
        assertThat(copies).hasSize(lines.size() + 2); // and the two headers

        Cli.Run copied = Cli.run(node, "import", "--deployment", write("copies", copies).toString());

        assertThat(copied.exit()).as(copied.toString()).isZero();
        JsonNode created = Json.readTree(copied.out().strip()).get("organizations");
        assertThat(created).hasSize(2);
        assertThat(withoutHeader(created.get(0).get("org_id").longValue())).isEqualTo(withoutHeader(orgA));
        assertThat(withoutHeader(created.get(1).get("org_id").longValue())).isEqualTo(withoutHeader(orgB));
    }

    @Test
    void aFailingLine_exitsOne_andPrintsTheFromLineAndOrgIdThatResumeIt() throws IOException {
        String a = unique("a");
        String b = unique("b");
        List<String> lines = new ArrayList<>(tenant(a));
        lines.add(organization(b));
        lines.add(member(b + "-u1", "Nope"));
        Path file = write("deployment", lines);

        Cli.Run failed = Cli.run(node, "import", "--deployment", "--chunk-lines", "3", file.toString());

        assertThat(failed.exit()).as(failed.toString()).isEqualTo(1);
        assertThat(failed.err()).contains("line 6: ").contains("lines 1..3 are committed");
        Matcher resume = Pattern.compile("resume with --from-line 4 --org-id (\\d+)\\)").matcher(failed.err());
        assertThat(resume.find()).as(failed.toString()).isTrue();
        long orgA = Long.parseLong(resume.group(1));
        assertThat(node.service().get("/v1/orgs/" + orgA).get("name").stringValue()).isEqualTo(a);
        assertThat(node.service().get("/v1/orgs/" + orgA + "/members/" + a + "-u2").status())
                .as("line 4 went back with its chunk").isEqualTo(404);

        lines.set(5, member(b + "-u1", "User"));
        write(file, lines);
        Cli.Run resumed = Cli.run(node, "import", "--deployment", "--chunk-lines", "3", "--from-line", "4",
                "--org-id", String.valueOf(orgA), file.toString());

        assertThat(resumed.exit()).as(resumed.toString()).isZero();
        JsonNode result = Json.readTree(resumed.out().strip());
        assertThat(result.get("skipped_lines").longValue()).isEqualTo(3);
        assertThat(resumed.err()).as("the lines this run committed, not the skipped ones")
                .contains((lines.size() - 3) + " of " + lines.size() + " lines committed (lines 1..3 skipped by "
                        + "--from-line)")
                .as("and so says each chunk's progress").contains("import: 3 lines committed (1 chunk,");
        assertThat(result.get("organizations")).hasSize(1);
        assertThat(result.get("organizations").get(0).get("line").longValue()).isEqualTo(5);
        long orgB = result.get("organizations").get(0).get("org_id").longValue();
        assertThat(node.service().get("/v1/orgs/" + orgA + "/members/" + a + "-u2").status()).isEqualTo(200);
        assertThat(node.service().get("/v1/orgs/" + orgB + "/members/" + b + "-u1").status()).isEqualTo(200);
        assertThat(node.service().get("/v1/orgs/" + orgB).get("name").stringValue()).isEqualTo(b);
    }

    @Test
    void neitherOrBothOfOrgAndDeployment_isAUsageError_beforeAnythingIsSent() {
        Map<String, String> env = Cli.env(node);
        env.put("GATEHOUSE_URL", "http://127.0.0.1:1");
        String file = "/nonexistent/gatehouse.ndjson";
        for (List<String> args : List.of(List.of("import", file), List.of("export"))) {
            Cli.Run neither = Cli.run(env, System.in, args.toArray(String[]::new));
            assertThat(neither.exit()).as(neither.toString()).isEqualTo(2);
            assertThat(neither.err()).as(neither.toString()).contains("Missing required argument")
                    .contains("--org=ORG").contains("--deployment");

            List<String> both = new ArrayList<>(args);
            both.addAll(List.of("--org", "1", "--deployment"));
            Cli.Run twice = Cli.run(env, System.in, both.toArray(String[]::new));
            assertThat(twice.exit()).as(twice.toString()).isEqualTo(2);
            assertThat(twice.err()).as(twice.toString()).contains("mutually exclusive").contains("--org=ORG")
                    .contains("--deployment");

            // in the words of any other option given twice, not the parser's account of the group's matches
            for (List<String> repeated : List.of(List.of("--org", "6", "--org", "6"), List.of("--org=1", "--org", "2"),
                    List.of("--deployment", "--deployment"))) {
                List<String> again = new ArrayList<>(args);
                again.addAll(repeated);
                Cli.Run run = Cli.run(env, System.in, again.toArray(String[]::new));
                assertThat(run.exit()).as(run.toString()).isEqualTo(2);
                assertThat(run.err()).as(run.toString()).contains(repeated.contains("--deployment")
                        ? "option '--deployment' should be specified only once"
                        : "option '--org' (ORG) should be specified only once")
                        .doesNotContain("expected only one match");
            }
        }
        Cli.Run orgIdWithOrg = Cli.run(env, System.in, "import", "--org", "1", "--org-id", "5", file);
        assertThat(orgIdWithOrg.exit()).as(orgIdWithOrg.toString()).isEqualTo(2);
        assertThat(orgIdWithOrg.err()).contains("--org-id names the organization a --deployment import resumes in; "
                + "with --org every line goes to organization 1");
    }

    @Test
    @Timeout(120)
    void aMemberKey_exitsTwo_withTheServersRefusal() throws IOException {
        Fixtures.Org org = fx.org("close");
        Map<String, String> env = Cli.env(node);
        env.put("GATEHOUSE_KEY", org.adminKey());
        Cli.Run export = Cli.run(env, System.in, "export", "--deployment");
        assertThat(export.exit()).as(export.toString()).isEqualTo(2);
        assertThat(export.err()).contains("403 service_key_required");

        // large enough (15 MB) that the refusal comes while the body would still be on its way
        String name = unique("member");
        Path file = write("large", List.of(organization(name)));
        Files.writeString(file, "{\"type\": \"group\", \"name\": \"G\"}\n".repeat(500_000),
                StandardOpenOption.APPEND);
        Cli.Run imported = Cli.run(env, System.in, "import", "--deployment", file.toString());
        assertThat(imported.exit()).as(imported.toString()).isEqualTo(2);
        assertThat(imported.err()).contains("403 service_key_required");
    }

    /** An organization on the close model, a custom role, and two members holding it. */
    static List<String> tenant(String name) {
        return List.of(organization(name),
                Json.writeString(Map.of("type", "role", "name", "Caller", "permissions", List.of("calling", "view_all_leads"))),
                member(name + "-u1", "Caller"), member(name + "-u2", "Caller"));
    }

    static String organization(String name) {
        return Json.writeString(Map.of("type", "organization", "name", name, "model", "close"));
    }

    static String member(String userId, String role) {
        return Json.writeString(Map.of("type", "member", "user_id", userId, "email", userId + "@example.com",
                "role", role));
    }

    static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** The lines of the organizations named {@code names}, each renamed: importing them makes copies. */
    static List<String> copiesOf(List<String> export, List<String> names) {
        List<String> copies = new ArrayList<>();
        boolean ours = false;
        for (String line : export) {
            JsonNode n = Json.readTree(line);
            if (n.get("type").stringValue().equals("organization")) {
                ours = names.contains(n.get("name").stringValue());
                if (ours) {
                    copies.add(organization(n.get("name").stringValue() + "-copy"));
                    continue;
                }
            }
            if (ours) {
                copies.add(line);
            }
        }
        return copies;
    }

    /** The organization's export through the command line, without its header (which names the organization). */
    static List<String> withoutHeader(long orgId) {
        Cli.Run export = Cli.run(node, "export", "--org", String.valueOf(orgId));
        assertThat(export.exit()).as(export.toString()).isZero();
        List<String> lines = Arrays.asList(export.out().split("\n"));
        assertThat(Json.readTree(lines.get(0)).get("type").stringValue()).isEqualTo("header");
        return lines.subList(1, lines.size());
    }

    Path write(String name, List<String> lines) throws IOException {
        return write(Files.createTempFile(temp, "gatehouse-" + name, ".ndjson"), lines);
    }

    static Path write(Path file, List<String> lines) throws IOException {
        Files.writeString(file, String.join("\n", lines) + "\n");
        return file;
    }
}
