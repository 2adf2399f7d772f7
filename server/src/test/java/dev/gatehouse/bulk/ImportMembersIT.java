package dev.gatehouse.bulk;

import dev.gatehouse.testing.Fixtures;
import dev.gatehouse.testing.Http;
import dev.gatehouse.testing.Statements;
import dev.gatehouse.testing.TestNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import static dev.gatehouse.bulk.Bulk.assignment;
import static dev.gatehouse.bulk.Bulk.importLines;
import static dev.gatehouse.bulk.Bulk.line;
import static dev.gatehouse.bulk.Bulk.member;
import static dev.gatehouse.bulk.Bulk.role;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * An import's lines adding members: checked one by one with every rule of adding a member alone, in line order, and
 * written together — so the statements an import runs do not grow with its members — with one {@code created} event
 * per member, in line order, and the first line that breaks a rule named.
 */
class ImportMembersIT {

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

    @Test
    void addingMembers_takesAsManyStatementsForTenAsForTwoHundred() {
        List<String> ten = statementsOf(members(10));
        List<String> twoHundred = statementsOf(members(200));

        assertThat(twoHundred).as(String.join("\n", twoHundred)).hasSameSizeAs(ten);
    }

    /**
     * A chunk reads its organization's roles once and hands them to the runs of members and assignments it writes:
     * members and assignments holding five roles read no role again; and the members' user ids it has looked up
     * are not read again by the run that adds them.
     */
    @Test
    void aChunk_readsItsOrganizationsRolesOnce() {
        Fixtures.Org org = fx.org("docs");
        List<String> roles = new ArrayList<>();
        for (int r = 0; r < 5; r++) {
            roles.add(role("R" + r, READ));
        }
        assertThat(importLines(node.service(), org.id(), "", roles).status()).isEqualTo(200);
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            lines.add(member("m" + i, "R" + i % 5));
        }
        for (int i = 0; i < 10; i++) {
            lines.add(assignment("doc", "d" + i, "m" + i, "R" + (i + 1) % 5));
        }

        List<String> statements = Statements.of(node, () -> assertThat(importLines(node.service(), org.id(), "",
                lines).status()).isEqualTo(200));

        assertThat(statements.stream().filter(sql -> sql.contains("FROM roles"))).as(String.join("\n", statements))
                .hasSize(1);
        assertThat(statements.stream().filter(sql -> sql.contains("SELECT DISTINCT unnest(CAST(:users AS text[]))")))
                .as("the run's user ids are read once, by the chunk: " + String.join("\n", statements)).hasSize(1);
    }

    /**
     * A run of new roles is checked line by line and written together (its ids in one query, its rows in one
     * {@code COPY}): each as given (description, permissions, external, visibility); a name given again ends the
     * run, and its line updates the role.
     */
    @Test
    void aRunOfNewRoles_isWrittenTogether_andANameGivenTwiceIsRefusedAtItsSecondLine() {
        Fixtures.Org org = fx.org("docs");
        List<String> roles = new ArrayList<>();
        for (int r = 0; r < 6; r++) {
            roles.add(role("R" + r, r % 2 == 0 ? READ : List.of("doc.read", "doc.write", "records.all")));
        }
        roles.add(line("type", "role", "name", "Guest", "description", "for guests", "permissions",
                List.of("doc.read"), "external", true, "visibility", java.util.Map.of("user_field_ids",
                        List.of("owner_id"), "unassigned", "require_assignment")));

        List<String> statements = Statements.of(node, () -> assertThat(importLines(node.service(), org.id(), "",
                roles).status()).isEqualTo(200));

        // the run's ids in one query, then its rows by COPY (which the statement log does not show)
        assertThat(statements.stream().filter(sql -> sql.startsWith("SELECT nextval(")))
                .as(String.join("\n", statements)).hasSize(1);
        assertThat(statements).noneMatch(sql -> sql.startsWith("INSERT INTO roles"));
        JsonNode guest = null;
        for (JsonNode r : node.service().get(org.path() + "/roles?limit=100").json().get("items")) {
            if (r.get("name").stringValue().equals("Guest")) {
                guest = r;
            }
            if (r.get("name").stringValue().equals("R1")) {
                assertThat(r.get("permissions")).extracting(JsonNode::stringValue)
                        .containsExactlyInAnyOrder("doc.read", "doc.write", "records.all");
            }
        }
        assertThat(guest).isNotNull();
        assertThat(guest.get("description").stringValue()).isEqualTo("for guests");
        assertThat(guest.get("external").booleanValue()).isTrue();
        assertThat(guest.get("visibility").get("unassigned").stringValue()).isEqualTo("require_assignment");

        // a name given again, in any case, ends the run: the later line updates the role the run created, which keeps
        // its name
        Fixtures.Org other = fx.org("docs");
        Http.Res again = importLines(node.service(), other.id(), "", List.of(role("Team", READ), role("Lead", READ),
                role("TEAM", List.of("doc.read", "doc.write", "records.all"))));
        assertThat(again.status()).as("%s", again).isEqualTo(200);
        assertThat(again.get("counts").get("role").get("created").longValue()).isEqualTo(2);
        assertThat(again.get("counts").get("role").get("updated").longValue()).isEqualTo(1);
        assertThat(node.service().get(other.path() + "/roles?limit=100").json().get("items"))
                .extracting(r -> r.get("name").stringValue()).contains("Team", "Lead").doesNotContain("TEAM");
        assertThat(node.service().get(other.path() + "/roles?limit=100").json().get("items"))
                .filteredOn(r -> r.get("name").stringValue().equals("Team")).singleElement()
                .satisfies(r -> assertThat(r.get("permissions")).extracting(JsonNode::stringValue)
                        .contains("doc.write"));
    }

    /**
     * Whether two emails are the same one is the database's call (its unique index folds case with its own
     * {@code lower}), for a member added alone and for a run of an import alike: each pair is added both ways,
     * and both ways agree — both created, or the second refused alike, on its own line.
     */
    @Test
    void emailsThatDifferOnlyInCase_areJudgedAsByAMemberAddedAlone() {
        List<List<String>> pairs = List.of(List.of("Ärger@case.test", "ärger@case.test"),
                List.of("İnci@case.test", "i̇nci@case.test"), List.of("İnci@case.test", "inci@case.test"),
                List.of("Straße@case.test", "STRASSE@case.test"), List.of("ΣΟΦΙΑ@case.test", "σοφια@case.test"),
                List.of("Kelvin@case.test", "\u212Aelvin@case.test"), List.of("Bob@case.test", "bob@case.test"));
        for (List<String> pair : pairs) {
            Fixtures.Org alone = fx.org("docs");
            long role = fx.role(alone, "Reader", READ);
            int first = node.service().post(alone.path() + "/members", java.util.Map.of("user_id", "p1",
                    "email", pair.get(0), "role_id", role)).status();
            Http.Res second = node.service().post(alone.path() + "/members", java.util.Map.of("user_id", "p2",
                    "email", pair.get(1), "role_id", role));
            assertThat(first).as("%s", pair).isEqualTo(201);

            Fixtures.Org imported = fx.org("docs");
            Http.Res res = importLines(node.service(), imported.id(), "", List.of(role("Reader", READ),
                    line("type", "member", "user_id", "p1", "email", pair.get(0), "role", "Reader"),
                    line("type", "member", "user_id", "p2", "email", pair.get(1), "role", "Reader")));
            if (second.status() == 201) {
                assertThat(res.status()).as("%s: %s", pair, res).isEqualTo(200);
            } else {
                assertThat(res.status()).as("%s: %s", pair, res).isEqualTo(second.status());
                assertThat(res.get("code").stringValue()).as("%s", pair).isEqualTo(second.get("code").stringValue());
                assertThat(res.get("detail").stringValue()).as("%s", pair).contains("email");
                assertThat(res.get("line").longValue()).as("%s", pair).isEqualTo(3);
            }
        }
    }

    @Test
    void addedMembers_haveOneCreatedEventEach_inLineOrder_andTheirRoles() {
        Fixtures.Org org = fx.org("docs");
        long start = node.appliedRevision();
        Http.Res res = importLines(node.service(), org.id(), "", List.of(role("Reader", READ), member("m1", "Reader"),
                member("m2", "Reader"), line("type", "member", "user_id", "m3", "email", "m3@example.com", "role",
                        "Reader", "first_name", "Ada", "status", "invited")));
        assertThat(res.status()).as("%s", res).isEqualTo(200);
        assertThat(res.get("counts").get("member").get("created").intValue()).isEqualTo(3);

        List<JsonNode> events = new ArrayList<>();
        node.service().get(org.path() + "/events?order=asc&limit=100&after_revision=" + start).json().get("items")
                .forEach(events::add);
        assertThat(events).extracting(e -> e.get("object_type").stringValue() + " " + e.get("action").stringValue())
                .containsExactly("role created", "member created", "member created", "member created");
        assertThat(events.subList(1, 4)).extracting(e -> e.get("after").get("user_id").stringValue())
                .containsExactly("m1", "m2", "m3");
        JsonNode m3 = node.service().get(org.path() + "/members/" + events.get(3).get("object_id").stringValue()).json();
        assertThat(m3.get("status").stringValue()).isEqualTo("invited");
        assertThat(m3.get("first_name").stringValue()).isEqualTo("Ada");
        assertThat(m3.get("role_id").longValue()).isEqualTo(events.get(0).get("object_id").asLong());
        assertThat(events.get(3).get("revision").longValue()).isEqualTo(res.revision());
    }

    /**
     * A new member imported deactivated or invited is created so, in one {@code created} change: a deactivated one was
     * once created active and deactivated at the next revision, so the events API, webhooks and Close's log showed a
     * member active that never was. The engine, a replica's change stream and an export see it as created.
     */
    @Test
    void aNewMemberImportedDeactivatedOrInvited_isCreatedSo_inOneChange_neverActive() {
        Fixtures.Org org = fx.org("docs");
        long start = node.appliedRevision();
        Http.Res res = importLines(node.service(), org.id(), "", List.of(role("Reader", READ),
                line("type", "member", "user_id", "gone1", "email", "gone1@example.com", "role", "Reader", "status",
                        "deactivated"),
                line("type", "member", "user_id", "inv1", "email", "inv1@example.com", "role", "Reader", "status",
                        "invited"),
                member("here1", "Reader"), assignment("doc", "d1", "gone1", "Reader"),
                assignment("doc", "d1", "here1", "Reader")));
        assertThat(res.status()).as("%s", res).isEqualTo(200);
        assertThat(res.get("counts").get("member").get("created").intValue()).isEqualTo(3);

        List<JsonNode> events = new ArrayList<>();
        node.service().get(org.path() + "/events?order=asc&limit=100&object_type=member&after_revision=" + start)
                .json().get("items").forEach(events::add);
        assertThat(events).extracting(e -> e.get("action").stringValue() + " " + e.get("after").get("user_id")
                .stringValue() + " " + e.get("after").get("status").stringValue())
                .containsExactly("created gone1 deactivated", "created inv1 invited", "created here1 active");
        assertThat(events).allMatch(e -> e.get("before").isNull());

        // the engine, a replica's stream and an export: the member is deactivated, and was never anything else
        for (String userId : List.of("gone1", "here1")) {
            Http.Res check = node.service().post(org.path() + "/check", Map.of("user_id", userId, "permission",
                    "doc.read", "resource", Map.of("type", "doc", "id", "d1"), "min_revision", res.revision()));
            assertThat(check.get("allowed").booleanValue()).as("%s: %s", userId, check).isEqualTo("here1".equals(userId));
        }
        long goneId = events.get(0).get("object_id").asLong();
        List<Boolean> streamed = new ArrayList<>();
        node.service().get("/v1/changes?wait=0&org=" + org.id() + "&after=" + start).json().get("changes")
                .forEach(c -> c.get("ops").forEach(op -> {
                    if ("put_member".equals(op.get("type").stringValue()) && op.get("member_id").asLong() == goneId) {
                        streamed.add(op.get("active").booleanValue());
                    }
                }));
        assertThat(streamed).as("gone1's ops in the change stream: active?").containsExactly(false);
        assertThat(Bulk.export(node.service(), org.id())).filteredOn(l -> l.has("user_id")
                && "gone1".equals(l.get("user_id").stringValue()) && "member".equals(l.get("type").stringValue()))
                .extracting(l -> l.get("status").stringValue()).containsExactly("deactivated");
    }

    /**
     * New members' ids ascend in line order, whatever their status: a deactivated member among others (added alone)
     * once took an id after the ones of the lines around it, so an export of the copy listed it after them.
     */
    @Test
    void newMembers_takeIdsInLineOrder_whateverTheirStatus() {
        Fixtures.Org org = fx.org("docs");
        Http.Res res = importLines(node.service(), org.id(), "", List.of(role("Reader", READ), member("ord1", "Reader"),
                line("type", "member", "user_id", "ord2", "email", "ord2@example.com", "role", "Reader", "status",
                        "deactivated"), member("ord3", "Reader"), member("ord4", "Reader")));
        assertThat(res.status()).as("%s", res).isEqualTo(200);
        assertThat(res.get("counts").get("member").get("created").intValue()).isEqualTo(4);

        List<JsonNode> members = new ArrayList<>();
        node.service().get(org.path() + "/members?limit=100").json().get("items").forEach(m -> {
            if (m.get("user_id").stringValue().startsWith("ord")) {
                members.add(m);
            }
        });
        assertThat(members).extracting(m -> m.get("id").longValue()).isSorted();
        assertThat(members).extracting(m -> m.get("user_id").stringValue() + " " + m.get("status").stringValue())
                .as("in order of id")
                .containsExactly("ord1 active", "ord2 deactivated", "ord3 active", "ord4 active");
    }

    /**
     * The member holding the email was added by an earlier line of the same chunk, and is rolled back with it: the
     * refusal names it by what outlives the chunk — its user id and the line that added it, not the id it had in
     * the transaction rolled back, which no member has — and quotes its email as that line gave it.
     */
    @Test
    void anEmailAnEarlierLineTook_isA409NamingTheLine_andChangesNothing() {
        Fixtures.Org org = fx.org("docs");
        long revision = node.appliedRevision();
        Http.Res res = importLines(node.service(), org.id(), "", List.of(role("Reader", READ), member("a1", "Reader"),
                line("type", "member", "user_id", "a2", "email", "A1@Example.com", "role", "Reader")));

        assertThat(res.status()).as("%s", res).isEqualTo(409);
        assertThat(res.get("code").stringValue()).isEqualTo("member_exists");
        assertThat(res.get("line").longValue()).isEqualTo(3);
        assertThat(res.get("detail").stringValue()).isEqualTo("line 3: organization " + org.id() + " already has a "
                + "member with email \"a1@example.com\", the same as \"A1@Example.com\" ignoring case: user_id \"a1\" "
                + "(added by line 2 of this import)");
        assertThat(node.appliedRevision()).as("nothing was committed").isEqualTo(revision);
        assertThat(node.service().get(org.path() + "/members?limit=100").get("items")).hasSize(1); // the admin
    }

    /**
     * A member line whose {@code role} (or {@code role_id}) is null keeps the member's company role, as null keeps its
     * names and status: nothing else differing, it writes nothing and is counted {@code unchanged} — as the same line
     * with the member's own role is —, where it was counted {@code updated} for a write that changed nothing. Beside a
     * change it does write, it is {@code updated} and the role stays.
     */
    @Test
    void aMemberLineWithANullRole_keepsTheRole_andChangingNothingIsCountedUnchanged() {
        Fixtures.Org org = fx.org("docs");
        Http.Res first = importLines(node.service(), org.id(), "", List.of(role("Reader", READ), member("n1", "Reader")));
        assertThat(first.status()).as("%s", first).isEqualTo(200);

        for (String field : List.of("role", "role_id")) {
            long revision = node.appliedRevision();
            Http.Res res = importLines(node.service(), org.id(), "", List.of(line("type", "member", "user_id", "n1",
                    "email", "n1@example.com", field, null)));

            assertThat(res.status()).as("%s", res).isEqualTo(200);
            assertThat(res.get("counts").get("member").get("unchanged").longValue()).as("%s", res).isEqualTo(1);
            assertThat(res.get("counts").get("member").get("updated").longValue()).as("%s", res).isZero();
            assertThat(node.appliedRevision()).as("nothing was written").isEqualTo(revision);
        }

        Http.Res renamed = importLines(node.service(), org.id(), "", List.of(line("type", "member", "user_id", "n1",
                "email", "n1@example.com", "first_name", "Nina", "role", null)));
        assertThat(renamed.get("counts").get("member").get("updated").longValue()).as("%s", renamed).isEqualTo(1);
        JsonNode member = node.service().get(org.path() + "/members/n1").json();
        assertThat(member.get("first_name").stringValue()).isEqualTo("Nina");
        assertThat(member.get("role_id").longValue()).isEqualTo(fx.roleId(org, "Reader"));
    }

    /**
     * A member that was there before the import is named by its user id and its id, which it keeps, with its email
     * as stored; and so is it by the API's own request, for the email or the user id.
     */
    @Test
    void anEmailAMemberHolds_isA409NamingTheLine() {
        Fixtures.Org org = fx.org("docs");
        Http.Res first = importLines(node.service(), org.id(), "", List.of(role("Reader", READ), member("b1", "Reader")));
        assertThat(first.status()).as("%s", first).isEqualTo(200);

        Http.Res res = importLines(node.service(), org.id(), "", List.of(member("b2", "Reader"),
                line("type", "member", "user_id", "b3", "email", "B1@example.com", "role", "Reader")));
        assertThat(res.status()).as("%s", res).isEqualTo(409);
        assertThat(res.get("code").stringValue()).isEqualTo("member_exists");
        assertThat(res.get("line").longValue()).isEqualTo(2);
        long b1 = node.service().get(org.path() + "/members/b1").get("id").longValue();
        String holds = "organization " + org.id() + " already has a member with email \"b1@example.com\"";
        assertThat(res.get("detail").stringValue()).isEqualTo("line 2: " + holds + ", the same as "
                + "\"B1@example.com\" ignoring case: user_id \"b1\" (id " + b1 + ")");
        assertThat(node.service().get(org.path() + "/members?limit=100").get("items")).hasSize(2);

        long role = fx.roleId(org, "Reader");
        Http.Res byEmail = node.service().post(org.path() + "/members", Map.of("user_id", "b4", "email",
                "B1@example.com", "role_id", role));
        assertThat(byEmail.status()).as("%s", byEmail).isEqualTo(409);
        assertThat(byEmail.get("detail").stringValue()).isEqualTo(holds + ", the same as \"B1@example.com\" "
                + "ignoring case: user_id \"b1\" (id " + b1 + ")");
        Http.Res sameEmail = node.service().post(org.path() + "/members", Map.of("user_id", "b4", "email",
                "b1@example.com", "role_id", role));
        assertThat(sameEmail.get("detail").stringValue()).isEqualTo(holds + ": user_id \"b1\" (id " + b1 + ")");
        Http.Res byUserId = node.service().post(org.path() + "/members", Map.of("user_id", "b1", "email",
                "b5@example.com", "role_id", role));
        assertThat(byUserId.status()).as("%s", byUserId).isEqualTo(409);
        assertThat(byUserId.get("detail").stringValue()).isEqualTo("organization " + org.id() + " already has a "
                + "member with user_id \"b1\" (id " + b1 + ")");
    }

    @Test
    void anExternalMemberWithACompanyRole_isRefusedOnItsLine_afterGoodOnes() {
        Fixtures.Org org = fx.org("docs");
        Http.Res res = importLines(node.service(), org.id(), "", List.of(role("Reader", READ), member("c1", "Reader"),
                member("c2", "Reader"), line("type", "member", "user_id", "c3", "email", "c3@example.com", "role",
                        "Reader", "external", true), member("c4", "Reader")));
        assertThat(res.status()).as("%s", res).isEqualTo(400);
        assertThat(res.get("line").longValue()).as("%s", res).isEqualTo(4);
        assertThat(res.get("detail").stringValue()).contains("external members hold no company role");
        assertThat(node.service().get(org.path() + "/members?limit=100").get("items")).hasSize(1); // the admin
    }

    /** A member line's user id is held to the rule of a member added alone: no reference's prefix (MembersIT). */
    @Test
    void aUserIdBeginningWithAReferencePrefix_isRefusedOnItsLine() {
        Fixtures.Org org = fx.org("docs");
        Http.Res res = importLines(node.service(), org.id(), "", List.of(role("Reader", READ), member("d1", "Reader"),
                line("type", "member", "user_id", "id:" + org.adminId(), "email", "d2@example.com", "role", "Reader")));
        assertThat(res.status()).as("%s", res).isEqualTo(400);
        assertThat(res.get("line").longValue()).as("%s", res).isEqualTo(3);
        assertThat(res.get("detail").stringValue()).contains("user_id").contains("must not begin with \"id:\"");
        assertThat(node.service().get(org.path() + "/members?limit=100").get("items")).hasSize(1); // the admin
    }

    /**
     * A line's user id is taken verbatim, as a path and a decision take it: one with whitespace at an end is refused
     * on its line, whichever line names a member by it, never trimmed into another member's id.
     */
    @Test
    void aUserIdWithWhitespaceAtAnEnd_isRefusedOnEveryLineThatNamesAMember() {
        Fixtures.Org org = fx.org("docs");
        assertThat(importLines(node.service(), org.id(), "", List.of(role("Reader", READ), member("u-88", "Reader"),
                line("type", "group", "name", "Team"))).status()).isEqualTo(200);
        List<String> padded = List.of(member(" u-89", "Reader"), member("u-89 ", "Reader"),
                line("type", "member", "op", "delete", "user_id", " u-88"),
                line("type", "group_member", "group", "Team", "user_id", " u-88"),
                line("type", "grants", "user_id", "u-88 ", "permissions", List.of("doc.read")),
                assignment("doc", "d1", " u-88", "Reader"));
        for (String refused : padded) {
            Http.Res res = importLines(node.service(), org.id(), "", List.of(member("u-90", "Reader"), refused));
            assertThat(res.status()).as("%s: %s", refused, res).isEqualTo(400);
            assertThat(res.get("line").longValue()).as("%s", res).isEqualTo(2);
            assertThat(res.get("detail").stringValue()).as("%s", res).contains("user_id")
                    .contains("must not begin or end with whitespace");
        }
        assertThat(node.service().get(org.path() + "/members?limit=100").get("items")).hasSize(2) // the admin, u-88
                .extracting(m -> m.get("user_id").stringValue()).contains("u-88");
        assertThat(node.service().get(org.path() + "/members/u-88/grants").get("permissions")).isEmpty();
    }

    /**
     * Whitespace at an end of a line's user id is every space and every invisible character, not only Java's: a
     * member {@code u-88} followed by a no-break space would look exactly like {@code u-88}, and one of them alone is
     * blank; a member line's email holds no space of any kind. Each is refused on its line, and nothing is written.
     */
    @Test
    void aUserIdOrEmailWithAnInvisibleCharacterAtAnEnd_isRefusedOnItsLine() {
        Fixtures.Org org = fx.org("docs");
        assertThat(importLines(node.service(), org.id(), "", List.of(role("Reader", READ), member("u-88", "Reader"),
                line("type", "group", "name", "Team"))).status()).isEqualTo(200);
        JsonNode before = node.service().get(org.path() + "/members?limit=100").get("items");
        long revision = node.revision();
        Map<String, String> refused = Map.of(
                line("type", "member", "user_id", "u-88\u00a0", "email", "w1@x.io", "role", "Reader"), "user_id",
                line("type", "member", "user_id", "\u202f", "email", "w1@x.io", "role", "Reader"), "user_id",
                line("type", "member", "user_id", "w1", "email", "w1@x.io\u00a0", "role", "Reader"), "email",
                line("type", "member", "user_id", "w1", "email", "w1@x\u3000io", "role", "Reader"), "email",
                line("type", "member", "op", "delete", "user_id", "\ufeffu-88"), "user_id",
                line("type", "group_member", "group", "Team", "user_id", "u-88\u2007"), "user_id",
                line("type", "grants", "user_id", "u-88\u200b", "permissions", List.of("doc.read")), "user_id",
                assignment("doc", "d1", "u-88\u180e", "Reader"), "user_id");
        refused.forEach((refusedLine, field) -> {
            Http.Res res = importLines(node.service(), org.id(), "", List.of(member("u-90", "Reader"), refusedLine));
            assertThat(res.status()).as("%s: %s", refusedLine, res).isEqualTo(400);
            assertThat(res.get("line").longValue()).as("%s", res).isEqualTo(2);
            assertThat(res.get("detail").stringValue()).as("%s", res).contains(field + ": must");
        });
        assertThat(node.service().get(org.path() + "/members?limit=100").get("items")).isEqualTo(before);
        assertThat(node.revision()).as("nothing written").isEqualTo(revision);
        assertThat(node.service().get(org.path() + "/members/u-88/grants").get("permissions")).isEmpty();
    }

    /** An import into a new organization of the docs model: one role, then {@code n} members holding it. */
    private static List<String> members(int n) {
        List<String> lines = new ArrayList<>(List.of(role("Reader", READ)));
        for (int i = 0; i < n; i++) {
            lines.add(member("u" + i, "Reader"));
        }
        return lines;
    }

    /** The SQL the import request ran on the node, background jobs left out. */
    private static List<String> statementsOf(List<String> lines) {
        Fixtures.Org org = fx.org("docs");
        return Statements.of(node, () -> {
            Http.Res res = importLines(node.service(), org.id(), "", lines);
            assertThat(res.status()).as("%s", res).isEqualTo(200);
            assertThat(res.get("counts").get("member").get("created").intValue()).isEqualTo(lines.size() - 1);
        });
    }
}
