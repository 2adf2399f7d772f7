package dev.gatehouse.http;

import dev.gatehouse.testing.Fixtures;
import dev.gatehouse.testing.Http;
import dev.gatehouse.testing.RawHttp;
import dev.gatehouse.testing.TestNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * How a key may be presented, and what a wrong presentation answers: Bearer or Basic (key as user name), any case of
 * the scheme; a key sent without a scheme, in an unknown scheme or far too long is a 401 that never repeats the key;
 * a key id nobody has and a known key id with a wrong secret answer exactly alike.
 */
class AuthorizationHeaderIT {

    static TestNode node;
    static Fixtures.Org org;

    @BeforeAll
    static void start() {
        node = TestNode.start();
        org = new Fixtures(node).org("rooms");
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    static Http.Res rolesWith(String authorization) {
        return node.anonymous().header("Authorization", authorization).get(org.path() + "/roles");
    }

    static String basic(String user) {
        return "Basic " + Base64.getEncoder().encodeToString(user.getBytes(StandardCharsets.UTF_8));
    }

    /** The scheme ends at a space or a tab, HTTP's whitespace, as {@code Bearer \t<key>} always passed. */
    @Test
    void aKeyIsTakenAsBearerOrAsBasicUserName_inAnyCaseOfTheScheme() {
        for (String key : new String[] {TestNode.SERVICE_KEY, org.adminKey()}) {
            for (String header : new String[] {"Bearer " + key, "bearer " + key, basic(key + ":"), basic(key),
                    "Bearer\t" + key, "Bearer \t" + key, "Basic\t" + basic(key).substring(6)}) {
                Http.Res res = rolesWith(header);
                assertThat(res.status()).as("%s: %s", header.substring(0, 6), res).isEqualTo(200);
            }
        }
    }

    @Test
    void aKeyInNoOrAnUnknownScheme_isRefused_withoutRepeatingIt() {
        String key = org.adminKey();
        for (String header : new String[] {key, key + " trailing", "Token " + key, "Digest " + key,
                "X".repeat(300) + " " + key}) {
            Http.Res res = rolesWith(header);
            assertThat(res.status()).as(header).isEqualTo(401);
            assertThat(res.get("code").stringValue()).isEqualTo("unauthenticated");
            assertThat(res.body()).as("the answer repeats no part of the credential").doesNotContain(key)
                    .doesNotContain(key.substring(0, 28)).doesNotContain("X".repeat(40));
        }
    }

    /** A key sent as Basic's password, the user name empty, is told where the key goes, without repeating it. */
    @Test
    void aKeySentAsTheBasicPassword_isToldToGoInTheUserName() {
        String key = org.adminKey();
        Http.Res res = rolesWith(basic(":" + key));
        assertThat(res.status()).as("%s", res).isEqualTo(401);
        assertThat(res.get("detail").stringValue()).contains("as the user name").doesNotContain(key.substring(0, 28));
    }

    @Test
    void anUnknownKeyId_andAWrongSecret_answerExactlyAlike_andHugeCredentialsAre401() {
        String key = org.adminKey();
        String wrongSecret = key.substring(0, 29) + (key.charAt(29) == 'A' ? 'B' : 'A') + key.substring(30);
        String unknownId = key.substring(0, 4) + "0".repeat(24) + key.substring(28);
        Http.Res wrong = rolesWith("Bearer " + wrongSecret);
        Http.Res unknown = rolesWith("Bearer " + unknownId);
        assertThat(wrong.status()).isEqualTo(401);
        assertThat(wrong.get("code").stringValue()).isEqualTo(unknown.get("code").stringValue());
        assertThat(wrong.get("detail").stringValue()).isEqualTo(unknown.get("detail").stringValue());
        Http.Res huge = rolesWith("Bearer " + "k".repeat(6000));
        assertThat(huge.status()).as("%s", huge).isEqualTo(401);
        assertThat(huge.body()).doesNotContain("k".repeat(40));
    }

    /**
     * A key is compared to the letter on a connection that carried another before: one that differs from the key
     * sent before it only in the case of a letter is not that key (the parser's header cache matched it ignoring
     * case, and the second request acted as the first key's member), nor is the key in another case of its prefix.
     */
    @Test
    void aKeyDifferingOnlyInCase_fromTheOneSentBeforeOnTheConnection_isNotIt() {
        String key = org.adminKey();
        int letter = 29;
        while (!Character.isLetter(key.charAt(letter))) {
            letter++;
        }
        char flipped = Character.isUpperCase(key.charAt(letter)) ? Character.toLowerCase(key.charAt(letter))
                : Character.toUpperCase(key.charAt(letter));
        List<String> others = List.of(key.substring(0, letter) + flipped + key.substring(letter + 1),
                key.toUpperCase(Locale.ROOT), "GHM_" + key.substring(4));
        for (String other : others) {
            try (RawHttp connection = RawHttp.connect(node.node().port())) {
                for (String presented : List.of(key, other, key)) {
                    connection.send("GET " + org.path() + "/roles HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                            + "Authorization: Bearer " + presented + "\r\n\r\n");
                    RawHttp.Response answer = connection.read(Duration.ofSeconds(10));
                    assertThat(answer.status()).as("%s after %s: %s", presented, key, answer.body())
                            .isEqualTo(presented.equals(key) ? 200 : 401);
                }
            }
        }
    }

    /**
     * Two {@code Authorization} headers, or two {@code Content-Type} headers, are a 400 in the dialect's shape that
     * changes nothing, on every dialect and the direct check: the server took the first, which need not be the one
     * a proxy in front of it checked.
     */
    @Test
    void twoAuthorizationOrContentTypeHeaders_areRefused_andChangeNothing() throws Exception {
        long revision = node.revision();
        String group = "{\"name\": \"Twice\"}";
        Map<String, HttpResponse<String>> answers = new LinkedHashMap<>();
        answers.put("native, two keys", send(org.path() + "/groups", group, "Authorization",
                "Bearer " + TestNode.SERVICE_KEY, "Authorization", "Bearer nothing", "Content-Type", "application/json"));
        answers.put("native, two types", send(org.path() + "/groups", group, "Authorization",
                "Bearer " + TestNode.SERVICE_KEY, "Content-Type", "application/json", "Content-Type", "text/plain"));
        answers.put("check, two keys", send(org.path() + "/check", "{\"user_id\": \"nobody\", \"permission\": "
                + "\"canCreateRooms\"}", "Authorization", "Bearer " + org.adminKey(), "Authorization",
                "Bearer " + TestNode.SERVICE_KEY, "Content-Type", "application/json"));
        answers.put("rooms, two keys", send("/restapi/v2/accounts/" + org.accountId() + "/roles", group,
                "Authorization", "Bearer " + org.adminKey(), "Authorization", "Bearer " + org.adminKey(),
                "Content-Type", "application/json"));
        answers.forEach((what, res) -> assertThat(res.statusCode()).as("%s: %s", what, res.body()).isEqualTo(400));
        assertThat(answers.get("native, two keys").body()).contains("2 Authorization headers");
        assertThat(answers.get("rooms, two keys").body()).contains("errorCode");
        assertThat(node.revision()).as("nothing written").isEqualTo(revision);
        assertThat(send(org.path() + "/groups", group, "Authorization", "Bearer " + TestNode.SERVICE_KEY,
                "Content-Type", "application/json").statusCode()).isEqualTo(201);
    }

    /**
     * A second {@code Origin} or {@code Sec-Fetch-Site}, or a second {@code X-TZ-Offset}, is a 400 in the dialect's
     * shape that changes nothing, never passed over for the first: a write a browser sent with another site's
     * {@code Origin} beside a same-origin one is not judged by the same-origin one, and Close does not read one of two
     * offsets silently, as it refuses two in one line.
     */
    @Test
    void aSecondOriginSiteOrTimeZoneHeader_isRefused_notPassedOver() throws Exception {
        Fixtures.Org close = new Fixtures(node).org("close");
        String own = "http://" + URI.create(node.baseUrl()).getRawAuthority();
        String service = "Bearer " + TestNode.SERVICE_KEY;
        String group = "{\"name\": \"From two sites\"}";
        long revision = node.revision();
        Map<String, HttpResponse<String>> answers = new LinkedHashMap<>();
        answers.put("native, two origins", send(org.path() + "/groups", group, "Authorization", service,
                "Content-Type", "application/json", "Origin", own, "Origin", "http://evil.test"));
        answers.put("native, two sites", send(org.path() + "/groups", group, "Authorization", service,
                "Content-Type", "application/json", "Sec-Fetch-Site", "same-origin", "Sec-Fetch-Site", "cross-site"));
        answers.put("close, two origins", send("/api/v1/group/", group, "Authorization", "Bearer " + close.adminKey(),
                "Content-Type", "application/json", "Origin", own, "Origin", "http://evil.test"));
        answers.put("rooms, two sites", send("/restapi/v2/accounts/" + org.accountId() + "/roles", group,
                "Authorization", "Bearer " + org.adminKey(), "Content-Type", "application/json",
                "Sec-Fetch-Site", "same-origin", "Sec-Fetch-Site", "cross-site"));
        answers.put("close, two offsets", exchange("GET", "/api/v1/event/?date_updated__gte=2020-01-01", null,
                "Authorization", "Bearer " + close.adminKey(), "X-TZ-Offset", "5.5", "X-TZ-Offset", "3"));
        answers.forEach((what, res) -> assertThat(res.statusCode()).as("%s: %s", what, res.body()).isEqualTo(400));
        assertThat(answers.get("native, two origins").body()).contains("2 Origin headers");
        assertThat(answers.get("native, two sites").body()).contains("2 Sec-Fetch-Site headers");
        assertThat(answers.get("close, two origins").body()).contains("\"field-errors\"", "2 Origin headers");
        assertThat(answers.get("rooms, two sites").body()).contains("errorCode");
        assertThat(answers.get("close, two offsets").body()).contains("2 X-TZ-Offset headers");
        assertThat(node.revision()).as("nothing written").isEqualTo(revision);
        assertThat(send(org.path() + "/groups", group, "Authorization", service, "Content-Type", "application/json",
                "Origin", own, "Sec-Fetch-Site", "same-origin").statusCode()).as("one of each").isEqualTo(201);
        assertThat(exchange("GET", "/api/v1/event/?date_updated__gte=2020-01-01", null, "Authorization",
                "Bearer " + close.adminKey(), "X-TZ-Offset", "5.5").statusCode()).as("one offset").isEqualTo(200);
    }

    /** A POST of {@code body} with the given header names and values, repeated names sent as repeated headers. */
    private static HttpResponse<String> send(String path, String body, String... headers) throws Exception {
        return exchange("POST", path, body, headers);
    }

    /** A request with the given header names and values, repeated names sent as repeated headers; no body if null. */
    private static HttpResponse<String> exchange(String method, String path, String body, String... headers)
            throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(node.baseUrl() + path)).method(method,
                body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofString());
    }
}
