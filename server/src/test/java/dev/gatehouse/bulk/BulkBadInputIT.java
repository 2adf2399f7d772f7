package dev.gatehouse.bulk;

import dev.gatehouse.json.Json;
import dev.gatehouse.testing.Fixtures;
import dev.gatehouse.testing.Http;
import dev.gatehouse.testing.TestNode;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;

import static dev.gatehouse.bulk.Bulk.importBody;
import static dev.gatehouse.bulk.Bulk.line;
import static dev.gatehouse.bulk.Bulk.role;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Bad input to an import: each case's body starts with a valid line and breaks at line 2, in the first chunk, so
 * the answer must be a 4xx naming line 2 with the line's own code, and the organization must be unchanged
 * (the chunk, line 1 included, rolled back).
 */
class BulkBadInputIT {

    static TestNode node;
    static Fixtures fx;
    static final String FIRST = role("Fine", List.of("doc.read", "records.all"));

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

    static Stream<Arguments> badLines() {
        return Stream.of(
                Arguments.of("malformed JSON", FIRST + "\n{\"type\": \"role\", \"name\": \n", "invalid_json"),
                Arguments.of("not an object", FIRST + "\n[1, 2]\n", "invalid_json"),
                // names follow the name rule: no invisible character but where a person writes one, not blank
                Arguments.of("a role named with a word joiner after the name of line 1", FIRST + "\n"
                        + role("Fine\u2060", List.of("doc.read", "records.all")) + "\n", "invalid_input"),
                Arguments.of("a role named with a zero-width space inside", FIRST + "\n"
                        + role("Fi\u200bne", List.of("doc.read", "records.all")) + "\n", "invalid_input"),
                Arguments.of("a role named by a no-break space", FIRST + "\n"
                        + role("\u00a0", List.of("doc.read", "records.all")) + "\n", "invalid_input"),
                Arguments.of("a group named by a zero-width space", FIRST + "\n" + line("type", "group", "name",
                        "\u200b") + "\n", "invalid_input"),
                Arguments.of("a member whose first name is a Hangul filler", FIRST + "\n" + line("type", "member",
                        "user_id", "u9", "email", "u9@example.com", "role", "Fine", "first_name", "\u3164") + "\n",
                        "invalid_input"),
                Arguments.of("unknown field", FIRST + "\n" + line("type", "role", "name", "X", "permissions",
                        List.of("doc.read", "records.all"), "colour", "red") + "\n", "invalid_input"),
                Arguments.of("unknown type", FIRST + "\n" + line("type", "planet", "name", "X") + "\n", "invalid_input"),
                Arguments.of("unknown op", FIRST + "\n" + line("type", "role", "op", "merge", "name", "X") + "\n",
                        "invalid_input"),
                Arguments.of("missing role reference", FIRST + "\n" + Bulk.member("u1", "Nope") + "\n",
                        "unknown_reference"),
                Arguments.of("a parent for a type without a parent type", FIRST + "\n" + line("type", "resource",
                        "resource", Map.of("type", "doc", "id", "d1"), "parent", Map.of("type", "doc", "id", "d0"))
                        + "\n", "invalid_input"),
                Arguments.of("a resource line without its resource", FIRST + "\n" + line("type", "resource",
                        "parent", Map.of("type", "doc", "id", "d0")) + "\n", "invalid_input"),
                Arguments.of("missing member reference", FIRST + "\n" + Bulk.assignment("doc", "d1", "nobody",
                        "Fine") + "\n", "unknown_reference"),
                Arguments.of("body stops mid-line", FIRST + "\n{\"type\": \"role\", \"name\": \"Cut", "truncated_line"),
                Arguments.of("body stops mid-line, inside a name", FIRST + "\n{\"type\": \"ro", "truncated_line"),
                // a last line sent without its line feed is whole: what is wrong with it is told as on any line
                Arguments.of("a last line without its line feed, with a brace too many", FIRST
                        + "\n{\"type\": \"group\", \"name\": \"x\"}}", "invalid_json"),
                Arguments.of("a last line without its line feed, with a name twice", FIRST
                        + "\n{\"type\": \"group\", \"name\": \"x\", \"name\": \"y\"}", "invalid_json"),
                Arguments.of("a last line without its line feed, without a colon", FIRST
                        + "\n{\"type\" \"group\"}", "invalid_json"),
                Arguments.of("a last line without its line feed, with an unpaired surrogate", FIRST
                        + "\n{\"type\": \"group\", \"name\": \"\\ud800\"}", "invalid_text"),
                Arguments.of("control character", FIRST + "\n{\"type\": \"role\", \"name\": \"A\\u0000B\", "
                        + "\"permissions\": []}\n", "invalid_text"),
                Arguments.of("a header whose org_id is not an id", FIRST + "\n" + line("type", "header", "model",
                        "docs", "org_id", "x") + "\n", "invalid_input"),
                Arguments.of("a header whose revision is not a number", FIRST + "\n" + line("type", "header",
                        "model", "docs", "revision", List.of(1)) + "\n", "invalid_input"),
                Arguments.of("a header whose exported_at is not a date-time", FIRST + "\n" + line("type", "header",
                        "model", "docs", "exported_at", "yesterday") + "\n", "invalid_input"),
                Arguments.of("line too long", FIRST + "\n" + line("type", "role", "name", "X", "description",
                        "x".repeat(1 << 20)) + "\n", "line_too_long"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badLines")
    void aBadLine_isA400NamingIt_andChangesNothing(String name, String body, String code) {
        check(body, code, 2);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("laterLines")
    void aBadLineFurtherOn_isNamedToo(String name, String body, String code, int line) {
        check(body, code, line);
    }

    /**
     * A line failing when written (a role that resolves to nothing) before a line failing when parsed (an unknown
     * field, a refused resource id) is the failure reported — the first in the file's order, however far the parsing
     * ran ahead of the writing —, with the chunks before its chunk committed and its own rolled back, as the answer
     * says: resuming from {@code resume_from_line} meets it again. Before, the later line's parse failure was
     * reported, the earlier line never written. A small import writes its chunks on the calling thread, a long one
     * (its body here led by blank lines) on a writer of its own.
     */
    @Test
    void aLineFailingWhenWritten_isReportedBeforeALaterLineFailingWhenParsed() {
        String unknownField = line("type", "group", "name", "X", "colour", "red");
        String refusedId = Bulk.assignment("doc", "a/../b", "u1", "Fine");
        for (int blank : List.of(0, 270_000)) {
            for (String parsedBadly : List.of(unknownField, refusedId)) {
                for (String query : List.of("", "chunk_lines=2")) {
                    Fixtures.Org org = fx.org("docs");
                    String body = "\n".repeat(blank) + String.join("\n", FIRST, line("type", "group", "name", "Kept"),
                            line("type", "group", "name", "Rolled back"), Bulk.member("u1", "Nope"), parsedBadly)
                            + "\n";
                    failsAtTheUnknownRole(org, query, body, blank);
                }
            }
        }
    }

    private static void failsAtTheUnknownRole(Fixtures.Org org, String query, String body, int blank) {
        Http.Res res = importBody(node.service(), org.id(), query, body);
        assertThat(res.status()).as("%s %s: %s", blank, query, res).isEqualTo(400);
        assertThat(res.get("code").stringValue()).isEqualTo("unknown_reference");
        assertThat(res.get("line").longValue()).isEqualTo(blank + 4);
        long committed = query.isEmpty() ? 0 : blank + 2;
        assertThat(res.get("committed_lines").longValue()).isEqualTo(committed);
        String groups = node.service().get(org.path() + "/groups").body();
        assertThat(groups).doesNotContain("Rolled back");
        assertThat(groups.contains("\"Kept\"")).as("%s %s", groups, query).isEqualTo(committed > 0);

        Http.Res resumed = importBody(node.service(), org.id(), "from_line=" + (committed + 1)
                + (query.isEmpty() ? "" : "&" + query), body);
        assertThat(resumed.get("line").longValue()).as("%s", resumed).isEqualTo(blank + 4);
    }

    static Stream<Arguments> laterLines() {
        return Stream.of(
                Arguments.of("unknown resource type", FIRST + "\n" + Bulk.member("u1", "Fine") + "\n"
                        + Bulk.assignment("planet", "p1", "u1", "Fine") + "\n", "unknown_resource_type", 3),
                Arguments.of("an assignment breaking a rule among good ones", FIRST + "\n" + Bulk.member("u1", "Fine")
                        + "\n" + line("type", "member", "user_id", "g1", "email", "g1@example.com", "external", true)
                        + "\n" + Bulk.assignment("doc", "d1", "u1", "Fine") + "\n"
                        + Bulk.assignment("doc", "d2", "g1", "Fine") + "\n"
                        + Bulk.assignment("doc", "d3", "u1", "Fine") + "\n", "invalid_input", 5),
                Arguments.of("an end that is not a date-time", FIRST + "\n" + Bulk.member("u1", "Fine") + "\n"
                        + line("type", "assignment", "resource", Map.of("type", "doc", "id", "d1"), "user_id", "u1",
                        "role", "Fine", "expires_at", "tomorrow") + "\n", "invalid_input", 3),
                Arguments.of("an existing member invited again", FIRST + "\n" + Bulk.member("u1", "Fine") + "\n"
                        + line("type", "member", "user_id", "u1", "email", "u1@example.com", "role", "Fine",
                        "status", "invited") + "\n", "invalid_input", 3));
    }

    /**
     * An assignment line refused for its role is refused on the field naming it as the line does: {@code role} for a
     * role named by name (it said {@code role_id}, which the line did not carry), {@code role_id} for one by id.
     */
    @Test
    void anAssignmentLineRefusedForItsRole_namesTheFieldTheLineWrote() {
        for (boolean byName : List.of(true, false)) {
            Fixtures.Org org = fx.org("docs");
            Http.Res first = importBody(node.service(), org.id(), "", FIRST + "\n"
                    + line("type", "member", "user_id", "g1", "email", "g1@example.com", "external", true) + "\n");
            assertThat(first.status()).as("%s", first).isEqualTo(200);
            long fine = fx.roleId(org, "Fine");
            String assignment = byName ? Bulk.assignment("doc", "d1", "g1", "Fine")
                    : line("type", "assignment", "resource", Map.of("type", "doc", "id", "d1"), "user_id", "g1",
                    "role_id", fine);
            Http.Res res = importBody(node.service(), org.id(), "", assignment + "\n");
            String field = byName ? "role" : "role_id";
            assertThat(res.status()).as("%s", res).isEqualTo(400);
            assertThat(res.get("errors").propertyNames()).as("%s", res).containsExactly(field);
            assertThat(res.get("detail").stringValue()).startsWith("line 1: " + field + ": member ")
                    .contains("is external");
        }
    }

    /**
     * A role left null is a role left out wherever a line needs one: an assignment's {@code role} or {@code role_id}
     * null, or both, and a new member's, are a 400 "is required" naming {@code role}, the chunk rolled back — where
     * an assignment's null role once reached the writer as no role at all, a 500. An organization line's
     * {@code org_id} null in a deployment's import names no existing organization: the line must name a new one.
     */
    @Test
    void aNullRole_isARoleLeftOut_onEveryLineThatNeedsOne() {
        Map<String, Object> doc = Map.of("type", "doc", "id", "x1");
        List<String> lines = List.of(
                line("type", "assignment", "resource", doc, "user_id", "m1", "role", null),
                line("type", "assignment", "resource", doc, "user_id", "m1", "role_id", null),
                line("type", "assignment", "resource", doc, "user_id", "m1", "role", null, "role_id", null),
                line("type", "member", "user_id", "m2", "email", "m2@example.com", "role", null),
                line("type", "member", "user_id", "m2", "email", "m2@example.com", "role_id", null));
        for (String bad : lines) {
            Fixtures.Org org = fx.org("docs");
            long revision = node.appliedRevision();
            Http.Res res = importBody(node.service(), org.id(), "", FIRST + "\n" + Bulk.member("m1", "Fine") + "\n"
                    + bad + "\n");

            assertThat(res.status()).as("%s: %s", bad, res).isEqualTo(400);
            assertThat(res.get("code").stringValue()).isEqualTo("invalid_input");
            assertThat(res.get("line").longValue()).isEqualTo(3);
            assertThat(res.get("errors").propertyNames()).as("%s", res).containsExactly("role");
            assertThat(res.get("detail").stringValue()).as("%s", res).startsWith("line 3: role: is required (or "
                    + "role_id)");
            assertThat(node.appliedRevision()).as("nothing was committed").isEqualTo(revision);
        }

        Http.Res organization = node.service().raw("POST", "/v1/import", line("type", "organization", "org_id", null)
                + "\n", "application/x-ndjson");
        assertThat(organization.status()).as("%s", organization).isEqualTo(400);
        assertThat(organization.get("errors").propertyNames()).as("%s", organization)
                .containsExactlyInAnyOrder("name", "model");
    }

    /**
     * An import's member line is held to the email rule of every API (64 bytes before the @, 254 in all, in UTF-8):
     * one beyond it is a 400 naming the line and {@code email}, the chunk rolled back. An address at the limits — 32
     * two-byte letters before the @ — is imported, exported as it is, and imported again into another organization.
     */
    @Test
    void anEmailBeyondMailsLimits_isA400NamingItsLine_whileOneAtTheLimitsMakesTheRoundTrip() {
        for (String email : List.of("a".repeat(300) + "@example.com", "\u00e9".repeat(33) + "@example.com",
                "a".repeat(64) + "@" + "d".repeat(190) + ".test")) {
            Fixtures.Org org = fx.org("docs");
            long revision = node.appliedRevision();
            Http.Res res = importBody(node.service(), org.id(), "", FIRST + "\n" + line("type", "member", "user_id",
                    "u1", "email", email, "role", "Fine") + "\n");
            assertThat(res.status()).as("%s", res).isEqualTo(400);
            assertThat(res.get("code").stringValue()).isEqualTo("invalid_input");
            assertThat(res.get("detail").stringValue()).startsWith("line 2: ").contains("email: must ");
            assertThat(node.appliedRevision()).as("nothing was committed").isEqualTo(revision);
        }

        String atTheLimits = "\u00e9".repeat(32) + "@" + "d".repeat(184) + ".test";
        Fixtures.Org source = fx.org("docs");
        Http.Res imported = importBody(node.service(), source.id(), "", FIRST + "\n" + line("type", "member",
                "user_id", "u1", "email", atTheLimits, "role", "Fine") + "\n");
        assertThat(imported.status()).as("%s", imported).isEqualTo(200);
        Http.Res exported = node.service().get(source.path() + "/export");
        assertThat(exported.status()).as("%s", exported).isEqualTo(200);
        Fixtures.Org copy = fx.org("docs");
        Http.Res again = importBody(node.service(), copy.id(), "", exported.body());
        assertThat(again.status()).as("%s", again).isEqualTo(200);
        assertThat(node.service().get(copy.path() + "/members/u1").get("email").stringValue()).isEqualTo(atTheLimits);
    }

    private static void check(String body, String code, int line) {
        Fixtures.Org org = fx.org("docs");
        long revision = node.appliedRevision();
        Http.Res res = importBody(node.service(), org.id(), "", body);

        // a line over the line limit is too large (413), as a JSON body over the body limit is; the rest is invalid
        assertThat(res.status()).as("%s", res).isEqualTo(code.equals("line_too_long") ? 413 : 400);
        assertThat(res.get("code").stringValue()).isEqualTo(code);
        assertThat(res.get("detail").stringValue()).startsWith("line " + line + ": ");
        assertThat(res.get("line").longValue()).isEqualTo(line);
        assertThat(res.get("committed_lines").longValue()).isZero();
        assertThat(res.get("resume_from_line").longValue()).isEqualTo(1);
        assertThat(res.header("Gatehouse-Revision")).as("an error never looks committed").isNull();
        assertThat(node.service().get(org.path() + "/roles?limit=1000").json().get("items"))
                .extracting(r -> r.get("name").stringValue()).doesNotContain("Fine");
        assertThat(node.appliedRevision()).as("nothing was committed").isEqualTo(revision);
    }

    /**
     * A line of exactly 1 MiB is read whether it ends with LF or CRLF — the {@code \r} before the {@code \n} is
     * dropped, not counted — and one byte more is 413 either way, as is a line of 1 MiB whose {@code \r} ends the
     * body (not before a line feed, so part of the line). The line read is refused for its name, which is too long.
     */
    @Test
    void aLineOfExactlyOneMib_isReadWithLfOrCrlfAlike_andOneByteMoreIsTooLong() {
        String prefix = line("type", "group", "name", "");
        String exact = line("type", "group", "name", "y".repeat(ImportService.MAX_LINE_BYTES - prefix.length()));
        String over = line("type", "group", "name", "y".repeat(ImportService.MAX_LINE_BYTES + 1 - prefix.length()));
        assertThat(exact).hasSize(ImportService.MAX_LINE_BYTES);
        for (String end : List.of("\n", "\r\n")) {
            Fixtures.Org org = fx.org("docs");
            Http.Res read = importBody(node.service(), org.id(), "", FIRST + end + exact + end);
            assertThat(read.status()).as("%s", end.length()).isEqualTo(400);
            assertThat(read.get("code").stringValue()).isEqualTo("invalid_input");
            assertThat(read.get("detail").stringValue()).startsWith("line 2: name: ");
            Http.Res tooLong = importBody(node.service(), org.id(), "", FIRST + end + over + end);
            assertThat(tooLong.status()).as("%s", end.length()).isEqualTo(413);
            assertThat(tooLong.get("line").longValue()).isEqualTo(2);
        }
        Fixtures.Org org = fx.org("docs");
        Http.Res crAtTheEnd = importBody(node.service(), org.id(), "", FIRST + "\n" + exact + "\r");
        assertThat(crAtTheEnd.status()).as("%s", crAtTheEnd).isEqualTo(413);
        assertThat(crAtTheEnd.get("line").longValue()).isEqualTo(2);
    }

    /**
     * A byte order mark at the start of the body is skipped whatever follows it: a line, or a line break (line 1 is
     * then blank). Lines are numbered as sent.
     */
    @Test
    void aByteOrderMarkStartingTheBody_isSkipped_whateverFollowsIt() {
        for (String body : List.of("\uFEFF" + FIRST + "\n", "\uFEFF\n" + FIRST + "\n", "\uFEFF\r\n" + FIRST + "\n")) {
            Fixtures.Org org = fx.org("docs");
            Http.Res res = importBody(node.service(), org.id(), "", body);
            assertThat(res.status()).as("%s: %s", body.length(), res).isEqualTo(200);
            assertThat(node.service().get(org.path() + "/roles?limit=1000").json().get("items"))
                    .extracting(r -> r.get("name").stringValue()).as("%s", body.length()).contains("Fine");
        }
        Fixtures.Org org = fx.org("docs");
        Http.Res alone = importBody(node.service(), org.id(), "", "\uFEFF");
        assertThat(alone.status()).as("%s", alone).isEqualTo(200);
        assertThat(alone.get("lines").longValue()).as("%s", alone).isZero();
        Http.Res numbered = importBody(node.service(), org.id(), "", "\uFEFF\n" + FIRST + "\n[1]\n");
        assertThat(numbered.get("line").longValue()).as("%s", numbered).isEqualTo(3);
    }

    /**
     * Only the body's first byte order mark is skipped: a line starting with one — a later line, a line holding only
     * the mark, or the first line after the body's own mark — is 400 {@code invalid_json} naming that line and the
     * mark, and the import changes nothing. Before, the JSON parser skipped a mark at the start of any line.
     */
    @Test
    void aByteOrderMarkStartingAnyOtherLine_isRefusedAtItsLine() {
        String group = line("type", "group", "name", "Marked");
        for (String[] bodyAndLine : new String[][] {{FIRST + "\n\uFEFF" + group + "\n", "2"},
                {FIRST + "\n\uFEFF\n", "2"}, {"\uFEFF\uFEFF" + FIRST + "\n", "1"}}) {
            check(bodyAndLine[0], "invalid_json", Integer.parseInt(bodyAndLine[1]));
            Http.Res res = importBody(node.service(), fx.org("docs").id(), "", bodyAndLine[0]);
            assertThat(res.get("detail").stringValue()).as("%s", res).isEqualTo("line " + bodyAndLine[1]
                    + ": malformed JSON: the line starts with a byte order mark (U+FEFF), which is allowed only at "
                    + "the start of the body");
        }
    }

    /**
     * Malformed JSON in a line is placed by its column in the line, counted in characters: the JSON parser counts
     * bytes, and its "line 1" is not the body's line, which the detail starts with.
     */
    @Test
    void malformedJsonInALine_isPlacedByItsColumnInCharacters() {
        String broken = "{\"type\": \"group\", \"name\": \"Zürich ☃\" x}";
        Http.Res res = importBody(node.service(), fx.org("docs").id(), "", FIRST + "\n" + broken + "\n");
        assertThat(res.get("code").stringValue()).as("%s", res).isEqualTo("invalid_json");
        assertThat(res.get("detail").stringValue()).as("%s", res).isEqualTo("line 2: malformed JSON: unexpected 'x': "
                + "expected ',' or '}' (column " + (broken.indexOf(" x}") + 2) + ")");
    }

    /**
     * An unknown {@code type} is refused with the types the import takes: an organization's import does not offer
     * {@code organization}, which only a deployment's takes.
     */
    @Test
    void anUnknownType_isRefusedWithTheTypesThisImportTakes() {
        String planet = line("type", "planet", "name", "X");
        Http.Res own = importBody(node.service(), fx.org("docs").id(), "", planet + "\n");
        assertThat(own.get("detail").stringValue()).as("%s", own).startsWith("line 1: type: must be one of [header, "
                + "role, member,").doesNotContain("organization");
        Http.Res deployment = node.service().raw("POST", "/v1/import", line("type", "organization", "name",
                "Planets", "model", "docs") + "\n" + planet + "\n", "application/x-ndjson");
        assertThat(deployment.get("detail").stringValue()).as("%s", deployment)
                .startsWith("line 2: type: must be one of [organization, header, role,");
    }

    /**
     * An {@code organization} line in an organization's import is told it belongs to a deployment's, before its fields
     * are judged (it was told "model: is required" first, and, given one, where the line belongs).
     */
    @Test
    void anOrganizationLine_inAnOrganizationsImport_isToldWhereItBelongs_beforeItsFields() {
        for (String organization : List.of(line("type", "organization", "name", "X"), line("type", "organization",
                "name", "X", "model", "docs"))) {
            Http.Res res = importBody(node.service(), fx.org("docs").id(), "", organization + "\n");
            assertThat(res.status()).as("%s", res).isEqualTo(400);
            assertThat(res.get("detail").stringValue()).as("%s", res).isEqualTo("line 1: type: an organization line "
                    + "belongs to a deployment's import (POST /v1/import), not to an organization's");
        }
    }

    /**
     * A chunked body that ends without its last chunk (the connection closed early) is 400 {@code body_incomplete}
     * at the line being read when it broke off: the line it cut, or the line after the last whole one when it broke
     * off between lines (none of it arrived). Its chunk is not committed: resume from {@code resume_from_line}, the
     * first line of that chunk, as after any failing line.
     */
    @Test
    void aChunkedBodyCutShort_isBodyIncomplete_atTheLineBeingRead_resumingAtItsChunk() throws IOException {
        List<String> read = List.of("doc.read", "records.all");
        String whole = FIRST + "\n" + role("Second", read) + "\n" + role("Third", read) + "\n";
        for (String sent : List.of(whole, whole + "{\"type\": \"role\", \"na")) {
            Fixtures.Org org = fx.org("docs");
            JsonNode problem = cutShort(org.path() + "/import?chunk_lines=2", sent);
            boolean betweenLines = sent.equals(whole);
            assertThat(problem.get("status").intValue()).as("%s", problem).isEqualTo(400);
            assertThat(problem.get("code").stringValue()).isEqualTo("body_incomplete");
            assertThat(problem.get("line").longValue()).as("%s", problem).isEqualTo(4);
            assertThat(problem.get("detail").stringValue()).startsWith("line 4: ");
            assertThat(problem.get("committed_lines").longValue()).isEqualTo(2);
            assertThat(problem.get("resume_from_line").longValue()).as("%s", betweenLines).isEqualTo(3);
            assertThat(node.service().get(org.path() + "/roles?limit=1000").json().get("items"))
                    .extracting(r -> r.get("name").stringValue()).contains("Fine", "Second").doesNotContain("Third");
        }
    }

    /** Sends {@code body} to {@code path} as one chunk of a chunked body, closes the sending side, reads the answer. */
    private static JsonNode cutShort(String path, String body) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", node.node().port())) {
            socket.setSoTimeout(30_000);
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            OutputStream out = socket.getOutputStream();
            out.write(("POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + TestNode.SERVICE_KEY
                    + "\r\nContent-Type: application/x-ndjson\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + Integer.toHexString(bytes.length) + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
            out.write(bytes);
            out.write("\r\n".getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            socket.shutdownOutput();
            String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            return Json.readTree(answer.substring(answer.indexOf("\r\n\r\n") + 4));
        }
    }

    @Test
    void tenMillionLines_stopAtTheLineLimit_withTheLinesBeforeItCommitted_andResumeThere() {
        Fixtures.Org org = fx.org("docs");
        long limit = ImportOptions.DEFAULT_MAX_LINES;
        String body = FIRST + "\n" + "\n".repeat(10_000_000 - 1);
        Http.Res res = importBody(node.service(), org.id(), "", body);

        assertThat(res.status()).as("%s", res).isEqualTo(400);
        assertThat(res.get("code").stringValue()).isEqualTo("too_many_lines");
        assertThat(res.get("line").longValue()).isEqualTo(limit + 1);
        // the detail's advice and resume_from_line agree, and following them loses no line
        assertThat(res.get("detail").stringValue()).contains("from_line=" + (limit + 1));
        assertThat(res.get("committed_lines").longValue()).isEqualTo(limit);
        assertThat(res.get("resume_from_line").longValue()).isEqualTo(limit + 1);
        assertThat(node.service().get(org.path() + "/roles?limit=1000").json().get("items"))
                .extracting(r -> r.get("name").stringValue()).contains("Fine");
    }

    /**
     * A field nested too deep, or one with a name of hundreds of characters holding a bad string, is named in the
     * error abbreviated to 64 characters, as every field an error names: on an import's line as in a request.
     */
    @Test
    void aFieldNestedTooDeep_orWithALongName_isNamedAbbreviated_onALineAsInARequest() {
        Fixtures.Org org = fx.org("docs");
        String deep = "\"z\": " + "[".repeat(70) + "]".repeat(70);
        String longName = "\"" + "k".repeat(500) + "\": \"a\\u0000b\"";
        for (String field : List.of(deep, longName)) {
            Http.Res line = importBody(node.service(), org.id(), "", "{\"type\": \"group\", \"name\": \"x\", "
                    + field + "}\n");
            Http.Res request = node.service().raw("POST", org.path() + "/groups", "{\"name\": \"x\", " + field + "}",
                    "application/json");
            for (Http.Res res : List.of(line, request)) {
                assertThat(res.status()).as("%s", res).isEqualTo(400);
                assertThat(res.get("code").stringValue()).isEqualTo("invalid_text");
                res.get("errors").properties().forEach(e -> assertThat(e.getKey()).hasSizeLessThanOrEqualTo(64));
                assertThat(res.get("detail").stringValue()).hasSizeLessThan(200);
            }
        }
    }

    @Test
    void aBodyThatIsNotNdjson_isRefusedBeforeAnyLine() {
        Fixtures.Org org = fx.org("docs");
        Http.Res res = node.service().raw("POST", org.path() + "/import", FIRST, "application/xml");
        assertThat(res.status()).isEqualTo(415);
        assertThat(res.get("code").stringValue()).isEqualTo("unsupported_media_type");
    }

    @Test
    void badParameters_areRefusedBeforeAnyLine() {
        Fixtures.Org org = fx.org("docs");
        for (String query : List.of("chunk_lines=0", "chunk_lines=10001", "chunk_lines=x", "from_line=0")) {
            Http.Res res = importBody(node.service(), org.id(), query, FIRST + "\n");
            assertThat(res.status()).as(query).isEqualTo(400);
            assertThat(res.get("code").stringValue()).as(query).isEqualTo("invalid_parameter");
        }
        for (String query : List.of("bogus=1", "chunk_lines=1&chunk_lines=2", "chunk_line=5")) {
            Http.Res res = importBody(node.service(), org.id(), query, FIRST + "\n");
            assertThat(res.status()).as(query).isEqualTo(400);
            assertThat(res.get("code").stringValue()).as(query).isEqualTo("invalid_query");
        }
        assertThat(node.service().get(org.path() + "/roles?limit=1000").json().get("items"))
                .extracting(r -> r.get("name").stringValue()).doesNotContain("Fine");
    }

    @Test
    void anotherOrganizationsMemberKey_getsTheSame404AsAMissingOrganization() {
        Fixtures.Org mine = fx.org("docs");
        Fixtures.Org theirs = fx.org("docs");
        Http.Res res = importBody(mine.admin(), theirs.id(), "", FIRST + "\n");
        Http.Res missing = importBody(mine.admin(), 999_999_999L, "", FIRST + "\n");
        assertThat(res.status()).isEqualTo(404);
        assertThat(res.get("code").stringValue()).isEqualTo(missing.get("code").stringValue());
        assertThat(Map.of("roles", node.service().get(theirs.path() + "/roles?limit=1000").json().get("items").size()))
                .isEqualTo(Map.of("roles", 1));
    }
}
