package dev.gatehouse.member;

import dev.gatehouse.testing.Fixtures;
import dev.gatehouse.testing.Http;
import dev.gatehouse.testing.TestNode;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

class MembersIT {

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
    void internalMember_holdsExactlyOneInternalCompanyRole() {
        var org = fx.org("rooms");
        long internal = fx.role(org, "Agent", List.of("canCreateRooms"));
        long external = fx.role(org, Map.of("name", "Guest", "permissions", List.of("canViewRoomDetails"), "external", true));

        Http.Res missing = node.service().post(org.path() + "/members", Map.of("user_id", "u1", "email", "u1@example.com"));
        assertThat(missing.status()).isEqualTo(400);
        assertThat(missing.get("errors").has("role_id")).isTrue();

        Http.Res externalRole = node.service().post(org.path() + "/members", Map.of("user_id", "u1",
                "email", "u1@example.com", "role_id", external));
        assertThat(externalRole.status()).isEqualTo(400);
        assertThat(externalRole.get("errors").get("role_id").stringValue()).contains("external");

        Http.Res unknownRole = node.service().post(org.path() + "/members", Map.of("user_id", "u1",
                "email", "u1@example.com", "role_id", 999_999));
        assertThat(unknownRole.status()).isEqualTo(400);
        assertThat(unknownRole.get("errors").get("role_id").stringValue()).contains("999999");

        Http.Res ok = node.service().post(org.path() + "/members", Map.of("user_id", "u1", "email", "u1@example.com",
                "first_name", "Una", "role_id", internal));
        assertThat(ok.status()).isEqualTo(201);
        assertThat(ok.get("role_id").longValue()).isEqualTo(internal);
        assertThat(ok.get("external").booleanValue()).isFalse();
        assertThat(ok.get("status").stringValue()).isEqualTo("active");
        assertThat(ok.get("version").intValue()).isEqualTo(1);
        assertThat(ok.header("ETag")).isEqualTo("\"1\"");

        Http.Res toExternal = node.service().patch(org.path() + "/members/u1", Map.of("role_id", external));
        assertThat(toExternal.status()).isEqualTo(400);
        Http.Res becomeExternal = node.service().patch(org.path() + "/members/u1", Map.of("external", true));
        assertThat(becomeExternal.status()).isEqualTo(400);
        assertThat(node.service().get(org.path() + "/members/u1").get("role_id").longValue()).isEqualTo(internal);
    }

    @Test
    void externalMember_holdsNoCompanyRole() {
        var org = fx.org("rooms");
        long guest = fx.role(org, Map.of("name", "Guest", "permissions", List.of("canViewRoomDetails"), "external", true));
        Http.Res withRole = node.service().post(org.path() + "/members", Map.of("user_id", "x1",
                "email", "x1@example.com", "external", true, "role_id", guest));
        assertThat(withRole.status()).isEqualTo(400);
        assertThat(withRole.get("errors").has("role_id")).isTrue();

        Http.Res ok = node.service().post(org.path() + "/members", Map.of("user_id", "x1", "email", "x1@example.com",
                "external", true));
        assertThat(ok.status()).isEqualTo(201);
        assertThat(ok.get("role_id").isNull()).isTrue();
        assertThat(ok.get("external").booleanValue()).isTrue();

        Http.Res giveRole = node.service().patch(org.path() + "/members/x1", Map.of("role_id", fx.roleId(org, "Default Admin")));
        assertThat(giveRole.status()).isEqualTo(400);
        Http.Res internal = node.service().patch(org.path() + "/members/x1", Map.of("external", false));
        assertThat(internal.status()).isEqualTo(400);
    }

    @Test
    void closeOrganization_hasNoExternalMembers() {
        var org = fx.org("close");
        Http.Res res = node.service().post(org.path() + "/members", Map.of("user_id", "x1", "email", "x1@example.com",
                "external", true));
        assertThat(res.status()).isEqualTo(400);
        assertThat(res.get("errors").get("external").stringValue()).contains("close");
        Http.Res externalRole = node.service().post(org.path() + "/roles", Map.of("name", "Guest",
                "permissions", List.of("view_all_leads"), "external", true));
        assertThat(externalRole.status()).isEqualTo(400);
        assertThat(externalRole.get("errors").has("external")).isTrue();
    }

    @Test
    void lookup_byGatehouseId_orByTheProductsUserId() {
        var org = fx.org("close");
        long user = fx.roleId(org, "User");
        long id = fx.member(org, "crm-42", user);
        JsonNode byId = node.service().get(org.path() + "/members/" + id).json();
        JsonNode byUserId = node.service().get(org.path() + "/members/crm-42").json();
        assertThat(byId).isEqualTo(byUserId);
        assertThat(byId.get("user_id").stringValue()).isEqualTo("crm-42");

        // A numeric user id that is not a member id still finds its member.
        long numeric = fx.member(org, "900000001", user);
        assertThat(node.service().get(org.path() + "/members/900000001").get("id").longValue()).isEqualTo(numeric);
        Http.Res missing = node.service().get(org.path() + "/members/nobody");
        assertThat(missing.status()).isEqualTo(404);
        assertThat(missing.get("code").stringValue()).isEqualTo("member_not_found");
        assertThat(missing.get("detail").stringValue()).contains("nobody");
        assertThat(node.service().patch(org.path() + "/members/crm-42", Map.of("first_name", "Cora")).get("first_name")
                .stringValue()).isEqualTo("Cora");
    }

    /**
     * A user id beginning with a reference's prefix is refused: a member with user id "id:47" was once created, and
     * {@code …/members/id:47} then silently named member 47 instead of it.
     */
    @Test
    void aUserIdBeginningWithAReferencePrefix_isRefused_namingUserId() {
        var org = fx.org("close");
        long user = fx.roleId(org, "User");
        for (String userId : List.of("id:" + org.adminId(), "user:crm-7", "id:", "user:")) {
            Http.Res refused = node.service().post(org.path() + "/members", Map.of("user_id", userId,
                    "email", "prefixed@example.com", "role_id", user));
            assertThat(refused.status()).as("%s: %s", userId, refused).isEqualTo(400);
            assertThat(refused.get("errors").get("user_id").stringValue()).as(userId)
                    .contains("must not begin with \"id:\" or \"user:\"").contains(userId);
        }
        assertThat(node.service().get(org.path() + "/members?q=prefixed").get("items")).isEmpty();
        // the prefixes are read as written, so a user id merely holding them, or in other letters, is one like any
        for (String userId : List.of("ID:47", "crm:id:47", "users:7")) {
            Http.Res created = node.service().post(org.path() + "/members", Map.of("user_id", userId,
                    "email", userId.replace(':', '-') + "@example.com", "role_id", user));
            assertThat(created.status()).as("%s: %s", userId, created).isEqualTo(201);
            assertThat(node.service().get(org.path() + "/members/user:" + userId).get("id").longValue())
                    .isEqualTo(created.get("id").longValue());
        }
    }

    /**
     * An email change is judged by the database's folding of case, as the unique email is: "I…" and "ı…" (dotless i)
     * are equal ignoring case to Java, not to lower(), so taking the email another member holds that way must be
     * the 409 member_exists naming it, not a generic constraint conflict.
     */
    @Test
    void emailChange_toAnEmailTakenAsTheDatabaseFoldsIt_isMemberExists() {
        var org = fx.org("close");
        long user = fx.roleId(org, "User");
        Http.Res first = node.service().post(org.path() + "/members", Map.of("user_id", "dotted", "email",
                "I@example.com", "role_id", user));
        assertThat(first.status()).as(first.toString()).isEqualTo(201);
        Http.Res holder = node.service().post(org.path() + "/members", Map.of("user_id", "dotless", "email",
                "\u0131@example.com", "role_id", user));
        assertThat(holder.status()).as(holder.toString()).isEqualTo(201);
        Http.Res res = node.service().patch(org.path() + "/members/dotted", Map.of("email", "\u0131@example.com"));
        assertThat(res.status()).as(res.toString()).isEqualTo(409);
        assertThat(res.get("code").stringValue()).isEqualTo("member_exists");
        assertThat(res.get("detail").stringValue()).contains("(id " + holder.get("id").longValue() + ")");
    }

    @Test
    void userIdAndEmail_areUniquePerOrganization() {
        var org = fx.org("close");
        long user = fx.roleId(org, "User");
        fx.member(org, "dup", user);
        Http.Res sameUser = node.service().post(org.path() + "/members", Map.of("user_id", "dup",
                "email", "other@example.com", "role_id", user));
        assertThat(sameUser.status()).isEqualTo(409);
        assertThat(sameUser.get("code").stringValue()).isEqualTo("member_exists");
        Http.Res sameEmail = node.service().post(org.path() + "/members", Map.of("user_id", "other",
                "email", "DUP@Example.com", "role_id", user));
        assertThat(sameEmail.status()).isEqualTo(409);
        assertThat(sameEmail.get("detail").stringValue()).contains("email");
        long other = fx.member(org, "other", user);
        Http.Res takeEmail = node.service().patch(org.path() + "/members/" + other, Map.of("email", "dup@example.com"));
        assertThat(takeEmail.status()).isEqualTo(409);
        Http.Res changeUserId = node.service().patch(org.path() + "/members/" + other, Map.of("user_id", "renamed"));
        assertThat(changeUserId.status()).isEqualTo(400);

        // Another organization may reuse both.
        var second = fx.org("close");
        fx.member(second, "dup", fx.roleId(second, "User"));
    }

    @Test
    void deactivation_keepsTheMember_andRevokesItsKeysForGood() {
        var org = fx.org("close");
        long user = fx.roleId(org, "User");
        long member = fx.member(org, "leaver", user);
        Http key = fx.keyFor(org, member);
        assertThat(key.get(org.path() + "/roles").status()).isEqualTo(200);
        assertThat(key.get("/v1/models").status()).isEqualTo(200);

        Http.Res deactivated = node.service().patch(org.path() + "/members/leaver", Map.of("status", "deactivated"));
        assertThat(deactivated.status()).isEqualTo(200);
        assertThat(deactivated.get("status").stringValue()).isEqualTo("deactivated");
        assertThat(deactivated.get("role_id").longValue()).isEqualTo(user);

        JsonNode kept = node.service().get(org.path() + "/members/" + member).json();
        assertThat(kept.get("status").stringValue()).isEqualTo("deactivated");
        assertThat(node.service().get(org.path() + "/members?status=deactivated").json().get("items"))
                .extracting(m -> m.get("id").longValue()).containsExactly(member);
        assertThat(node.service().get(org.path() + "/members?status=active").json().get("items"))
                .extracting(m -> m.get("id").longValue()).doesNotContain(member);

        for (String path : List.of(org.path() + "/roles", org.path(), "/v1/models", "/v1/models/close",
                org.path() + "/members/" + member + "/keys")) {
            Http.Res res = key.get(path);
            assertThat(res.status()).as("GET %s with a deactivated member's key: %s", path, res).isEqualTo(401);
        }

        Http.Res reactivated = node.service().patch(org.path() + "/members/leaver", Map.of("status", "active"));
        assertThat(reactivated.status()).isEqualTo(200);
        assertThat(key.get(org.path() + "/roles").status()).as("deactivation revoked the key for good").isEqualTo(401);
        assertThat(fx.keyFor(org, member).get(org.path() + "/roles").status()).isEqualTo(200);
    }

    @Test
    void delete_removesTheMember_andItsKeys() {
        var org = fx.org("close");
        long member = fx.member(org, "gone", fx.roleId(org, "User"));
        Http key = fx.keyFor(org, member);
        assertThat(node.service().delete(org.path() + "/members/gone").status()).isEqualTo(204);
        assertThat(node.service().get(org.path() + "/members/" + member).status()).isEqualTo(404);
        assertThat(key.get(org.path() + "/roles").status()).isEqualTo(401);
        assertThat(node.service().delete(org.path() + "/members/gone").status()).isEqualTo(404);
    }

    /** {@code If-Match} takes the version as the ETag gives it or as a bare number, as clients send it; docs/api.md. */
    @Test
    void ifMatch_readsTheBareNumberAsTheQuotedOne_andNoOtherSpelling() {
        var org = fx.org("close");
        long member = fx.member(org, "bare", fx.roleId(org, "User"));
        String path = org.path() + "/members/" + member;
        for (String spelling : List.of("01", "\"01\"", "\"1", "\"1\", \"2\"", "one")) {
            Http.Res refused = node.service().header("If-Match", spelling).patch(path, Map.of("last_name", "No"));
            assertThat(refused.status()).as("If-Match: %s: %s", spelling, refused).isEqualTo(400);
            assertThat(refused.get("code").stringValue()).isEqualTo("invalid_if_match");
        }
        long version = node.service().get(path).get("version").longValue();
        Http.Res bare = node.service().header("If-Match", String.valueOf(version)).patch(path,
                Map.of("last_name", "Bare"));
        assertThat(bare.status()).as("%s", bare).isEqualTo(200);
        Http.Res stale = node.service().header("If-Match", String.valueOf(version)).patch(path,
                Map.of("last_name", "Stale"));
        assertThat(stale.status()).as("%s", stale).isEqualTo(412);
    }

    @Test
    void patch_withStaleIfMatch_is412_andChangesNothing() {
        var org = fx.org("close");
        long member = fx.member(org, "v", fx.roleId(org, "User"));
        Http.Res first = node.service().header("If-Match", "\"1\"").patch(org.path() + "/members/" + member,
                Map.of("last_name", "One"));
        assertThat(first.status()).isEqualTo(200);
        assertThat(first.get("version").intValue()).isEqualTo(2);
        Http.Res stale = node.service().header("If-Match", "\"1\"").patch(org.path() + "/members/" + member,
                Map.of("last_name", "Two"));
        assertThat(stale.status()).isEqualTo(412);
        assertThat(stale.get("code").stringValue()).isEqualTo("version_mismatch");
        Http.Res staleDelete = node.service().header("If-Match", "\"1\"").delete(org.path() + "/members/" + member);
        assertThat(staleDelete.status()).isEqualTo(412);
        assertThat(node.service().get(org.path() + "/members/" + member).get("last_name").stringValue()).isEqualTo("One");
    }

    /** Accepting an invitation changes the member (its status, its version): it honours If-Match as a PATCH does. */
    @Test
    void accept_withStaleIfMatch_is412_andLeavesTheMemberInvited() {
        var org = fx.org("close");
        Http.Res invited = node.service().post(org.path() + "/members", Map.of("user_id", "invitee", "email",
                "invitee@example.com", "role_id", fx.roleId(org, "User"), "status", "invited"));
        assertThat(invited.status()).as("%s", invited).isEqualTo(201);
        String path = org.path() + "/members/" + invited.get("id").longValue();
        long revision = node.revision();
        Http.Res stale = node.service().header("If-Match", "\"42\"").post(path + "/accept", null);
        assertThat(stale.status()).as("%s", stale).isEqualTo(412);
        assertThat(stale.get("code").stringValue()).isEqualTo("version_mismatch");
        Http.Res malformed = node.service().header("If-Match", "garbage\"").post(path + "/accept", null);
        assertThat(malformed.status()).as("%s", malformed).isEqualTo(400);
        assertThat(malformed.get("code").stringValue()).isEqualTo("invalid_if_match");
        assertThat(node.revision()).isEqualTo(revision);
        assertThat(node.service().get(path).get("status").stringValue()).isEqualTo("invited");

        Http.Res accepted = node.service().header("If-Match", invited.header("ETag")).post(path + "/accept", null);
        assertThat(accepted.status()).as("%s", accepted).isEqualTo(200);
        assertThat(accepted.get("status").stringValue()).isEqualTo("active");
        assertThat(accepted.header("ETag")).isEqualTo("\"" + accepted.get("version").intValue() + "\"");
    }

    /**
     * A member's keys and grants carry no version (their answers have no ETag, and neither changes the member's):
     * their writes refuse If-Match rather than perform a request whose condition they cannot evaluate.
     */
    @Test
    void keysAndGrants_refuseIfMatch_andChangeNothing() {
        var org = fx.org("close");
        long member = fx.member(org, "keyed", fx.roleId(org, "User"));
        String path = org.path() + "/members/" + member;
        String version = node.service().get(path).header("ETag");
        long revision = node.revision();
        Http conditional = node.service().header("If-Match", version);
        for (Http.Res refused : List.of(conditional.post(path + "/keys", Map.of("name", "k")),
                conditional.delete(path + "/keys/nope"),
                conditional.put(path + "/grants", Map.of("permissions", List.of())))) {
            assertThat(refused.status()).as("%s", refused).isEqualTo(400);
            assertThat(refused.get("code").stringValue()).isEqualTo("if_match_unsupported");
            assertThat(refused.get("detail").stringValue()).contains("no version");
        }
        assertThat(node.revision()).isEqualTo(revision);
        assertThat(node.service().get(path + "/keys").json().get("items")).isEmpty();
    }

    @Test
    void list_isPaginatedAndFilterable() {
        var org = fx.org("close");
        long user = fx.roleId(org, "User");
        for (int i = 0; i < 5; i++) {
            fx.member(org, "p" + i, user);
        }
        Http.Res page1 = node.service().get(org.path() + "/members?limit=4");
        assertThat(page1.json().get("items")).hasSize(4);
        String cursor = page1.json().get("next_cursor").stringValue();
        Http.Res page2 = node.service().get(org.path() + "/members?limit=4&cursor=" + cursor);
        assertThat(page2.json().get("items")).hasSize(2);
        assertThat(page2.json().get("next_cursor").isNull()).isTrue();
        assertThat(node.service().get(org.path() + "/members?role_id=" + user).json().get("items")).hasSize(5);
        assertThat(node.service().get(org.path() + "/members?status=gone").status()).isEqualTo(400);
    }

    /**
     * An empty cursor in a query is 400 {@code invalid_cursor}, as in a body: it was read as absent, the first page,
     * so a client that lost its cursor paged from the start again without being told.
     */
    @Test
    void anEmptyCursor_isInvalid_notTheFirstPage() {
        var org = fx.org("close");
        long member = fx.member(org, "paging", fx.roleId(org, "User"));
        for (String list : List.of(org.path() + "/members", org.path() + "/roles", "/v1/orgs", "/v1/models",
                org.path() + "/members/" + member + "/keys", org.path() + "/members/" + member + "/assignments")) {
            Http.Res empty = node.service().get(list + "?cursor=");
            assertThat(empty.status()).as("%s?cursor=: %s", list, empty).isEqualTo(400);
            assertThat(empty.get("code").stringValue()).as(list).isEqualTo("invalid_cursor");
            assertThat(node.service().get(list).status()).as(list).isEqualTo(200);
        }
    }

    /** A write that changes nothing records nothing: the version stays, no event is written, the revision holds. */
    @Test
    void anUpdateChangingNothing_recordsNothing() {
        var org = fx.org("rooms");
        long role = fx.role(org, "Agent", List.of("canCreateRooms"));
        long id = fx.member(org, "same", role);
        int version = node.service().get(org.path() + "/members/" + id).get("version").intValue();
        long revision = node.revision();
        for (Map<String, ?> body : List.<Map<String, ?>>of(Map.of(), Map.of("role_id", role),
                Map.of("email", "same@example.com", "status", "active"))) {
            Http.Res same = node.service().patch(org.path() + "/members/" + id, body);
            assertThat(same.status()).as("%s", same).isEqualTo(200);
            assertThat(same.get("version").intValue()).as("%s", body).isEqualTo(version);
        }
        assertThat(node.revision()).isEqualTo(revision);
        Http.Res changed = node.service().patch(org.path() + "/members/" + id, Map.of("first_name", "Sam"));
        assertThat(changed.get("version").intValue()).isEqualTo(version + 1);
        assertThat(node.revision()).isGreaterThan(revision);
    }

    /**
     * A user id is the product's, taken verbatim everywhere: one beginning or ending with whitespace is refused where
     * a write would create or change a member by it, never trimmed into another user's id, and it names nobody in a
     * path or a decision.
     */
    @Test
    void aUserIdWithWhitespaceAtAnEnd_isRefusedOnWrites_andNamesNobodyWhereItIsRead() {
        var org = fx.org("rooms");
        long agent = fx.role(org, "Agent", List.of("canCreateRooms"));
        for (String padded : List.of("  u-77  ", " u-77", "u-77\u2003")) {
            Http.Res refused = node.service().post(org.path() + "/members", Map.of("user_id", padded,
                    "email", "u77@example.com", "role_id", agent));
            assertThat(refused.status()).as("%s", refused).isEqualTo(400);
            assertThat(refused.get("errors").get("user_id").stringValue())
                    .startsWith("must not begin or end with whitespace");
        }
        assertThat(node.service().get(org.path() + "/members/u-77").status()).as("nothing created").isEqualTo(404);

        fx.member(org, "u-77", agent);
        Http.Res byPath = node.service().get(org.path() + "/members/user:%20%20u-77%20%20");
        assertThat(byPath.status()).isEqualTo(404);
        assertThat(byPath.get("code").stringValue()).isEqualTo("member_not_found");
        Http.Res decided = node.service().post(org.path() + "/check", Map.of("user_id", "  u-77  ",
                "permission", "canCreateRooms"));
        assertThat(decided.status()).as("%s", decided).isEqualTo(404);
        assertThat(node.service().post(org.path() + "/check", Map.of("user_id", "u-77", "permission",
                "canCreateRooms")).get("allowed").booleanValue()).isTrue();
        Http.Res patched = node.service().patch(org.path() + "/members/u-77", Map.of("user_id", " u-77"));
        assertThat(patched.status()).as("%s", patched).isEqualTo(400);
        assertThat(patched.get("errors").get("user_id").stringValue())
                .startsWith("must not begin or end with whitespace");
    }

    /**
     * Whitespace at an end is every space and every invisible character, not only Java's: a user id ending in a
     * no-break space, a zero-width one, a Hangul filler, a variation selector or the braille blank would be a second
     * member that looks exactly like the first, one beginning with a combining mark joins what is printed before it,
     * and one made of them alone is blank; an email holds no space of any kind, nor another invisible character at an
     * end. Each is refused, naming the field, and adds nobody.
     */
    @Test
    void aUserIdOrEmailWithAnInvisibleCharacterAtAnEnd_isRefused_andAddsNobody() {
        var org = fx.org("rooms");
        long agent = fx.role(org, "Agent", List.of("canCreateRooms"));
        // not the fixtures' admin1@example.com, which the first organization of a node gives its admin
        assertThat(node.service().post(org.path() + "/members", Map.of("user_id", "admin1", "email",
                "member-admin1@x.io", "role_id", agent)).status()).isEqualTo(201);
        JsonNode before = node.service().get(org.path() + "/members?limit=100").get("items");
        long revision = node.revision();

        for (String userId : List.of("admin1\u00a0", "admin1\u2007", "admin1\u202f", "admin1\u3000", "\u200badmin1",
                "admin1\ufeff", "admin1\u180e", "\u00a0", "\u200b\u00a0", "admin1\u3164", "\u3164admin1",
                "admin1\u115f", "admin1\uffa0", "admin1\u2800", "admin1\u034f", "admin1\ufe0f", "admin1\u17b4",
                "admin1\ufffc", "\u0301admin1")) {
            Http.Res refused = node.service().post(org.path() + "/members", Map.of("user_id", userId,
                    "email", "w1@x.io", "role_id", agent));
            assertThat(refused.status()).as("%s", refused).isEqualTo(400);
            assertThat(refused.get("errors").get("user_id").stringValue()).as("%s", refused).matches(
                    "must not be blank|must not begin or end with whitespace or an invisible character, got .*"
                            + "|must not begin with a combining mark, got .*");
        }
        for (String email : List.of("w1@x.io\u00a0", "\ufeffw1@x.io", " w1@x.io", "w1@x\u3000io", "w\u202f1@x.io",
                "w1@x.io\u3164", "w1@x.io\ufe0f", "w1@x.io\u034f", "w1@x.io\u2800", "w1@x.io\u115f")) {
            Http.Res refused = node.service().post(org.path() + "/members", Map.of("user_id", "w1",
                    "email", email, "role_id", agent));
            assertThat(refused.status()).as("%s", refused).isEqualTo(400);
            assertThat(refused.get("errors").has("email")).as("%s", refused).isTrue();
            Http.Res patched = node.service().patch(org.path() + "/members/admin1", Map.of("email", email));
            assertThat(patched.status()).as("%s", patched).isEqualTo(400);
            assertThat(patched.get("errors").has("email")).as("%s", patched).isTrue();
        }

        assertThat(node.service().get(org.path() + "/members?limit=100").get("items")).isEqualTo(before);
        assertThat(node.revision()).as("nothing written").isEqualTo(revision);
        assertThat(node.service().get(org.path() + "/members/user:admin1%C2%A0").status()).isEqualTo(404);
    }

    /**
     * Inside a user id or an email an invisible character makes the same lookalike as at an end: {@code ad} U+200B
     * {@code min1} beside {@code admin1}, a no-break space inside, a variation selector after a letter. Each is
     * refused, naming the character and where it is, and adds nobody; a Persian word written with its non-joiner and
     * an emoji with its variation selector are taken.
     */
    @Test
    void aUserIdOrEmailWithAnInvisibleCharacterInside_isRefused_andAddsNobody() {
        var org = fx.org("rooms");
        long agent = fx.role(org, "Agent", List.of("canCreateRooms"));
        assertThat(node.service().post(org.path() + "/members", Map.of("user_id", "admin1", "email",
                "member-admin1@x.io", "role_id", agent)).status()).isEqualTo(201);
        JsonNode before = node.service().get(org.path() + "/members?limit=100").get("items");
        long revision = node.revision();

        Http.Res refused = node.service().post(org.path() + "/members", Map.of("user_id", "ad\u200bmin1",
                "email", "w2@x.io", "role_id", agent));
        assertThat(refused.status()).as("%s", refused).isEqualTo(400);
        assertThat(refused.get("errors").get("user_id").stringValue()).isEqualTo("must not hold an invisible "
                + "character or whitespace other than a space, got \"ad\u200bmin1\" (U+200B inside, at position 2)");
        for (String userId : List.of("ad\u2060min1", "ad\u3164min1", "a\u00a0b", "ad\ufe0fmin1")) {
            Http.Res also = node.service().post(org.path() + "/members", Map.of("user_id", userId,
                    "email", "w2@x.io", "role_id", agent));
            assertThat(also.status()).as("%s", also).isEqualTo(400);
            assertThat(also.get("errors").get("user_id").stringValue()).as("%s", also).contains(" inside, at position");
        }
        Http.Res email = node.service().post(org.path() + "/members", Map.of("user_id", "w2",
                "email", "member-ad\u200bmin1@x.io", "role_id", agent));
        assertThat(email.status()).as("%s", email).isEqualTo(400);
        assertThat(email.get("errors").get("email").stringValue()).endsWith("(U+200B inside, at position 9)");
        assertThat(node.service().get(org.path() + "/members?limit=100").get("items")).isEqualTo(before);
        assertThat(node.revision()).as("nothing written").isEqualTo(revision);

        for (String userId : List.of("\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645", "love\u2764\ufe0f")) {
            Http.Res taken = node.service().post(org.path() + "/members", Map.of("user_id", userId,
                    "email", userId.length() + "@x.io", "role_id", agent));
            assertThat(taken.status()).as("%s", taken).isEqualTo(201);
            assertThat(taken.get("user_id").stringValue()).isEqualTo(userId);
        }
    }
}
