package dev.gatehouse.http.close;

import dev.gatehouse.testing.Http;
import dev.gatehouse.testing.TestNode;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

class CloseGroupsIT {

    static TestNode node;
    static CloseFixtures close;

    @BeforeAll
    static void start() {
        node = TestNode.start();
        close = new CloseFixtures(node);
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    @Test
    void create_is201_withNoMembers_andNamesAreUnique() {
        var org = close.org();
        Http.Res res = org.admin().post("/group/", Map.of("name", "Support"));
        assertThat(res.status()).isEqualTo(201);
        assertThat(res.get("id").stringValue()).matches("group_[0-9A-Za-z]{22}");
        assertThat(res.get("organization_id").stringValue()).isEqualTo(org.closeId());
        assertThat(res.get("members")).isEmpty();
        Http.Res dup = org.admin().post("/group/", Map.of("name", "support"));
        assertThat(dup.status()).isEqualTo(400);
        assertThat(dup.get("error").stringValue()).contains("Support");
        assertThat(org.admin().post("/group/", Map.of()).get("field-errors").has("name")).isTrue();
        assertThat(org.admin().post("/group/", Map.of("name", "X", "members", "y")).get("field-errors").has("members")).isTrue();
    }

    @Test
    void list_hasNoMembers_getHasThem() {
        var org = close.org();
        String id = org.admin().post("/group/", Map.of("name", "Sales")).get("id").stringValue();
        String admin = org.org().json().get("admin_member").get("user_id").stringValue();
        assertThat(org.admin().post("/group/" + id + "/member/", Map.of("user_id", admin)).status()).isEqualTo(201);
        JsonNode list = org.admin().get("/group/").json();
        assertThat(list.get("data").get(0).propertyNames()).containsExactly("id", "name", "organization_id");
        assertThat(list.get("has_more").booleanValue()).isFalse();
        JsonNode one = org.admin().get("/group/" + id + "/").json();
        assertThat(one.get("members")).extracting(m -> m.get("user_id").stringValue()).containsExactly(admin);
    }

    @Test
    void members_areAddedAndRemovedIdempotently() {
        var org = close.org();
        String id = org.admin().post("/group/", Map.of("name", "Closers")).get("id").stringValue();
        close.member(org, "rep-a", "User");
        Http.Res added = org.admin().post("/group/" + id + "/member/", Map.of("user_id", "rep-a"));
        assertThat(added.status()).isEqualTo(201);
        assertThat(added.json().propertyNames()).containsExactly("user_id");
        assertThat(added.get("user_id").stringValue()).isEqualTo("rep-a");
        assertThat(org.admin().post("/group/" + id + "/member/", Map.of("user_id", "rep-a")).status()).isEqualTo(201);
        assertThat(org.admin().get("/group/" + id + "/").get("members")).hasSize(1);
        Http.Res removed = org.admin().delete("/group/" + id + "/member/rep-a/");
        assertThat(removed.status()).isEqualTo(204);
        assertThat(removed.body()).isEmpty();
        assertThat(removed.header("Content-Type")).as("a 204 has no content, so no type").isNull();
        assertThat(org.admin().delete("/group/" + id + "/member/rep-a/").status()).isEqualTo(204);
        assertThat(org.admin().get("/group/" + id + "/").get("members")).isEmpty();
        assertThat(org.admin().post("/group/" + id + "/member/", Map.of("user_id", "nobody")).status()).isEqualTo(404);
        assertThat(org.admin().delete("/group/" + id + "/member/nobody/").status()).isEqualTo(404);
    }

    /**
     * Only a user of the organization — an active member, as {@code /user/} lists them — is added to a group: a
     * deactivated or invited member not in it is a 400 on {@code user_id} naming it and its status, and the group
     * stays as it was (no member, no version, no event). Adding one already in the group — deactivated since, or
     * put in while invited through the native API — is 201 as adding any member twice, and writes nothing; the
     * group's members list it. One deactivated while in the group may still be removed.
     */
    @Test
    void aDeactivatedOrInvitedUser_isNotAdded_a400ThatChangesNothing_butOneAlreadyInIs201() {
        var org = close.org();
        String id = org.admin().post("/group/", Map.of("name", "Closers")).get("id").stringValue();
        close.member(org, "rep-gone", "User");
        close.member(org, "rep-kept", "User");
        assertThat(org.admin().post("/group/" + id + "/member/", Map.of("user_id", "rep-kept")).status()).isEqualTo(201);
        node.service().patch(org.path() + "/members/rep-gone", Map.of("status", "deactivated"));
        node.service().patch(org.path() + "/members/rep-kept", Map.of("status", "deactivated"));
        for (String invitee : List.of("rep-asked", "rep-asked-in")) {
            Http.Res invited = node.service().post(org.path() + "/members", Map.of("user_id", invitee, "email",
                    invitee + "@example.com", "status", "invited",
                    "role_id", close.native_().roleId(org.org(), "User")));
            assertThat(invited.status()).as(invited.toString()).isEqualTo(201);
        }
        long nativeId = node.service().get(org.path() + "/groups").get("items").get(0).get("id").longValue();
        Http.Res nativeAdd = node.service().post(org.path() + "/groups/" + nativeId + "/members",
                Map.of("user_id", "rep-asked-in"));
        assertThat(nativeAdd.status()).as(nativeAdd.toString()).isEqualTo(201);
        JsonNode before = node.service().get(org.path() + "/groups").get("items").get(0);
        int events = org.admin().get("/event/?object_type=group").get("data").size();
        long revision = node.revision();

        Map<String, String> statuses = Map.of("rep-gone", "deactivated", "rep-asked", "invited");
        statuses.forEach((userId, status) -> {
            Http.Res res = org.admin().post("/group/" + id + "/member/", Map.of("user_id", userId));
            assertThat(res.status()).as(userId + " " + res).isEqualTo(400);
            assertThat(res.get("field-errors").get("user_id").stringValue()).as(userId)
                    .contains("\"" + userId + "\"", status, "active");
        });
        for (String userId : List.of("rep-kept", "rep-asked-in")) {
            Http.Res res = org.admin().post("/group/" + id + "/member/", Map.of("user_id", userId));
            assertThat(res.status()).as(userId + " " + res).isEqualTo(201);
            assertThat(res.json().propertyNames()).containsExactly("user_id");
            assertThat(res.get("user_id").stringValue()).isEqualTo(userId);
        }
        assertThat(org.admin().post("/group/group_0000000000000000000000/member/", Map.of("user_id", "rep-gone"))
                .status()).as("an unknown group, whoever is added").isEqualTo(404);
        assertThat(org.admin().get("/group/" + id + "/").get("members")).extracting(m -> m.get("user_id").stringValue())
                .containsExactlyInAnyOrder("rep-kept", "rep-asked-in");
        assertThat(node.service().get(org.path() + "/groups").get("items").get(0)).isEqualTo(before);
        assertThat(org.admin().get("/event/?object_type=group").get("data")).hasSize(events);
        assertThat(node.revision()).as("nothing written").isEqualTo(revision);

        assertThat(org.admin().delete("/group/" + id + "/member/rep-kept/").status()).isEqualTo(204);
        assertThat(org.admin().get("/group/" + id + "/").get("members")).extracting(m -> m.get("user_id").stringValue())
                .containsExactly("rep-asked-in");
    }

    /** A user id is taken verbatim: whitespace at an end is refused, never trimmed into another user's id. */
    @Test
    void addingAMember_byAUserIdWithWhitespaceAtAnEnd_isRefused() {
        var org = close.org();
        String id = org.admin().post("/group/", Map.of("name", "Padded")).get("id").stringValue();
        String admin = org.org().json().get("admin_member").get("user_id").stringValue();
        Http.Res res = org.admin().post("/group/" + id + "/member/", Map.of("user_id", " " + admin));
        assertThat(res.status()).as(res.toString()).isEqualTo(400);
        assertThat(res.get("field-errors").get("user_id").stringValue())
                .startsWith("must not begin or end with whitespace");
        assertThat(org.admin().get("/group/" + id + "/").get("members")).isEmpty();
        assertThat(org.admin().delete("/group/" + id + "/member/%20" + admin + "/").status()).isEqualTo(404);
    }

    /**
     * Whitespace at an end is every space and every invisible character: a user id followed by a no-break space, a
     * narrow one, a zero-width one or a Hangul filler looks exactly like the user's, and is refused as one followed by
     * a space is.
     */
    @Test
    void addingAMember_byAUserIdWithAnInvisibleCharacterAtAnEnd_isRefused() {
        var org = close.org();
        String id = org.admin().post("/group/", Map.of("name", "Invisible")).get("id").stringValue();
        String admin = org.org().json().get("admin_member").get("user_id").stringValue();
        for (String userId : List.of(admin + "\u00a0", admin + "\u202f", "\u200b" + admin, "\u00a0",
                admin + "\u3164")) {
            Http.Res res = org.admin().post("/group/" + id + "/member/", Map.of("user_id", userId));
            assertThat(res.status()).as(res.toString()).isEqualTo(400);
            assertThat(res.get("field-errors").get("user_id").stringValue()).as(res.toString())
                    .matches("must not be blank|must not begin or end with whitespace or an invisible character.*");
        }
        assertThat(org.admin().get("/group/" + id + "/").get("members")).isEmpty();
    }

    /**
     * Names are one name ignoring case by Unicode's full case folding (ß is ss, the final ς is σ), not as PostgreSQL's
     * lower() lowers each letter: created or renamed into, such a name is refused as a taken one is, in Close's shape.
     */
    @Test
    void names_equalByFullCaseFolding_areTaken_inClosesShape() {
        var org = close.org();
        assertThat(org.admin().post("/group/", Map.of("name", "\u039f\u0394\u039f\u03a3")).status()).isEqualTo(201);
        String other = org.admin().post("/group/", Map.of("name", "Support")).get("id").stringValue();
        Http.Res created = org.admin().post("/group/", Map.of("name", "\u03bf\u03b4\u03bf\u03c2"));
        assertThat(created.status()).as(created.toString()).isEqualTo(400);
        assertThat(created.get("error").stringValue()).contains("\u039f\u0394\u039f\u03a3");
        Http.Res renamed = org.admin().put("/group/" + other + "/", Map.of("name", "\u03bf\u03b4\u03bf\u03c2"));
        assertThat(renamed.status()).as(renamed.toString()).isEqualTo(400);
        assertThat(org.admin().get("/group/" + other + "/").get("name").stringValue()).isEqualTo("Support");
    }

    @Test
    void rename_andDelete() {
        var org = close.org();
        String id = org.admin().post("/group/", Map.of("name", "Old")).get("id").stringValue();
        org.admin().post("/group/", Map.of("name", "Taken"));
        Http.Res renamed = org.admin().put("/group/" + id + "/", Map.of("name", "New"));
        assertThat(renamed.status()).isEqualTo(200);
        assertThat(renamed.get("name").stringValue()).isEqualTo("New");
        assertThat(org.admin().put("/group/" + id + "/", Map.of("name", "TAKEN")).status()).isEqualTo(400);
        Http.Res deleted = org.admin().delete("/group/" + id + "/");
        assertThat(deleted.status()).isEqualTo(204);
        Http.Res gone = org.admin().get("/group/" + id + "/");
        assertThat(gone.status()).isEqualTo(404);
        assertThat(gone.get("error").stringValue()).contains(id);
        assertThat(org.admin().delete("/group/" + id + "/").status()).isEqualTo(404);
    }

    /** A PUT changes only the fields sent, as every Close PUT does: {@code {}} answers the group as it is. */
    @Test
    void rename_withNoField_answersTheGroupUnchanged() {
        var org = close.org();
        String id = org.admin().post("/group/", Map.of("name", "Kept")).get("id").stringValue();
        Http.Res res = org.admin().put("/group/" + id + "/", Map.of());
        assertThat(res.status()).as(res.toString()).isEqualTo(200);
        assertThat(res.get("id").stringValue()).isEqualTo(id);
        assertThat(res.get("name").stringValue()).isEqualTo("Kept");
        assertThat(org.admin().put("/group/group_nope/", Map.of()).status()).isEqualTo(404);
        Http.Res unknown = org.admin().put("/group/" + id + "/", Map.of("nmae", "New"));
        assertThat(unknown.status()).as(unknown.toString()).isEqualTo(400);
        assertThat(unknown.get("field-errors").get("nmae").stringValue()).isEqualTo("Unknown field.");
        assertThat(org.admin().get("/group/" + id + "/").get("name").stringValue()).isEqualTo("Kept");
    }

    /** A rename with a null name is refused in the words every Close PUT uses for null (roles, webhooks, …). */
    @Test
    void rename_withNullName_isRefusedAsNull_andChangesNothing() {
        var org = close.org();
        String id = org.admin().post("/group/", Map.of("name", "Kept")).get("id").stringValue();
        Map<String, Object> nullName = new HashMap<>();
        nullName.put("name", null);
        Http.Res res = org.admin().put("/group/" + id + "/", nullName);
        assertThat(res.status()).as(res.toString()).isEqualTo(400);
        assertThat(res.get("field-errors").get("name").stringValue()).isEqualTo("This field may not be null.");
        assertThat(org.admin().get("/group/" + id + "/").get("name").stringValue()).isEqualTo("Kept");
    }

    @Test
    void managingGroups_needsManageOrganization_readingDoesNot() {
        var org = close.org();
        String id = org.admin().post("/group/", Map.of("name", "Team")).get("id").stringValue();
        Http rep = close.member(org, "rep-b", "User");
        assertThat(rep.get("/group/").status()).isEqualTo(200);
        assertThat(rep.get("/group/" + id + "/").status()).isEqualTo(200);
        assertThat(rep.post("/group/", Map.of("name", "Mine")).status()).isEqualTo(403);
        assertThat(rep.put("/group/" + id + "/", Map.of("name", "Mine")).status()).isEqualTo(403);
        assertThat(rep.post("/group/" + id + "/member/", Map.of("user_id", "rep-b")).status()).isEqualTo(403);
        assertThat(rep.delete("/group/" + id + "/").status()).isEqualTo(403);
        assertThat(org.admin().get("/group/" + id + "/").get("members")).isEmpty();
    }

    /**
     * Who may not manage groups is refused 403 before the body (or the group and user it names) is read: a user once
     * got the 400 a manager gets for a malformed or empty body, and a 404 for an unknown user.
     */
    @Test
    void aMemberWithoutManageOrganization_is403_whateverItSends() {
        var org = close.org();
        String id = org.admin().post("/group/", Map.of("name", "Team")).get("id").stringValue();
        Http rep = close.member(org, "rep-c", "Restricted User");
        List<Http.Res> refused = List.of(
                rep.raw("POST", "/group/", "{bad", "application/json"),
                rep.post("/group/", Map.of()),
                rep.post("/group/", Map.of("colour", "red")),
                rep.post("/group/" + id + "/member/", Map.of("user_id", "nobody")),
                rep.post("/group/" + id + "/member/", Map.of()),
                rep.put("/group/" + id + "/", Map.of()),
                rep.put("/group/group_nope/", Map.of("name", "X")),
                rep.delete("/group/" + id + "/member/nobody/"));
        for (Http.Res res : refused) {
            assertThat(res.status()).as(res.toString()).isEqualTo(403);
            assertThat(res.get("error").stringValue()).as(res.toString()).contains("manage_organization");
        }
        assertThat(org.admin().post("/group/", Map.of()).status()).as("a manager is told what is wrong").isEqualTo(400);
    }

    @Test
    void groupsOfAnotherOrganization_areNotFound() {
        var org = close.org();
        var other = close.org();
        String theirs = other.admin().post("/group/", Map.of("name", "Theirs")).get("id").stringValue();
        assertThat(org.admin().get("/group/" + theirs + "/").status()).isEqualTo(404);
        assertThat(org.admin().put("/group/" + theirs + "/", Map.of("name", "Mine")).status()).isEqualTo(404);
        assertThat(org.admin().delete("/group/" + theirs + "/").status()).isEqualTo(404);
        assertThat(org.admin().get("/group/").get("data")).isEmpty();
        assertThat(org.admin().get("/group/group_nope/").status()).isEqualTo(404);
    }
}
