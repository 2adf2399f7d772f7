package dev.gatehouse.oidc;

import dev.gatehouse.testing.Await;
import dev.gatehouse.testing.Fixtures;
import dev.gatehouse.testing.Http;
import dev.gatehouse.json.Json;
import dev.gatehouse.testing.RawHttp;
import dev.gatehouse.testing.TestClock;
import dev.gatehouse.testing.TestDatabase;
import dev.gatehouse.testing.TestIssuer;
import dev.gatehouse.testing.TestNode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Access tokens of an OpenID Connect issuer the test runs itself ({@link TestIssuer}: discovery, JWKS, keys made
 * here), against the real server: a valid token acts as the member of the path's organization whose user id it
 * names, with exactly that member's access; every bad token — expired, not yet valid, wrong audience, wrong issuer,
 * forged signature, unknown user, {@code alg: none}, HMAC with the public key — is a 401 in each dialect's own
 * shape; a rotated key is followed.
 */
class OidcIT {

    static TestIssuer issuer;
    static TestNode node;
    static Fixtures fx;
    static Fixtures.Org org;
    static String admin;
    static long starter;

    @BeforeAll
    static void start() {
        issuer = TestIssuer.start();
        node = TestNode.start(config -> config.withOidc(issuer.settings()));
        fx = new Fixtures(node);
        org = fx.org("rooms");
        admin = node.service().get(org.path() + "/members/" + org.adminId()).get("user_id").stringValue();
        starter = fx.role(org, "Starter", List.of("canCreateRooms"));
        fx.member(org, "u-sam", starter);
    }

    @AfterAll
    static void stop() {
        node.close();
        issuer.close();
    }

    static Http bearer(String token) {
        return node.as(token);
    }

    @Test
    void aValidToken_actsAsTheMember_withItsAccess_andIsNamedInTheHistory() {
        Http asAdmin = bearer(issuer.token(admin));
        assertThat(asAdmin.get(org.path() + "/roles").status()).isEqualTo(200);
        assertThat(asAdmin.get(org.path() + "/model").get("id").stringValue()).isEqualTo("rooms");
        Http.Res created = asAdmin.post(org.path() + "/roles", Map.of("name", "Made with a token",
                "permissions", List.of("canCreateRooms")));
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        JsonNode event = node.service().get(org.path() + "/events?object_type=role&limit=1").get("items").get(0);
        assertThat(event.get("actor").get("member_id").longValue()).isEqualTo(org.adminId());
        assertThat(event.get("after").get("name").stringValue()).isEqualTo("Made with a token");
        assertThat(event.get("actor").get("key_id").stringValue()).matches("oidc:[0-9a-f]{16}");

        // Sam's token has Sam's access, no more: the same refusal as Sam's key.
        Http samToken = bearer(issuer.token("u-sam"));
        Http samKey = fx.keyFor(org, node.service().get(org.path() + "/members/user:u-sam").get("id").longValue());
        Http.Res byToken = samToken.post(org.path() + "/roles", Map.of("name", "Nope", "permissions", List.of()));
        Http.Res byKey = samKey.post(org.path() + "/roles", Map.of("name", "Nope", "permissions", List.of()));
        assertThat(byToken.status()).isEqualTo(403).isEqualTo(byKey.status());
        assertThat(byToken.get("code")).isEqualTo(byKey.get("code"));
        Http.Res own = samToken.get(org.path() + "/members/user:u-sam/permissions");
        assertThat(own.status()).as(own.toString()).isEqualTo(200);
        assertThat(own.get("permissions").toString()).contains("canCreateRooms");
        assertThat(samToken.post(org.path() + "/check", Map.of("user_id", admin, "permission", "canCreateRooms"))
                .status()).isEqualTo(byKey.status());
    }

    @Test
    void aValidToken_worksOnRooms_butNotWherePathsNameNoOrganization() {
        String token = issuer.token(admin);
        Http.Res rooms = bearer(token).get("/restapi/v2/accounts/" + org.accountId() + "/roles");
        assertThat(rooms.status()).as(rooms.toString()).isEqualTo(200);

        Http.Res close = bearer(token).get("/api/v1/me/");
        assertThat(close.status()).isEqualTo(401);
        assertThat(close.json().has("error")).as(close.toString()).isTrue();
        Http.Res list = bearer(token).get("/v1/orgs");
        assertThat(list.status()).isEqualTo(401);
        assertThat(list.get("code").stringValue()).isEqualTo("invalid_token");
        for (String stream : List.of("/v1/snapshot", "/v1/changes?after=0&wait=0")) {
            Http.Res refused = bearer(token).get(stream);
            assertThat(refused.status()).as(refused.toString()).isEqualTo(401);
            assertThat(refused.get("detail").stringValue()).as("said as what it is, not as a key too long")
                    .contains("an access token does not read");
            assertThat(refused.get("code").stringValue()).as("%s: the code every refused token gets, as its "
                    + "challenge says (it was invalid_key)", stream).isEqualTo("invalid_token");
            assertThat(refused.header("WWW-Authenticate")).as(stream).contains("error=\"invalid_token\"");
        }
    }

    /**
     * On a node that accepts no tokens, a credential shaped like one is refused on the streams as the key it is
     * taken for everywhere else: the streams once took it for a token whether tokens were accepted or not.
     */
    @Test
    void aJwtShapedCredential_onANodeWithoutAnIssuer_isRefusedOnTheStreams_asAKey() {
        try (TestNode plain = TestNode.start()) {
            String token = issuer.token(admin);
            Http.Res elsewhere = plain.as(token).get("/v1/orgs");
            assertThat(elsewhere.status()).as(elsewhere.toString()).isEqualTo(401);
            for (String stream : List.of("/v1/snapshot", "/v1/changes?after=0&wait=0")) {
                Http.Res refused = plain.as(token).get(stream);
                assertThat(refused.status()).as(refused.toString()).isEqualTo(401);
                assertThat(refused.get("code").stringValue()).as(stream).isEqualTo(elsewhere.get("code").stringValue());
                assertThat(refused.get("detail").stringValue()).as(stream)
                        .isEqualTo(elsewhere.get("detail").stringValue());
            }
        }
    }

    @Test
    void badTokens_areRefused_401_inEachDialectsShape() {
        Map<String, String> bad = new LinkedHashMap<>();
        bad.put("expired", issuer.token(admin, b -> b.expirationTime(Date.from(new Date().toInstant()
                .minus(Duration.ofMinutes(5))))));
        bad.put("not yet valid", issuer.token(admin, b -> b.notBeforeTime(Date.from(new Date().toInstant()
                .plus(Duration.ofMinutes(5))))));
        bad.put("wrong audience", issuer.token(admin, b -> b.audience("another-api")));
        bad.put("wrong issuer", issuer.token(admin, b -> b.issuer("http://127.0.0.1:1/elsewhere")));
        bad.put("no user claim", issuer.token(admin, b -> b.claim(TestIssuer.USER_CLAIM, null)));
        bad.put("forged signature", issuer.forgedToken(admin));
        bad.put("unknown user", issuer.token("u-nobody"));
        bad.put("alg none", issuer.unsignedToken(admin));
        bad.put("HMAC with the public key", issuer.hmacWithPublicKey(admin));
        bad.put("tampered claims", tamper(issuer.token("u-sam"), admin));
        // why, in the server's words (the JWT library's "Expired JWT", "JWT aud claim rejected" once reached callers)
        Map<String, String> says = Map.of("expired", "it has expired (exp)",
                "not yet valid", "it is not valid yet (nbf)",
                "wrong audience", "its audience (aud) is not this server's", "wrong issuer",
                "its issuer (iss) is not the identity provider's", "no user claim",
                "it lacks the claim \"" + TestIssuer.USER_CLAIM + "\"");

        bad.forEach((what, token) -> {
            Http.Res v1 = bearer(token).get(org.path() + "/roles");
            assertThat(v1.status()).as(what + ": " + v1).isEqualTo(401);
            assertThat(v1.get("code").stringValue()).as(what).isEqualTo("invalid_token");
            if (says.containsKey(what)) {
                assertThat(v1.get("detail").stringValue()).as(what).contains(says.get(what))
                        .doesNotContain("JWT", "rejected");
            }
            assertThat(v1.header("Content-Type")).as(what).contains("problem+json");
            assertThat(v1.header("WWW-Authenticate")).as("%s: the challenge says the token was refused (RFC 6750)",
                    what).isEqualTo("Bearer realm=\"gatehouse\", error=\"invalid_token\", Basic realm=\"gatehouse\"");

            Http.Res rooms = bearer(token).get("/restapi/v2/accounts/" + org.accountId() + "/roles");
            assertThat(rooms.status()).as(what + ": " + rooms).isEqualTo(401);
            assertThat(rooms.get("errorCode").stringValue()).as(what).isEqualTo("INVALID_TOKEN");

            Http.Res close = bearer(token).get("/api/v1/me/");
            assertThat(close.status()).as(what + ": " + close).isEqualTo(401);
            assertThat(close.json().has("error")).as(what).isTrue();
        });
    }

    /**
     * Unknown key ids one after another: the first refetches the provider's keys, the next ones meet the refetch's
     * rate limit — still a token no key of the provider's signed (401), never "keys cannot be fetched" (503).
     */
    @Test
    void unknownKeyIds_inARow_areEach401_evenWhenTheRefetchIsRateLimited() {
        for (int i = 0; i < 4; i++) {
            Http.Res res = bearer(issuer.tokenWithKeyId(admin, "no-such-key-" + i)).get(org.path() + "/roles");
            assertThat(res.status()).as("token %d: %s", i, res).isEqualTo(401);
            assertThat(res.get("code").stringValue()).isEqualTo("invalid_token");
        }
        assertThat(bearer(issuer.token(admin)).get(org.path() + "/roles").status()).as("a good token still works")
                .isEqualTo(200);
    }

    @Test
    void malformedAndConfusingTokens_are401_never500() {
        Map<String, String> bad = new LinkedHashMap<>();
        String[] valid = issuer.token(admin).split("\\.");
        bad.put("header not JSON", b64("not json") + "." + valid[1] + "." + valid[2]);
        bad.put("payload not JSON", valid[0] + "." + b64("[1, 2") + "." + valid[2]);
        bad.put("payload an array", valid[0] + "." + b64("[]") + "." + valid[2]);
        bad.put("header an array", b64("[\"RS256\"]") + "." + valid[1] + "." + valid[2]);
        bad.put("signature cut short", valid[0] + "." + valid[1] + "." + valid[2].substring(0, 10));
        bad.put("empty signature", valid[0] + "." + valid[1] + ".");
        bad.put("unknown key id", issuer.tokenWithKeyId(admin, "no-such-key"));
        bad.put("own key embedded as jwk", issuer.selfSignedWithEmbeddedKey(admin));
        bad.put("exp a string", valid[0] + "." + b64("{\"iss\":\"" + issuer.issuer() + "\",\"aud\":\""
                + TestIssuer.AUDIENCE + "\",\"exp\":\"tomorrow\",\"uid\":\"" + admin + "\"}") + "." + valid[2]);
        bad.put("user claim an object", issuer.token(admin, b -> b.claim(TestIssuer.USER_CLAIM, Map.of("id", admin))));
        bad.put("user claim a list", issuer.token(admin, b -> b.claim(TestIssuer.USER_CLAIM, List.of(admin))));
        bad.put("user claim a huge number", issuer.token(admin, b -> b.claim(TestIssuer.USER_CLAIM, 1e300)));
        bad.put("user claim 3000 characters", issuer.token(admin, b -> b.claim(TestIssuer.USER_CLAIM,
                "u".repeat(3000))));
        bad.put("audience an object", valid[0] + "." + b64("{\"iss\":\"" + issuer.issuer() + "\",\"aud\":{},"
                + "\"exp\":9999999999,\"uid\":\"" + admin + "\"}") + "." + valid[2]);
        bad.put("expired beyond the clock skew", issuer.token(admin, b -> b.expirationTime(Date.from(
                new Date().toInstant().minusSeconds(TokenVerifier.CLOCK_SKEW_SECONDS + 30)))));
        bad.forEach((what, token) -> {
            Http.Res res = bearer(token).get(org.path() + "/roles");
            assertThat(res.status()).as(what + ": " + res).isEqualTo(401);
            // what is no JWT at all is read as an API key, and refused as one
            assertThat(res.get("code").stringValue()).as(what).isIn("invalid_token", "unauthenticated", "invalid_key");
            assertThat(res.body()).as(what + ": the token is not echoed").doesNotContain(token.substring(0,
                    Math.min(token.length(), 40)));
        });
        Http.Res withinSkew = bearer(issuer.token(admin, b -> b.expirationTime(Date.from(new Date().toInstant()
                .minusSeconds(TokenVerifier.CLOCK_SKEW_SECONDS / 2))))).get(org.path() + "/roles");
        assertThat(withinSkew.status()).as("expired within the clock skew: " + withinSkew).isEqualTo(200);
    }

    /**
     * A token is judged again at every write of its request, as a key's revocation is: a streamed import that outlives
     * its token is refused at its next chunk with the 401 a new request with the token gets, and the chunks committed
     * before stay. The token's expiry was checked only as the request began, and an import has no overall deadline,
     * so a token good a few seconds more kept committing lines for as long as they came.
     */
    @Test
    void aStreamedImport_outlivingItsToken_isRefusedAtTheNextChunk_andItsCommittedChunksStay() {
        TestClock clock = new TestClock();
        try (TestNode timed = TestNode.startOn(TestDatabase.freshDatabaseUrl(),
                config -> config.withOidc(issuer.settings()), clock)) {
            Fixtures.Org target = new Fixtures(timed).org("rooms");
            String user = timed.service().get(target.path() + "/members/" + target.adminId()).get("user_id")
                    .stringValue();
            String token = issuer.token(user, b -> b.expirationTime(Date.from(clock.instant().plusSeconds(30))));
            RawHttp.Response answer;
            try (RawHttp connection = RawHttp.connect(timed.node().port()).send("POST " + target.path()
                    + "/import?chunk_lines=1 HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + token
                    + "\r\nContent-Type: application/x-ndjson\r\nTransfer-Encoding: chunked\r\n\r\n")) {
                chunk(connection, "{\"type\":\"group\",\"name\":\"Before\"}\n");
                Await.until(Duration.ofSeconds(20), "the first chunk is committed",
                        () -> timed.service().get(target.path() + "/groups").body().contains("Before"));
                clock.advance(Duration.ofSeconds(30 + TokenVerifier.CLOCK_SKEW_SECONDS + 1));
                chunk(connection, "{\"type\":\"group\",\"name\":\"After\"}\n");
                connection.send("0\r\n\r\n");
                answer = connection.read(Duration.ofSeconds(30));
            }

            assertThat(answer.status()).as(answer.body()).isEqualTo(401);
            Http.Res fresh = timed.as(token).get(target.path() + "/roles");
            assertThat(fresh.status()).as(fresh.toString()).isEqualTo(401);
            JsonNode problem = Json.readTree(answer.body());
            assertThat(problem.get("code")).isEqualTo(fresh.get("code"));
            assertThat(problem.get("code").stringValue()).isEqualTo("invalid_token");
            assertThat(problem.get("detail").stringValue()).endsWith(fresh.get("detail").stringValue());
            assertThat(problem.get("committed_lines").longValue()).isEqualTo(1);
            assertThat(problem.get("resume_from_line").longValue()).isEqualTo(2);
            String groups = timed.service().get(target.path() + "/groups").body();
            assertThat(groups).contains("Before").doesNotContain("After");
        }
    }

    private static void chunk(RawHttp connection, String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        connection.send(Integer.toHexString(bytes.length) + "\r\n");
        connection.send(bytes);
        connection.send("\r\n");
    }

    /**
     * A token is its exact characters: one with anything outside base64url and its two dots — a letter beyond ASCII
     * (sent as the byte it is in ISO-8859-1, as a header carries it), base64's {@code +} or {@code /}, padding — is
     * no token (and no key). The JWT library skips such characters, so each variant of a valid token once verified
     * as it, under an {@code oidc:} credential id of its own.
     */
    @Test
    void aValidTokenWithAnyOtherCharacterAdded_isRefused() {
        String token = issuer.token(admin);
        String[] parts = token.split("\\.");
        assertThat(bearer(token).get(org.path() + "/roles").status()).isEqualTo(200);
        for (String variant : List.of(token + "\u00e9\u00e9", token + "\u00e9", parts[0] + "." + parts[1] + "\u00e9."
                + parts[2], token + "==", token + "+", token + "/")) {
            try (RawHttp connection = RawHttp.connect(node.node().port())) {
                RawHttp.Response res = connection.send("GET " + org.path() + "/roles HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                        + "Authorization: Bearer " + variant + "\r\nConnection: close\r\n\r\n").read(Duration.ofSeconds(10));
                assertThat(res.status()).as("%s: %s", variant.substring(token.length() - 4), res).isEqualTo(401);
            }
        }
    }

    /** A user id of 150 emoji is 150 characters as every edge counts them (300 UTF-16 units): its token works. */
    @Test
    void aUserIdOfManyCharactersOutsideTheBasicPlane_canUseATokenAsLongAsItCanBeAMember() {
        String emoji = "\uD83D\uDE00".repeat(150);
        Http.Res created = node.service().post(org.path() + "/members", Map.of("user_id", emoji,
                "email", "emoji@example.com", "role_id", starter));
        assertThat(created.status()).as("%s", created).isEqualTo(201);
        Http.Res res = bearer(issuer.token(emoji)).get(org.path() + "/roles");
        assertThat(res.status()).as("%s", res).isEqualTo(200);
    }

    /**
     * A user claim that is a JSON integer is the user id of its decimal digits; any other number is refused — Java's
     * number formatting once made {@code 100.0} and {@code 1e2} the member {@code "100.0"}, and
     * 12345678901234567890 the member {@code "1.2345678901234567E19"}.
     */
    @Test
    void aNumericUserClaim_isItsIntegersDigits_andAnyOtherNumberIsRefused() {
        fx.member(org, "100", starter);
        fx.member(org, "100.0", starter);
        fx.member(org, "1.2345678901234567E19", starter);
        Http.Res integer = bearer(issuer.token(admin, b -> b.claim(TestIssuer.USER_CLAIM, 100L)))
                .get(org.path() + "/members/user:100/permissions");
        assertThat(integer.status()).as("%s", integer).isEqualTo(200);
        Map<String, Object> refused = new LinkedHashMap<>();
        refused.put("a fraction", 100.0);
        refused.put("an exponent", 1e2);
        refused.put("an integer beyond 64 bits", new java.math.BigInteger("12345678901234567890"));
        refused.forEach((what, claim) -> {
            Http.Res res = bearer(issuer.token(admin, b -> b.claim(TestIssuer.USER_CLAIM, claim)))
                    .get(org.path() + "/roles");
            assertThat(res.status()).as("%s: %s", what, res).isEqualTo(401);
            assertThat(res.get("code").stringValue()).isEqualTo("invalid_token");
        });
    }

    /**
     * Under the user claim {@code email} — how Rooms users sign in, their user id being the address they were
     * invited by — a token whose {@code email_verified} is present and not {@code true} is refused, {@code null} too
     * (it was taken as absent): an identity provider that lets people sign up with an address they have not confirmed
     * let anyone registering as an organization's admin act as it. A token that says nothing of it is taken, and
     * under another user claim the claim is not read.
     */
    @Test
    void underTheEmailClaim_aTokenWhoseEmailIsNotVerified_isRefused() {
        try (TestNode byEmail = TestNode.start(config -> config.withOidc(new OidcSettings(issuer.issuer(),
                TestIssuer.CLIENT_ID, TestIssuer.AUDIENCE, "email")))) {
            Fixtures emailFx = new Fixtures(byEmail);
            Fixtures.Org target = emailFx.org("rooms");
            Http.Res invited = byEmail.service().post(target.path() + "/members", Map.of("user_id", "admin@x.example",
                    "email", "admin@x.example", "role_id", emailFx.role(target, "Starter", List.of("canCreateRooms"))));
            assertThat(invited.status()).as("%s", invited).isEqualTo(201);
            String path = target.path() + "/members/user:admin@x.example/permissions";
            Map<String, Object> refused = new LinkedHashMap<>();
            refused.put("false", false);
            refused.put("the string \"true\"", "true");
            refused.put("a number", 1);
            refused.put("null", null);
            refused.forEach((what, verified) -> {
                Http.Res res = byEmail.as(issuer.token("u-any", b -> b.claim("email", "admin@x.example")
                        .claim("email_verified", verified).serializeNullClaims(true))).get(path);
                assertThat(res.status()).as("email_verified %s: %s", what, res).isEqualTo(401);
                assertThat(res.get("code").stringValue()).isEqualTo("invalid_token");
                assertThat(res.get("detail").stringValue()).contains("email_verified");
            });
            Http.Res verified = byEmail.as(issuer.token("u-any", b -> b.claim("email", "admin@x.example")
                    .claim("email_verified", true))).get(path);
            assertThat(verified.status()).as("%s", verified).isEqualTo(200);
            Http.Res unsaid = byEmail.as(issuer.token("u-any", b -> b.claim("email", "admin@x.example"))).get(path);
            assertThat(unsaid.status()).as("%s", unsaid).isEqualTo(200);
        }
        Http.Res otherClaim = bearer(issuer.token("u-sam", b -> b.claim("email_verified", false)))
                .get(org.path() + "/members/user:u-sam/permissions");
        assertThat(otherClaim.status()).as("under the user claim uid: %s", otherClaim).isEqualTo(200);
    }

    /**
     * {@code nbf} and {@code exp} are judged from the numbers the token holds: the JWT library multiplied seconds by
     * 1,000 in a {@code long}, so an {@code nbf} of 9300000000000000 or 1e20 wrapped into the past and the token
     * passed (99999999999999, which did not wrap, was refused), and an {@code exp} as far off wrapped into an
     * expiry long gone. Such an {@code exp} is the far future it names: its token is good, writes included.
     */
    @Test
    void aFarFutureNotBefore_isRefused_andAFarFutureExpiry_isGoodForWritesToo() {
        for (Object nbf : List.of(9300000000000000L, 1e20, 99999999999999L, Long.MAX_VALUE)) {
            Http.Res res = bearer(issuer.token(admin, b -> b.claim("nbf", nbf))).get(org.path() + "/roles");
            assertThat(res.status()).as("nbf %s: %s", nbf, res).isEqualTo(401);
            assertThat(res.get("code").stringValue()).isEqualTo("invalid_token");
            assertThat(res.get("detail").stringValue()).contains("it is not valid yet (nbf)");
        }
        for (Object exp : List.of(9300000000000000L, 1e20, Long.MAX_VALUE)) {
            Http asAdmin = bearer(issuer.token(admin, b -> b.claim("exp", exp)));
            assertThat(asAdmin.get(org.path() + "/roles").status()).as("exp %s", exp).isEqualTo(200);
            Http.Res created = asAdmin.post(org.path() + "/roles", Map.of("name", "Until " + exp,
                    "permissions", List.of()));
            assertThat(created.status()).as("exp %s: %s", exp, created).isEqualTo(201);
        }
        for (Object exp : List.of(-9300000000000000L, -1e20)) {
            Http.Res res = bearer(issuer.token(admin, b -> b.claim("exp", exp))).get(org.path() + "/roles");
            assertThat(res.status()).as("exp %s: %s", exp, res).isEqualTo(401);
        }
    }

    /**
     * A token is named by one credential id however its signature is spelled: base64url leaves the low bits of a
     * signature's last character unused, so a 256-byte RSA signature has 16 spellings that verify, and each once
     * got an {@code oidc:} id of its own in the change log.
     */
    @Test
    void oneTokenWhoseSignatureIsSpelledAnotherWay_isNamedByTheSameCredentialId() {
        String token = issuer.token(admin);
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        char last = token.charAt(token.length() - 1);
        String respelled = token.substring(0, token.length() - 1) + alphabet.charAt(alphabet.indexOf(last) ^ 1);
        assertThat(respelled).isNotEqualTo(token);
        List<String> keyIds = new ArrayList<>();
        for (String spelling : List.of(token, respelled)) {
            String name = "Spelled " + keyIds.size() + " " + UUID.randomUUID();
            Http.Res created = bearer(spelling).post(org.path() + "/roles", Map.of("name", name,
                    "permissions", List.of()));
            assertThat(created.status()).as("%s", created).isEqualTo(201);
            JsonNode event = node.service().get(org.path() + "/events?object_type=role&limit=1").get("items").get(0);
            assertThat(event.get("after").get("name").stringValue()).isEqualTo(name);
            keyIds.add(event.get("actor").get("key_id").stringValue());
        }
        assertThat(keyIds.get(1)).as("the respelled token's credential").isEqualTo(keyIds.get(0));
        assertThat(OidcService.credentialId(issuer.token(admin))).as("another token of the same user")
                .isNotEqualTo(keyIds.get(0));
    }

    /**
     * A token on a path whose organization is no id gets the 400 a key gets there — {@code invalid_id} in the
     * native API, {@code INVALID_ACCOUNT_ID} in Rooms' —, not a 401 saying the path names no organization.
     */
    @Test
    void aTokenOnAMalformedOrganizationId_getsThe400AKeyGets() {
        Http token = bearer(issuer.token(admin));
        for (String id : List.of("01", "+1", "0", "99999999999999999999")) {
            Http.Res byToken = token.get("/v1/orgs/" + id + "/members");
            Http.Res byKey = org.admin().get("/v1/orgs/" + id + "/members");
            assertThat(byKey.status()).as("%s by key: %s", id, byKey).isEqualTo(400);
            assertThat(byToken.status()).as("%s by token: %s", id, byToken).isEqualTo(400);
            assertThat(byToken.body()).isEqualTo(byKey.body());
        }
        Http.Res byToken = token.get("/restapi/v2/accounts/1/users");
        Http.Res byKey = org.admin().get("/restapi/v2/accounts/1/users");
        assertThat(byKey.status()).as("by key: %s", byKey).isEqualTo(400);
        assertThat(byToken.status()).as("by token: %s", byToken).isEqualTo(400);
        assertThat(byToken.get("errorCode").stringValue()).isEqualTo("INVALID_ACCOUNT_ID")
                .isEqualTo(byKey.get("errorCode").stringValue());
        assertThat(byToken.get("message")).isEqualTo(byKey.get("message"));
    }

    static String b64(String text) {
        return java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(
                text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    /** The token's payload replaced by one naming {@code userId}, its signature kept. */
    static String tamper(String token, String userId) {
        String[] parts = token.split("\\.");
        String payload = new String(java.util.Base64.getUrlDecoder().decode(parts[1]),
                java.nio.charset.StandardCharsets.UTF_8).replace("\"u-sam\"", "\"" + userId + "\"");
        return parts[0] + "." + java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(
                payload.getBytes(java.nio.charset.StandardCharsets.UTF_8)) + "." + parts[2];
    }

    @Test
    void aTokenActsOnlyInTheOrganizationOfItsMember_andNotForADeactivatedOne() {
        Fixtures.Org other = fx.org("rooms");
        assertThat(bearer(issuer.token(admin)).get(other.path() + "/roles").status()).isEqualTo(401);

        fx.member(org, "u-leaving", starter);
        String token = issuer.token("u-leaving");
        assertThat(bearer(token).get(org.path() + "/members/user:u-leaving/permissions").status()).isEqualTo(200);
        assertThat(node.service().patch(org.path() + "/members/user:u-leaving", Map.of("status", "deactivated"))
                .status()).isEqualTo(200);
        Http.Res after = bearer(token).get(org.path() + "/members/user:u-leaving/permissions");
        assertThat(after.status()).isEqualTo(401);
        assertThat(after.get("code").stringValue()).isEqualTo("key_member_inactive");
    }

    /**
     * A token of a user who is no member there is refused alike for another organization and for one that does not
     * exist, in both APIs whose paths name organizations: the same status, code and words, naming no organization.
     * Before, the Rooms API answered another organization's account GUID "its user is no member of organization N" —
     * that it exists, and its id — and a made-up one "this path names none".
     */
    @Test
    void anotherOrganization_answersATokenExactlyAsOneThatDoesNotExist() {
        Fixtures.Org other = fx.org("rooms");
        String token = issuer.token(admin);

        Http.Res otherAccount = bearer(token).get("/restapi/v2/accounts/" + other.accountId() + "/roles");
        Http.Res noAccount = bearer(token).get("/restapi/v2/accounts/" + java.util.UUID.randomUUID() + "/roles");
        assertThat(otherAccount.status()).as(otherAccount.toString()).isEqualTo(401);
        assertThat(noAccount.status()).as(noAccount.toString()).isEqualTo(401);
        assertThat(otherAccount.get("errorCode")).isEqualTo(noAccount.get("errorCode"));
        assertThat(otherAccount.get("message")).isEqualTo(noAccount.get("message"));

        Http.Res otherOrg = bearer(token).get(other.path() + "/roles");
        Http.Res noOrg = bearer(token).get("/v1/orgs/999999999/roles");
        assertThat(otherOrg.status()).as(otherOrg.toString()).isEqualTo(401);
        assertThat(otherOrg.body()).isEqualTo(noOrg.body()).doesNotContain(String.valueOf(other.id()));
        assertThat(otherAccount.body()).doesNotContain(" " + other.id());
    }

    @Test
    void aRotatedKey_isFollowed() {
        assertThat(bearer(issuer.token(admin)).get(org.path() + "/roles").status()).isEqualTo(200);
        issuer.rotate();
        String rotated = issuer.token(admin);
        // The key source fetches the set again for an unknown key id, at most once a second.
        Await.until(Duration.ofSeconds(10), "the rotated key is accepted",
                () -> bearer(rotated).get(org.path() + "/roles").status() == 200);
    }

    @Test
    void aKeyReplacedUnderItsKeyId_isFollowed_asAreTokensNamingNoKeyId() {
        assertThat(bearer(issuer.token(admin)).get(org.path() + "/roles").status()).isEqualTo(200);
        issuer.replaceKeyKeepingItsId();
        String replaced = issuer.token(admin);
        // the cached key of that id refuses the signature: the set is fetched again, at most twice a second
        Await.until(Duration.ofSeconds(10), "the replaced key is accepted",
                () -> bearer(replaced).get(org.path() + "/roles").status() == 200);

        issuer.replaceKeyKeepingItsId();
        String withoutKeyId = issuer.tokenWithoutKeyId(admin);
        Await.until(Duration.ofSeconds(10), "a token naming no key id is verified against the new set",
                () -> bearer(withoutKeyId).get(org.path() + "/roles").status() == 200);
        Http.Res forged = bearer(issuer.forgedToken(admin)).get(org.path() + "/roles");
        assertThat(forged.status()).as("a key the issuer never published still fails: %s", forged).isEqualTo(401);
    }

    @Test
    void theConsole_learnsTheIssuersEndpoints_andMayCallItsTokenEndpoint() {
        Http.Res signIn = node.anonymous().get("/console/sign-in.json");
        assertThat(signIn.status()).isEqualTo(200);
        JsonNode oidc = signIn.get("oidc");
        assertThat(oidc.get("issuer").stringValue()).isEqualTo(issuer.issuer());
        assertThat(oidc.get("client_id").stringValue()).isEqualTo(TestIssuer.CLIENT_ID);
        assertThat(oidc.get("authorization_endpoint").stringValue()).isEqualTo(issuer.issuer() + "/authorize");
        assertThat(oidc.get("token_endpoint").stringValue()).isEqualTo(issuer.issuer() + "/token");
        String origin = issuer.issuer().replace("/issuer", "");
        assertThat(node.anonymous().get("/console/").header("Content-Security-Policy"))
                .contains("connect-src 'self' " + origin + ";");
    }
}
