package dev.gatehouse.http;

import dev.gatehouse.testing.Fixtures;
import dev.gatehouse.testing.Http;
import dev.gatehouse.testing.TestNode;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One rule for an email address, in every API that takes one: {@code name@domain} within mail's lengths (RFC 5321:
 * 64 bytes before the @, 254 in all, counted in UTF-8). Beyond them it is a 400 in the API's own shape naming the
 * field, and nothing changes; at the limits it is stored and read back as sent. An address with 300 characters
 * before the @ was once accepted. The Rooms dialect's invitations and the import are pinned beside their other
 * rules ({@code RoomsInvitationsIT}, {@code BulkBadInputIT}).
 */
class EmailAddressIT {

    /** 300 characters before the @; 64 before it but 260 in all; 33 two-byte letters (66 bytes) before it. */
    static final List<String> TOO_LONG = List.of("a".repeat(300) + "@acme.test",
            "a".repeat(64) + "@" + "d".repeat(190) + ".test", "\u00e9".repeat(33) + "@acme.test");
    /** 64 bytes before the @ and 254 in all. */
    static final String AT_THE_LIMITS = "b".repeat(64) + "@" + "d".repeat(184) + ".test";

    static TestNode node;
    static Fixtures fixtures;
    static Fixtures.Org org;

    @BeforeAll
    static void start() {
        node = TestNode.start();
        fixtures = new Fixtures(node);
        org = fixtures.org("close");
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    @Test
    void nativeApi_refusesAnEmailBeyondMailsLimits_namingTheField_andChangesNothing() {
        long user = fixtures.roleId(org, "User");
        long before = node.appliedRevision();
        for (String email : TOO_LONG) {
            assertRefused(node.service().post(org.path() + "/members", Map.of("user_id", "u-long", "email", email,
                    "role_id", user)), "email");
            assertRefused(node.service().patch(org.path() + "/members/" + org.adminId(), Map.of("email", email)),
                    "email");
            assertRefused(node.service().post("/v1/orgs", Map.of("name", "Long mail", "model", "close", "admin",
                    Map.of("user_id", "u-admin", "email", email))), "admin.email");
        }
        Http.Res named = node.service().post(org.path() + "/members", Map.of("user_id", "u-long", "email",
                TOO_LONG.get(0), "role_id", user));
        assertThat(named.get("errors").get("email").stringValue()).isEqualTo("must have at most 64 bytes before the @, "
                + "got 300");
        assertThat(node.service().get(org.path() + "/members/u-long").status()).isEqualTo(404);
        assertThat(node.appliedRevision()).as("nothing changed").isEqualTo(before);

        Http.Res created = node.service().post(org.path() + "/members", Map.of("user_id", "u-limits", "email",
                AT_THE_LIMITS, "role_id", user));
        assertThat(created.status()).as("%s", created).isEqualTo(201);
        assertThat(node.service().get(org.path() + "/members/u-limits").get("email").stringValue())
                .isEqualTo(AT_THE_LIMITS);
    }

    @Test
    void closeDialect_refusesAnEmailBeyondMailsLimits_inItsFieldErrors() {
        Http close = new Http(node.baseUrl() + "/api/v1", null).header("Authorization", "Basic "
                + Base64.getEncoder().encodeToString((org.adminKey() + ":").getBytes(StandardCharsets.UTF_8)));
        long before = node.appliedRevision();
        for (String email : TOO_LONG) {
            Http.Res res = close.post("/membership/", Map.of("email", email, "role_id", "user"));
            assertThat(res.status()).as("%s", res).isEqualTo(400);
            assertThat(res.get("field-errors").get("email").stringValue()).as("%s", res).contains("bytes");
        }
        Http.Res noDot = close.post("/membership/", Map.of("email", "ada@localhost", "role_id", "user"));
        assertThat(noDot.get("field-errors").get("email").stringValue())
                .isEqualTo("must be an email address, got \"ada@localhost\"");
        assertThat(node.appliedRevision()).as("nothing changed").isEqualTo(before);

        String atTheLimits = "c" + AT_THE_LIMITS.substring(1);
        Http.Res added = close.post("/membership/", Map.of("email", atTheLimits, "role_id", "user"));
        assertThat(added.status()).as("%s", added).isEqualTo(200);
        assertThat(node.service().get(org.path() + "/members?limit=1000").get("items"))
                .extracting(m -> m.get("email").stringValue()).contains(atTheLimits);
    }

    private static void assertRefused(Http.Res res, String field) {
        assertThat(res.status()).as("%s", res).isEqualTo(400);
        assertThat(res.header("Content-Type")).startsWith("application/problem+json");
        assertThat(res.get("code").stringValue()).isEqualTo("invalid_input");
        assertThat(res.get("errors").has(field)).as("%s names %s", res, field).isTrue();
    }
}
