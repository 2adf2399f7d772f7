package dev.gatehouse.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.gatehouse.client.Bulk.ImportOptions;
import dev.gatehouse.client.Bulk.ImportResult;
import dev.gatehouse.client.Bulk.OrganizationCreated;
import dev.gatehouse.client.Decisions.Check;
import dev.gatehouse.testing.TestNode;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The deployment's import and export through the client ({@link GatehouseClient#bulk()}): one import creates
 * several organizations and answers their ids; a failing line names the organization to resume in, and the options
 * made from the failure finish the import without creating an organization twice; the export gives every
 * organization after its organization line, and imports back as copies. Service keys only.
 */
class ClientDeploymentBulkIT {

    private static TestNode node;
    private static GatehouseClient gatehouse;

    @BeforeAll
    static void start() {
        node = TestNode.start();
        gatehouse = DocsOrg.serviceClient(node, 100);
        DocsOrg.registerModel(gatehouse);
    }

    @AfterAll
    static void stop() {
        gatehouse.close();
        node.close();
    }

    @Test
    void import_createsOrganizations_andAnswersTheirIds(@TempDir Path dir) throws IOException {
        String a = unique("a");
        String b = unique("b");
        List<String> lines = new ArrayList<>(tenant(a));
        lines.addAll(tenant(b));
        Path file = dir.resolve("deployment.ndjson");
        Files.write(file, lines);

        // 8 lines in chunks of 3: the second chunk begins inside the first organization and ends in the second
        ImportResult result = gatehouse.bulk().importFrom(file, ImportOptions.defaults().withChunkLines(3));

        assertThat(result.committedLines()).isEqualTo(8);
        assertThat(result.chunks()).isEqualTo(3);
        assertThat(result.counts().get("organization").created()).isEqualTo(2);
        assertThat(result.counts().get("member").created()).isEqualTo(4);
        assertThat(result.organizations()).extracting(OrganizationCreated::line).containsExactly(1L, 5L);
        assertThat(result.organizations()).extracting(OrganizationCreated::orgId)
                .containsExactly(only(orgsNamed(a)), only(orgsNamed(b)));
        assertThat(result.orgId()).isEqualTo(only(orgsNamed(b)));
        assertThat(gatehouse.revision()).isGreaterThanOrEqualTo(result.revision());
        for (String name : List.of(a, b)) {
            OrgClient org = gatehouse.org(only(orgsNamed(name)));
            assertThat(org.get().model()).isEqualTo("docs");
            assertThat(org.members().list().map(Members.Member::userId)).containsExactlyInAnyOrder(name + "-u1",
                    name + "-u2");
            assertThat(org.decisions().check(Check.of(MemberRef.user(name + "-u1"), "doc.read")).allowed()).isTrue();
            assertThat(org.decisions().check(Check.of(MemberRef.user(name + "-u1"), "doc.write")).allowed())
                    .isFalse();
        }
    }

    @Test
    void aFailingLine_namesTheOrganizationToResumeIn_andResumingFinishesTheImport(@TempDir Path dir)
            throws IOException {
        String a = unique("a");
        String b = unique("b");
        List<String> lines = new ArrayList<>(List.of(organization(a), role("Reader"), member(a + "-u1", "Reader"),
                member(a + "-u2", "Reader"), organization(b), member(b + "-u1", "Missing")));
        Path file = dir.resolve("deployment.ndjson");
        Files.write(file, lines);
        ImportOptions threeLineChunks = ImportOptions.defaults().withChunkLines(3);

        InvalidInputException failed = catchThrowableOfType(InvalidInputException.class,
                () -> gatehouse.bulk().importFrom(file, threeLineChunks));

        assertThat(failed.code()).isEqualTo("unknown_reference");
        assertThat(failed.problem().get("line").asLong()).isEqualTo(6);
        assertThat(failed.problem().get("resume_from_line").asLong()).isEqualTo(4);
        long orgA = only(orgsNamed(a));
        assertThat(failed.problem().get("resume_org_id").asLong()).isEqualTo(orgA);
        assertThat(orgsNamed(b)).as("the failed chunk created no organization").isEmpty();
        ImportOptions resume = threeLineChunks.resumingAfter(failed);
        assertThat(resume).isEqualTo(new ImportOptions(3, 4L, orgA));

        lines.set(5, member(b + "-u1", "Owner"));
        Files.write(file, lines);
        List<ImportResult> progress = new ArrayList<>();
        ImportResult resumed = gatehouse.bulk().importFrom(file, resume, progress::add);

        assertThat(resumed.skippedLines()).isEqualTo(3);
        assertThat(resumed.committedLines()).isEqualTo(6);
        long orgB = only(orgsNamed(b));
        assertThat(resumed.organizations()).containsExactly(new OrganizationCreated(5, orgB));
        assertThat(resumed.orgId()).isEqualTo(orgB);
        assertThat(progress).extracting(ImportResult::orgId).containsExactly(orgB);
        assertThat(orgsNamed(a)).as("resuming created no second organization").containsExactly(orgA);
        assertThat(gatehouse.org(orgA).members().list().map(Members.Member::userId))
                .containsExactlyInAnyOrder(a + "-u1", a + "-u2");
        assertThat(gatehouse.org(orgB).members().list().map(Members.Member::userId)).containsExactly(b + "-u1");
    }

    @Test
    void aFailingLineAfterProgress_namesTheOrganizationToResumeIn_too() {
        String a = unique("a");
        String body = String.join("\n", organization(a), role("Reader"), member(a + "-u1", "Reader"),
                member(a + "-u2", "Nope")) + "\n";
        List<ImportResult> progress = new ArrayList<>();

        InvalidInputException failed = catchThrowableOfType(InvalidInputException.class, () -> gatehouse.bulk()
                .importFrom(new ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8)),
                        ImportOptions.defaults().withChunkLines(1), progress::add));

        long orgA = only(orgsNamed(a));
        assertThat(progress).extracting(ImportResult::committedLines).containsExactly(1L, 2L, 3L);
        assertThat(progress).extracting(ImportResult::orgId).containsOnly(orgA);
        assertThat(progress).allSatisfy(p -> assertThat(p.organizations()).isEmpty());
        assertThat(ImportOptions.defaults().resumingAfter(failed)).isEqualTo(new ImportOptions(null, 4L, orgA));
    }

    @Test
    void theExport_givesEachOrganizationAfterItsLine_andImportsBackAsCopies() {
        String a = unique("exp-a");
        String b = unique("exp-b");
        List<String> lines = new ArrayList<>(tenant(a));
        lines.addAll(tenant(b));
        ImportResult first = gatehouse.bulk().importFrom(
                new ByteArrayInputStream(String.join("\n", lines).getBytes(StandardCharsets.UTF_8)),
                ImportOptions.defaults());

        List<String> exported;
        try (Stream<String> export = gatehouse.bulk().export()) {
            exported = export.toList();
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        long revision = gatehouse.bulk().exportTo(out);
        assertThat(revision).isGreaterThanOrEqualTo(first.revision());
        assertThat(out.toString(StandardCharsets.UTF_8).lines().toList()).isEqualTo(exported);
        assertThat(Wire.answer(200, "export", exported.get(0)).get("type").stringValue()).isEqualTo("organization");

        // this test's two organizations out of the deployment's, renamed: imported, they are new organizations
        List<String> copies = new ArrayList<>();
        boolean ours = false;
        for (int i = 0; i < exported.size(); i++) {
            JsonNode line = Wire.answer(200, "export", exported.get(i));
            if (line.get("type").stringValue().equals("organization")) {
                String name = line.get("name").stringValue();
                ours = name.equals(a) || name.equals(b);
                if (ours) {
                    assertThat(line.get("model").stringValue()).isEqualTo("docs");
                    JsonNode header = Wire.answer(200, "export", exported.get(i + 1));
                    assertThat(header.get("type").stringValue()).isEqualTo("header");
                    assertThat(header.get("org_id").asLong()).isEqualTo(only(orgsNamed(name)));
                    copies.add(organization(name + "-copy"));
                    continue;
                }
            }
            if (ours) {
                copies.add(exported.get(i));
            }
        }
        assertThat(copies).hasSize(lines.size() + 2); // the headers

        ImportResult copied = gatehouse.bulk().importFrom(
                new ByteArrayInputStream(String.join("\n", copies).getBytes(StandardCharsets.UTF_8)),
                ImportOptions.defaults());

        assertThat(copied.organizations()).extracting(OrganizationCreated::orgId)
                .containsExactly(only(orgsNamed(a + "-copy")), only(orgsNamed(b + "-copy")));
        for (String name : List.of(a, b)) {
            assertThat(withoutHeader(gatehouse.org(only(orgsNamed(name + "-copy"))).bulk()))
                    .isEqualTo(withoutHeader(gatehouse.org(only(orgsNamed(name))).bulk()));
        }
    }

    @Test
    void aMemberKey_mayNeitherImportNorExportTheDeployment() {
        Organizations.CreatedOrganization org = DocsOrg.create(gatehouse);
        String name = unique("member");
        try (GatehouseClient member = GatehouseClient.builder().url(node.baseUrl()).key(org.adminKey().key())
                .build()) {
            ForbiddenException imported = catchThrowableOfType(ForbiddenException.class, () -> member.bulk()
                    .importFrom(new ByteArrayInputStream(organization(name).getBytes(StandardCharsets.UTF_8)),
                            ImportOptions.defaults()));
            assertThat(imported.code()).isEqualTo("service_key_required");
            ForbiddenException exported = catchThrowableOfType(ForbiddenException.class,
                    () -> member.bulk().exportTo(new ByteArrayOutputStream()));
            assertThat(exported.code()).isEqualTo("service_key_required");
        }
        assertThat(orgsNamed(name)).isEmpty();
    }

    /** An organization's lines: a role, and two members holding it. */
    static List<String> tenant(String name) {
        return List.of(organization(name), role("Reader"), member(name + "-u1", "Reader"),
                member(name + "-u2", "Reader"));
    }

    static String organization(String name) {
        return line("type", "organization", "name", name, "model", "docs");
    }

    static String role(String name) {
        ObjectNode role = Wire.object().put("type", "role").put("name", name);
        role.putArray("permissions").add("doc.read").add("records.all");
        return role.toString();
    }

    static String member(String userId, String role) {
        return line("type", "member", "user_id", userId, "email", userId + "@example.com", "role", role);
    }

    static String line(String... fields) {
        ObjectNode line = Wire.object();
        for (int i = 0; i < fields.length; i += 2) {
            line.put(fields[i], fields[i + 1]);
        }
        return line.toString();
    }

    static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    static List<Long> orgsNamed(String name) {
        return gatehouse.organizations().list().filter(o -> o.name().equals(name))
                .map(Organizations.Organization::id).toList();
    }

    static long only(List<Long> ids) {
        assertThat(ids).hasSize(1);
        return ids.get(0);
    }

    static List<String> withoutHeader(Bulk bulk) {
        try (Stream<String> lines = bulk.export()) {
            return lines.skip(1).toList();
        }
    }
}
