package dev.gatehouse.http;

import dev.gatehouse.testing.Fixtures;
import dev.gatehouse.testing.Http;
import dev.gatehouse.testing.TestNode;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A write a browser sends on behalf of another site — a form with no fields, or a {@code no-cors} fetch without a
 * body, carrying the Basic credentials the browser remembers for this server — is refused in every dialect (403
 * {@code cross_site_request}, in the dialect's shape) and changes nothing, whether the browser says so with
 * {@code Sec-Fetch-Site} or only with {@code Origin}. The same write from the server's own origin, or from an API
 * client (neither header), goes through; reads from anywhere are answered.
 */
class CrossSiteIT {

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

    /** The key as a browser that answered the Basic challenge sends it. */
    static Http remembered(String key) {
        return node.anonymous().header("Authorization", "Basic " + Base64.getEncoder().encodeToString((key + ":")
                .getBytes(StandardCharsets.UTF_8)));
    }

    static Map<String, Http> crossSite(Http browser) {
        Map<String, Http> ways = new LinkedHashMap<>();
        ways.put("Sec-Fetch-Site cross-site", browser.header("Sec-Fetch-Site", "cross-site")
                .header("Origin", "https://attacker.example"));
        ways.put("Sec-Fetch-Site same-site", browser.header("Sec-Fetch-Site", "same-site")
                .header("Origin", "https://sibling." + "example"));
        ways.put("Origin alone", browser.header("Origin", "https://attacker.example"));
        ways.put("Origin null", browser.header("Origin", "null"));
        return ways;
    }

    @Test
    void bodilessWritesFromAnotherSite_areRefused_inEveryDialect_andChangeNothing() {
        Fixtures.Org rooms = fx.org("rooms");
        Fixtures.Org close = fx.org("close");
        String group = node.as(close.adminKey()).post("/api/v1/group/", Map.of("name", "Kept")).get("id").asString();
        long revision = node.revision();
        crossSite(remembered(rooms.adminKey())).forEach((way, browser) -> {
            for (String type : new String[] {"application/x-www-form-urlencoded", null}) {
                Http.Res minted = browser.raw("POST", rooms.path() + "/members/" + rooms.adminId() + "/keys", "",
                        type);
                assertThat(minted.status()).as("%s, %s: %s", way, type, minted).isEqualTo(403);
                assertThat(minted.get("code").stringValue()).isEqualTo("cross_site_request");
                Http.Res unlocked = browser.raw("POST", "/restapi/v2/accounts/" + rooms.accountId() + "/users/"
                        + rooms.adminId() + "/unlock", "", type);
                assertThat(unlocked.status()).as("%s, %s: %s", way, type, unlocked).isEqualTo(403);
                assertThat(unlocked.get("errorCode")).as("Rooms' shape").isNotNull();
            }
        });
        crossSite(remembered(close.adminKey())).forEach((way, browser) -> {
            Http.Res deleted = browser.raw("DELETE", "/api/v1/group/" + group + "/", null, null);
            assertThat(deleted.status()).as("%s: %s", way, deleted).isEqualTo(403);
            assertThat(deleted.json().has("error")).as("Close's shape").isTrue();
        });
        assertThat(node.revision()).as("nothing written").isEqualTo(revision);
    }

    /**
     * A {@code Sec-Fetch-Site} holding two values — two header lines a proxy merged into one, in either order — or a
     * value the Fetch standard does not define is 400 in every dialect's shape and changes nothing: never taken as
     * {@code same-origin}, nor passed over for another site's {@code Origin} beside it; on a read too, as two lines
     * are.
     */
    @Test
    void aMergedOrUndefinedSecFetchSite_isRefused_inEveryDialect_andChangesNothing() {
        Fixtures.Org rooms = fx.org("rooms");
        Fixtures.Org close = fx.org("close");
        String group = node.as(close.adminKey()).post("/api/v1/group/", Map.of("name", "Kept")).get("id").asString();
        long revision = node.revision();
        for (String site : List.of("cross-site, same-origin", "same-origin, cross-site", "same-origin,same-origin",
                "same-origin;x", "cross-origin", "")) {
            Http native_ = remembered(rooms.adminKey()).header("Sec-Fetch-Site", site)
                    .header("Origin", "https://attacker.example");
            Http.Res minted = native_.raw("POST", rooms.path() + "/members/" + rooms.adminId() + "/keys", "", null);
            assertThat(minted.status()).as("native, %s: %s", site, minted).isEqualTo(400);
            assertThat(minted.get("code").stringValue()).isEqualTo("bad_request");
            assertThat(minted.get("detail").stringValue()).contains("Sec-Fetch-Site");
            Http.Res read = native_.get(rooms.path() + "/roles");
            assertThat(read.status()).as("native read, %s: %s", site, read).isEqualTo(400);
            Http.Res unlocked = remembered(rooms.adminKey()).header("Sec-Fetch-Site", site)
                    .header("Origin", "https://attacker.example").raw("POST", "/restapi/v2/accounts/"
                            + rooms.accountId() + "/users/" + rooms.adminId() + "/unlock", "", null);
            assertThat(unlocked.status()).as("rooms, %s: %s", site, unlocked).isEqualTo(400);
            assertThat(unlocked.get("errorCode")).as("Rooms' shape").isNotNull();
            Http.Res deleted = remembered(close.adminKey()).header("Sec-Fetch-Site", site)
                    .header("Origin", "https://attacker.example").raw("DELETE", "/api/v1/group/" + group + "/", null,
                            null);
            assertThat(deleted.status()).as("close, %s: %s", site, deleted).isEqualTo(400);
            assertThat(deleted.json().has("field-errors")).as("Close's shape: %s", deleted).isTrue();
            assertThat(deleted.json().get("errors").toString()).contains("Sec-Fetch-Site");
        }
        assertThat(node.revision()).as("nothing written").isEqualTo(revision);
        String own = node.baseUrl().replaceFirst("/+$", "");
        for (String site : List.of("same-origin", " Same-Origin ", "none")) {
            Http.Res minted = remembered(rooms.adminKey()).header("Sec-Fetch-Site", site).header("Origin", own)
                    .raw("POST", rooms.path() + "/members/" + rooms.adminId() + "/keys", "", null);
            assertThat(minted.status()).as("%s: %s", site, minted).isEqualTo(201);
        }
    }

    @Test
    void theSameWrites_fromTheServersOwnOriginOrAnApiClient_goThrough_andReadsAreAnsweredFromAnywhere() {
        Fixtures.Org org = fx.org("rooms");
        String own = node.baseUrl().replaceFirst("/+$", "");
        for (Http caller : List.of(remembered(org.adminKey()).header("Sec-Fetch-Site", "same-origin")
                        .header("Origin", own), remembered(org.adminKey()).header("Origin", own),
                remembered(org.adminKey()), node.as(org.adminKey()))) {
            Http.Res minted = caller.raw("POST", org.path() + "/members/" + org.adminId() + "/keys", "", null);
            assertThat(minted.status()).as("%s", minted).isEqualTo(201);
        }
        Http.Res read = remembered(org.adminKey()).header("Sec-Fetch-Site", "cross-site")
                .header("Origin", "https://attacker.example").get(org.path() + "/roles");
        assertThat(read.status()).as("a read is no write: %s", read).isEqualTo(200);
    }

    /**
     * The method is judged as sent on the wire: a POST that Close runs as a GET ({@code X-HTTP-Method-Override: GET})
     * is a POST a browser sends cross-site without asking first, and is refused as any other.
     */
    @Test
    void aPostRunAsAGet_isJudgedAsTheWriteItWasSentAs() {
        Fixtures.Org close = fx.org("close");
        crossSite(remembered(close.adminKey())).forEach((way, browser) -> {
            Http.Res carried = browser.header("X-HTTP-Method-Override", "GET").raw("POST", "/api/v1/me/", "", null);
            assertThat(carried.status()).as("%s: %s", way, carried).isEqualTo(403);
            assertThat(carried.get("error").stringValue()).contains("another site");
        });
        Http.Res read = remembered(close.adminKey()).header("Sec-Fetch-Site", "cross-site").get("/api/v1/me/");
        assertThat(read.status()).as("a GET sent as one: %s", read).isEqualTo(200);
        Http.Res client = node.as(close.adminKey()).header("X-HTTP-Method-Override", "GET").raw("POST", "/api/v1/me/",
                "", null);
        assertThat(client.status()).as("an API client: %s", client).isEqualTo(200);
    }
}
