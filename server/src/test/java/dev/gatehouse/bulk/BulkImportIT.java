package dev.gatehouse.bulk;

import dev.gatehouse.json.Json;
import dev.gatehouse.testing.Fixtures;
import dev.gatehouse.testing.Http;
import dev.gatehouse.testing.RawHttp;
import dev.gatehouse.testing.TestDatabase;
import dev.gatehouse.testing.TestNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import static dev.gatehouse.bulk.Bulk.assignment;
import static dev.gatehouse.bulk.Bulk.export;
import static dev.gatehouse.bulk.Bulk.importLines;
import static dev.gatehouse.bulk.Bulk.line;
import static dev.gatehouse.bulk.Bulk.member;
import static dev.gatehouse.bulk.Bulk.role;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code POST /v1/orgs/{org}/import} writes every kind of object through the rules of the caller's own requests,
 * answers with counts and the revision its writes reach (a consistency token), changes nothing — and records
 * nothing — when imported again, and commits chunk by chunk: a failing line rolls back its own chunk only and
 * names where to resume.
 */
class BulkImportIT {

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

    static final List<String> EVERYTHING = List.of(
            role("Editor", List.of("doc.read", "doc.write", "records.all")),
            line("type", "role", "name", "Guest", "permissions", List.of("doc.read"), "external", true,
                    "visibility", Map.of("user_field_ids", List.of("owner_id"), "unassigned", "require_assignment")),
            member("alice", "Editor"),
            line("type", "member", "user_id", "eve", "email", "eve@example.com", "external", true),
            line("type", "member", "user_id", "zed", "email", "zed@example.com", "role", "Editor",
                    "status", "deactivated"),
            line("type", "group", "name", "Team"),
            line("type", "group_member", "group", "Team", "user_id", "alice"),
            assignment("doc", "d1", "alice", "Editor"),
            assignment("room", "r1", "eve", "Guest"));

    @Test
    void import_writesEveryKind_answersCountsAndRevision_andTheEngineDecidesAtIt() {
        Fixtures.Org org = fx.org("docs");
        Http.Res res = importLines(node.service(), org.id(), "", EVERYTHING);

        assertThat(res.status()).as("%s", res).isEqualTo(200);
        assertThat(res.get("lines").longValue()).isEqualTo(9);
        assertThat(res.get("committed_lines").longValue()).isEqualTo(9);
        assertThat(res.get("chunks").intValue()).isEqualTo(1);
        assertThat(res.get("counts").get("role").get("created").longValue()).isEqualTo(2);
        assertThat(res.get("counts").get("member").get("created").longValue()).isEqualTo(3);
        assertThat(res.get("counts").get("group").get("created").longValue()).isEqualTo(1);
        assertThat(res.get("counts").get("group_member").get("created").longValue()).isEqualTo(1);
        assertThat(res.get("counts").get("assignment").get("created").longValue()).isEqualTo(2);
        long revision = res.get("revision").longValue();
        assertThat(res.revision()).isEqualTo(revision);

        Http.Res check = node.service().post(org.path() + "/check/batch", Map.of("checks", List.of(
                Map.of("user_id", "alice", "permission", "doc.write", "resource", Map.of("type", "doc", "id", "d1"),
                        "min_revision", revision),
                Map.of("user_id", "eve", "permission", "doc.read", "resource", Map.of("type", "room", "id", "r1")),
                Map.of("user_id", "eve", "permission", "doc.write", "resource", Map.of("type", "room", "id", "r1")),
                Map.of("user_id", "zed", "permission", "doc.read"))));
        assertThat(check.status()).as("%s", check).isEqualTo(200);
        assertThat(check.get("results")).extracting(r -> r.get("allowed").booleanValue())
                .containsExactly(true, true, false, false);
        assertThat(node.service().get(org.path() + "/members/zed").get("status").stringValue())
                .isEqualTo("deactivated");
    }

    /**
     * An import that commits nothing (a body of blank lines, or lines that change nothing) answers one consistency
     * token in its header and its body: the revision the node had applied, never a body {@code revision} of 0 beside
     * a header naming another, on the plain and the NDJSON answer alike.
     */
    @Test
    void anImportCommittingNothing_answersTheSameRevision_inItsHeaderAndItsBody() {
        Fixtures.Org org = fx.org("docs");
        for (Http as : List.of(node.service(), node.service().header("Accept", "application/x-ndjson"))) {
            Http.Res res = Bulk.importBody(as, org.id(), "", "\n  \n\n");
            assertThat(res.status()).as("%s", res).isEqualTo(200);
            boolean streamed = res.header("Content-Type").startsWith("application/x-ndjson");
            List<String> lines = List.of(res.body().strip().split("\n"));
            JsonNode body = streamed ? Json.readTree(lines.get(lines.size() - 1)).get("result") : res.json();
            for (String line : streamed ? lines : List.<String>of()) {
                JsonNode progress = Json.readTree(line).get("progress");
                if (progress != null) {
                    assertThat(progress.get("revision").longValue()).as(line).isEqualTo(res.revision());
                }
            }
            assertThat(body.get("chunks").intValue()).isZero();
            assertThat(res.revision()).as("%s", res).isPositive();
            assertThat(body.get("revision").longValue()).as("%s", res).isEqualTo(res.revision());
        }
    }

    /**
     * New assignments go into the table together (PostgreSQL's binary COPY): each row holds what was given — ids
     * in any script, quotes and backslashes, an end to the microsecond — and the time of the change that recorded it.
     */
    @Test
    void assignmentsWrittenTogether_holdWhatWasGiven() {
        Fixtures.Org org = fx.org("docs");
        List<String> ids = List.of("plain", "back\\slash", "quote\"d", "Zürich–Ω", "emoji 😀", "x".repeat(200));
        String ends = "2099-01-02T03:04:05.123456Z";
        List<String> lines = new java.util.ArrayList<>(List.of(role("Reader", READ), member("u1", "Reader")));
        for (String id : ids) {
            lines.add(id.equals("plain") ? assignment("doc", id, "u1", "Reader") : line("type", "assignment",
                    "resource", Map.of("type", "doc", "id", id), "user_id", "u1", "role", "Reader", "expires_at", ends));
        }
        Http.Res res = importLines(node.service(), org.id(), "", lines);
        assertThat(res.status()).as("%s", res).isEqualTo(200);
        String recorded = node.service().get(org.path() + "/events?limit=1").json().get("items").get(0)
                .get("occurred_at").stringValue();

        List<Map<String, Object>> rows = db.withHandle(h -> h.createQuery("SELECT resource_id, "
                        + "to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.USZ') AS created, "
                        + "created_at = updated_at AS same, "
                        + "to_char(expires_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.USZ') AS ends "
                        + "FROM assignments WHERE org_id = :org").bind("org", org.id()).mapToMap().list());
        assertThat(rows).extracting(r -> r.get("resource_id")).containsExactlyInAnyOrderElementsOf(ids);
        for (Map<String, Object> row : rows) {
            assertThat(java.time.Instant.parse((String) row.get("created"))).as("%s", row)
                    .isEqualTo(java.time.Instant.parse(recorded));
            assertThat(row.get("same")).as("%s", row).isEqualTo(true);
            assertThat(row.get("ends")).as("%s", row).isEqualTo(row.get("resource_id").equals("plain") ? null : ends);
        }
    }

    @Test
    void importingTheSameLinesAgain_changesNothing_andRecordsNothing() {
        Fixtures.Org org = fx.org("docs");
        assertThat(importLines(node.service(), org.id(), "", EVERYTHING).status()).isEqualTo(200);
        long rows = changeLogRows();

        Http.Res again = importLines(node.service(), org.id(), "", EVERYTHING);

        assertThat(again.status()).as("%s", again).isEqualTo(200);
        for (String kind : List.of("role", "member", "group", "group_member", "assignment")) {
            assertThat(again.get("counts").get(kind).get("created").longValue()).as(kind).isZero();
            assertThat(again.get("counts").get(kind).get("updated").longValue()).as(kind).isZero();
        }
        assertThat(again.get("counts").get("assignment").get("unchanged").longValue()).isEqualTo(2);
        assertThat(changeLogRows()).isEqualTo(rows);
    }

    /**
     * An import's role and group lines take names as the API does: one equal to a stored name, or to an earlier line's,
     * by Unicode's full case folding ({@code STRASSE} is {@code Straße}, {@code οδος} is {@code ΟΔΟΣ}) though not by
     * lower(), is refused at its line as a name taken, with nothing of its chunk written.
     */
    @Test
    void namesEqualByFullCaseFolding_areTaken_storedOrInTheSameChunk() {
        Fixtures.Org org = fx.org("docs");
        assertThat(importLines(node.service(), org.id(), "", List.of(role("Stra\u00dfe", READ),
                line("type", "group", "name", "\u039f\u0394\u039f\u03a3"))).status()).isEqualTo(200);
        Map<List<String>, String> refused = Map.of(
                List.of(role("Viewer", READ), role("STRASSE", READ)), "role_name_taken",
                List.of(role("Viewer", READ), role("Gro\u00df", READ), role("GROSS", READ)), "role_name_taken",
                List.of(role("Viewer", READ), line("type", "group", "name", "\u03bf\u03b4\u03bf\u03c2")),
                "group_name_taken");
        refused.forEach((lines, code) -> {
            Http.Res res = importLines(node.service(), org.id(), "", lines);
            assertThat(res.status()).as("%s", res).isEqualTo(409);
            assertThat(res.get("code").stringValue()).as("%s", res).isEqualTo(code);
            assertThat(res.get("line").longValue()).as("%s", res).isEqualTo(lines.size());
        });
        // a holder an earlier line of the refused chunk created is named by that line: its id is rolled back
        Map<List<String>, String> createdByTheChunk = Map.of(
                List.of(role("Gro\u00df", READ), role("GROSS", READ)), "role_name_taken",
                List.of(role("Gro\u00df", READ), line("type", "group", "name", "Spare"), role("GROSS", READ)),
                "role_name_taken",
                List.of(line("type", "group", "name", "Gro\u00df"), line("type", "group", "name", "GROSS")),
                "group_name_taken");
        createdByTheChunk.forEach((lines, code) -> {
            Http.Res res = importLines(node.service(), org.id(), "", lines);
            assertThat(res.status()).as("%s", res).isEqualTo(409);
            assertThat(res.get("code").stringValue()).as("%s", res).isEqualTo(code);
            assertThat(res.get("detail").stringValue()).as("%s", res).contains("(created by line 1 of this import)")
                    .doesNotContain("(id ");
        });
        JsonNode roles = node.service().get(org.path() + "/roles").json().get("items");
        assertThat(roles).extracting(r -> r.get("name").stringValue()).contains("Stra\u00dfe")
                .doesNotContain("Viewer", "STRASSE", "Gro\u00df", "GROSS");
    }

    /**
     * An organization's export imported back into it finds each role and group a line names as stored: of two names
     * stored before names were composed, which lower() tells apart ({@code Résumé} and {@code Re} U+0301 {@code sume}
     * U+0301), each line is about its own role, never the other's (whose permissions it once overwrote). A line naming
     * both, neither as stored, is refused naming them, even when {@code lower()} calls one of them equal to it.
     */
    @Test
    void reimportingAnExport_findsEachRoleAsStored_amongNamesStoredBeforeTheyWereComposed() {
        Fixtures.Org org = fx.org("docs");
        assertThat(importLines(node.service(), org.id(), "", List.of(role("R\u00e9sum\u00e9", READ),
                role("Legacy", List.of("doc.read", "doc.write", "records.all")),
                line("type", "group", "name", "Caf\u00e9"), line("type", "group", "name", "Legacy group"))).status())
                .isEqualTo(200);
        db.useHandle(h -> {
            h.execute("UPDATE roles SET name = 'Re\u0301sume\u0301', name_key = NULL WHERE org_id = ? AND name = "
                    + "'Legacy'", org.id());
            h.execute("UPDATE groups SET name = 'Cafe\u0301', name_key = NULL WHERE org_id = ? AND name = "
                    + "'Legacy group'", org.id());
        });
        Map<String, JsonNode> before = rolesByName(org);
        List<String> exported = export(node.service(), org.id()).stream().map(JsonNode::toString).toList();

        Http.Res again = importLines(node.service(), org.id(), "", exported);

        assertThat(again.status()).as("%s", again).isEqualTo(200);
        assertThat(again.get("counts").get("role").get("updated").longValue()).as("%s", again).isZero();
        assertThat(again.get("counts").get("role").get("created").longValue()).as("%s", again).isZero();
        assertThat(again.get("counts").get("group").get("created").longValue()).as("%s", again).isZero();
        assertThat(rolesByName(org)).isEqualTo(before);

        Http.Res ambiguous = importLines(node.service(), org.id(), "", List.of(role("re\u0301sume\u0301", READ)));
        assertThat(ambiguous.status()).as("%s", ambiguous).isEqualTo(400);
        assertThat(ambiguous.get("code").stringValue()).isEqualTo("ambiguous_reference");
        assertThat(ambiguous.get("detail").stringValue()).contains("(id " + before.get("R\u00e9sum\u00e9")
                .get("id").longValue() + ")", "(id " + before.get("Re\u0301sume\u0301").get("id").longValue() + ")");
        // the one lower() calls equal is not taken alone: the other is the same name composed
        for (String reference : List.of(member("res", "r\u00c9sum\u00c9"), member("ref", "re\u0301sume\u0301"))) {
            Http.Res res = importLines(node.service(), org.id(), "", List.of(reference));
            assertThat(res.status()).as("%s", res).isEqualTo(400);
            assertThat(res.get("code").stringValue()).isEqualTo("ambiguous_reference");
        }
        assertThat(rolesByName(org)).isEqualTo(before);
    }

    /**
     * A name the two rules of sameness tell two objects by ({@code İstanbul} is {@code istanbul} to {@code lower()},
     * {@code i} U+0307 {@code stanbul} by its key, both stored beside each other) names both: a role or group line
     * and a reference by it are refused naming the two, upserts and deletes alike, rather than taken for the one
     * {@code lower()} finds (a delete line once deleted {@code istanbul}).
     */
    @Test
    void aNameTheTwoRulesOfSamenessTellTwoObjectsBy_isAmbiguous_andWritesNothing() {
        Fixtures.Org org = fx.org("docs");
        assertThat(importLines(node.service(), org.id(), "", List.of(role("i\u0307stanbul", READ),
                role("istanbul", List.of("doc.read", "doc.write", "records.all")),
                line("type", "group", "name", "i\u0307stanbul"), line("type", "group", "name", "istanbul"),
                member("alice", "istanbul"))).status()).isEqualTo(200);
        Map<String, JsonNode> before = rolesByName(org);
        long dotted = before.get("i\u0307stanbul").get("id").longValue();
        long plain = before.get("istanbul").get("id").longValue();
        String groupsBefore = node.service().get(org.path() + "/groups").json().toString();

        for (String line : List.of(role("\u0130stanbul", READ),
                line("type", "role", "name", "\u0130stanbul", "op", "delete"),
                member("bob", "\u0130stanbul"), assignment("doc", "d1", "alice", "\u0130stanbul"))) {
            Http.Res res = importLines(node.service(), org.id(), "", List.of(line));
            assertThat(res.status()).as("%s: %s", line, res).isEqualTo(400);
            assertThat(res.get("code").stringValue()).as("%s", res).isEqualTo("ambiguous_reference");
            assertThat(res.get("detail").stringValue()).as("%s", res)
                    .contains("(id " + dotted + ")", "(id " + plain + ")", "the same ignoring case and composition")
                    .doesNotContain("trimmed");
        }
        for (String line : List.of(line("type", "group", "name", "\u0130stanbul"),
                line("type", "group", "name", "\u0130stanbul", "op", "delete"),
                line("type", "group_member", "group", "\u0130stanbul", "user_id", "alice"))) {
            Http.Res res = importLines(node.service(), org.id(), "", List.of(line));
            assertThat(res.status()).as("%s: %s", line, res).isEqualTo(400);
            assertThat(res.get("code").stringValue()).as("%s", res).isEqualTo("ambiguous_reference");
            assertThat(res.get("detail").stringValue()).as("%s", res).contains("names two groups");
        }
        assertThat(rolesByName(org)).isEqualTo(before);
        assertThat(node.service().get(org.path() + "/groups").json().toString()).isEqualTo(groupsBefore);
    }

    /**
     * An import names roles and groups, it does not rename them: a line finding one by a name the same ignoring case
     * but for its case ({@code straße} for the stored {@code Straße}, {@code SALES} for {@code Sales}) writes its
     * values to it, and it keeps its stored name, a role as a group.
     */
    @Test
    void aLineFindingARoleOrGroupByItsNameInAnotherCase_keepsTheStoredName() {
        Fixtures.Org org = fx.org("docs");
        assertThat(importLines(node.service(), org.id(), "", List.of(role("Stra\u00dfe", READ),
                line("type", "group", "name", "Sales"))).status()).isEqualTo(200);

        Http.Res res = importLines(node.service(), org.id(), "", List.of(
                role("stra\u00dfe", List.of("doc.read", "doc.write", "records.all")),
                line("type", "group", "name", "SALES")));

        assertThat(res.status()).as("%s", res).isEqualTo(200);
        assertThat(res.get("counts").get("role").get("updated").longValue()).as("%s", res).isEqualTo(1);
        assertThat(res.get("counts").get("group").get("unchanged").longValue()).as("%s", res).isEqualTo(1);
        JsonNode role = rolesByName(org).get("Stra\u00dfe");
        assertThat(role).as("%s", rolesByName(org).keySet()).isNotNull();
        assertThat(role.get("permissions")).extracting(JsonNode::stringValue).contains("doc.write");
        assertThat(rolesByName(org)).doesNotContainKey("stra\u00dfe");
        assertThat(node.service().get(org.path() + "/groups").json().get("items"))
                .extracting(g -> g.get("name").stringValue()).containsExactly("Sales");
    }

    /** The organization's roles by name, as the API lists them. */
    private static Map<String, JsonNode> rolesByName(Fixtures.Org org) {
        Map<String, JsonNode> roles = new TreeMap<>();
        node.service().get(org.path() + "/roles").json().get("items").forEach(r -> roles.put(r.get("name")
                .stringValue(), r));
        return roles;
    }

    @Test
    void upsertsAndDeletes_changeWhatDiffers() {
        Fixtures.Org org = fx.org("docs");
        assertThat(importLines(node.service(), org.id(), "", EVERYTHING).status()).isEqualTo(200);

        Http.Res res = importLines(node.service(), org.id(), "", List.of(
                role("Viewer", List.of("doc.read", "records.all")),
                role("Editor", List.of("doc.read", "doc.write", "doc.delete", "records.all")),
                assignment("doc", "d1", "alice", "Viewer"),
                line("type", "assignment", "op", "delete", "resource", Map.of("type", "room", "id", "r1"),
                        "user_id", "eve"),
                line("type", "group_member", "op", "delete", "group", "Team", "user_id", "alice"),
                line("type", "member", "op", "delete", "user_id", "zed"),
                line("type", "group", "op", "delete", "name", "Team")));

        assertThat(res.status()).as("%s", res).isEqualTo(200);
        assertThat(res.get("counts").get("role").get("created").longValue()).isEqualTo(1);
        assertThat(res.get("counts").get("role").get("updated").longValue()).isEqualTo(1);
        assertThat(res.get("counts").get("assignment").get("updated").longValue()).isEqualTo(1);
        assertThat(res.get("counts").get("assignment").get("deleted").longValue()).isEqualTo(1);
        assertThat(res.get("counts").get("group_member").get("deleted").longValue()).isEqualTo(1);
        assertThat(res.get("counts").get("member").get("deleted").longValue()).isEqualTo(1);
        assertThat(res.get("counts").get("group").get("deleted").longValue()).isEqualTo(1);
        Http.Res check = node.service().post(org.path() + "/check", Map.of("user_id", "alice",
                "permission", "doc.write", "resource", Map.of("type", "doc", "id", "d1"),
                "min_revision", res.revision()));
        assertThat(check.get("allowed").booleanValue()).as("alice holds Viewer on d1 now").isFalse();
        assertThat(node.service().get(org.path() + "/members/zed").status()).isEqualTo(404);
    }

    /**
     * A line creating or updating a role or group takes its name trimmed of spaces of every kind; a line naming one
     * (a role or group reference, a deletion) finds it by that same name, a no-break or em space at an end included.
     */
    @Test
    void aNameEndingInAnotherKindOfSpace_namesTheSameRoleOrGroup_inReferencesAndDeletions() {
        Fixtures.Org org = fx.org("docs");
        assertThat(importLines(node.service(), org.id(), "", EVERYTHING).status()).isEqualTo(200);

        Http.Res res = importLines(node.service(), org.id(), "", List.of(
                role("Viewer", List.of("doc.read", "records.all")),
                role("Spare", List.of("doc.read", "records.all")),
                member("bob", "Viewer\u00a0"),
                assignment("doc", "d2", "bob", "\u2003Editor"),
                line("type", "group_member", "group", "Team\u00a0", "user_id", "bob"),
                line("type", "group_member", "op", "delete", "group", "Team\u2003", "user_id", "alice"),
                line("type", "group", "op", "delete", "name", "\u00a0Team"),
                line("type", "role", "op", "delete", "name", "Spare\u202f")));

        assertThat(res.status()).as("%s", res).isEqualTo(200);
        assertThat(res.get("counts").get("group_member").get("created").longValue()).isEqualTo(1);
        assertThat(res.get("counts").get("group_member").get("deleted").longValue()).isEqualTo(1);
        assertThat(res.get("counts").get("group").get("deleted").longValue()).isEqualTo(1);
        assertThat(res.get("counts").get("role").get("deleted").longValue()).isEqualTo(1);
        assertThat(node.service().get(org.path() + "/groups").get("items")).isEmpty();
        assertThat(node.service().get(org.path() + "/roles").get("items").valueStream()
                .map(r -> r.get("name").stringValue())).contains("Viewer").doesNotContain("Spare");
        Http.Res bob = node.service().get(org.path() + "/members/bob");
        assertThat(bob.get("status").stringValue()).as("%s", bob).isEqualTo("active");
    }

    @Test
    void aFailingLine_rollsBackItsChunkOnly_namesTheLine_andTheImportResumesFromTheChunk() {
        Fixtures.Org org = fx.org("docs");
        List<String> lines = List.of(
                role("A", READ),
                role("B", READ),
                member("m1", "A"),
                assignment("doc", "d1", "m1", "Missing"),
                member("m2", "B"));

        Http.Res failed = importLines(node.service(), org.id(), "chunk_lines=2", lines);

        assertThat(failed.status()).as("%s", failed).isEqualTo(400);
        assertThat(failed.get("code").stringValue()).isEqualTo("unknown_reference");
        assertThat(failed.get("detail").stringValue()).startsWith("line 4: ").contains("\"Missing\"");
        assertThat(failed.get("line").longValue()).isEqualTo(4);
        assertThat(failed.get("committed_lines").longValue()).isEqualTo(2);
        assertThat(failed.get("resume_from_line").longValue()).isEqualTo(3);
        assertThat(roleNames(org)).contains("A", "B");
        assertThat(node.service().get(org.path() + "/members/m1").status()).as("line 3 was rolled back").isEqualTo(404);

        List<String> fixed = List.of(lines.get(0), lines.get(1), lines.get(2), assignment("doc", "d1", "m1", "B"),
                lines.get(4));
        Http.Res resumed = importLines(node.service(), org.id(), "chunk_lines=2&from_line=3", fixed);

        assertThat(resumed.status()).as("%s", resumed).isEqualTo(200);
        assertThat(resumed.get("skipped_lines").longValue()).isEqualTo(2);
        assertThat(resumed.get("counts").get("member").get("created").longValue()).isEqualTo(2);
        assertThat(resumed.get("counts").get("assignment").get("created").longValue()).isEqualTo(1);
    }

    @Test
    void progress_streamsOneLinePerChunk_thenTheResult() {
        Fixtures.Org org = fx.org("docs");
        Http.Res res = Bulk.importBody(node.service().header("Accept", "application/x-ndjson"), org.id(),
                "chunk_lines=1", Bulk.body(List.of(role("P1", READ), role("P2", READ), role("P3", READ))));

        assertThat(res.status()).isEqualTo(200);
        assertThat(res.header("Content-Type")).startsWith("application/x-ndjson");
        List<String> lines = List.of(res.body().split("\n"));
        assertThat(lines).hasSize(4);
        for (int i = 0; i < 3; i++) {
            assertThat(Json.readTree(lines.get(i)).get("progress").get("committed_lines").longValue()).isEqualTo(i + 1);
        }
        assertThat(Json.readTree(lines.get(3)).get("result").get("counts").get("role")
                .get("created").longValue()).isEqualTo(3);
    }

    /**
     * Progress reaches the client while the body is still on its way, chunk by chunk: the answer starts with the first
     * committed chunk, not when the upload ends (the web framework's output stream held the lines back).
     */
    @Test
    void progress_reachesTheClient_whileTheBodyIsStillOnItsWay() {
        Fixtures.Org org = fx.org("docs");
        try (RawHttp http = RawHttp.connect(node.node().port())) {
            http.send("POST " + org.path() + "/import?chunk_lines=1 HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: "
                    + "Bearer " + TestNode.SERVICE_KEY + "\r\nContent-Type: application/x-ndjson\r\nAccept: "
                    + "application/x-ndjson\r\nTransfer-Encoding: chunked\r\n\r\n");
            // two lines: the first chunk is known to be whole once the next line begins
            String first = role("Early", READ) + "\n" + role("Later", READ) + "\n";
            http.send(Integer.toHexString(first.length()) + "\r\n" + first + "\r\n");
            RawHttp.Response started = http.read(Duration.ofSeconds(20)); // the head; the body is still open
            assertThat(started.status()).isEqualTo(200);
            assertThat(started.header("Content-Type")).startsWith("application/x-ndjson");
            http.send("0\r\n\r\n");
        }
    }

    static long changeLogRows() {
        return db.withHandle(h -> h.createQuery("SELECT count(*) FROM change_log").mapTo(Long.class).one());
    }

    @Test
    void theDatabaseFullWhileAChunkIsWritten_endsTheImportWithARetryable503_andWhereItStands() {
        Fixtures.Org org = fx.org("docs");
        try (RoleTrigger full = RoleTrigger.raising("disk_full")) {
            Http.Res res = importLines(node.service(), org.id(), "chunk_lines=2", List.of(
                    role("First", READ), role("Second", READ), role("Third", READ), role(full.name(), READ)));

            assertThat(res.status()).as("%s", res).isEqualTo(503);
            assertThat(res.get("code").stringValue()).isEqualTo("database_full");
            assertThat(res.header("Retry-After")).as("when to retry, as every 503 says").isEqualTo("10");
            assertThat(res.get("line").longValue()).isEqualTo(3);
            assertThat(res.get("committed_lines").longValue()).isEqualTo(2);
            assertThat(res.get("resume_from_line").longValue()).isEqualTo(3);
            assertThat(roleNames(org)).contains("First", "Second").doesNotContain("Third");
        }
    }

    @Test
    void anUnexpectedFailureWhileAChunkIsWritten_isA500ThatStillSaysWhereTheImportStands() {
        Fixtures.Org org = fx.org("docs");
        try (RoleTrigger broken = RoleTrigger.raising("internal_error")) {
            Http.Res res = importLines(node.service(), org.id(), "chunk_lines=2", List.of(
                    role("First", READ), role("Second", READ), role(broken.name(), READ)));

            assertThat(res.status()).as("%s", res).isEqualTo(500);
            assertThat(res.get("code").stringValue()).isEqualTo("internal_error");
            assertThat(res.get("detail").stringValue()).contains("error id");
            assertThat(res.get("line").longValue()).isEqualTo(3);
            assertThat(res.get("committed_lines").longValue()).isEqualTo(2);
            assertThat(res.get("resume_from_line").longValue()).isEqualTo(3);
        }
    }

    /**
     * A trigger failing the insert of a role of one name with a PostgreSQL error ({@code condition}: its name, e.g.
     * {@code disk_full}) the way the database itself raises it; dropped on close.
     */
    record RoleTrigger(String name) implements AutoCloseable {

        static RoleTrigger raising(String condition) {
            String name = "Fails with " + condition;
            db.useHandle(h -> {
                h.execute("CREATE OR REPLACE FUNCTION test_fail_role() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                        + "IF NEW.name = '" + name + "' THEN RAISE EXCEPTION 'simulated' USING ERRCODE = '"
                        + condition + "'; END IF; RETURN NEW; END $$");
                h.execute("CREATE TRIGGER test_fail_role BEFORE INSERT ON roles FOR EACH ROW "
                        + "EXECUTE FUNCTION test_fail_role()");
            });
            return new RoleTrigger(name);
        }

        @Override
        public void close() {
            db.useHandle(h -> {
                h.execute("DROP TRIGGER test_fail_role ON roles");
                h.execute("DROP FUNCTION test_fail_role()");
            });
        }
    }

    /**
     * A Rooms refusal at a line names the members, rooms and roles earlier lines of its chunk added as the lines name
     * them — the user id, the room's id in the lines, the role's name — and says which line added each: the chunk is
     * rolled back with the refusal, so the ids they had in it name nothing. Before, it named them by those ids
     * ({@code room 8}, {@code user 165065}, {@code role 8}), none of which the lines or the organization know.
     */
    @Test
    void roomsRefusals_nameWhatTheirChunkAddedByItsLines_notByIdsRolledBack() {
        List<String> start = List.of(
                role("Own", List.of("canDeleteOwnedRooms", "canManageInvitedUserRoomAccess", "canCreateRooms")),
                line("type", "member", "user_id", "u-bob", "email", "bob@x.test", "role", "Own"),
                line("type", "member", "user_id", "u-dan", "email", "dan@x.test", "role", "Own"),
                line("type", "room", "id", 912, "name", "Harbour", "status", "active", "owners", List.of("u-bob")));

        Fixtures.Org owned = fx.org("rooms");
        List<String> ending = new ArrayList<>(start);
        ending.add(line("type", "assignment", "resource", Map.of("type", "room", "id", "912"), "user_id", "u-bob",
                "role", "Own", "expires_at", "2099-01-01T00:00:00Z"));
        Http.Res owner = importLines(node.service(), owned.id(), "", ending);
        assertThat(owner.status()).as("%s", owner).isEqualTo(409);
        assertThat(owner.get("code").stringValue()).isEqualTo("room_owner");
        assertThat(owner.get("detail").stringValue()).as("%s", owner)
                .startsWith("line 5: assigning a role on room 912 with an end would take away the access of user "
                        + "\"u-bob\" to room 912, which it owns")
                .endsWith("(room 912: created by line 4 of this import; user \"u-bob\": added by line 2 of this "
                        + "import)")
                .doesNotContainPattern("(user|role) \\d");

        Fixtures.Org held = fx.org("rooms");
        List<String> revoking = new ArrayList<>(start);
        revoking.add(assignment("room", "912", "u-dan", "Own"));
        revoking.add(line("type", "room_user", "room_id", 912, "user_id", "u-dan", "revoked_role", "Own",
                "revoked_at", "2026-01-01T00:00:00Z"));
        Http.Res revoked = importLines(node.service(), held.id(), "", revoking);
        assertThat(revoked.status()).as("%s", revoked).isEqualTo(409);
        assertThat(revoked.get("code").stringValue()).isEqualTo("room_role_held");
        assertThat(revoked.get("detail").stringValue()).as("%s", revoked)
                .startsWith("line 6: revoking user \"u-dan\"'s access to room 912 (its role \"Own\" remembered)")
                .contains("(user \"u-dan\": added by line 3 of this import; room 912: created by line 4 of this "
                        + "import; role \"Own\": created by line 1 of this import)")
                .doesNotContainPattern("(user|role) \\d");
    }

    static List<String> roleNames(Fixtures.Org org) {
        return db.withHandle(h -> h.createQuery("SELECT name FROM roles WHERE org_id = :org").bind("org", org.id())
                .mapTo(String.class).list());
    }
}
