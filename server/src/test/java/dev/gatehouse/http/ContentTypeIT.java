package dev.gatehouse.http;

import dev.gatehouse.testing.Fixtures;
import dev.gatehouse.testing.Http;
import dev.gatehouse.testing.TestNode;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A body without a Content-Type is refused (415, in the dialect's shape) on every dialect and changes nothing: a
 * browser lets any page send one cross-site with the user's remembered credentials, while form and text bodies,
 * the other kinds it sends unasked, are refused already. An empty body needs none.
 */
class ContentTypeIT {

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
    void aBodyWithoutAContentType_isRefusedEverywhere_andChangesNothing() {
        Fixtures.Org close = fx.org("close");
        Fixtures.Org rooms = fx.org("rooms");
        long revision = node.revision();
        Map<String, Http.Res> answers = Map.of(
                "native", node.service().raw("POST", close.path() + "/webhooks", "{\"url\": \"https://example.com/\"}",
                        null),
                "import", node.service().raw("POST", close.path() + "/import",
                        "{\"type\": \"role\", \"name\": \"R\", \"permissions\": []}\n", null),
                "close", node.as(close.adminKey()).raw("POST", "/api/v1/group/", "{\"name\": \"G\"}", null),
                "rooms", node.as(rooms.adminKey()).raw("POST", "/restapi/v2/accounts/" + rooms.accountId() + "/roles",
                        "{\"name\": \"R\"}", null));
        answers.forEach((api, res) -> assertThat(res.status()).as("%s: %s", api, res).isEqualTo(415));
        assertThat(answers.get("native").get("code").stringValue()).isEqualTo("unsupported_media_type");
        assertThat(answers.get("close").json().has("error")).isTrue();
        assertThat(answers.get("rooms").get("errorCode").stringValue()).isEqualTo("UNSUPPORTED_MEDIA_TYPE");
        // each names the type its route reads: an import's is not offered to a dialect that has none
        assertThat(answers.get("rooms").get("message").stringValue()).contains("application/json")
                .doesNotContain("import");
        assertThat(answers.get("close").get("error").stringValue()).contains("application/json")
                .doesNotContain("import");
        assertThat(answers.get("import").get("detail").stringValue()).contains("application/x-ndjson");
        assertThat(node.revision()).as("nothing written").isEqualTo(revision);

        assertThat(node.service().raw("POST", close.path() + "/webhooks", "{\"url\": \"https://example.com/\"}",
                "application/json").status()).isEqualTo(201);
        assertThat(node.as(rooms.adminKey()).raw("POST", "/restapi/v2/accounts/" + rooms.accountId()
                + "/users/" + rooms.adminId() + "/unlock", "", null).status()).as("an empty body needs none")
                .isLessThan(500).isNotEqualTo(415);
    }
    /**
     * A Content-Type is read as a media type, not searched for a word: {@code text/plain; application/json} is text,
     * which a browser sends cross-site unasked, and is refused like any other body that is not JSON.
     */
    @Test
    void aTypeThatOnlyMentionsJson_isRefusedEverywhere_andChangesNothing() {
        Fixtures.Org close = fx.org("close");
        Fixtures.Org rooms = fx.org("rooms");
        long revision = node.revision();
        for (String type : java.util.List.of("text/plain; application/json", "text/plain; x=json", "application/jsonx",
                "application/x-www-form-urlencoded; a=application/json", "text/html, application/json", "text/plain")) {
            Map<String, Http.Res> answers = Map.of(
                    "native", node.service().raw("POST", close.path() + "/groups", "{\"name\": \"G\"}", type),
                    "import", node.service().raw("POST", close.path() + "/import",
                            "{\"type\": \"role\", \"name\": \"R\", \"permissions\": []}\n", type),
                    "close", node.as(close.adminKey()).raw("POST", "/api/v1/group/", "{\"name\": \"G\"}", type),
                    "rooms", node.as(rooms.adminKey()).raw("POST", "/restapi/v2/accounts/" + rooms.accountId()
                            + "/roles", "{\"name\": \"R\"}", type));
            answers.forEach((api, res) -> assertThat(res.status()).as("%s %s: %s", api, type, res).isIn(400, 415));
        }
        assertThat(node.revision()).as("nothing written").isEqualTo(revision);
        assertThat(node.service().raw("POST", close.path() + "/groups", "{\"name\": \"G\"}",
                "application/json; charset=utf-8").status()).isEqualTo(201);
    }

    /**
     * A body is read as sent, in no content coding: one declared compressed (or in any coding but {@code identity})
     * is a 415 naming the coding, with {@code Accept-Encoding: identity}, on every dialect and the direct check,
     * and changes nothing — a gzip body was "malformed JSON", and a plain one claiming a coding was written.
     */
    @Test
    void aBodyInAContentCoding_isRefusedEverywhere_andChangesNothing() throws Exception {
        Fixtures.Org close = fx.org("close");
        Fixtures.Org rooms = fx.org("rooms");
        long revision = node.revision();
        String group = "{\"name\": \"Coded\"}";
        Map<String, Http.Res> answers = Map.of(
                "native", node.service().header("Content-Encoding", "br").raw("POST", close.path() + "/groups", group,
                        "application/json"),
                "import", node.service().header("Content-Encoding", "gzip").raw("POST", close.path() + "/import",
                        "{\"type\": \"group\", \"name\": \"Coded\"}\n", "application/x-ndjson"),
                "close", node.as(close.adminKey()).header("Content-Encoding", "identity, deflate").raw("POST",
                        "/api/v1/group/", group, "application/json"),
                "rooms", node.as(rooms.adminKey()).header("Content-Encoding", "GZIP").raw("POST", "/restapi/v2/accounts/"
                        + rooms.accountId() + "/roles", "{\"name\": \"Coded\"}", "application/json"),
                "check", node.service().header("Content-Encoding", "x-anything").raw("POST", close.path() + "/check",
                        "{\"user_id\": \"nobody\", \"permission\": \"view_all_leads\"}", "application/json"));
        answers.forEach((api, res) -> {
            assertThat(res.status()).as("%s: %s", api, res).isEqualTo(415);
            assertThat(res.header("Accept-Encoding")).as(api).isEqualTo("identity");
        });
        assertThat(answers.get("native").get("code").stringValue()).isEqualTo("unsupported_media_type");
        assertThat(answers.get("native").get("detail").stringValue()).contains("br");
        assertThat(answers.get("close").json().has("error")).isTrue();
        assertThat(answers.get("rooms").get("errorCode").stringValue()).isEqualTo("UNSUPPORTED_MEDIA_TYPE");

        ByteArrayOutputStream zipped = new ByteArrayOutputStream();
        try (GZIPOutputStream gzip = new GZIPOutputStream(zipped)) {
            gzip.write(group.getBytes(StandardCharsets.UTF_8));
        }
        HttpResponse<String> compressed = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create(node.baseUrl() + close.path() + "/groups"))
                .header("Authorization", "Bearer " + close.adminKey()).header("Content-Type", "application/json")
                .header("Content-Encoding", "gzip").POST(HttpRequest.BodyPublishers.ofByteArray(zipped.toByteArray()))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(compressed.statusCode()).as(compressed.body()).isEqualTo(415);
        assertThat(node.revision()).as("nothing written").isEqualTo(revision);

        assertThat(node.service().header("Content-Encoding", "identity").raw("POST", close.path() + "/groups", group,
                "application/json").status()).as("identity is no coding").isEqualTo(201);
        assertThat(node.service().header("Content-Encoding", "gzip").get(close.path() + "/groups").status())
                .as("a request without a body has nothing to decode").isEqualTo(200);
    }

    /** A charset the server cannot read is a 415 on any route, never a 500. */
    @Test
    void anUnknownCharset_isRefused() {
        Fixtures.Org close = fx.org("close");
        Http bogus = node.service().header("Content-Type", "application/json; charset=bogus");
        assertThat(bogus.get("/healthz").status()).isEqualTo(415);
        assertThat(bogus.get(close.path() + "/roles").status()).isEqualTo(415);
        assertThat(node.service().raw("POST", close.path() + "/groups", "{\"name\": \"G\"}",
                "application/json; charset=\"no such\"").status()).isEqualTo(415);
    }

    /**
     * A charset named twice is a 415 on any route, the check answered directly too, as two {@code Content-Type}
     * headers are: which of them the server took (the first) need not be the one a proxy in front of it read.
     */
    @Test
    void aCharsetNamedTwice_isRefused() {
        Fixtures.Org close = fx.org("close");
        long revision = node.revision();
        for (String type : List.of("application/json; charset=utf-8; charset=iso-8859-1",
                "application/json;charset=iso-8859-1;CHARSET=utf-8",
                "application/json; charset=utf-8; charset=utf-8")) {
            assertThat(node.service().raw("POST", close.path() + "/groups", "{\"name\": \"Twice\"}", type).status())
                    .as(type).isEqualTo(415);
            assertThat(node.service().raw("POST", close.path() + "/check", "{\"user_id\": \"nobody\", "
                    + "\"permission\": \"view_all_leads\"}", type).status()).as("check " + type).isEqualTo(415);
            assertThat(node.service().header("Content-Type", type).get("/healthz").status()).as(type).isEqualTo(415);
        }
        assertThat(node.revision()).as("nothing written").isEqualTo(revision);
    }

    /**
     * A parameter without a value ({@code ; charset}) is a 415 on any route, without a key too: the web framework
     * reading the query threw on it (a 500, and an error logged per request).
     */
    @Test
    void aParameterWithoutAValue_isRefused_neverA500() {
        Fixtures.Org close = fx.org("close");
        for (String type : List.of("application/json; charset", "text/plain;charset", "application/json; a=b; x")) {
            Http bare = node.anonymous().header("Content-Type", type);
            for (String path : List.of("/healthz", close.path() + "/roles", "/api/v1/role/",
                    "/restapi/v2/accounts/x/roles")) {
                Http.Res res = bare.get(path);
                assertThat(res.status()).as(type + " " + path + ": " + res).isEqualTo(415);
            }
            assertThat(node.service().raw("POST", close.path() + "/groups", "{\"name\": \"G\"}", type).status())
                    .isEqualTo(415);
        }
        assertThat(node.service().get(close.path() + "/groups").json().get("items")).isEmpty();
    }

    /**
     * The native API reads bodies as UTF-8, JSON's one charset: a body declared in another one it knows (Latin-1,
     * UTF-16) was read as UTF-8 all the same — other text than the one sent — and is now a 415 that changes nothing.
     */
    @Test
    void aBodyDeclaredInAnotherCharset_isRefusedByTheNativeApi_andChangesNothing() {
        Fixtures.Org close = fx.org("close");
        long revision = node.revision();
        for (String charset : java.util.List.of("iso-8859-1", "\"UTF-16\"", "windows-1252")) {
            Http.Res group = node.service().raw("POST", close.path() + "/groups", "{\"name\": \"Caf\u00e9\"}",
                    "application/json; charset=" + charset);
            assertThat(group.status()).as(charset).isEqualTo(415);
            assertThat(group.get("code").stringValue()).isEqualTo("unsupported_media_type");
            assertThat(group.get("detail").stringValue()).contains("UTF-8", charset.replace("\"", ""));
            assertThat(node.service().raw("POST", close.path() + "/import", "{\"type\": \"group\", \"name\": \"L\"}\n",
                    "application/x-ndjson; charset=" + charset).status()).as("import " + charset).isEqualTo(415);
            assertThat(node.service().raw("POST", close.path() + "/check", "{\"user_id\": \"nobody\", "
                    + "\"permission\": \"view_all_leads\"}", "application/json; charset=" + charset).status())
                    .as("check " + charset).isEqualTo(415);
        }
        assertThat(node.revision()).as("nothing written").isEqualTo(revision);
        for (String charset : java.util.List.of("utf-8", "UTF-8", "\"utf-8\"", "utf8")) {
            assertThat(node.service().raw("POST", close.path() + "/groups", "{\"name\": \"G " + charset.hashCode()
                    + "\"}", "application/json; charset=" + charset).status()).as(charset).isEqualTo(201);
        }
    }

    /**
     * A route that takes no body refuses one, in every dialect and for every method, whatever its Content-Type says
     * or does not, before anything is done: a DELETE with a malformed JSON body deleted, and a GET took a text body
     * but refused the same body without a type. A body of no bytes is none, and so is {@code {}}, which generated
     * clients (the Rooms SDKs) send with a DELETE.
     */
    @Test
    void aBodyOnARouteThatTakesNone_isRefusedInEveryDialect_andChangesNothing() {
        Fixtures.Org close = fx.org("close");
        Fixtures.Org rooms = fx.org("rooms");
        long nativeRole = fx.role(close, "Native", List.of("view_all_leads"));
        Http closeAdmin = node.as(close.adminKey());
        String closeRole = closeAdmin.post("/api/v1/role/", Map.of("name", "Kept", "permissions",
                List.of("view_all_leads"))).get("id").stringValue();
        Http roomsAdmin = node.as(rooms.adminKey());
        String roomsRoles = "/restapi/v2/accounts/" + rooms.accountId() + "/roles";
        int roomsRole = roomsAdmin.post(roomsRoles, Map.of("name", "Short-lived", "isExternal", false, "permissions",
                Map.of())).get("roleId").intValue();
        long revision = node.revision();
        String rolePath = close.path() + "/roles/" + nativeRole;
        for (String[] body : List.of(new String[] {"{bad", "application/json"}, new String[] {"x", "text/plain"},
                new String[] {"x", null}, new String[] {"{\"name\": \"x\"}", "application/json"})) {
            String sent = body[0] + " as " + body[1];
            for (String method : List.of("DELETE", "GET", "HEAD")) {
                Http.Res res = node.service().raw(method, rolePath, body[0], body[1]);
                assertThat(res.status()).as("native %s %s: %s", method, sent, res).isEqualTo(400);
                if (!method.equals("HEAD")) {
                    assertThat(res.get("code").stringValue()).isEqualTo("bad_request");
                    assertThat(res.get("detail").stringValue()).contains("takes no request body");
                }
            }
            assertThat(node.service().raw("GET", close.path(), body[0], body[1]).status()).as(sent).isEqualTo(400);
            Http.Res closed = closeAdmin.raw("DELETE", "/api/v1/role/" + closeRole + "/", body[0], body[1]);
            assertThat(closed.status()).as("Close %s: %s", sent, closed).isEqualTo(400);
            assertThat(closed.body()).contains("takes no request body");
            Http.Res roomed = roomsAdmin.raw("DELETE", roomsRoles + "/" + roomsRole, body[0], body[1]);
            assertThat(roomed.status()).as("Rooms %s: %s", sent, roomed).isEqualTo(400);
            assertThat(roomed.get("errorCode").stringValue()).isEqualTo("BAD_REQUEST");
        }
        assertThat(node.revision()).as("nothing written").isEqualTo(revision);

        assertThat(node.service().raw("GET", close.path(), "", "text/plain").status()).as("no bytes").isEqualTo(200);
        assertThat(node.service().raw("DELETE", rolePath, "", "application/json").status()).isEqualTo(204);
        assertThat(closeAdmin.raw("DELETE", "/api/v1/role/" + closeRole + "/", " {} ", "application/json").status())
                .isEqualTo(200);
        assertThat(roomsAdmin.raw("DELETE", roomsRoles + "/" + roomsRole, "{}",
                "application/json-patch+json").status()).isEqualTo(204);
    }

    /**
     * Media-type parameters are read as RFC 9110 writes them: a quoted value may hold a {@code ;} (it was taken for
     * a parameter without a value, 415), and a quoted value left open is refused (it was taken as if closed).
     */
    @Test
    void aQuotedParameterValue_isReadWhole_andOneLeftOpenIsRefused() {
        Fixtures.Org close = fx.org("close");
        for (String type : List.of("application/json; foo=\"a;b\"", "application/json; foo=\"a\\\"; b\"; charset=utf-8",
                "application/json; charset=\"utf-8\"")) {
            assertThat(node.service().raw("POST", close.path() + "/groups", "{\"name\": \"G" + type.length() + "\"}",
                    type).status()).as(type).isEqualTo(201);
        }
        long revision = node.revision();
        for (String type : List.of("application/json; charset=\"utf-8", "application/json; foo=\"a;b")) {
            Http.Res res = node.service().raw("POST", close.path() + "/groups", "{\"name\": \"Open\"}", type);
            assertThat(res.status()).as(type + ": " + res).isEqualTo(415);
            assertThat(res.get("detail").stringValue()).contains("quoted value");
            assertThat(node.anonymous().header("Content-Type", type).get("/healthz").status()).isEqualTo(415);
        }
        assertThat(node.revision()).as("nothing written").isEqualTo(revision);
    }

    /**
     * A quoted value escaping a quote around a charset ({@code x="\"; charset=utf-8"}), which the servlet layer reads
     * as naming a charset {@code utf-8"} where RFC 9110 reads none, is a 415 on every route, without a key too: asking
     * that layer for the type threw, a 500 logging the header's text.
     */
    @Test
    void parametersThatReadTwoWays_areRefused_neverA500() {
        Fixtures.Org close = fx.org("close");
        long revision = node.revision();
        for (String type : List.of("application/json; x=\"\\\"; charset=utf-8\"",
                "application/json; x=\"\\\"; charset=iso-8859-1\"")) {
            for (String path : List.of("/healthz", close.path() + "/roles", "/api/v1/role/",
                    "/restapi/v2/accounts/x/roles")) {
                Http.Res res = node.anonymous().header("Content-Type", type).get(path);
                assertThat(res.status()).as(type + " " + path + ": " + res).isEqualTo(415);
            }
            Http.Res post = node.service().raw("POST", close.path() + "/groups", "{\"name\": \"G\"}", type);
            assertThat(post.status()).as(type + ": " + post).isEqualTo(415);
            assertThat(post.get("detail").stringValue()).contains("read two ways");
        }
        assertThat(node.revision()).as("nothing written").isEqualTo(revision);
    }

    /**
     * A dialect reads a body in the charset it names, and one that is not text in it is a 400 that changes nothing,
     * in every charset: a lone surrogate, which the CESU-8 and UTF-32 decoders let through, was stored as {@code ?}.
     */
    @Test
    void aLoneSurrogateInADialectsCharset_isRefused_neverStoredAsAQuestionMark() {
        Fixtures.Org close = fx.org("close");
        Fixtures.Org rooms = fx.org("rooms");
        String roles = "/restapi/v2/accounts/" + rooms.accountId() + "/roles";
        ByteArrayOutputStream cesu = new ByteArrayOutputStream();
        cesu.writeBytes("{\"name\":\"p".getBytes(StandardCharsets.US_ASCII));
        cesu.writeBytes(new byte[] {(byte) 0xed, (byte) 0xa0, (byte) 0x80});
        cesu.writeBytes("q\", \"isExternal\": false, \"permissions\": {}}".getBytes(StandardCharsets.US_ASCII));
        ByteArrayOutputStream utf32 = new ByteArrayOutputStream();
        for (int c : "{\"name\":\"u\uD800v\"}".toCharArray()) {
            utf32.writeBytes(new byte[] {0, 0, (byte) (c >> 8), (byte) c});
        }
        long revision = node.revision();
        Http.Res roomed = node.as(rooms.adminKey()).rawBytes("POST", roles, cesu.toByteArray(),
                "application/json; charset=CESU-8");
        assertThat(roomed.status()).as("%s", roomed).isEqualTo(400);
        assertThat(roomed.body()).contains("not text in its charset");
        Http.Res closed = node.as(close.adminKey()).rawBytes("POST", "/api/v1/group/", utf32.toByteArray(),
                "application/json; charset=UTF-32");
        assertThat(closed.status()).as("%s", closed).isEqualTo(400);
        assertThat(closed.body()).contains("not text in its charset");
        assertThat(node.revision()).as("nothing written").isEqualTo(revision);

        Http.Res text = node.as(close.adminKey()).rawBytes("POST", "/api/v1/group/",
                "{\"name\":\"Caf\u00e9 \uD83D\uDE00\"}".getBytes(java.nio.charset.Charset.forName("UTF-32")),
                "application/json; charset=UTF-32");
        assertThat(text.status()).as("%s", text).isEqualTo(201);
        assertThat(text.get("name").stringValue()).isEqualTo("Caf\u00e9 \uD83D\uDE00");
    }

    /**
     * Two Content-Type lines merged into one by a proxy ({@code application/json; charset=utf-8, text/plain}) are
     * refused saying so, as two lines are: the 415 spoke of quotes and escapes the header did not hold.
     */
    @Test
    void aContentTypeOfTwoMediaTypes_isRefusedSayingSo() {
        Fixtures.Org close = fx.org("close");
        long revision = node.revision();
        for (String type : List.of("application/json; charset=utf-8, text/plain", "application/json, text/plain")) {
            Http.Res res = node.service().raw("POST", close.path() + "/groups", "{\"name\": \"Two\"}", type);
            assertThat(res.status()).as(type + ": " + res).isEqualTo(415);
            assertThat(res.get("detail").stringValue()).as(type).contains("more than one media type")
                    .doesNotContain("escap");
        }
        assertThat(node.revision()).as("nothing written").isEqualTo(revision);
        Http.Res quoted = node.service().raw("POST", close.path() + "/groups", "{\"name\": \"Quoted\"}",
                "application/json; foo=\"a,b\"");
        assertThat(quoted.status()).as("a comma in a quoted value: %s", quoted).isEqualTo(201);
    }
}
