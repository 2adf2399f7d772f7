package dev.gatehouse.http.v1;

import dev.gatehouse.testing.Fixtures;
import dev.gatehouse.testing.RawHttp;
import dev.gatehouse.testing.TestNode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The check route answers plain requests directly, before the web framework: every answer — status, headers, body —
 * is the framework's. Each request is sent as it is (answered directly when it can be) and again with an empty query
 * ({@code ?}, no parameter: the route refuses any), which always takes the framework's path; apart from {@code Date}
 * and {@code Gatehouse-Staleness} the two answers must be the same byte for byte.
 */
class DirectCheckIT {

    static TestNode node;
    static Fixtures.Populated populated;
    static Fixtures.Org other;
    static String memberKey;
    static String otherKey;

    @BeforeAll
    static void start() {
        node = TestNode.start();
        Fixtures fixtures = new Fixtures(node);
        populated = fixtures.populated();
        other = fixtures.org("rooms");
        memberKey = key(populated.org(), populated.member());
        otherKey = other.adminKey();
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    private static String key(Fixtures.Org org, long member) {
        return node.service().post(org.path() + "/members/" + member + "/keys", Map.of("name", "direct"))
                .json().get("key").stringValue();
    }

    /** The answer to a POST, headers without Date and Gatehouse-Staleness, in order. */
    private static String answer(String target, Map<String, String> headers, String body) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        StringBuilder request = new StringBuilder("POST " + target + " HTTP/1.1\r\nHost: x\r\n");
        headers.forEach((name, value) -> request.append(name).append(": ").append(value).append("\r\n"));
        request.append("Content-Length: ").append(bytes.length).append("\r\n\r\n");
        try (RawHttp connection = RawHttp.connect(node.node().port())) {
            byte[] head = request.toString().getBytes(StandardCharsets.ISO_8859_1);
            byte[] all = new byte[head.length + bytes.length];
            System.arraycopy(head, 0, all, 0, head.length);
            System.arraycopy(bytes, 0, all, head.length, bytes.length);
            RawHttp.Response res = connection.send(all).read(Duration.ofSeconds(10));
            Map<String, String> shown = new LinkedHashMap<>(res.headers());
            shown.remove("date");
            shown.remove("gatehouse-staleness");
            return res.status() + " " + shown + " " + res.body();
        }
    }

    private static Map<String, String> bearer(String key) {
        return Map.of("Authorization", "Bearer " + key, "Content-Type", "application/json");
    }

    /** Sends the request both ways; returns the (equal) answer. */
    private static String same(String path, Map<String, String> headers, String body) {
        String direct = answer(path, headers, body);
        String framework = answer(path + "?", headers, body);
        assertThat(direct).as("%s %s", path, body).isEqualTo(framework);
        return direct;
    }

    private String org() {
        return populated.org().path();
    }

    private String room() {
        return populated.params().get("id");
    }

    @Test
    void allowedAndDeniedChecks_companyAndResource_serviceKey() {
        String user = "agent-" + populated.org().id();
        assertThat(same(org() + "/check", bearer(TestNode.SERVICE_KEY),
                "{\"user_id\":\"" + user + "\",\"permission\":\"canCreateRooms\"}"))
                .startsWith("200 ").contains("gatehouse-revision").endsWith("\"allowed\":true,\"revision\":"
                        + node.appliedRevision() + "}");
        assertThat(same(org() + "/check", bearer(TestNode.SERVICE_KEY),
                "{\"user_id\":\"" + user + "\",\"permission\":\"canDeleteRooms\"}")).contains("\"allowed\":false");
        assertThat(same(org() + "/check", bearer(TestNode.SERVICE_KEY), "{\"user_id\":\"" + user
                + "\",\"permission\":\"canViewRoomDetails\",\"resource\":{\"type\":\"room\",\"id\":\"" + room()
                + "\"}}")).contains("\"allowed\":true");
        assertThat(same(org() + "/check", bearer(TestNode.SERVICE_KEY), "{\"permission\":\"canViewRoomDetails\","
                + "\"resource\":{\"type\":\"room\",\"id\":\"" + room() + "\"},\"user_id\":\"guest-"
                + populated.org().id() + "\"}")).contains("\"allowed\":true");
    }

    @Test
    void refusals_haveTheFrameworksStatusHeadersAndBody() {
        String user = "agent-" + populated.org().id();
        String plain = "{\"user_id\":\"" + user + "\",\"permission\":\"canCreateRooms\"}";
        assertThat(same(org() + "/check", bearer("not-a-key"), plain)).startsWith("401 ").contains("www-authenticate");
        assertThat(same(org() + "/check", bearer("gh_0123456789abcdef_nope"), plain)).startsWith("401 ");
        assertThat(same(org() + "/check", Map.of("Content-Type", "application/json"), plain)).startsWith("401 ");
        assertThat(same(org() + "/check", Map.of("Authorization", "Digest x", "Content-Type", "application/json"),
                plain)).startsWith("401 ");
        assertThat(same(org() + "/check", Map.of("Authorization", "Bearer " + TestNode.SERVICE_KEY,
                "Content-Type", "text/plain"), plain)).startsWith("415 ").contains("unsupported_media_type");
        assertThat(same("/v1/orgs/abc/check", bearer(TestNode.SERVICE_KEY), plain)).startsWith("400 ");
        assertThat(same("/v1/orgs/0/check", bearer(TestNode.SERVICE_KEY), plain)).startsWith("400 ");
        assertThat(same("/v1/orgs/987654321/check", bearer(TestNode.SERVICE_KEY), plain)).startsWith("404 ");
        assertThat(same(org() + "/check", bearer(TestNode.SERVICE_KEY),
                "{\"user_id\":\"nobody\",\"permission\":\"canCreateRooms\"}")).startsWith("404 ");
        assertThat(same(org() + "/check", bearer(TestNode.SERVICE_KEY),
                "{\"user_id\":\"" + user + "\",\"permission\":\"noSuchPermission\"}")).startsWith("400 ");
        assertThat(same(org() + "/check", bearer(TestNode.SERVICE_KEY), "{\"user_id\":\"" + user
                + "\",\"permission\":\"canViewRoomDetails\",\"resource\":{\"type\":\"spaceship\",\"id\":\"1\"}}"))
                .startsWith("400 ");
        // a key of another organization: that organization is all it can see
        assertThat(same(org() + "/check", bearer(otherKey), plain)).startsWith("404 ");
    }

    /**
     * The checks the framework path makes of every request before its route — a body declares its type, in a charset
     * this server knows, and a browser's write comes from this server's own origin — are made of direct answers too.
     */
    @Test
    void theEdgesChecksOfEveryRoute_refuseAlike() {
        String plain = "{\"user_id\":\"agent-" + populated.org().id() + "\",\"permission\":\"canCreateRooms\"}";
        String key = "Bearer " + TestNode.SERVICE_KEY;
        assertThat(same(org() + "/check", Map.of("Authorization", key), plain)).startsWith("415 ")
                .contains("unsupported_media_type");
        for (String type : List.of("application/json; charset", "application/json; charset=nope",
                "application/json;charset=utf-8; x")) {
            assertThat(same(org() + "/check", Map.of("Authorization", key, "Content-Type", type), plain)).as(type)
                    .startsWith("415 ").contains("unsupported_media_type");
        }
        for (Map.Entry<String, String> browser : List.of(Map.entry("Sec-Fetch-Site", "cross-site"),
                Map.entry("Sec-Fetch-Site", "same-site"), Map.entry("Origin", "https://elsewhere.example"),
                Map.entry("Origin", "null"))) {
            assertThat(same(org() + "/check", Map.of("Authorization", key, "Content-Type", "application/json",
                    browser.getKey(), browser.getValue()), plain)).as(browser.toString()).startsWith("403 ")
                    .contains("cross_site_request");
        }
        assertThat(same(org() + "/check", Map.of("Authorization", key, "Content-Type", "application/json",
                "Sec-Fetch-Site", "same-origin", "Origin", "http://x"), plain)).startsWith("200 ");
    }

    @Test
    void memberKeys_basicAuth_andBodiesThePlainReadingLeavesToTheFramework() {
        String user = "agent-" + populated.org().id();
        String plain = "{\"user_id\":\"" + user + "\",\"permission\":\"canCreateRooms\"}";
        // a member key, first used here (verified from the database), then known in memory
        String fresh = key(populated.org(), populated.member());
        assertThat(same(org() + "/check", bearer(fresh), plain)).startsWith("200 ");
        assertThat(same(org() + "/check", bearer(memberKey), plain)).startsWith("200 ");
        assertThat(same(org() + "/check", bearer(memberKey), "{\"user_id\":\"guest-" + populated.org().id()
                + "\",\"permission\":\"canViewRoomDetails\"}")).isNotEmpty();
        String basic = Base64.getEncoder().encodeToString((TestNode.SERVICE_KEY + ":").getBytes(StandardCharsets.UTF_8));
        assertThat(same(org() + "/check", Map.of("Authorization", "Basic " + basic, "Content-Type",
                "application/json; charset=utf-8"), plain)).startsWith("200 ");
        for (String body : List.of(
                "{\"user_id\":\"" + user + "\",\"permission\":\"canCreateRooms\",\"explain\":true}",
                "{\"member_id\":" + populated.member() + ",\"permission\":\"canCreateRooms\"}",
                "{\"user_id\":\"" + user + "\",\"permission\":\"canCreateRooms\",\"min_revision\":1}",
                "{\"user_id\":\"" + user + "\",\"user_id\":\"x\",\"permission\":\"canCreateRooms\"}",
                "{\"user_id\":\"é\\u0000\",\"permission\":\"canCreateRooms\"}",
                "{\"user_id\":\"" + user + "\"}",
                "[1]",
                "{\"user_id\":")) {
            assertThat(same(org() + "/check", bearer(TestNode.SERVICE_KEY), body)).isNotEmpty();
        }
    }

    @Test
    void aDeactivatedMembersKey_isRefusedAlike() {
        Fixtures fixtures = new Fixtures(node);
        long role = fixtures.roleId(populated.org(), "Agent " + populated.org().id());
        String userId = "leaver-" + System.nanoTime();
        long leaver = fixtures.member(populated.org(), userId, role);
        String leaverKey = key(populated.org(), leaver);
        String plain = "{\"user_id\":\"" + userId + "\",\"permission\":\"canCreateRooms\"}";
        assertThat(same(org() + "/check", bearer(leaverKey), plain)).startsWith("200 ");
        assertThat(node.service().patch(org() + "/members/" + leaver, Map.of("status", "deactivated")).status())
                .isEqualTo(200);
        assertThat(same(org() + "/check", bearer(leaverKey), plain)).startsWith("401 ");
    }
}
