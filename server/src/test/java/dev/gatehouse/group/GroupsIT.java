package dev.gatehouse.group;

import dev.gatehouse.json.Json;
import dev.gatehouse.testing.Fixtures;
import dev.gatehouse.testing.Http;
import dev.gatehouse.testing.Statements;
import dev.gatehouse.testing.TestDatabase;
import dev.gatehouse.testing.TestNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

class GroupsIT {

    static TestNode node;
    static Fixtures fx;
    static Jdbi db;

    @BeforeAll
    static void start() {
        node = TestNode.start();
        fx = new Fixtures(node);
        db = TestDatabase.jdbi(node.databaseUrl());
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    private static long group(Fixtures.Org org, String name) {
        Http.Res res = node.service().post(org.path() + "/groups", Map.of("name", name));
        assertThat(res.status()).isEqualTo(201);
        return res.get("id").longValue();
    }

    @Test
    void create_get_list_withTheNativeShape() {
        var org = fx.org("close");
        Http.Res created = node.service().post(org.path() + "/groups", Map.of("name", "Support"));
        assertThat(created.status()).isEqualTo(201);
        assertThat(created.header("Gatehouse-Revision")).isNotNull();
        JsonNode g = created.json();
        assertThat(g.propertyNames()).containsExactly("id", "org_id", "name", "members", "version", "created_at",
                "updated_at");
        assertThat(g.get("members")).isEmpty();
        assertThat(g.get("version").intValue()).isEqualTo(1);
        long id = g.get("id").longValue();
        Http.Res one = node.service().get(org.path() + "/groups/" + id);
        assertThat(one.header("ETag")).isEqualTo("\"1\"");
        assertThat(one.get("name").stringValue()).isEqualTo("Support");
        group(org, "Sales");
        Http.Res page = node.service().get(org.path() + "/groups?limit=1");
        assertThat(page.get("items")).hasSize(1);
        String cursor = page.get("next_cursor").stringValue();
        Http.Res rest = node.service().get(org.path() + "/groups?limit=1&cursor=" + cursor);
        assertThat(rest.get("items").get(0).get("name").stringValue()).isEqualTo("Sales");
    }

    /**
     * A page of groups ends early once the members it embeds would pass {@link GroupService#PAGE_MEMBERS}: four groups
     * of 3,000 members fill a page of three, whose cursor continues with the fourth, none repeated or missed.
     */
    @Test
    void list_endsAPageEarly_whenItsMembersReachTheBound_andItsCursorContinuesExactly() {
        var org = fx.org("close");
        int perGroup = 3_000;
        List<String> names = List.of("G1", "G2", "G3", "G4");
        StringBuilder lines = new StringBuilder();
        for (int i = 0; i < perGroup; i++) {
            lines.append(line("type", "member", "user_id", "u" + i, "email", "u" + i + "@example.com", "role",
                    "User"));
        }
        for (String name : names) {
            lines.append(line("type", "group", "name", name));
            for (int i = 0; i < perGroup; i++) {
                lines.append(line("type", "group_member", "group", name, "user_id", "u" + i));
            }
        }
        Http.Res imported = node.service().raw("POST", org.path() + "/import", lines.toString(),
                "application/x-ndjson");
        assertThat(imported.status()).as("%s", imported).isEqualTo(200);
        assertThat(4 * perGroup).isGreaterThan(GroupService.PAGE_MEMBERS);

        Http.Res first = node.service().get(org.path() + "/groups?limit=100");
        assertThat(first.status()).as("%s", first).isEqualTo(200);
        JsonNode items = first.get("items");
        assertThat(items).extracting(g -> g.get("name").stringValue()).containsExactly("G1", "G2", "G3");
        assertThat(items).allSatisfy(g -> assertThat(g.get("members")).hasSize(perGroup));
        assertThat(first.get("next_cursor").isNull()).as("%s", first.body().length()).isFalse();

        Http.Res rest = node.service().get(org.path() + "/groups?limit=100&cursor="
                + first.get("next_cursor").stringValue());
        assertThat(rest.status()).as("%s", rest).isEqualTo(200);
        assertThat(rest.get("items")).extracting(g -> g.get("name").stringValue()).containsExactly("G4");
        assertThat(rest.get("items").get(0).get("members")).hasSize(perGroup);
        assertThat(rest.get("next_cursor").isNull()).isTrue();
    }

    /**
     * An import's member changes each record the group's exact member count, before and after, while each group is
     * counted once per chunk (it was counted again for every line, a time that grew with the group) and the
     * organization's model is not read again per line: in one chunk, 300 members added to a group that held 2, a group
     * created and filled, members removed and one added again, and a member deleted, leaving both groups.
     */
    @Test
    void anImportsMemberChanges_recordExactCounts_countingEachGroupOnce() {
        var org = fx.org("close");
        long a = group(org, "A");
        long role = fx.roleId(org, "User");
        for (String userId : List.of("pre0", "pre1")) {
            long m = fx.member(org, userId, role);
            assertThat(node.service().post(org.path() + "/groups/" + a + "/members", Map.of("member_id", m)).status())
                    .isEqualTo(201);
        }
        int n = 300;
        StringBuilder lines = new StringBuilder();
        for (int i = 0; i < n; i++) {
            lines.append(line("type", "member", "user_id", "u" + i, "email", "u" + i + "@example.com", "role", "User"));
        }
        lines.append(line("type", "group", "name", "B"));
        Map<String, Integer> expected = new LinkedHashMap<>(Map.of("A", 2, "B", 0));
        List<int[]> counts = new ArrayList<>(); // per member change: before, after
        for (int i = 0; i < n; i++) {
            lines.append(line("type", "group_member", "group", "A", "user_id", "u" + i));
            counts.add(new int[] {expected.get("A"), expected.merge("A", 1, Integer::sum)});
            if (i % 2 == 0) {
                lines.append(line("type", "group_member", "group", "B", "user_id", "u" + i));
                counts.add(new int[] {expected.get("B"), expected.merge("B", 1, Integer::sum)});
            }
        }
        for (int i = 0; i < 50; i++) {
            lines.append(line("type", "group_member", "op", "delete", "group", "A", "user_id", "u" + i));
            counts.add(new int[] {expected.get("A"), expected.merge("A", -1, Integer::sum)});
        }
        lines.append(line("type", "group_member", "group", "A", "user_id", "u0"));
        counts.add(new int[] {expected.get("A"), expected.merge("A", 1, Integer::sum)});
        lines.append(line("type", "member", "op", "delete", "user_id", "u0")); // in A and B: leaves A, then B
        counts.add(new int[] {expected.get("A"), expected.merge("A", -1, Integer::sum)});
        counts.add(new int[] {expected.get("B"), expected.merge("B", -1, Integer::sum)});
        long before = node.node().core().feed().applied();

        List<String> statements = Statements.of(node, () -> {
            Http.Res imported = node.service().raw("POST", org.path() + "/import", lines.toString(),
                    "application/x-ndjson");
            assertThat(imported.status()).as("%s", imported).isEqualTo(200);
            assertThat(imported.json().at("/counts/group_member/created").intValue()).isEqualTo(n + n / 2 + 1);
            assertThat(imported.json().at("/counts/group_member/deleted").intValue()).isEqualTo(50);
        });

        var records = node.node().core().feed().read(h -> node.node().core().feed().log().readAfter(h, before,
                10_000)).stream().filter(r -> r.objectType().wire().equals("group")
                        && r.action().wire().equals("updated")).toList();
        assertThat(records).hasSize(counts.size());
        for (int i = 0; i < counts.size(); i++) {
            assertThat(new int[] {records.get(i).before().get("member_count").intValue(),
                    records.get(i).after().get("member_count").intValue()}).as("member change %d", i)
                    .containsExactly(counts.get(i));
        }
        Map<String, JsonNode> last = new HashMap<>();
        for (var record : records) {
            JsonNode previous = last.put(record.objectId(), record.after());
            if (previous != null) {
                // the chunk's lines all name the group as it was at the chunk's start: each record's before is the
                // one its previous change left
                assertThat(record.before().get("version")).as("%s", record).isEqualTo(previous.get("version"));
                assertThat(record.before().get("updated_at")).as("%s", record).isEqualTo(previous.get("updated_at"));
            }
        }
        assertThat(node.service().get(org.path() + "/groups/" + a).json().get("members")).hasSize(expected.get("A"));
        assertThat(statements.stream().filter(s -> s.startsWith("SELECT count(*) FROM group_members")).count())
                .as("A counted once, B created by the chunk").isLessThanOrEqualTo(1);
        assertThat(statements.stream().filter(s -> s.startsWith("SELECT model_id FROM organizations")).count())
                .as("the model read under the organization's lock").isLessThan(10);
    }

    private static String line(Object... keysAndValues) {
        Map<String, Object> fields = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            fields.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return Json.writeString(fields) + "\n";
    }

    /**
     * A group's name holds no invisible character but where a person writes one, created or renamed ({@code Support}
     * with a zero-width space inside was a second group looking exactly like {@code Support}); no-break spaces at its
     * ends are trimmed, so {@code Support} between them is the name taken.
     */
    @Test
    void names_holdingAnInvisibleCharacter_areRefused_andNoBreakSpacesAtTheEnds_trimmed() {
        var org = fx.org("close");
        long support = group(org, "Support");
        for (String name : List.of("Supp\u200bort", "Support\u2060", "\u00a0", "\ufeff")) {
            Http.Res created = node.service().post(org.path() + "/groups", Map.of("name", name));
            assertThat(created.status()).as("%s", created).isEqualTo(400);
            assertThat(created.get("errors").has("name")).as("%s", created).isTrue();
            Http.Res renamed = node.service().patch(org.path() + "/groups/" + support, Map.of("name", name));
            assertThat(renamed.status()).as("%s", renamed).isEqualTo(400);
        }
        Http.Res padded = node.service().post(org.path() + "/groups", Map.of("name", "\u00a0Support\u00a0"));
        assertThat(padded.status()).as("%s", padded).isEqualTo(409);
        assertThat(padded.get("code").stringValue()).isEqualTo("group_name_taken");
        assertThat(node.service().get(org.path() + "/groups").json().get("items")).extracting(g -> g.get("name")
                .stringValue()).containsExactly("Support");
        Http.Res family = node.service().post(org.path() + "/groups", Map.of("name",
                "\u202fTeam \uD83D\uDC68\u200D\uD83D\uDC69\u200D\uD83D\uDC67"));
        assertThat(family.status()).as("%s", family).isEqualTo(201);
        assertThat(family.get("name").stringValue()).isEqualTo("Team \uD83D\uDC68\u200D\uD83D\uDC69\u200D\uD83D\uDC67");
    }

    /**
     * Names are one name ignoring case by Unicode's full case folding, where PostgreSQL's lower() lowers each letter
     * alone: {@code Straße} beside {@code STRASSE}, {@code ΟΔΟΣ} beside {@code οδος} were two groups that look the
     * same to a reader. Created or renamed into, such a name is the holder's (409 naming it); a group may still change
     * its own name to one of them.
     */
    @Test
    void names_equalByFullCaseFolding_areTaken_createdOrRenamedInto() {
        var org = fx.org("close");
        long strasse = group(org, "Stra\u00dfe");
        long odos = group(org, "\u039f\u0394\u039f\u03a3");
        long other = group(org, "Support");
        Map<String, Long> taken = Map.of("STRASSE", strasse, "STRA\u1e9eE", strasse,
                "\u03bf\u03b4\u03bf\u03c2", odos, "\u03bf\u03b4\u03bf\u03c3", odos);
        taken.forEach((name, holder) -> {
            Http.Res created = node.service().post(org.path() + "/groups", Map.of("name", name));
            assertThat(created.status()).as("%s: %s", name, created).isEqualTo(409);
            assertThat(created.get("code").stringValue()).isEqualTo("group_name_taken");
            assertThat(created.get("detail").stringValue()).contains("(id " + holder + ")");
            Http.Res renamed = node.service().patch(org.path() + "/groups/" + other, Map.of("name", name));
            assertThat(renamed.status()).as("%s: %s", name, renamed).isEqualTo(409);
            assertThat(renamed.get("code").stringValue()).isEqualTo("group_name_taken");
        });
        assertThat(node.service().get(org.path() + "/groups/" + other).get("name").stringValue()).isEqualTo("Support");
        Http.Res own = node.service().patch(org.path() + "/groups/" + strasse, Map.of("name", "STRASSE"));
        assertThat(own.status()).as("%s", own).isEqualTo(200);
        assertThat(own.get("name").stringValue()).isEqualTo("STRASSE");
    }

    /**
     * Of two names stored before the folded key that fold to one ({@code STRASSE} without a key beside {@code Straße}
     * holding it), each group may change its own case, the key staying with the one holding it; a group sent its own
     * name as stored before names were composed ({@code Cafe} U+0301 beside {@code Café}) is not renamed.
     */
    @Test
    void namesStoredBeforeTheFoldedKey_mayChangeTheirOwnCase_andBeSentBackAsStored() {
        var org = fx.org("close");
        long keyed = group(org, "Stra\u00dfe");
        long keyless = group(org, "Legacy one");
        group(org, "Caf\u00e9");
        long decomposed = group(org, "Legacy two");
        db.useHandle(h -> {
            h.execute("UPDATE groups SET name = 'STRASSE', name_key = NULL WHERE id = ?", keyless);
            h.execute("UPDATE groups SET name = 'Cafe\u0301', name_key = NULL WHERE id = ?", decomposed);
        });

        Http.Res ownCase = node.service().patch(org.path() + "/groups/" + keyless, Map.of("name", "Strasse"));
        assertThat(ownCase.status()).as("%s", ownCase).isEqualTo(200);
        assertThat(ownCase.get("name").stringValue()).isEqualTo("Strasse");
        Http.Res holderCase = node.service().patch(org.path() + "/groups/" + keyed, Map.of("name", "STRA\u00dfE"));
        assertThat(holderCase.status()).as("%s", holderCase).isEqualTo(200);
        List<Long> holders = db.withHandle(h -> h.createQuery("SELECT id FROM groups WHERE org_id = :org "
                + "AND name_key = 'strasse'").bind("org", org.id()).mapTo(Long.class).list());
        assertThat(holders).containsExactly(keyed);

        Http.Res asStored = node.service().patch(org.path() + "/groups/" + decomposed, Map.of("name", "Cafe\u0301"));
        assertThat(asStored.status()).as("%s", asStored).isEqualTo(200);
        assertThat(asStored.get("name").stringValue()).isEqualTo("Cafe\u0301");
        assertThat(asStored.get("version").intValue()).as("not renamed").isEqualTo(1);
    }

    @Test
    void names_areUniqueIgnoringCase_andValidated() {
        var org = fx.org("close");
        group(org, "Support");
        Http.Res dup = node.service().post(org.path() + "/groups", Map.of("name", "SUPPORT"));
        assertThat(dup.status()).isEqualTo(409);
        assertThat(dup.get("code").stringValue()).isEqualTo("group_name_taken");
        assertThat(node.service().post(org.path() + "/groups", Map.of("name", " ")).status()).isEqualTo(400);
        Http.Res unknown = node.service().post(org.path() + "/groups", Map.of("name", "X", "color", "red"));
        assertThat(unknown.status()).isEqualTo(400);
        assertThat(unknown.get("errors").has("color")).isTrue();
    }

    @Test
    void members_areAddedByMemberIdOrUserId_listed_andRemoved() {
        var org = fx.org("close");
        long g = group(org, "Team");
        long user = fx.roleId(org, "User");
        long a = fx.member(org, "a", user);
        fx.member(org, "b", user);
        Http.Res byId = node.service().post(org.path() + "/groups/" + g + "/members", Map.of("member_id", a));
        assertThat(byId.status()).isEqualTo(201);
        assertThat(byId.get("user_id").stringValue()).isEqualTo("a");
        Http.Res again = node.service().post(org.path() + "/groups/" + g + "/members", Map.of("member_id", a));
        assertThat(again.status()).isEqualTo(200);
        assertThat(node.service().post(org.path() + "/groups/" + g + "/members", Map.of("user_id", "b")).status())
                .isEqualTo(201);
        JsonNode members = node.service().get(org.path() + "/groups/" + g + "/members").json().get("items");
        assertThat(members).extracting(m -> m.get("user_id").stringValue()).containsExactly("a", "b");
        assertThat(node.service().get(org.path() + "/groups/" + g).json().get("version").intValue()).isEqualTo(3);
        assertThat(node.service().delete(org.path() + "/groups/" + g + "/members/b").status()).isEqualTo(204);
        Http.Res notIn = node.service().delete(org.path() + "/groups/" + g + "/members/b");
        assertThat(notIn.status()).isEqualTo(404);
        assertThat(notIn.get("code").stringValue()).isEqualTo("group_member_not_found");
        assertThat(node.service().post(org.path() + "/groups/" + g + "/members", Map.of()).status()).isEqualTo(400);
        assertThat(node.service().post(org.path() + "/groups/" + g + "/members", Map.of("member_id", a, "user_id", "a"))
                .status()).isEqualTo(400);
        assertThat(node.service().post(org.path() + "/groups/" + g + "/members", Map.of("user_id", "zz")).status())
                .isEqualTo(404);
    }

    /** A body's user id is taken verbatim: whitespace at an end is refused, never trimmed into another member's id. */
    @Test
    void addingAMember_byAUserIdWithWhitespaceAtAnEnd_isRefused() {
        var org = fx.org("close");
        long g = group(org, "Padded");
        fx.member(org, "u-77", fx.roleId(org, "User"));
        for (String padded : List.of(" u-77", "u-77 ")) {
            Http.Res res = node.service().post(org.path() + "/groups/" + g + "/members", Map.of("user_id", padded));
            assertThat(res.status()).as("%s", res).isEqualTo(400);
            assertThat(res.get("errors").get("user_id").stringValue())
                    .startsWith("must not begin or end with whitespace");
        }
        assertThat(node.service().get(org.path() + "/groups/" + g + "/members").json().get("items")).isEmpty();
    }

    /**
     * A rename is judged by the database's folding of case, as the unique name is: "I" and "ı" (dotless i) are equal
     * ignoring case to Java, but not to lower(), so renaming group "I" to "ı" while another group holds "ı" must be
     * the 409 naming that group, not a generic constraint conflict.
     */
    @Test
    void rename_toANameTakenAsTheDatabaseFoldsIt_isGroupNameTaken() {
        var org = fx.org("close");
        long renamed = group(org, "I");
        long holder = group(org, "\u0131");
        Http.Res res = node.service().patch(org.path() + "/groups/" + renamed, Map.of("name", "\u0131"));
        assertThat(res.status()).as(res.toString()).isEqualTo(409);
        assertThat(res.get("code").stringValue()).isEqualTo("group_name_taken");
        assertThat(res.get("detail").stringValue()).contains("(id " + holder + ")");
        assertThat(node.service().get(org.path() + "/groups/" + renamed).get("name").stringValue()).isEqualTo("I");
    }

    @Test
    void patch_renames_andHonoursIfMatch() {
        var org = fx.org("close");
        long g = group(org, "Old");
        Http.Res renamed = node.service().header("If-Match", "\"1\"").patch(org.path() + "/groups/" + g,
                Map.of("name", "New"));
        assertThat(renamed.status()).isEqualTo(200);
        assertThat(renamed.header("ETag")).isEqualTo("\"2\"");
        Http.Res stale = node.service().header("If-Match", "\"1\"").patch(org.path() + "/groups/" + g,
                Map.of("name", "Newer"));
        assertThat(stale.status()).isEqualTo(412);
        assertThat(node.service().header("If-Match", "\"1\"").delete(org.path() + "/groups/" + g).status()).isEqualTo(412);
        assertThat(node.service().get(org.path() + "/groups/" + g).get("name").stringValue()).isEqualTo("New");
        assertThat(node.service().delete(org.path() + "/groups/" + g).status()).isEqualTo(204);
        assertThat(node.service().get(org.path() + "/groups/" + g).status()).isEqualTo(404);
    }

    /**
     * Adding or removing a member changes the group (its version, the ETag of its GET): both honour If-Match against
     * the group's version, as a rename does.
     */
    @Test
    void memberChanges_honourIfMatch_againstTheGroupsVersion() {
        var org = fx.org("close");
        long g = group(org, "Guarded");
        long member = fx.member(org, "guarded", fx.roleId(org, "User"));
        String path = org.path() + "/groups/" + g;
        long revision = node.revision();
        Http.Res staleAdd = node.service().header("If-Match", "\"42\"").post(path + "/members",
                Map.of("member_id", member));
        assertThat(staleAdd.status()).as("%s", staleAdd).isEqualTo(412);
        assertThat(staleAdd.get("code").stringValue()).isEqualTo("version_mismatch");
        Http.Res malformed = node.service().header("If-Match", "garbage\"").post(path + "/members",
                Map.of("member_id", member));
        assertThat(malformed.status()).as("%s", malformed).isEqualTo(400);
        assertThat(malformed.get("code").stringValue()).isEqualTo("invalid_if_match");
        assertThat(node.revision()).isEqualTo(revision);
        assertThat(node.service().get(path + "/members").json().get("items")).isEmpty();

        Http.Res added = node.service().header("If-Match", node.service().get(path).header("ETag"))
                .post(path + "/members", Map.of("member_id", member));
        assertThat(added.status()).as("%s", added).isEqualTo(201);
        assertThat(node.service().get(path).header("ETag")).isEqualTo("\"2\"");

        revision = node.revision();
        Http.Res staleRemove = node.service().header("If-Match", "\"1\"").delete(path + "/members/" + member);
        assertThat(staleRemove.status()).as("%s", staleRemove).isEqualTo(412);
        assertThat(staleRemove.get("code").stringValue()).isEqualTo("version_mismatch");
        assertThat(node.revision()).isEqualTo(revision);
        assertThat(node.service().get(path + "/members").json().get("items")).hasSize(1);
        assertThat(node.service().header("If-Match", "\"2\"").delete(path + "/members/" + member).status())
                .isEqualTo(204);
        assertThat(node.service().get(path).header("ETag")).isEqualTo("\"3\"");
    }

    @Test
    void managingGroups_needsTheModelsMemberManagementPermission() {
        var org = fx.org("close");
        long g = group(org, "Team");
        Http rep = fx.keyFor(org, fx.member(org, "rep", fx.roleId(org, "Super User")));
        assertThat(rep.get(org.path() + "/groups").status()).isEqualTo(200);
        Http.Res create = rep.post(org.path() + "/groups", Map.of("name", "Mine"));
        assertThat(create.status()).isEqualTo(403);
        assertThat(create.get("detail").stringValue()).contains("manage_organization");
        assertThat(rep.patch(org.path() + "/groups/" + g, Map.of("name", "Mine")).status()).isEqualTo(403);
        assertThat(rep.post(org.path() + "/groups/" + g + "/members", Map.of("user_id", "rep")).status()).isEqualTo(403);
        assertThat(rep.delete(org.path() + "/groups/" + g).status()).isEqualTo(403);
        assertThat(org.admin().post(org.path() + "/groups", Map.of("name", "Admins")).status()).isEqualTo(201);
    }

    @Test
    void anotherOrganizationsGroups_areInvisible() {
        var org = fx.org("close");
        var other = fx.org("close");
        long theirs = group(other, "Theirs");
        assertThat(org.admin().get(org.path() + "/groups/" + theirs).status()).isEqualTo(404);
        assertThat(org.admin().get(other.path() + "/groups/" + theirs).status()).isEqualTo(404);
        assertThat(node.service().get(org.path() + "/groups/" + theirs).status()).isEqualTo(404);
    }

    @Test
    void removingAMember_removesItFromItsGroups() {
        var org = fx.org("close");
        long g = group(org, "Team");
        long m = fx.member(org, "leaver", fx.roleId(org, "User"));
        node.service().post(org.path() + "/groups/" + g + "/members", Map.of("member_id", m));
        assertThat(node.service().delete(org.path() + "/members/" + m).status()).isEqualTo(204);
        assertThat(node.service().get(org.path() + "/groups/" + g).json().get("members")).isEmpty();
    }

    @Test
    void memberChange_isAGroupChangeRecordWithADelta_notTheMemberList() {
        var org = fx.org("rooms");
        long g = group(org, "Room team");
        long m = fx.member(org, "x", fx.roleId(org, roomsRole(org)));
        long before = node.node().core().feed().applied();
        node.service().post(org.path() + "/groups/" + g + "/members", Map.of("member_id", m));
        var records = node.node().core().feed().read(h -> node.node().core().feed().log().readAfter(h, before, 10));
        assertThat(records).hasSize(1);
        assertThat(records.get(0).objectType().wire()).isEqualTo("group");
        assertThat(records.get(0).action().wire()).isEqualTo("updated");
        assertThat(records.get(0).changedFields()).containsExactly("member_count", "members");
        assertThat(records.get(0).before().has("members")).isFalse();
        assertThat(records.get(0).after().has("members")).isFalse();
        assertThat(records.get(0).after().get("member_count").intValue()).isEqualTo(1);
        assertThat(records.get(0).delta().get("members_added").get(0).get("user_id").stringValue()).isEqualTo("x");
        assertThat(records.get(0).delta().get("members_removed")).isEmpty();
    }

    private static String roomsRole(Fixtures.Org org) {
        for (JsonNode role : node.service().get(org.path() + "/roles").json().get("items")) {
            if (!role.get("external").booleanValue()) {
                return role.get("name").stringValue();
            }
        }
        throw new AssertionError("no internal role");
    }
}
