package dev.gatehouse.bulk;

import dev.gatehouse.json.Json;
import dev.gatehouse.testing.Await;
import dev.gatehouse.testing.Fixtures;
import dev.gatehouse.testing.Http;
import dev.gatehouse.testing.TestDatabase;
import dev.gatehouse.testing.TestNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.jdbi.v3.core.Jdbi;
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
 * {@code POST /v1/import} takes many organizations' lines in one request, each organization's after the
 * organization line that creates or names it; chunks span organizations and commit whole or not at all; a
 * failure names where to resume, and in which organization; {@code GET /v1/export} gives the deployment back as
 * lines that import into new organizations with the same contents. Service keys only.
 */
class DeploymentImportIT {

    static TestNode node;
    static Fixtures fx;
    static Jdbi db;

    @BeforeAll
    static void start() {
        node = TestNode.start();
        fx = new Fixtures(node);
        db = TestDatabase.jdbi(node.databaseUrl());
        Bulk.registerDocsModel(node);
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    static final List<String> READ = List.of("doc.read", "records.all");

    static String organization(String name) {
        return line("type", "organization", "name", name, "model", "docs");
    }

    /** An organization's lines: a role, two members holding it, and one of them on a document. */
    static List<String> tenant(String name) {
        return List.of(organization(name), role("Reader", READ), member(name + "-u1", "Reader"),
                member(name + "-u2", "Reader"), assignment("doc", name + "-d", name + "-u1", "Reader"));
    }

    static Http.Res importDeployment(Http as, String query, List<String> lines) {
        return as.raw("POST", "/v1/import" + (query.isEmpty() ? "" : "?" + query), body(lines), "application/x-ndjson");
    }

    static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    @Test
    void manyOrganizationsInOneRequest_eachGetsItsLines_andTheAnswerNamesThem() {
        List<String> names = List.of(unique("a"), unique("b"), unique("c"));
        List<String> lines = new ArrayList<>();
        names.forEach(n -> lines.addAll(tenant(n)));

        // 15 lines in chunks of 4: every chunk after the first begins inside an organization
        Http.Res res = importDeployment(node.service(), "chunk_lines=4", lines);

        assertThat(res.status()).as("%s", res).isEqualTo(200);
        assertThat(res.get("committed_lines").longValue()).isEqualTo(15);
        assertThat(res.get("chunks").intValue()).isEqualTo(4);
        assertThat(res.get("counts").get("organization").get("created").longValue()).isEqualTo(3);
        assertThat(res.get("counts").get("member").get("created").longValue()).isEqualTo(6);
        assertThat(res.get("counts").get("assignment").get("created").longValue()).isEqualTo(3);
        JsonNode created = res.get("organizations");
        assertThat(created).hasSize(3);
        assertThat(created).extracting(o -> o.get("line").longValue()).containsExactly(1L, 6L, 11L);
        assertThat(res.get("org_id").longValue()).isEqualTo(created.get(2).get("org_id").longValue());
        for (int i = 0; i < 3; i++) {
            long orgId = created.get(i).get("org_id").longValue();
            String name = names.get(i);
            JsonNode org = node.service().get("/v1/orgs/" + orgId).json();
            assertThat(org.get("name").stringValue()).isEqualTo(name);
            assertThat(org.get("model").stringValue()).isEqualTo("docs");
            Http.Res check = node.service().post("/v1/orgs/" + orgId + "/check/batch", Map.of("checks", List.of(
                    Map.of("user_id", name + "-u1", "permission", "doc.read", "min_revision", res.revision()),
                    Map.of("user_id", name + "-u1", "permission", "doc.write",
                            "resource", Map.of("type", "doc", "id", name + "-d")),
                    Map.of("user_id", names.get((i + 1) % 3) + "-u1", "permission", "doc.read"))));
            assertThat(check.status()).as("%s", check).isEqualTo(200);
            assertThat(check.get("results")).as("%s", check).extracting(r -> r.path("allowed").asBoolean(false))
                    .as("organization %s decides on its own members only", name).containsExactly(true, false, false);
            assertThat(rows("members", orgId)).isEqualTo(2);
        }
    }

    /**
     * A body over the small-import size is written by the import's own writer, chunk after chunk, while the next
     * is parsed and this node applies the last: every organization gets its members, and the node decides at the
     * answer's revision.
     */
    @Test
    void aLongImport_writesItsChunksInTurn_andEveryOrganizationGetsItsLines() {
        String prefix = unique("long");
        List<String> lines = new ArrayList<>();
        for (int t = 0; t < 40; t++) {
            lines.add(organization(prefix + "-" + t));
            lines.add(role("Reader", READ));
            for (int u = 0; u < 80; u++) {
                lines.add(member(prefix + "-" + t + "-user-" + u, "Reader"));
            }
        }
        assertThat(body(lines).length()).as("over the small import's 256 KiB").isGreaterThan(256 * 1024);

        Http.Res res = importDeployment(node.service(), "chunk_lines=500", lines);

        assertThat(res.status()).as("%s", res).isEqualTo(200);
        assertThat(res.get("chunks").intValue()).isEqualTo(7);
        JsonNode created = res.get("organizations");
        assertThat(created).hasSize(40);
        for (int t = 0; t < 40; t++) {
            long orgId = created.get(t).get("org_id").longValue();
            assertThat(created.get(t).get("line").longValue()).isEqualTo(1 + 82L * t);
            assertThat(orgsNamed(prefix + "-" + t)).containsExactly(orgId);
            assertThat(rows("members", orgId)).isEqualTo(80);
            Http.Res check = node.service().post("/v1/orgs/" + orgId + "/check", Map.of("user_id",
                    prefix + "-" + t + "-user-79", "permission", "doc.read", "min_revision", res.revision()));
            assertThat(check.get("allowed").booleanValue()).as("%s", check).isTrue();
        }
    }

    @Test
    void aChunkFailingInItsSecondOrganization_changesNothing_andTheImportResumesInTheFirst() {
        String a = unique("a");
        String b = unique("b");
        List<String> lines = List.of(
                organization(a), role("Reader", READ), member(a + "-u1", "Reader"),
                member(a + "-u2", "Reader"), organization(b), member(b + "-u1", "Missing"));

        Http.Res failed = importDeployment(node.service(), "chunk_lines=3", lines);

        assertThat(failed.status()).as("%s", failed).isEqualTo(400);
        assertThat(failed.get("code").stringValue()).isEqualTo("unknown_reference");
        assertThat(failed.get("line").longValue()).isEqualTo(6);
        assertThat(failed.get("detail").stringValue()).as("the organization it would name was rolled back with it")
                .isEqualTo("line 6: role \"Missing\" not found in its organization");
        assertThat(failed.get("committed_lines").longValue()).isEqualTo(3);
        assertThat(failed.get("resume_from_line").longValue()).isEqualTo(4);
        long orgA = failed.get("resume_org_id").longValue();
        assertThat(failed.get("progress").get("organizations")).extracting(o -> o.get("org_id").longValue())
                .containsExactly(orgA);
        assertThat(orgsNamed(a)).containsExactly(orgA);
        assertThat(orgsNamed(b)).as("the failed chunk created no organization").isEmpty();
        assertThat(rows("members", orgA)).as("line 4 was rolled back with its chunk").isEqualTo(1);

        List<String> fixed = new ArrayList<>(lines);
        fixed.set(5, member(b + "-u1", "Owner"));
        Http.Res resumed = importDeployment(node.service(), "chunk_lines=3&from_line=4&org_id=" + orgA, fixed);

        assertThat(resumed.status()).as("%s", resumed).isEqualTo(200);
        assertThat(resumed.get("skipped_lines").longValue()).isEqualTo(3);
        assertThat(rows("members", orgA)).isEqualTo(2);
        assertThat(orgsNamed(b)).hasSize(1);
        assertThat(rows("members", orgsNamed(b).get(0))).isEqualTo(1);
        assertThat(orgsNamed(a)).as("resuming created no second organization").hasSize(1);
    }

    /**
     * A failed import names the organizations its committed chunks created, as a success does ({@code organizations},
     * line and id, in line order): a resume creates none of them again, so it cannot list them, and a caller would
     * otherwise have to find them by their names.
     */
    @Test
    void aFailedImport_namesTheOrganizationsItsCommittedChunksCreated() {
        String a = unique("made-a");
        String b = unique("made-b");
        List<String> lines = List.of(
                organization(a), role("Reader", READ), member(a + "-u1", "Reader"),
                organization(b), role("Reader", READ), member(b + "-u1", "Reader"),
                line("type", "member", "user_id", b + "-u2", "email", b + "-u1@example.com", "role", "Reader"));

        Http.Res failed = importDeployment(node.service(), "chunk_lines=3", lines);

        assertThat(failed.status()).as("%s", failed).isEqualTo(409);
        assertThat(failed.get("committed_lines").longValue()).isEqualTo(6);
        assertThat(failed.get("resume_from_line").longValue()).isEqualTo(7);
        long orgA = orgsNamed(a).get(0);
        long orgB = orgsNamed(b).get(0);
        assertThat(failed.get("resume_org_id").longValue()).isEqualTo(orgB);
        JsonNode created = failed.get("organizations");
        assertThat(created).as("%s", failed).isNotNull();
        assertThat(created).extracting(o -> o.get("line").longValue()).containsExactly(1L, 4L);
        assertThat(created).extracting(o -> o.get("org_id").longValue()).containsExactly(orgA, orgB);
    }

    /**
     * A failing chunk that starts with an organization line rolls that organization back: the line to resume from
     * belongs to no organization that exists, so the problem gives no {@code resume_org_id}, while its progress still
     * says where the committed lines end.
     */
    @Test
    void aChunkFailingAfterItsOrganizationLine_givesNoResumeOrganization() {
        String a = unique("res-a");
        String b = unique("res-b");
        List<String> lines = List.of(organization(a), role("Reader", READ), organization(b),
                member(b + "-u1", "Missing"));

        Http.Res failed = importDeployment(node.service(), "chunk_lines=2", lines);

        assertThat(failed.status()).as("%s", failed).isEqualTo(400);
        assertThat(failed.get("code").stringValue()).isEqualTo("unknown_reference");
        assertThat(failed.get("line").longValue()).isEqualTo(4);
        assertThat(failed.get("resume_from_line").longValue()).isEqualTo(3);
        assertThat(failed.json().has("resume_org_id")).as("%s", failed).isFalse();
        long orgA = orgsNamed(a).get(0);
        assertThat(failed.get("progress").get("org_id").longValue()).isEqualTo(orgA);
        assertThat(orgsNamed(b)).isEmpty();

        List<String> fixed = new ArrayList<>(lines);
        fixed.set(3, member(b + "-u1", "Owner"));
        Http.Res resumed = importDeployment(node.service(), "chunk_lines=2&from_line=3", fixed);
        assertThat(resumed.status()).as("%s", resumed).isEqualTo(200);
        assertThat(orgsNamed(a)).containsExactly(orgA);
        assertThat(orgsNamed(b)).hasSize(1);
        assertThat(rows("members", orgsNamed(b).get(0))).isEqualTo(1);
    }

    /**
     * A line refused in an organization its own chunk creates names that organization as its organization line did:
     * the organization is rolled back with the chunk, so its id would name nothing a client can find.
     */
    @Test
    void aRefusalInAnOrganizationTheChunkCreates_namesItByItsLine_notByAnIdRolledBack() {
        String name = unique("named");
        List<String> lines = List.of(organization(name), role("Reader", READ), member(name + "-u1", "Reader"),
                line("type", "member", "user_id", name + "-u2", "email", name + "-u1@example.com", "role", "Reader"));

        Http.Res failed = importDeployment(node.service(), "", lines);

        assertThat(failed.status()).as("%s", failed).isEqualTo(409);
        assertThat(failed.get("code").stringValue()).isEqualTo("member_exists");
        assertThat(failed.get("line").longValue()).isEqualTo(4);
        assertThat(failed.get("committed_lines").longValue()).isZero();
        assertThat(failed.json().has("resume_org_id")).as("%s", failed).isFalse();
        assertThat(failed.get("detail").stringValue()).as("%s", failed)
                .startsWith("line 4: organization \"" + name + "\" (created by line 1 of this import, and rolled back with it)")
                .doesNotContainPattern("organization \\d");
        assertThat(orgsNamed(name)).isEmpty();
    }

    @Test
    void anExistingOrganization_isNamedByItsId_andItsModelChecked() {
        Fixtures.Org existing = fx.org("docs");
        String created = unique("new");
        Http.Res res = importDeployment(node.service(), "", List.of(
                line("type", "organization", "org_id", existing.id(), "model", "docs"), role("Reader", READ),
                member("e-u1", "Reader"), organization(created), role("Reader", READ)));

        assertThat(res.status()).as("%s", res).isEqualTo(200);
        assertThat(res.get("counts").get("organization").get("unchanged").longValue()).isEqualTo(1);
        assertThat(res.get("counts").get("organization").get("created").longValue()).isEqualTo(1);
        assertThat(node.service().get(existing.path() + "/members/e-u1").status()).isEqualTo(200);

        Http.Res mismatch = importDeployment(node.service(), "", List.of(
                line("type", "organization", "org_id", existing.id(), "model", "rooms"), role("Other", READ)));
        assertThat(mismatch.status()).as("%s", mismatch).isEqualTo(400);
        assertThat(mismatch.get("code").stringValue()).isEqualTo("model_mismatch");
        assertThat(mismatch.get("line").longValue()).isEqualTo(1);

        Http.Res missing = importDeployment(node.service(), "", List.of(
                line("type", "organization", "org_id", 987_654_321L), role("Other", READ)));
        assertThat(missing.status()).as("%s", missing).isEqualTo(404);
        assertThat(missing.get("code").stringValue()).isEqualTo("organization_not_found");
        assertThat(missing.get("line").longValue()).isEqualTo(1);
        assertThat(roleNames(existing.id())).doesNotContain("Other");
    }

    /**
     * A chunk inserts the organizations it creates before its first line: a line that fails before one of them is
     * still the one refused, and none of them is left.
     */
    @Test
    void aLineFailingBeforeOrganizationsTheChunkCreates_isTheOneRefused_andNoneIsLeft() {
        String a = unique("ahead-a");
        String b = unique("ahead-b");
        String c = unique("ahead-c");
        Http.Res res = importDeployment(node.service(), "", List.of(organization(a), role("Reader", READ),
                member("u1", "Reader"), member("u2", "Missing"), organization(b), member("u3", "Reader"),
                line("type", "organization", "name", c, "model", "no-such-model")));

        assertThat(res.status()).as("%s", res).isEqualTo(400);
        assertThat(res.get("code").stringValue()).isEqualTo("unknown_reference");
        assertThat(res.get("line").longValue()).isEqualTo(4);
        for (String name : List.of(a, b, c)) {
            assertThat(orgsNamed(name)).as(name).isEmpty();
        }

        Http.Res unknownModel = importDeployment(node.service(), "", List.of(organization(a), role("Reader", READ),
                line("type", "organization", "name", c, "model", "no-such-model"), organization(b)));
        assertThat(unknownModel.status()).as("%s", unknownModel).isEqualTo(400);
        assertThat(unknownModel.get("line").longValue()).isEqualTo(3);
        for (String name : List.of(a, b, c)) {
            assertThat(orgsNamed(name)).as(name).isEmpty();
        }
    }

    @Test
    void badLines_areRefusedByLine_andCreateNothing() {
        String name = unique("bad");
        Map<List<String>, String> cases = new HashMap<>();
        cases.put(List.of(role("Reader", READ)), "organization_required");
        cases.put(List.of(line("type", "organization", "name", name, "model", "no-such-model")), "invalid_input");
        cases.put(List.of(line("type", "organization", "name", name)), "invalid_input");
        cases.put(List.of(line("type", "organization", "name", name, "model", "docs", "org_id", 1)), "invalid_input");
        cases.put(List.of(line("type", "organization", "op", "delete", "org_id", 1)), "invalid_input");
        cases.put(List.of(line("type", "organization", "name", " ", "model", "docs")), "invalid_input");
        cases.put(List.of(line("type", "organization", "name", name, "model", "docs", "admin", "x")),
                "invalid_input");
        cases.forEach((lines, code) -> {
            Http.Res res = importDeployment(node.service(), "", lines);
            assertThat(res.status()).as("%s: %s", lines, res).isEqualTo(400);
            assertThat(res.get("code").stringValue()).as("%s", lines).isEqualTo(code);
            assertThat(res.get("line").longValue()).isEqualTo(1);
        });
        assertThat(orgsNamed(name)).isEmpty();

        Http.Res unknownParameter = importDeployment(node.service(), "org=1", List.of(organization(name)));
        assertThat(unknownParameter.status()).as("%s", unknownParameter).isEqualTo(400);
        for (String bad : List.of("org_id=abc", "org_id=0", "org_id=-3", "org_id=1&org_id=2", "from_line=0")) {
            Http.Res res = importDeployment(node.service(), bad, List.of(organization(name)));
            assertThat(res.status()).as("%s: %s", bad, res).isEqualTo(400);
        }
        Http.Res resumeIntoMissing = importDeployment(node.service(), "org_id=987654321", List.of(role("R", READ)));
        assertThat(resumeIntoMissing.status()).as("%s", resumeIntoMissing).isEqualTo(404);

        Fixtures.Org org = fx.org("docs");
        Http.Res inOrganizationImport = Bulk.importLines(node.service(), org.id(), "", List.of(organization(name)));
        assertThat(inOrganizationImport.status()).as("%s", inOrganizationImport).isEqualTo(400);
        assertThat(inOrganizationImport.get("detail").stringValue()).contains("POST /v1/import");
        assertThat(orgsNamed(name)).isEmpty();
    }

    @Test
    void memberKeys_mayNeitherImportNorExportTheDeployment() {
        Fixtures.Org org = fx.org("docs");
        String name = unique("member");
        Http.Res imported = importDeployment(org.admin(), "", List.of(organization(name)));
        assertThat(imported.status()).as("%s", imported).isEqualTo(403);
        assertThat(imported.get("code").stringValue()).isEqualTo("service_key_required");
        Http.Res resumed = importDeployment(org.admin(), "org_id=" + org.id(), List.of(role("R", READ)));
        assertThat(resumed.status()).as("%s", resumed).isEqualTo(403);
        assertThat(org.admin().get("/v1/export").status()).isEqualTo(403);
        // nor reach another organization through it
        Fixtures.Org other = fx.org("docs");
        for (String query : List.of("", "org_id=" + other.id())) {
            List<String> lines = query.isEmpty() ? List.of(line("type", "organization", "org_id", other.id()),
                    role("R", READ)) : List.of(role("R", READ));
            Http.Res res = importDeployment(org.admin(), query, lines);
            assertThat(res.status()).as("%s", res).isEqualTo(403);
        }
        assertThat(orgsNamed(name)).isEmpty();
        assertThat(roleNames(org.id())).doesNotContain("R");
        assertThat(roleNames(other.id())).doesNotContain("R");
    }

    @Test
    void theDeploymentsExport_importsIntoNewOrganizations_withTheSameLines() {
        String a = unique("exp-a");
        String b = unique("exp-b");
        List<String> lines = new ArrayList<>(tenant(a));
        lines.addAll(tenant(b));
        lines.add(line("type", "group", "name", "Team"));
        lines.add(line("type", "group_member", "group", "Team", "user_id", b + "-u2"));
        Http.Res first = importDeployment(node.service(), "", lines);
        assertThat(first.status()).as("%s", first).isEqualTo(200);

        Http.Res export = node.service().get("/v1/export");
        assertThat(export.status()).as("%s", export).isEqualTo(200);
        assertThat(export.revision()).isGreaterThanOrEqualTo(first.revision());
        // this test's two organizations out of the deployment's
        List<String> ours = new ArrayList<>();
        boolean keep = false;
        for (String l : export.body().split("\n")) {
            JsonNode n = Json.readTree(l);
            if (n.get("type").stringValue().equals("organization")) {
                String name = n.get("name").stringValue();
                keep = name.equals(a) || name.equals(b);
                if (keep) {
                    ours.add(line("type", "organization", "name", name + "-copy", "model", "docs"));
                    continue;
                }
            }
            if (keep) {
                ours.add(l);
            }
        }
        Http.Res copy = importDeployment(node.service(), "", ours);
        assertThat(copy.status()).as("%s", copy).isEqualTo(200);

        for (String name : List.of(a, b)) {
            assertThat(withoutHeader(Bulk.export(node.service(), orgsNamed(name + "-copy").get(0))))
                    .isEqualTo(withoutHeader(Bulk.export(node.service(), orgsNamed(name).get(0))));
        }
    }

    /**
     * A member moved off a role taking grants keeps them stored, and the deployment's export carries them: its import
     * creates the organization anew with the same lines, the kept grants counting for nothing there either.
     */
    @Test
    void theDeploymentsExport_carriesGrantsKeptByAMemberMovedOff() {
        Bulk.registerModel(node, "grants");
        String name = unique("exp-kept");
        Http.Res first = importDeployment(node.service(), "", List.of(
                line("type", "organization", "name", name, "model", "grants"), role("Clerk", List.of("room.view")),
                member("kit", "Manager"), line("type", "grants", "user_id", "kit", "permissions", List.of("room.delete")),
                member("kit", "Clerk")));
        assertThat(first.status()).as("%s", first).isEqualTo(200);

        List<String> ours = Bulk.deploymentCopyOf(node.service(), name, name + "-copy", "grants");
        Http.Res copy = importDeployment(node.service(), "", ours);

        assertThat(copy.status()).as("%s", copy).isEqualTo(200);
        assertThat(copy.get("counts").get("grants").get("kept").longValue()).isEqualTo(1);
        long copyId = orgsNamed(name + "-copy").get(0);
        assertThat(withoutHeader(Bulk.export(node.service(), copyId)))
                .isEqualTo(withoutHeader(Bulk.export(node.service(), orgsNamed(name).get(0))));
        Http.Res check = node.service().post("/v1/orgs/" + copyId + "/check", Map.of("user_id", "kit",
                "permission", "room.delete", "min_revision", copy.revision()));
        assertThat(check.get("allowed").booleanValue()).as("%s", check).isFalse();
    }

    @Test
    void aNodeStoppingMidImport_answersWhereItStands_andResumingFromThereCreatesNoOrganizationTwice()
            throws Exception {
        try (TestNode stopping = TestNode.start()) {
            Bulk.registerDocsModel(stopping);
            Jdbi database = TestDatabase.jdbi(stopping.databaseUrl());
            String prefix = unique("stop");
            List<String> lines = new ArrayList<>();
            for (int o = 0; o < 120; o++) {
                lines.add(organization(prefix + "-" + o));
                lines.add(role("Reader", READ));
                for (int m = 0; m < 39; m++) {
                    lines.add(member("u" + m, "Reader"));
                }
            }
            byte[] body = Bulk.body(lines).getBytes(StandardCharsets.UTF_8);
            int half = body.length / 2;

            // Sent over a socket of its own, as a client streaming a file: the first half of the body, then — once
            // two chunks have committed and the node has begun to stop (as by SIGTERM: it is no longer ready) — the
            // rest, so that the stop lands while the import still reads, however quick the host. (The JDK's client
            // reads no answer before its whole body is sent.)
            List<JsonNode> answer = new ArrayList<>();
            CompletableFuture<Void> stopped;
            try (Socket socket = new Socket(InetAddress.getLoopbackAddress(),
                    URI.create(stopping.baseUrl()).getPort())) {
                socket.setSoTimeout(60_000);
                OutputStream out = socket.getOutputStream();
                out.write(("POST /v1/import?chunk_lines=400 HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer "
                        + TestNode.SERVICE_KEY + "\r\nContent-Type: application/x-ndjson\r\n"
                        + "Accept: application/x-ndjson\r\nTransfer-Encoding: chunked\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                sendChunk(out, body, 0, half);
                ChunkedLines read = new ChunkedLines(socket.getInputStream());
                assertThat(read.status()).isEqualTo(200);
                for (int i = 0; i < 2; i++) {
                    answer.add(Json.readTree(read.next()));
                }
                stopped = CompletableFuture.runAsync(() -> stopping.node().close());
                Await.until(Duration.ofSeconds(10), "the node stopping",
                        () -> stopping.service().get("/readyz").status() != 200);
                Thread.sleep(200);
                sendChunk(out, body, half, body.length - half);
                out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
                for (String line; (line = read.next()) != null; ) {
                    answer.add(Json.readTree(line));
                }
            }
            stopped.get(60, TimeUnit.SECONDS);

            JsonNode error = answer.get(answer.size() - 1).get("error");
            assertThat(error).as("the answer's last line: %s", answer).isNotNull();
            assertThat(error.get("status").intValue()).isEqualTo(503);
            assertThat(error.get("code").stringValue()).isEqualTo("node_stopping");
            long committed = error.get("committed_lines").longValue();
            assertThat(committed).as("%s", error).isLessThan(lines.size()).isGreaterThanOrEqualTo(800);
            assertThat(error.get("resume_from_line").longValue()).isEqualTo(committed + 1);
            // exactly what the database holds: the organizations and members of the lines up to committed_lines
            List<String> sent = lines.subList(0, (int) committed);
            long organizationLines = sent.stream().filter(l -> l.contains("\"organization\"")).count();
            long memberLines = sent.stream().filter(l -> l.contains("\"member\"")).count();
            assertThat(countIn(database, "organizations o", prefix)).isEqualTo(organizationLines);
            assertThat(countIn(database, "members m JOIN organizations o ON o.id = m.org_id", prefix))
                    .isEqualTo(memberLines);
            long resumeOrg = error.get("resume_org_id").longValue();
            assertThat(error.at("/progress/org_id").longValue()).isEqualTo(resumeOrg);

            stopping.restart();
            Http.Res resumed = stopping.service().raw("POST", "/v1/import?chunk_lines=400&from_line=" + (committed + 1)
                    + "&org_id=" + resumeOrg, Bulk.body(lines), "application/x-ndjson");
            assertThat(resumed.status()).as("%s", resumed).isEqualTo(200);
            assertThat(countIn(database, "organizations o", prefix)).as("no organization created twice")
                    .isEqualTo(120);
            assertThat(countIn(database, "members m JOIN organizations o ON o.id = m.org_id", prefix))
                    .isEqualTo(120 * 39);
            long names = database.withHandle(h -> h.createQuery("SELECT count(DISTINCT name) FROM organizations "
                    + "WHERE name LIKE :prefix").bind("prefix", prefix + "-%").mapTo(Long.class).one());
            assertThat(names).isEqualTo(120);
        }
    }

    /** Rows of {@code from} (aliasing the organizations {@code o}) in the organizations named with the prefix. */
    static long countIn(Jdbi database, String from, String prefix) {
        return database.withHandle(h -> h.createQuery("SELECT count(*) FROM " + from + " WHERE o.name LIKE :prefix")
                .bind("prefix", prefix + "-%").mapTo(Long.class).one());
    }

    /** Writes {@code length} bytes of {@code body} from {@code offset} as one chunk of a chunked request body. */
    static void sendChunk(OutputStream out, byte[] body, int offset, int length) throws IOException {
        out.write((Integer.toHexString(length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.write(body, offset, length);
        out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    /** The answer of an HTTP/1.1 exchange read off its socket: its status, then its chunked body line by line. */
    static final class ChunkedLines {

        private final InputStream in;
        private final int status;
        private final StringBuilder held = new StringBuilder();
        private boolean ended;

        ChunkedLines(InputStream in) throws IOException {
            this.in = in;
            String statusLine = headLine();
            status = Integer.parseInt(statusLine.split(" ")[1]);
            String header;
            boolean chunked = false;
            while (!(header = headLine()).isEmpty()) {
                chunked |= header.toLowerCase(Locale.ROOT).startsWith("transfer-encoding: chunked");
            }
            assertThat(chunked).as("a chunked answer").isTrue();
        }

        int status() {
            return status;
        }

        /** The next line of the body, or null once it has ended. */
        String next() throws IOException {
            while (held.indexOf("\n") < 0 && !ended) {
                int size = Integer.parseInt(headLine().split(";")[0].trim(), 16);
                if (size == 0) {
                    headLine();
                    ended = true;
                    break;
                }
                held.append(new String(in.readNBytes(size), StandardCharsets.UTF_8));
                headLine();
            }
            int end = held.indexOf("\n");
            if (end < 0) {
                String rest = held.toString();
                held.setLength(0);
                return rest.isBlank() ? null : rest;
            }
            String line = held.substring(0, end);
            held.delete(0, end + 1);
            return line;
        }

        private String headLine() throws IOException {
            StringBuilder line = new StringBuilder();
            for (int b; (b = in.read()) != '\n'; ) {
                if (b < 0) {
                    throw new IOException("the answer ended early: " + line);
                }
                if (b != '\r') {
                    line.append((char) b);
                }
            }
            return line.toString();
        }
    }

    static List<JsonNode> withoutHeader(List<JsonNode> lines) {
        assertThat(lines.get(0).get("type").stringValue()).isEqualTo("header");
        return lines.subList(1, lines.size());
    }

    static List<Long> orgsNamed(String name) {
        return db.withHandle(h -> h.createQuery("SELECT id FROM organizations WHERE name = :name ORDER BY id")
                .bind("name", name).mapTo(Long.class).list());
    }

    static List<String> roleNames(long orgId) {
        return db.withHandle(h -> h.createQuery("SELECT name FROM roles WHERE org_id = :org").bind("org", orgId)
                .mapTo(String.class).list());
    }

    static long rows(String table, long orgId) {
        return db.withHandle(h -> h.createQuery("SELECT count(*) FROM " + table + " WHERE org_id = :org")
                .bind("org", orgId).mapTo(Long.class).one());
    }
}
