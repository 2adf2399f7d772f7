package dev.gatehouse.member;

import dev.gatehouse.testing.Fixtures;
import dev.gatehouse.testing.Http;
import dev.gatehouse.testing.TestNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code GET /v1/orgs/{org}/members?q=}: a text contained in the user id, email or name, with paging and filters. */
class MemberSearchIT {

    static TestNode node;
    static Fixtures fixtures;
    static Fixtures.Org org;
    static long userRole;

    @BeforeAll
    static void start() {
        node = TestNode.start();
        fixtures = new Fixtures(node);
        org = fixtures.org("close");
        userRole = fixtures.roleId(org, "User");
        for (int i = 0; i < 7; i++) {
            member("smith-" + i, "person" + i + "@example.com", "Anna", "Smith");
        }
        member("u-jones", "jones@example.com", "Bob", "Jones");
        member("u-percent", "percent@example.com", "Carl", "100%_done");
        member("u-mail", "Jo.SMITHERS@example.com", "Dora", "Jo");
    }

    static void member(String userId, String email, String first, String last) {
        Http.Res res = node.service().post(org.path() + "/members", Map.of("user_id", userId, "email", email,
                "first_name", first, "last_name", last, "role_id", userRole));
        assertThat(res.status()).as(res.toString()).isEqualTo(201);
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    static List<String> userIds(String query) {
        Http.Res res = node.service().get(org.path() + "/members" + query);
        assertThat(res.status()).as(res.toString()).isEqualTo(200);
        List<String> ids = new ArrayList<>();
        res.get("items").forEach(m -> ids.add(m.get("user_id").stringValue()));
        return ids;
    }

    @Test
    void search_matchesUserIdEmailAndNameIgnoringCase() {
        assertThat(userIds("?q=JONES")).containsExactly("u-jones");
        assertThat(userIds("?q=smithers")).containsExactly("u-mail");
        assertThat(userIds("?q=anna%20smith")).hasSize(7);
        assertThat(userIds("?q=smith")).hasSize(8).contains("u-mail");
    }

    @Test
    void search_takesWildcardCharactersLiterally() {
        assertThat(userIds("?q=%25_")).containsExactly("u-percent");
        assertThat(userIds("?q=_")).containsExactly("u-percent");
        assertThat(userIds("?q=%25")).containsExactly("u-percent");
    }

    @Test
    void search_pagesWithTheCursor() {
        Http.Res first = node.service().get(org.path() + "/members?q=smith-&limit=5");
        assertThat(first.get("items")).hasSize(5);
        String cursor = first.get("next_cursor").stringValue();
        List<String> rest = userIds("?q=smith-&limit=5&cursor=" + cursor);
        assertThat(rest).containsExactly("smith-5", "smith-6");
    }

    @Test
    void search_combinesWithTheOtherFilters() {
        Http.Res member = node.service().get(org.path() + "/members/user:smith-3");
        Http.Res off = node.service().header("If-Match", "\"" + member.get("version").intValue() + "\"")
                .patch(org.path() + "/members/user:smith-3", Map.of("status", "deactivated"));
        assertThat(off.status()).as(off.toString()).isEqualTo(200);
        assertThat(userIds("?q=smith-&status=deactivated")).containsExactly("smith-3");
        assertThat(userIds("?q=smith-&role_id=" + fixtures.roleId(org, "Admin"))).isEmpty();
    }

    @Test
    void search_refusesAnEmptyOrOverlongText() {
        for (String query : List.of("?q=", "?q=%20%20", "?q=" + "x".repeat(201))) {
            Http.Res res = node.service().get(org.path() + "/members" + query);
            assertThat(res.status()).as(query).isEqualTo(400);
            JsonNode errors = res.get("errors");
            assertThat(errors.has("q")).isTrue();
        }
    }
}
