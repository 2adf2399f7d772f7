package dev.gatehouse.member;

import dev.gatehouse.testing.Fixtures;
import dev.gatehouse.testing.Http;
import dev.gatehouse.testing.TestNode;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A name never resolves to another member: where a bare number is one member's Gatehouse id and another's user
 * id (a product whose user ids are numbers), every route that names a member answers 409
 * {@code ambiguous_member} naming the explicit forms and changes nothing; {@code id:…} and {@code user:…} say
 * which is meant; unambiguous bare names keep working; bodies name members explicitly by {@code member_id} or
 * {@code user_id}.
 */
class MemberAddressingIT {

    static TestNode node;
    static Fixtures fx;
    static Fixtures.Org org;
    /** Member "by id": its Gatehouse id is {@link #number}. */
    static long byId;
    /** Member "by user id": its user id is {@link #number}. */
    static long byUserId;
    static String number;

    @BeforeAll
    static void start() {
        node = TestNode.start();
        fx = new Fixtures(node);
        org = fx.org("rooms");
        long agent = fx.role(org, "Agent", List.of("canCreateRooms", "canViewRoomDetails"));
        byId = fx.member(org, "u-first", agent);
        number = String.valueOf(byId);
        byUserId = fx.member(org, number, agent);
        assertThat(byUserId).isNotEqualTo(byId);
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    @Test
    void aNumberNamingTwoMembers_isAConflict_onEveryRouteThatNamesAMember() {
        String room = fx.room(org, "Deal", byId, fx.roleId(org, "Default Admin"));
        fx.assign(org, room, byUserId, fx.roleId(org, "Default Admin"));
        long group = node.service().post(org.path() + "/groups", Map.of("name", "Team")).get("id").longValue();
        node.service().post(org.path() + "/groups/" + group + "/members", Map.of("member_id", byId));
        node.service().post(org.path() + "/groups/" + group + "/members", Map.of("member_id", byUserId));
        long revision = node.revision();
        String m = org.path() + "/members/" + number;
        String a = org.path() + "/resources/room/" + room + "/assignments/" + number;
        for (Http.Res res : List.of(
                node.service().get(m),
                node.service().patch(m, Map.of("first_name", "Wrong")),
                node.service().delete(m),
                node.service().get(m + "/keys"),
                node.service().post(m + "/keys", Map.of("name", "wrong")),
                node.service().get(m + "/assignments"),
                node.service().delete(m + "/assignments"),
                node.service().get(m + "/permissions"),
                node.service().get(m + "/visibility-filter"),
                node.service().get(a),
                node.service().put(a, Map.of("role_id", fx.roleId(org, "Default Admin"))),
                node.service().delete(a),
                node.service().delete(org.path() + "/groups/" + group + "/members/" + number))) {
            assertThat(res.status()).as("%s", res).isEqualTo(409);
            assertThat(res.get("code").stringValue()).isEqualTo("ambiguous_member");
            assertThat(res.get("detail").stringValue()).contains("id:" + number, "user:" + number,
                    "member " + byId, "member " + byUserId);
        }
        assertThat(node.revision()).as("nothing changed").isEqualTo(revision);
    }

    /**
     * A member without member management asks the decision routes about itself only; a bare number that is its own
     * id and another member's user id is no more taken for the caller than for anyone (it was, silently): it names
     * another member too, which the caller may not ask about (403), and its explicit form names the caller.
     */
    @Test
    void aNumberNamingTheCallerAndAnotherMember_isNotTakenForTheCaller_onTheDecisionRoutes() {
        Http self = node.as(node.service().post(org.path() + "/members/id:" + byId + "/keys", Map.of("name", "self"))
                .get("key").stringValue());
        String room = fx.room(org);
        for (Http.Res res : List.of(self.get(org.path() + "/members/" + number + "/permissions"),
                self.post(org.path() + "/check", Map.of("user_id", number, "permission", "canCreateRooms")),
                self.post(org.path() + "/lookup/resources", Map.of("user_id", number, "permission",
                        "canViewRoomDetails", "type", "room")))) {
            assertThat(res.status()).as("%s", res).isEqualTo(403);
            assertThat(res.get("code").stringValue()).isEqualTo("permission_required");
        }
        assertThat(self.get(org.path() + "/members/id:" + number + "/permissions").get("member_id").longValue())
                .isEqualTo(byId);
        Http.Res own = self.post(org.path() + "/check", Map.of("member_id", byId, "permission", "canCreateRooms",
                "resource", Map.of("type", "room", "id", room)));
        assertThat(own.status()).as("%s", own).isEqualTo(200);
    }

    @Test
    void theExplicitForms_nameExactlyOneMember() {
        assertThat(node.service().get(org.path() + "/members/id:" + number).get("id").longValue()).isEqualTo(byId);
        assertThat(node.service().get(org.path() + "/members/user:" + number).get("id").longValue()).isEqualTo(byUserId);
        assertThat(node.service().get(org.path() + "/members/user:u-first").get("id").longValue()).isEqualTo(byId);
        assertThat(node.service().get(org.path() + "/members/id:" + number + "/permissions").get("member_id").longValue())
                .isEqualTo(byId);
        assertThat(node.service().get(org.path() + "/members/user:" + number + "/permissions").get("member_id")
                .longValue()).isEqualTo(byUserId);
        Http.Res patched = node.service().patch(org.path() + "/members/user:" + number, Map.of("last_name", "Numbered"));
        assertThat(patched.get("id").longValue()).isEqualTo(byUserId);
        assertThat(node.service().get(org.path() + "/members/id:" + number).get("last_name").isNull()).isTrue();

        for (String bad : List.of("id:", "id:abc", "id:0", "id:-1", "user:")) {
            Http.Res res = node.service().get(org.path() + "/members/" + bad);
            assertThat(res.status()).as("%s: %s", bad, res).isEqualTo(400);
            assertThat(res.get("errors").has("member")).isTrue();
        }
        assertThat(node.service().get(org.path() + "/members/id:999999").get("code").stringValue())
                .isEqualTo("member_not_found");
    }

    @Test
    void unambiguousBareNames_keepWorking() {
        assertThat(node.service().get(org.path() + "/members/u-first").get("id").longValue()).isEqualTo(byId);
        assertThat(node.service().get(org.path() + "/members/" + byUserId).get("id").longValue())
                .as("a number that is only a member id").isEqualTo(byUserId);
        long numbered = fx.member(org, "987654321", fx.roleId(org, "Default Admin"));
        assertThat(node.service().get(org.path() + "/members/987654321").get("id").longValue())
                .as("a number that is only a user id").isEqualTo(numbered);
        assertThat(node.service().get(org.path() + "/members/nobody").get("code").stringValue())
                .isEqualTo("member_not_found");
    }

    /**
     * Every user id can be named in a path, so none holds what a path may not (a control character, tab and line
     * breaks included): refused when the member is created, through the API and an import alike. Before, a line
     * feed went in through a body and the member could never be addressed by its user id.
     */
    @Test
    void aUserIdNoPathCouldName_isRefusedWhenTheMemberIsCreated() {
        long agent = fx.roleId(org, "Agent");
        for (String userId : List.of("line\nfeed", "tab\tbed", "carriage\rreturn", "bell\u0007")) {
            Http.Res res = node.service().post(org.path() + "/members", Map.of("user_id", userId, "email",
                    "u" + userId.length() + "@example.com", "role_id", agent));
            assertThat(res.status()).as("%s", res).isEqualTo(400);
            assertThat(res.get("errors").has("user_id")).isTrue();
            Http.Res imported = node.service().raw("POST", org.path() + "/import", "{\"type\": \"member\", \"user_id\": "
                    + dev.gatehouse.json.Json.writeString(userId) + ", \"email\": "
                    + "\"imp@example.com\", \"role_id\": " + agent + "}\n", "application/x-ndjson");
            assertThat(imported.status()).as("%s", imported).isEqualTo(400);
            assertThat(imported.body()).contains("user_id");
        }
    }

    /**
     * A user id cannot begin with an explicit form, so {@code id:N} always names member N: a member with user id
     * {@code id:N} was once created, reachable only as {@code user:id:N}, and a bare {@code id:N} silently named
     * another member. (One stored before the rule is still reached as {@code user:id:N}, {@link MemberRefTest}.)
     */
    @Test
    void userIdsThatLookLikeTheExplicitForms_areRefused_soTheFormsNameOneMemberEach() {
        for (String userId : List.of("id:" + byId, "user:" + number)) {
            Http.Res refused = node.service().post(org.path() + "/members", Map.of("user_id", userId,
                    "email", "explicit@example.com", "role_id", fx.roleId(org, "Default Admin")));
            assertThat(refused.status()).as("%s", refused).isEqualTo(400);
            assertThat(refused.get("errors").has("user_id")).isTrue();
        }
        assertThat(node.service().get(org.path() + "/members/id:" + byId).get("id").longValue()).isEqualTo(byId);
        assertThat(node.service().get(org.path() + "/members/user:" + number).get("id").longValue())
                .isEqualTo(byUserId);
    }

    @Test
    void bodies_nameMembersExplicitly() {
        Http.Res byMemberId = node.service().post(org.path() + "/check", Map.of("member_id", byId,
                "permission", "canCreateRooms", "explain", true));
        assertThat(byMemberId.json().at("/explanation/member_id").longValue()).isEqualTo(byId);
        Http.Res byUser = node.service().post(org.path() + "/check", Map.of("user_id", number,
                "permission", "canCreateRooms", "explain", true));
        assertThat(byUser.json().at("/explanation/member_id").longValue()).isEqualTo(byUserId);

        long group = node.service().post(org.path() + "/groups", Map.of("name", "Numbers")).get("id").longValue();
        Http.Res added = node.service().post(org.path() + "/groups/" + group + "/members", Map.of("user_id", number));
        assertThat(added.status()).isEqualTo(201);
        assertThat(added.get("member_id").longValue()).as("user_id names the user, never a member id")
                .isEqualTo(byUserId);
    }
}
