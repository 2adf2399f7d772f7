package dev.gatehouse.oidc;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyOperation;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.OctetSequenceKey;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.OctetSequenceKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import dev.gatehouse.testing.Await;
import dev.gatehouse.testing.Fixtures;
import dev.gatehouse.testing.Http;
import dev.gatehouse.testing.TestClock;
import dev.gatehouse.testing.TestDatabase;
import dev.gatehouse.testing.TestIssuer;
import dev.gatehouse.testing.TestNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Date;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An identity provider that answers wrongly — a discovery document or a key set that is not JSON, is cut short or
 * holds the wrong shapes, an error status — never makes the server answer 500: a token is refused with a 503
 * {@code oidc_unavailable} (or a 401 {@code invalid_token}) in the problem shape, the issuer is not asked again on
 * every request, API keys keep working, and tokens verify once the issuer answers properly again. And what an
 * issuer publishes is read as meant: the console's policy names the token endpoint the document names, from a
 * node's first answer on; the document is read again; a key's {@code key_ops}, a token's {@code typ} and a header's
 * whitespace count as the specifications say; a request waits for the issuer's keys no longer than promised.
 */
class OidcMisbehavingIssuerIT {

    static final String AUDIENCE = "gatehouse-api";
    static final String USER_CLAIM = "uid";

    /** A loopback issuer whose discovery document and key set answer whatever the test sets. */
    static final class Issuer implements AutoCloseable {

        final HttpServer server;
        final String issuer;
        final RSAKey key;
        final AtomicInteger discoveryFetches = new AtomicInteger();
        final AtomicInteger jwksFetches = new AtomicInteger();
        volatile String discoveryType = "application/json";
        volatile String discoveryBody;
        volatile int jwksStatus = 200;
        volatile String jwksBody;
        /** When set, the discovery document's headers promise 5,000 bytes and the body stops after a few. */
        volatile boolean stallDiscovery;
        /** When set, the key set's headers promise 5,000 bytes and the body comes a byte every half second. */
        volatile boolean trickleKeySet;
        /** How long the key set takes to answer. */
        volatile long jwksDelayMillis;
        /** When set, the key set answers a redirect to this path of the issuer, which serves the key set. */
        volatile String keySetRedirect;
        final AtomicInteger redirectedFetches = new AtomicInteger();
        final CountDownLatch closed = new CountDownLatch(1);
        /** The time a token's life starts from: a node's whose clock the test moves, which judges the token by it. */
        volatile InstantSource clock = InstantSource.system();

        Issuer() {
            try {
                server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
                key = new RSAKeyGenerator(2048).keyID(UUID.randomUUID().toString()).generate();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (JOSEException e) {
                throw new IllegalStateException(e);
            }
            issuer = "http://127.0.0.1:" + server.getAddress().getPort() + "/issuer";
            discoveryBody = "{\"issuer\": \"" + issuer + "\", \"authorization_endpoint\": \"" + issuer + "/authorize\", "
                    + "\"token_endpoint\": \"" + issuer + "/token\", \"jwks_uri\": \"" + issuer + "/jwks\"}";
            jwksBody = new JWKSet(key.toPublicJWK()).toString();
            server.createContext("/issuer/.well-known/openid-configuration", exchange -> {
                discoveryFetches.incrementAndGet();
                if (stallDiscovery) {
                    exchange.getResponseHeaders().set("Content-Type", "application/json");
                    exchange.sendResponseHeaders(200, 5_000);
                    exchange.getResponseBody().write("{\"issuer\": ".getBytes(StandardCharsets.UTF_8));
                    exchange.getResponseBody().flush();
                    try {
                        closed.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    exchange.close();
                    return;
                }
                TestIssuer.send(exchange, 200, discoveryType, discoveryBody);
            });
            server.createContext("/issuer/jwks", exchange -> {
                jwksFetches.incrementAndGet();
                if (jwksDelayMillis > 0) {
                    try {
                        closed.await(jwksDelayMillis, TimeUnit.MILLISECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                if (keySetRedirect != null) {
                    exchange.getResponseHeaders().set("Location", issuer + keySetRedirect);
                    exchange.sendResponseHeaders(302, -1);
                    exchange.close();
                    return;
                }
                if (trickleKeySet) {
                    exchange.getResponseHeaders().set("Content-Type", "application/json");
                    exchange.sendResponseHeaders(200, 5_000);
                    try {
                        while (!closed.await(500, TimeUnit.MILLISECONDS)) {
                            exchange.getResponseBody().write(' ');
                            exchange.getResponseBody().flush();
                        }
                    } catch (InterruptedException | IOException e) {
                        // the node gave up, or the test ended
                    }
                    exchange.close();
                    return;
                }
                TestIssuer.send(exchange, jwksStatus, "application/json", jwksBody);
            });
            server.createContext("/issuer/moved", exchange -> {
                redirectedFetches.incrementAndGet();
                TestIssuer.send(exchange, 200, "application/json", jwksBody);
            });
            server.start();
        }

        OidcSettings settings() {
            return new OidcSettings(issuer, "gatehouse-console", AUDIENCE, USER_CLAIM);
        }

        /** A valid token for {@code userId}, signed with this issuer's key. */
        String token(String userId) {
            JWTClaimsSet claims = claims(userId);
            try {
                SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID())
                        .type(JOSEObjectType.JWT).build(), claims);
                jwt.sign(new RSASSASigner(key));
                return jwt.serialize();
            } catch (JOSEException e) {
                throw new IllegalStateException(e);
            }
        }

        /** A valid token for {@code userId} whose header's {@code typ} is {@code type}. */
        String token(String userId, String type) {
            return signed(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID())
                    .type(new JOSEObjectType(type)).build().toString(), claims(userId));
        }

        /** {@code claims} under the header {@code headerJson} exactly as written, signed RS256 with this key. */
        String signed(String headerJson, JWTClaimsSet claims) {
            String input = b64(headerJson.getBytes(StandardCharsets.UTF_8)) + "."
                    + b64(claims.toString().getBytes(StandardCharsets.UTF_8));
            try {
                return input + "." + new RSASSASigner(key).sign(new JWSHeader(JWSAlgorithm.RS256),
                        input.getBytes(StandardCharsets.US_ASCII));
            } catch (JOSEException e) {
                throw new IllegalStateException(e);
            }
        }

        /**
         * {@code payloadJson} under {@code headerJson}, both exactly as written, signed with {@code algorithm} by
         * {@code signer}'s key.
         */
        static String signedRaw(String headerJson, String payloadJson, JWSSigner signer, JWSAlgorithm algorithm) {
            String input = b64(headerJson.getBytes(StandardCharsets.UTF_8)) + "."
                    + b64(payloadJson.getBytes(StandardCharsets.UTF_8));
            try {
                return input + "." + signer.sign(new JWSHeader(algorithm), input.getBytes(StandardCharsets.US_ASCII));
            } catch (JOSEException e) {
                throw new IllegalStateException(e);
            }
        }

        JWTClaimsSet claims(String userId) {
            return new JWTClaimsSet.Builder().issuer(issuer).audience(AUDIENCE).claim(USER_CLAIM, userId)
                    .expirationTime(Date.from(clock.instant().plus(Duration.ofMinutes(10)))).build();
        }

        private static String b64(byte[] bytes) {
            return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        }

        @Override
        public void close() {
            closed.countDown();
            server.stop(0);
        }
    }

    /** An organization of {@code node} with the member {@code u-1}, whose own permissions a token of it reads. */
    static String memberU1(TestNode node) {
        Fixtures fx = new Fixtures(node);
        Fixtures.Org org = fx.org("rooms");
        fx.member(org, "u-1", fx.role(org, "Starter", List.of("canCreateRooms")));
        return org.path() + "/members/user:u-1/permissions";
    }

    static JsonNode signIn(TestNode node) {
        Http.Res res = node.anonymous().get("/console/sign-in.json");
        assertThat(res.status()).as("%s", res).isEqualTo(200);
        return res.get("oidc");
    }

    /** 503 {@code oidc_unavailable} or 401 {@code invalid_token}, as a problem; never a 500. */
    static void assertRefusedCleanly(String what, Http.Res res) {
        assertThat(res.status()).as(what + ": " + res).isIn(401, 503);
        assertThat(res.header("Content-Type")).as(what).contains("problem+json");
        assertThat(res.get("code").stringValue()).as(what)
                .isEqualTo(res.status() == 503 ? "oidc_unavailable" : "invalid_token");
    }

    @Test
    void aDiscoveryDocumentThatIsNotJson_is503_notAskedForOnEveryRequest_andKeysKeepWorking() {
        try (Issuer issuer = new Issuer();
             TestNode node = TestNode.start(config -> config.withOidc(issuer.settings()))) {
            for (String body : List.of("<html><body>Sign in</body></html>", "{\"issuer\": ")) {
                issuer.discoveryType = body.startsWith("<") ? "text/html" : "application/json";
                issuer.discoveryBody = body;
                int fetchesBefore = issuer.discoveryFetches.get();
                for (int i = 0; i < 3; i++) {
                    Http.Res res = node.as(issuer.token("u-1")).get("/v1/orgs/1/roles");
                    assertThat(res.status()).as(body + ": " + res).isEqualTo(503);
                    assertThat(res.get("code").stringValue()).isEqualTo("oidc_unavailable");
                    assertThat(res.header("Content-Type")).contains("problem+json");
                    assertThat(Integer.parseInt(res.header("Retry-After"))).as("when the issuer is asked again, "
                            + "not sooner: %s", res).isBetween(2, (int) Discovery.RETRY_AFTER.toSeconds());
                }
                assertThat(issuer.discoveryFetches.get() - fetchesBefore).as("a failed discovery is retried at "
                        + "most every " + Discovery.RETRY_AFTER + ", not on every request").isLessThanOrEqualTo(1);
            }
            assertThat(node.service().get("/v1/orgs").status()).as("keys keep working").isEqualTo(200);
        }
    }

    /**
     * An issuer that stalls in the middle of its discovery document holds a token request no longer than the fetch's
     * timeout (503), and holds up neither keys nor the console meanwhile: the fetch once waited for the rest of the
     * body for good, every token request queued behind it, then the console page, and at last every request.
     */
    @Test
    void aDiscoveryDocumentThatStallsInItsBody_is503_andHoldsUpNothingElse() throws Exception {
        ExecutorService callers = Executors.newFixedThreadPool(8);
        try (Issuer issuer = new Issuer();
             TestNode node = TestNode.start(config -> config.withOidc(issuer.settings()))) {
            issuer.stallDiscovery = true;
            List<Future<Http.Res>> tokens = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                tokens.add(callers.submit(() -> node.as(issuer.token("u-1")).get("/v1/orgs/1/roles")));
            }
            while (issuer.discoveryFetches.get() == 0) {
                Thread.sleep(10);
            }
            Future<Http.Res> keys = callers.submit(() -> node.service().get("/v1/orgs"));
            Future<Http.Res> console = callers.submit(() -> node.anonymous().get("/console/"));
            long bound = Discovery.TIMEOUT.toMillis() * 3;
            assertThat(keys.get(bound, TimeUnit.MILLISECONDS).status()).as("a key's request").isEqualTo(200);
            assertThat(console.get(bound, TimeUnit.MILLISECONDS).status()).as("the console").isEqualTo(200);
            for (Future<Http.Res> token : tokens) {
                Http.Res res = token.get(bound, TimeUnit.MILLISECONDS);
                assertThat(res.status()).as("%s", res).isEqualTo(503);
                assertThat(res.get("code").stringValue()).isEqualTo("oidc_unavailable");
                assertThat(res.get("detail").stringValue()).contains("whole discovery document");
            }
        } finally {
            callers.shutdownNow();
        }
    }

    /**
     * The issuer's own rule (https, or http on a loopback address) holds for the endpoints its document names: a key
     * set named over plain HTTP elsewhere could be anyone's, so no token is verified against it (nothing is fetched).
     */
    @Test
    void aDiscoveryDocumentNamingAPlainHttpKeySetElsewhere_is503() {
        try (Issuer issuer = new Issuer();
             TestNode node = TestNode.start(config -> config.withOidc(issuer.settings()))) {
            issuer.discoveryBody = issuer.discoveryBody.replace(issuer.issuer + "/jwks", "http://198.51.100.7/jwks");
            Http.Res res = node.as(issuer.token("u-1")).get("/v1/orgs/1/roles");
            assertThat(res.status()).as("%s", res).isEqualTo(503);
            assertThat(res.get("detail").stringValue()).contains("jwks_uri must use https");
            assertThat(issuer.jwksFetches.get()).isZero();
        }
    }

    /**
     * The key set is read only where the discovery document names it: a redirect is not followed (it could lead
     * anywhere the node can reach), so tokens are 503 and the place it points to is never asked. It once was
     * followed, and tokens verified against whatever key set it led to.
     */
    /** A discovery document's endpoint that is no string is said to be one, not missing, as it once was. */
    @Test
    void aDiscoveryDocumentWhoseKeySetIsNoString_is503_sayingSo() {
        try (Issuer issuer = new Issuer();
             TestNode node = TestNode.start(config -> config.withOidc(issuer.settings()))) {
            issuer.discoveryBody = issuer.discoveryBody.replace("\"" + issuer.issuer + "/jwks\"", "12");
            Http.Res res = node.as(issuer.token("u-1")).get("/v1/orgs/1/roles");
            assertThat(res.status()).as("%s", res).isEqualTo(503);
            assertThat(res.get("code").stringValue()).isEqualTo("oidc_unavailable");
            assertThat(res.get("detail").stringValue()).contains("discovery document's jwks_uri is not a string")
                    .doesNotContain("has no");
        }
    }

    @Test
    void aKeySetThatRedirects_isNotFollowed_andTokensAre503() {
        try (Issuer issuer = new Issuer();
             TestNode node = TestNode.start(config -> config.withOidc(issuer.settings()))) {
            issuer.keySetRedirect = "/moved";
            Http.Res res = node.as(issuer.token("u-1")).get("/v1/orgs/1/roles");
            assertThat(res.status()).as("%s", res).isEqualTo(503);
            assertThat(res.get("code").stringValue()).isEqualTo("oidc_unavailable");
            assertThat(res.get("detail").stringValue()).contains("302", "redirect is not followed");
            assertThat(issuer.jwksFetches.get()).isEqualTo(1);
            assertThat(issuer.redirectedFetches.get()).as("the redirect's target").isZero();
        }
    }

    /**
     * A key set that comes a byte at a time holds a token request no longer than the fetch's timeout: the whole set
     * must arrive within it. Each read's own timeout once let a body that never stopped trickling hold it for good.
     */
    @Test
    void aKeySetThatTrickles_is503_withinTheTimeout() throws Exception {
        try (Issuer issuer = new Issuer();
             TestNode node = TestNode.start(config -> config.withOidc(issuer.settings()))) {
            issuer.trickleKeySet = true;
            ExecutorService caller = Executors.newSingleThreadExecutor();
            try {
                Future<Http.Res> token = caller.submit(() -> node.as(issuer.token("u-1")).get("/v1/orgs/1/roles"));
                Http.Res res = token.get(Discovery.TIMEOUT.toMillis() * 3, TimeUnit.MILLISECONDS);
                assertThat(res.status()).as("%s", res).isEqualTo(503);
                assertThat(res.get("detail").stringValue()).contains("whole key set");
            } finally {
                caller.shutdownNow();
            }
        }
    }

    /**
     * While the key set cannot be fetched, tokens in a row are each 503 — also those that meet the refetch's rate
     * limit, which must not be taken for a set that lacks their key (401).
     */
    @Test
    void aKeySetThatCannotBeFetched_is503_forEveryTokenInARow() {
        try (Issuer issuer = new Issuer();
             TestNode node = TestNode.start(config -> config.withOidc(issuer.settings()))) {
            issuer.jwksStatus = 500;
            issuer.jwksBody = "{}";
            for (int i = 0; i < 4; i++) {
                Http.Res res = node.as(issuer.token("u-1")).get("/v1/orgs/1/roles");
                assertThat(res.status()).as("token %d: %s", i, res).isEqualTo(503);
                assertThat(res.get("code").stringValue()).isEqualTo("oidc_unavailable");
            }
        }
    }

    /**
     * During an outage of the key set, a valid token of a key not yet fetched is 503 whatever tokens came between: it
     * is answered by what the last fetch found, and only a fetch says that. A token of a cached key that verified, or
     * one refused for its {@code typ}, once marked the key set as fetched, and the next token of the new key that met
     * the rate limit was told the set had no key of its key id (401).
     */
    @Test
    void duringAKeySetOutage_aTokenOfAKeyNotYetFetched_is503_whateverTokensCameBetween() throws Exception {
        try (Issuer issuer = new Issuer();
             TestNode node = TestNode.start(config -> config.withOidc(issuer.settings()))) {
            String path = memberU1(node);
            assertThat(node.as(issuer.token("u-1")).get(path).status()).isEqualTo(200);
            RSAKey next = new RSAKeyGenerator(2048).keyID("next-key").generate();
            String ofTheNextKey = Issuer.signedRaw("{\"alg\":\"RS256\",\"kid\":\"next-key\"}",
                    issuer.claims("u-1").toString(), new RSASSASigner(next), JWSAlgorithm.RS256);
            String refusedForItsType = issuer.token("u-1", "text/plain");
            issuer.jwksStatus = 500;
            issuer.jwksBody = "{}";
            // a rate limit's second of its own: two fetches fail, the tokens after them meet the limit
            Thread.sleep(TokenVerifier.MIN_REFETCH_MILLIS + 100);
            for (int i = 0; i < 4; i++) {
                Http.Res res = node.as(ofTheNextKey).get(path);
                assertThat(res.status()).as("the next key's token, %d: %s", i, res).isEqualTo(503);
                assertThat(res.get("code").stringValue()).isEqualTo("oidc_unavailable");
                assertThat(node.as(issuer.token("u-1")).get(path).status()).as("a cached key's token").isEqualTo(200);
                assertThat(node.as(refusedForItsType).get(path).status()).as("a token refused for its typ")
                        .isEqualTo(401);
            }
            issuer.jwksBody = new JWKSet(List.of(issuer.key.toPublicJWK(), next.toPublicJWK())).toString();
            issuer.jwksStatus = 200;
            long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            Http.Res res;
            do {
                res = node.as(ofTheNextKey).get(path);
            } while (res.status() == 503 && System.nanoTime() < deadline);
            assertThat(res.status()).as("once the set is fetched again: %s", res).isEqualTo(200);
        }
    }

    /**
     * Tokens of key ids not fetched yet that come at once, while the key set hangs right after a fetch that
     * succeeded, are each 503: those that waited behind the one fetch the rate limit let through, for as long as a
     * request may wait, are answered by it, which the issuer has not answered. One whose wait ended a moment before
     * that fetch's failure was known was answered by the fetch before, which succeeded: 401, its key id unknown.
     */
    @Test
    void tokensOfKeysNotYetFetched_waitingForAFetchThatHangs_areEach503() throws Exception {
        int requests = 40;
        ExecutorService callers = Executors.newFixedThreadPool(requests);
        try (Issuer issuer = new Issuer();
             TestNode node = TestNode.start(config -> config.withOidc(issuer.settings()))) {
            String path = memberU1(node);
            String claims = issuer.claims("u-1").toString();
            RSASSASigner signer = new RSASSASigner(issuer.key);
            List<String> newKeyIds = new ArrayList<>();
            for (int i = 0; i < requests; i++) {
                newKeyIds.add(Issuer.signedRaw("{\"alg\":\"RS256\",\"kid\":\"new-" + i + "\"}", claims, signer,
                        JWSAlgorithm.RS256));
            }
            assertThat(node.as(issuer.token("u-1")).get(path).status()).isEqualTo(200);
            issuer.jwksDelayMillis = IssuerFetch.TIMEOUT.toMillis() + 500;
            CountDownLatch ready = new CountDownLatch(requests);
            List<Future<Http.Res>> answers = new ArrayList<>();
            for (String token : newKeyIds) {
                answers.add(callers.submit(() -> {
                    ready.countDown();
                    ready.await();
                    return node.as(token).get(path);
                }));
            }
            for (Future<Http.Res> answer : answers) {
                Http.Res res = answer.get(30, TimeUnit.SECONDS);
                assertThat(res.status()).as("a token of a key id not fetched yet: %s", res).isEqualTo(503);
                assertThat(res.get("code").stringValue()).isEqualTo("oidc_unavailable");
            }
        } finally {
            callers.shutdownNow();
        }
    }

    @Test
    void aKeySetThatIsBroken_refusesTokensCleanly_andTheyVerifyOnceItIsRepaired() {
        try (Issuer issuer = new Issuer();
             TestNode node = TestNode.start(config -> config.withOidc(issuer.settings()))) {
            String good = issuer.jwksBody;
            record Broken(int status, String body) {
            }
            for (Broken broken : List.of(new Broken(200, "<html>down for maintenance</html>"),
                    new Broken(200, "{\"keys\": "), new Broken(200, "{\"keys\": \"none\"}"),
                    new Broken(200, "{\"keys\": [{\"kty\": \"RSA\", \"kid\": \"" + issuer.key.getKeyID() + "\"}]}"),
                    new Broken(200, "[]"), new Broken(500, "{}"))) {
                issuer.jwksStatus = broken.status();
                issuer.jwksBody = broken.body();
                int fetchesBefore = issuer.jwksFetches.get();
                long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
                do {
                    assertRefusedCleanly(broken.toString(), node.as(issuer.token("u-1")).get("/v1/orgs/1/roles"));
                } while (issuer.jwksFetches.get() == fetchesBefore && System.nanoTime() < deadline);
                assertThat(issuer.jwksFetches.get()).as("the key set was asked for with " + broken)
                        .isGreaterThan(fetchesBefore);
            }
            issuer.jwksStatus = 200;
            issuer.jwksBody = good;
            long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            Http.Res res;
            do {
                res = node.as(issuer.token("u-nobody")).get("/v1/orgs/1/roles");
                assertRefusedCleanly("repaired", res);
                // until the repaired set is fetched (a refetch at most once a second)
            } while (!res.get("detail").stringValue().contains("no member") && System.nanoTime() < deadline);
            assertThat(res.get("detail").stringValue()).as("verified, then refused for naming no member")
                    .contains("no member");
        }
    }

    /**
     * The page the issuer sends a user back to must admit the token endpoint, on every node and also as the first
     * answer after a start: the policy once named the issuer's own origin until the node had read the discovery
     * document, and a token endpoint on another origin (as Google's is) was blocked. While the document cannot be
     * read the policy admits no other origin, and the console offers keys alone (sign-in.json is a 503).
     */
    @Test
    void theFirstConsolePageAfterAStart_admitsATokenEndpointOnAnotherOrigin() throws Exception {
        try (Issuer issuer = new Issuer();
             TestNode node = TestNode.start(config -> config.withOidc(issuer.settings()))) {
            String elsewhere = issuer.issuer.replace("127.0.0.1", "localhost");
            issuer.discoveryBody = issuer.discoveryBody.replace(issuer.issuer + "/token", elsewhere + "/token");
            String origin = elsewhere.replace("/issuer", "");
            for (int start = 0; start < 2; start++) {
                Http.Res page = node.anonymous().get("/console/?code=abc&state=xyz");
                assertThat(page.status()).isEqualTo(200);
                assertThat(page.header("Content-Security-Policy")).as("start %d", start)
                        .contains("connect-src 'self' " + origin + ";");
                assertThat(signIn(node).get("token_endpoint").stringValue()).isEqualTo(elsewhere + "/token");
                node.restart();
            }
            issuer.discoveryType = "text/html";
            issuer.discoveryBody = "<html>down for maintenance</html>";
            Http.Res page = node.anonymous().get("/console/");
            assertThat(page.status()).as("keys still sign in").isEqualTo(200);
            assertThat(page.header("Content-Security-Policy")).contains("connect-src 'self';")
                    .doesNotContain("127.0.0.1").doesNotContain("localhost");
            assertThat(node.anonymous().get("/console/sign-in.json").status()).isEqualTo(503);
        }
    }

    /**
     * A path that accepts no token (the organization list, models, Close's API) refuses one with a 401 as documented,
     * without asking the issuer: with the issuer down it once answered 503, after a fetch of its discovery document.
     */
    @Test
    void aTokenWhereNoneIsAccepted_is401_withoutAskingTheIssuer() {
        try (Issuer issuer = new Issuer();
             TestNode node = TestNode.start(config -> config.withOidc(issuer.settings()))) {
            issuer.discoveryType = "text/html";
            issuer.discoveryBody = "<html>down for maintenance</html>";
            for (String path : List.of("/v1/orgs", "/v1/models", "/api/v1/me/")) {
                Http.Res res = node.as(issuer.token("u-1")).get(path);
                assertThat(res.status()).as(path + ": " + res).isEqualTo(401);
            }
            assertThat(issuer.discoveryFetches.get()).as("the issuer was not asked").isZero();
        }
    }

    /** A correctly signed token whose header JSON starts with a space ({@code eyAi…}) is a token, once a key. */
    @Test
    void aTokenWhoseHeaderStartsWithWhitespace_isVerified() {
        try (Issuer issuer = new Issuer();
             TestNode node = TestNode.start(config -> config.withOidc(issuer.settings()))) {
            String path = memberU1(node);
            String token = issuer.signed("{ \"alg\": \"RS256\", \"kid\": \"" + issuer.key.getKeyID() + "\"}",
                    issuer.claims("u-1"));
            assertThat(token).startsWith("eyAi");
            Http.Res res = node.as(token).get(path);
            assertThat(res.status()).as("%s", res).isEqualTo(200);
        }
    }

    /**
     * {@code typ} names a media type, {@code application/} left out or not (RFC 7515 §4.1.9), in any case: the full
     * {@code application/at+jwt} was once refused while {@code at+jwt} passed. Other types stay refused.
     */
    @Test
    void aTokensType_isReadAsAMediaType() {
        try (Issuer issuer = new Issuer();
             TestNode node = TestNode.start(config -> config.withOidc(issuer.settings()))) {
            String path = memberU1(node);
            for (String type : List.of("application/at+jwt", "Application/AT+JWT", "application/jwt", "at+jwt", "JWT")) {
                Http.Res res = node.as(issuer.token("u-1", type)).get(path);
                assertThat(res.status()).as("%s: %s", type, res).isEqualTo(200);
            }
            for (String type : List.of("application/jose", "application/json", "x+jwt", "application/x+jwt")) {
                Http.Res res = node.as(issuer.token("u-1", type)).get(path);
                assertThat(res.status()).as("%s: %s", type, res).isEqualTo(401);
                assertThat(res.get("code").stringValue()).isEqualTo("invalid_token");
            }
        }
    }

    /**
     * A published key whose {@code key_ops} lack {@code verify} checks no signature, as one with {@code use: enc}; the
     * refusal says which is the cause: a key for {@code sign} alone was once said to be for encryption.
     */
    @Test
    void aKeyWhoseKeyOpsLackVerify_checksNoSignature() {
        try (Issuer issuer = new Issuer();
             TestNode node = TestNode.start(config -> config.withOidc(issuer.settings()))) {
            String path = memberU1(node);
            issuer.jwksBody = new JWKSet(new RSAKey.Builder(issuer.key.toPublicJWK())
                    .keyOperations(Set.of(KeyOperation.SIGN)).build()).toString();
            Http.Res signOnly = node.as(issuer.token("u-1")).get(path);
            assertThat(signOnly.status()).as("%s", signOnly).isEqualTo(401);
            assertThat(signOnly.get("detail").stringValue())
                    .contains("key \"" + issuer.key.getKeyID() + "\" may not verify signatures: its key_ops lack "
                            + "\"verify\"")
                    .doesNotContain("encryption");

            issuer.jwksBody = new JWKSet(new RSAKey.Builder(issuer.key.toPublicJWK())
                    .keyOperations(Set.of(KeyOperation.ENCRYPT)).build()).toString();
            Http.Res res = node.as(issuer.token("u-1")).get(path);
            assertThat(res.status()).as("%s", res).isEqualTo(401);
            assertThat(res.get("code").stringValue()).isEqualTo("invalid_token");

            issuer.jwksBody = new JWKSet(new RSAKey.Builder(issuer.key.toPublicJWK())
                    .keyOperations(Set.of(KeyOperation.VERIFY)).build()).toString();
            Await.until(Duration.ofSeconds(5), "a key for verify is used (a refetch at most twice a second)",
                    () -> node.as(issuer.token("u-1")).get(path).status() == 200);
        }
    }

    /**
     * A refused token is told why in the server's words: the JWT library's ("Unsecured (plain) JWTs are rejected,
     * extend class to handle", "Another algorithm expected, or no matching key(s) found" for four different causes,
     * "Unexpected type of JSON object member exp", "Invalid unsecured/JWS/JWE header: Invalid JSON object",
     * "Unexpected number of Base64URL parts, must be five", "Expired JWT", "JWT aud claim rejected") once reached the
     * caller as they were. What is required is named; what the token holds is not repeated.
     */
    @Test
    void aRefusedToken_saysWhy_inTheServersOwnWords() throws Exception {
        try (Issuer issuer = new Issuer();
             TestNode node = TestNode.start(config -> config.withOidc(issuer.settings()))) {
            String path = memberU1(node);
            RSAKey encryptionKey = new RSAKeyGenerator(2048).keyID("enc-key").keyUse(KeyUse.ENCRYPTION).generate();
            OctetSequenceKey secret = new OctetSequenceKeyGenerator(256).keyID("oct-key").generate();
            // a modulus of 64 bits, of which the JDK makes no key
            RSAKey smallKey = new RSAKey.Builder(Base64URL.encode(new BigInteger("d3a1f6c9b2e4a7c5", 16)),
                    Base64URL.encode(BigInteger.valueOf(65_537))).keyID("small-key").build();
            issuer.jwksBody = new JWKSet(List.of(issuer.key.toPublicJWK(), encryptionKey.toPublicJWK(), secret,
                    smallKey.toPublicJWK())).toString(false);
            String claims = issuer.claims("u-1").toString();
            String kid = issuer.key.getKeyID();
            JWSSigner signingKey = new RSASSASigner(issuer.key);
            Map<String, String> refusals = new LinkedHashMap<>();
            refusals.put("unsigned", Issuer.b64("{\"alg\":\"none\"}".getBytes(StandardCharsets.UTF_8)) + "."
                    + Issuer.b64(claims.getBytes(StandardCharsets.UTF_8)) + ".");
            refusals.put("algorithm \"HS256\" is not one the identity provider's keys allow",
                    Issuer.signedRaw("{\"alg\":\"HS256\",\"kid\":\"" + kid + "\"}", claims,
                            new MACSigner(issuer.key.toRSAPublicKey().getEncoded()), JWSAlgorithm.HS256));
            refusals.put("algorithm \"HS256\" is not one",
                    Issuer.signedRaw("{\"alg\":\"HS256\",\"kid\":\"oct-key\"}", claims, new MACSigner(secret),
                            JWSAlgorithm.HS256));
            refusals.put("no key of the identity provider has its key id \"no-such-key\"",
                    Issuer.signedRaw("{\"alg\":\"RS256\",\"kid\":\"no-such-key\"}", claims, signingKey,
                            JWSAlgorithm.RS256));
            refusals.put("key \"enc-key\" is for encryption, not for signatures",
                    Issuer.signedRaw("{\"alg\":\"RS256\",\"kid\":\"enc-key\"}", claims,
                            new RSASSASigner(encryptionKey), JWSAlgorithm.RS256));
            refusals.put("algorithm \"RS256\" is not one the identity provider's key \"oct-key\" allows",
                    Issuer.signedRaw("{\"alg\":\"RS256\",\"kid\":\"oct-key\"}", claims, signingKey,
                            JWSAlgorithm.RS256));
            refusals.put("claim \"exp\" is not a number", Issuer.signedRaw("{\"alg\":\"RS256\",\"kid\":\"" + kid
                    + "\"}", claims.replaceFirst("\"exp\":\\d+", "\"exp\":\"tomorrow\""), signingKey,
                    JWSAlgorithm.RS256));
            refusals.put("claim \"aud\" is not a string or a list of strings", Issuer.signedRaw("{\"alg\":\"RS256\","
                    + "\"kid\":\"" + kid + "\"}", claims.replace("\"aud\":\"" + AUDIENCE + "\"", "\"aud\":{}"),
                    signingKey, JWSAlgorithm.RS256));
            refusals.put("the identity provider's key \"small-key\" is unusable: an RSA key of 64 bits, too small",
                    Issuer.b64("{\"alg\":\"RS256\",\"kid\":\"small-key\"}".getBytes(StandardCharsets.UTF_8)) + "."
                            + Issuer.b64(claims.getBytes(StandardCharsets.UTF_8)) + "." + Issuer.b64(new byte[8]));
            refusals.put("its signature is missing", Issuer.b64(("{\"alg\":\"RS256\",\"kid\":\"" + kid + "\"}")
                    .getBytes(StandardCharsets.UTF_8)) + "." + Issuer.b64(claims.getBytes(StandardCharsets.UTF_8))
                    + ".");
            refusals.put("its signature does not verify", Issuer.signedRaw("{\"alg\":\"RS256\",\"kid\":\"" + kid
                    + "\"}", claims, new RSASSASigner(encryptionKey), JWSAlgorithm.RS256));
            // headers the library cannot read
            refusals.put("its header is not a JSON object", Issuer.signedRaw("{alg: RS256}", claims, signingKey,
                    JWSAlgorithm.RS256));
            refusals.put("its header's algorithm (alg) is not a string", Issuer.signedRaw("{\"alg\":123}", claims,
                    signingKey, JWSAlgorithm.RS256));
            refusals.put("its header names no algorithm (alg)", Issuer.signedRaw("{\"kid\":\"" + kid + "\"}", claims,
                    signingKey, JWSAlgorithm.RS256));
            refusals.put("it is encrypted (JWE", Issuer.signedRaw("{\"alg\":\"RSA-OAEP\",\"enc\":\"A128GCM\"}",
                    claims, signingKey, JWSAlgorithm.RS256));
            refusals.put("its header parameter \"kid\" is not a string", Issuer.signedRaw("{\"alg\":\"RS256\","
                    + "\"kid\":5}", claims, signingKey, JWSAlgorithm.RS256));
            // claims of the issuer's own signature that the server refuses
            String header = "{\"alg\":\"RS256\",\"kid\":\"" + kid + "\"}";
            Date past = Date.from(Instant.now().minus(Duration.ofHours(1)));
            Date future = Date.from(Instant.now().plus(Duration.ofHours(1)));
            refusals.put("it has expired (exp)", Issuer.signedRaw(header, new JWTClaimsSet.Builder(
                    issuer.claims("u-1")).expirationTime(past).build().toString(), signingKey, JWSAlgorithm.RS256));
            refusals.put("it is not valid yet (nbf)", Issuer.signedRaw(header, new JWTClaimsSet.Builder(
                    issuer.claims("u-1")).notBeforeTime(future).build().toString(), signingKey, JWSAlgorithm.RS256));
            refusals.put("its audience (aud) is not this server's; it must hold \"" + AUDIENCE + "\"",
                    Issuer.signedRaw(header, new JWTClaimsSet.Builder(issuer.claims("u-1")).audience("another-api")
                            .build().toString(), signingKey, JWSAlgorithm.RS256));
            refusals.put("it names no audience (aud)", Issuer.signedRaw(header, new JWTClaimsSet.Builder(
                    issuer.claims("u-1")).audience((String) null).build().toString(), signingKey, JWSAlgorithm.RS256));
            refusals.put("its issuer (iss) is not the identity provider's; it must be \"" + issuer.issuer + "\"",
                    Issuer.signedRaw(header, new JWTClaimsSet.Builder(issuer.claims("u-1"))
                            .issuer("http://127.0.0.1:1/elsewhere").build().toString(), signingKey,
                            JWSAlgorithm.RS256));
            refusals.put("it lacks the claim \"exp\"", Issuer.signedRaw(header, new JWTClaimsSet.Builder(
                    issuer.claims("u-1")).expirationTime(null).build().toString(), signingKey, JWSAlgorithm.RS256));
            refusals.put("it lacks the claim \"" + USER_CLAIM + "\"", Issuer.signedRaw(header, new JWTClaimsSet.Builder(
                    issuer.claims("u-1")).claim(USER_CLAIM, null).build().toString(), signingKey, JWSAlgorithm.RS256));
            refusals.forEach((why, token) -> {
                Http.Res res = node.as(token).get(path);
                assertThat(res.status()).as("%s: %s", why, res).isEqualTo(401);
                assertThat(res.get("code").stringValue()).isEqualTo("invalid_token");
                assertThat(res.get("detail").stringValue()).as(why).contains(why)
                        .doesNotContain("rejected", "JSON object member", "extend class", "Invalid signature",
                                "Invalid", "Unexpected", "Base64URL", "Expired JWT", "JWT before", "missing required",
                                "elsewhere", "another-api", token.substring(0, token.indexOf('.')));
            });
            // what a refusal repeats of the token is cut: a key id or a typ of 5,000 characters was repeated whole
            String long5000 = "k".repeat(5_000);
            for (String longHeader : List.of("{\"alg\":\"RS256\",\"kid\":\"" + long5000 + "\"}",
                    "{\"alg\":\"RS256\",\"kid\":\"" + kid + "\",\"typ\":\"" + long5000 + "\"}")) {
                Http.Res res = node.as(Issuer.signedRaw(longHeader, claims, signingKey, JWSAlgorithm.RS256)).get(path);
                assertThat(res.status()).as("%s", res).isEqualTo(401);
                assertThat(res.get("code").stringValue()).isEqualTo("invalid_token");
                assertThat(res.get("detail").stringValue()).as("%s", res).hasSizeLessThan(300)
                        .contains("\"" + "k".repeat(61) + "...\"");
            }
            // a null among the audiences once met the audience check as a NullPointerException: a 500
            for (String audience : List.of("[null,\"" + AUDIENCE + "\"]", "[null]")) {
                Http.Res res = node.as(Issuer.signedRaw("{\"alg\":\"RS256\",\"kid\":\"" + kid + "\"}",
                        claims.replace("\"aud\":\"" + AUDIENCE + "\"", "\"aud\":" + audience), signingKey,
                        JWSAlgorithm.RS256)).get(path);
                assertThat(res.status()).as("%s: %s", audience, res).isEqualTo(401);
                assertThat(res.get("code").stringValue()).isEqualTo("invalid_token");
                assertThat(res.get("detail").stringValue()).contains("claim \"aud\" is not a string or a list of "
                        + "strings");
            }
            assertThat(node.as(issuer.token("u-1")).get(path).status()).as("the issuer's own token").isEqualTo(200);
        }
    }

    /**
     * A correctly signed token whose header names a critical parameter the server does not understand is refused as
     * such, and fetches no keys: it was refused as "Invalid signature", and fetched the key set again as a token
     * signed by a replaced key does.
     */
    @Test
    void aTokenNamingACriticalHeaderParameter_isRefusedAsSuch_withoutFetchingTheKeySet() {
        try (Issuer issuer = new Issuer();
             TestNode node = TestNode.start(config -> config.withOidc(issuer.settings()))) {
            String path = memberU1(node);
            assertThat(node.as(issuer.token("u-1")).get(path).status()).isEqualTo(200);
            int fetchesBefore = issuer.jwksFetches.get();
            String critical = issuer.signed("{\"alg\":\"RS256\",\"kid\":\"" + issuer.key.getKeyID() + "\","
                    + "\"crit\":[\"urn:example:tenant\"],\"urn:example:tenant\":\"t-1\"}", issuer.claims("u-1"));
            for (int i = 0; i < 3; i++) {
                Http.Res res = node.as(critical).get(path);
                assertThat(res.status()).as("%s", res).isEqualTo(401);
                assertThat(res.get("code").stringValue()).isEqualTo("invalid_token");
                assertThat(res.get("detail").stringValue()).contains("critical header parameters",
                        "urn:example:tenant");
            }
            assertThat(issuer.jwksFetches.get()).as("the key set was not fetched again").isEqualTo(fetchesBefore);
        }
    }

    /**
     * An endpoint of the discovery document carries no user info, as the issuer option does not: the token
     * endpoint's origin goes into the console's policy, and {@code http://a;b@host} once put a {@code ;} there.
     */
    @Test
    void aDiscoveryDocumentNamingAnEndpointWithUserInfo_is503_andNothingOfItReachesThePolicy() {
        try (Issuer issuer = new Issuer();
             TestNode node = TestNode.start(config -> config.withOidc(issuer.settings()))) {
            issuer.discoveryBody = issuer.discoveryBody.replace(issuer.issuer + "/token",
                    issuer.issuer.replace("http://", "http://a;b@") + "/token");
            Http.Res signIn = node.anonymous().get("/console/sign-in.json");
            assertThat(signIn.status()).as("%s", signIn).isEqualTo(503);
            assertThat(signIn.get("detail").stringValue()).contains("token_endpoint must not carry user info");
            assertThat(node.anonymous().get("/console/").header("Content-Security-Policy"))
                    .contains("connect-src 'self';").doesNotContain("a;b");
        }
    }

    /**
     * The discovery document is read again every 15 minutes, so that a corrected one is taken without a restart —
     * its token endpoint by the console, its key set by the verifier; before, it was read once for good.
     */
    @Test
    void theDiscoveryDocument_isReadAgain_andWhatItNamesNowIsUsed() {
        TestClock clock = new TestClock();
        try (Issuer issuer = new Issuer();
             TestNode node = TestNode.startOn(TestDatabase.freshDatabaseUrl(),
                     config -> config.withOidc(issuer.settings()), clock)) {
            issuer.clock = clock;
            String path = memberU1(node);
            assertThat(node.as(issuer.token("u-1")).get(path).status()).isEqualTo(200);
            assertThat(signIn(node).get("token_endpoint").stringValue()).isEqualTo(issuer.issuer + "/token");
            String elsewhere = issuer.issuer.replace("127.0.0.1", "localhost");
            issuer.discoveryBody = issuer.discoveryBody.replace(issuer.issuer + "/token", elsewhere + "/token")
                    .replace(issuer.issuer + "/jwks", issuer.issuer + "/moved");
            assertThat(signIn(node).get("token_endpoint").stringValue()).as("the document held, within 15 minutes")
                    .isEqualTo(issuer.issuer + "/token");

            clock.advance(Duration.ofMinutes(16));
            assertThat(signIn(node).get("token_endpoint").stringValue()).isEqualTo(elsewhere + "/token");
            assertThat(node.anonymous().get("/console/").header("Content-Security-Policy"))
                    .contains("connect-src 'self' " + elsewhere.replace("/issuer", "") + ";");
            assertThat(node.as(issuer.token("u-1")).get(path).status()).isEqualTo(200);
            assertThat(issuer.redirectedFetches.get()).as("the key set read where the document names it now")
                    .isEqualTo(1);
        }
    }

    /**
     * A key set that cannot be fetched makes the discovery document read again a second after its last read, not
     * only after 15 minutes, so a {@code jwks_uri} the issuer corrects is taken within seconds — and the document is
     * not read more often than that, however many tokens are refused. A wrong one (answering a redirect) once kept
     * every token 503 for up to 15 minutes after the issuer's fix, while each 503 said {@code Retry-After: 1}.
     */
    @Test
    void aCorrectedKeySetAddress_isTakenWithinSeconds_notAfterFifteenMinutes() {
        TestClock clock = new TestClock().freeze();
        try (Issuer issuer = new Issuer();
             TestNode node = TestNode.startOn(TestDatabase.freshDatabaseUrl(),
                     config -> config.withOidc(issuer.settings()), clock)) {
            issuer.clock = clock;
            String path = memberU1(node);
            issuer.keySetRedirect = "/moved";
            Http.Res refused = node.as(issuer.token("u-1")).get(path);
            assertThat(refused.status()).as("%s", refused).isEqualTo(503);
            assertThat(issuer.discoveryFetches.get()).isEqualTo(1);

            issuer.discoveryBody = issuer.discoveryBody.replace(issuer.issuer + "/jwks", issuer.issuer + "/moved");
            for (int i = 0; i < 3; i++) {
                Http.Res res = node.as(issuer.token("u-1")).get(path);
                assertThat(res.status()).as("within a second of the last read: %s", res).isEqualTo(503);
            }
            assertThat(issuer.discoveryFetches.get()).as("not read again within the second").isEqualTo(1);

            clock.advance(Duration.ofMillis(TokenVerifier.MIN_REFETCH_MILLIS));
            Http.Res res = node.as(issuer.token("u-1")).get(path);
            assertThat(res.status()).as("the corrected document read, its key set used: %s", res).isEqualTo(200);
            assertThat(issuer.discoveryFetches.get()).isEqualTo(2);
            assertThat(issuer.redirectedFetches.get()).as("the key set read where the document names it now")
                    .isEqualTo(1);
        }
    }

    /**
     * A request that waited for a key-set fetch which stalled is answered by that fetch's failure, within the
     * promised 5 s: it once fetched again itself once the fetch it waited for had failed, and was held twice as long.
     */
    @Test
    void aRequestWaitingForAKeySetFetchThatStalls_isAnsweredByIt_withinTheTimeout() throws Exception {
        ExecutorService callers = Executors.newFixedThreadPool(2);
        try (Issuer issuer = new Issuer();
             TestNode node = TestNode.start(config -> config.withOidc(issuer.settings()))) {
            signIn(node);
            issuer.trickleKeySet = true;
            Future<Http.Res> first = callers.submit(() -> node.as(issuer.token("u-1")).get("/v1/orgs/1/roles"));
            while (issuer.jwksFetches.get() == 0) {
                Thread.sleep(10);
            }
            long started = System.nanoTime();
            Future<Http.Res> waiting = callers.submit(() -> node.as(issuer.token("u-1")).get("/v1/orgs/1/roles"));
            Http.Res res = waiting.get(Discovery.TIMEOUT.toMillis() * 3, TimeUnit.MILLISECONDS);
            long tookMillis = (System.nanoTime() - started) / 1_000_000;
            assertThat(res.status()).as("%s", res).isEqualTo(503);
            assertThat(res.get("code").stringValue()).isEqualTo("oidc_unavailable");
            assertThat(tookMillis).as("held at most the fetch's timeout").isLessThan(Discovery.TIMEOUT.toMillis() + 1_000);
            assertThat(first.get(Discovery.TIMEOUT.toMillis() * 3, TimeUnit.MILLISECONDS).status()).isEqualTo(503);
            assertThat(issuer.jwksFetches.get()).as("the waiting request fetched nothing itself").isEqualTo(1);
        } finally {
            callers.shutdownNow();
        }
    }

    /**
     * A token request that meets a re-read of the discovery document due and a key id not cached waits for a stalled
     * issuer (the connection taken, nothing sent) at most the promised 5 s in all: the re-read and the key set's
     * fetch share that time. The re-read took 5 s of its own, then the key set 5 s more.
     */
    @Test
    void aStalledIssuer_holdsATokenRequestDueForARereadAndAKeyFetch_atMostTheTimeoutInAll() throws Exception {
        TestClock clock = new TestClock();
        try (Issuer issuer = new Issuer();
             TestNode node = TestNode.startOn(TestDatabase.freshDatabaseUrl(),
                     config -> config.withOidc(issuer.settings()), clock)) {
            issuer.clock = clock;
            String path = memberU1(node);
            assertThat(node.as(issuer.token("u-1")).get(path).status()).isEqualTo(200);
            issuer.stallDiscovery = true;
            clock.advance(Discovery.REREAD_AFTER.plusMinutes(1));
            String uncachedKeyId = Issuer.signedRaw("{\"alg\":\"RS256\",\"kid\":\"not-cached\"}",
                    issuer.claims("u-1").toString(), new RSASSASigner(issuer.key), JWSAlgorithm.RS256);

            long started = System.nanoTime();
            Http.Res res = node.as(uncachedKeyId).get(path);
            long tookMillis = (System.nanoTime() - started) / 1_000_000;
            assertRefusedCleanly("an uncached key id while the issuer stalls", res);
            assertThat(issuer.discoveryFetches.get()).as("the document was due, and read again").isEqualTo(2);
            assertThat(tookMillis).as("held at most the fetches' one timeout")
                    .isLessThan(IssuerFetch.TIMEOUT.toMillis() + 1_000);
        }
    }

    /**
     * An issuer that hangs — it takes the connection and answers nothing — holds few of a node's request threads,
     * whatever tokens come: JWT-shaped credentials naming key ids the cached set lacks (no valid signature needed)
     * wait for its key set at most {@link IssuerWaits#MAX_WAITING} at once, the others are answered 503 at once, and
     * once a fetch has failed none waits for the next; a key's request meanwhile is answered promptly, and a token
     * whose key is cached verifies. Every such token once waited the whole 5 s, however many came: 300 of them held
     * every request thread of a node, and a service key's request waited with them.
     */
    @Test
    void anIssuerThatHangs_holdsAtMostAFewTokenRequests_andAnswersTheOthers503AtOnce() throws Exception {
        int requests = IssuerWaits.MAX_WAITING * 3;
        long atOnceMillis = IssuerFetch.TIMEOUT.toMillis() / 2;
        ExecutorService callers = Executors.newFixedThreadPool(requests + 1);
        try (Issuer issuer = new Issuer();
             TestNode node = TestNode.start(config -> config.withOidc(issuer.settings()))) {
            String path = memberU1(node);
            assertThat(node.as(issuer.token("u-1")).get(path).status()).isEqualTo(200);
            String claims = issuer.claims("u-1").toString();
            RSASSASigner signer = new RSASSASigner(issuer.key);
            List<String> unknownKeyIds = new ArrayList<>();
            for (int i = 0; i < 2 * requests + 1; i++) {
                unknownKeyIds.add(Issuer.signedRaw("{\"alg\":\"RS256\",\"kid\":\"made-up-" + i + "\"}", claims,
                        signer, JWSAlgorithm.RS256));
            }
            // the rate limit's second opens, and the issuer takes each connection without answering (for longer than
            // a fetch waits; its one thread, held meanwhile, takes no other connection)
            Thread.sleep(TokenVerifier.MIN_REFETCH_MILLIS + 100);
            issuer.jwksDelayMillis = IssuerFetch.TIMEOUT.toMillis() + 500;

            List<Future<long[]>> flood = new ArrayList<>();
            for (int i = 0; i < requests; i++) {
                String token = unknownKeyIds.get(i);
                flood.add(callers.submit(() -> timed(node.as(token), path)));
            }
            awaitFetch(issuer, 1);
            long[] service = callers.submit(() -> timed(node.service(), "/v1/orgs")).get(30, TimeUnit.SECONDS);
            assertThat(service[0]).as("a service key's request meanwhile").isEqualTo(200);
            assertThat(service[1]).as("answered promptly, not after the issuer's %s", IssuerFetch.TIMEOUT)
                    .isLessThan(atOnceMillis);
            assertThat(node.as(issuer.token("u-1")).get(path).status()).as("a token whose key is cached")
                    .isEqualTo(200);
            // one of them may wait beyond the bound: the one re-reading the discovery document, which a key set that
            // cannot be fetched makes due a second after its last read
            assertThat(answeredAtOnce(flood, atOnceMillis)).as("of %d tokens with made-up key ids, answered 503 at "
                    + "once rather than after waiting for the issuer", requests)
                    .isGreaterThanOrEqualTo(requests - IssuerWaits.MAX_WAITING - 1);

            // the fetch failed; while the next is under way, no token waits for it
            Thread.sleep(TokenVerifier.MIN_REFETCH_MILLIS + 100);
            int fetchesBefore = issuer.jwksFetches.get();
            String asking = unknownKeyIds.get(requests);
            Future<long[]> askingAgain = callers.submit(() -> timed(node.as(asking), path));
            awaitFetch(issuer, fetchesBefore);
            List<Future<long[]>> meanwhile = new ArrayList<>();
            for (int i = requests + 1; i < 2 * requests + 1; i++) {
                String token = unknownKeyIds.get(i);
                meanwhile.add(callers.submit(() -> timed(node.as(token), path)));
            }
            assertThat(answeredAtOnce(meanwhile, atOnceMillis)).as("of %d tokens while a fetch after a failed one is "
                    + "under way, answered 503 at once", requests).isGreaterThanOrEqualTo(requests - 1);
            assertThat(askingAgain.get(30, TimeUnit.SECONDS)[0]).as("the one asking the issuer again").isEqualTo(503);
        } finally {
            callers.shutdownNow();
        }
    }

    /** Returns once the issuer has been asked for its key set more than {@code before} times in all. */
    private static void awaitFetch(Issuer issuer, int before) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (issuer.jwksFetches.get() <= before) {
            assertThat(System.nanoTime() - deadline).as("the key set asked for").isNegative();
            Thread.sleep(10);
        }
    }

    /**
     * The status and the milliseconds {@code client}'s GET of {@code path} took; a 503 is {@code oidc_unavailable}
     * with {@code Retry-After}.
     */
    private static long[] timed(Http client, String path) {
        long started = System.nanoTime();
        Http.Res res = client.get(path);
        long tookMillis = (System.nanoTime() - started) / 1_000_000;
        if (res.status() == 503) {
            assertThat(res.get("code").stringValue()).as("%s", res).isEqualTo("oidc_unavailable");
            assertThat(res.header("Retry-After")).as("%s", res).isNotNull();
        }
        return new long[] {res.status(), tookMillis};
    }

    /**
     * How many of {@code requests} — tokens with made-up key ids — were answered 503 within {@code millis}. Each is
     * refused cleanly: 503, or 401 for one answered by a fetch that found no key for it.
     */
    private static int answeredAtOnce(List<Future<long[]>> requests, long millis) throws Exception {
        int atOnce = 0;
        for (Future<long[]> each : requests) {
            long[] answer = each.get(30, TimeUnit.SECONDS);
            assertThat(answer[0]).as("a token with a made-up key id while the issuer hangs").isIn(401L, 503L);
            if (answer[0] == 503 && answer[1] < millis) {
                atOnce++;
            }
        }
        return atOnce;
    }

    /**
     * A numeric user claim is judged as the token wrote it, under {@code sub} as under any other claim: an integer of
     * at most 64 bits is the user of its digits, any other number is refused. Under {@code sub} the JWT library had
     * turned the number into text by Java's formatting, so {@code 100.0} and {@code 1e2} acted as the member
     * {@code 100.0}, {@code 12345678901234567890} as {@code 1.2345678901234567E19}, {@code -0} as {@code 0}.
     */
    @Test
    void aNumericUserClaim_isJudgedAsWritten_underSubAsUnderAnyOtherClaim() throws Exception {
        try (Issuer issuer = new Issuer()) {
            for (String claim : List.of("sub", USER_CLAIM)) {
                try (TestNode node = TestNode.start(config -> config.withOidc(new OidcSettings(issuer.issuer,
                        "gatehouse-console", AUDIENCE, claim)))) {
                    Fixtures fx = new Fixtures(node);
                    Fixtures.Org org = fx.org("rooms");
                    long starter = fx.role(org, "Starter", List.of("canCreateRooms"));
                    for (String userId : List.of("100", "-5", "100.0", "1.2345678901234567E19", "100.5", "0")) {
                        fx.member(org, userId, starter);
                    }
                    String header = "{\"alg\":\"RS256\",\"kid\":\"" + issuer.key.getKeyID() + "\"}";
                    String payload = "{\"iss\":\"" + issuer.issuer + "\",\"aud\":\"" + AUDIENCE + "\",\"exp\":"
                            + (System.currentTimeMillis() / 1000 + 600) + ",\"" + claim + "\":";
                    JWSSigner signer = new RSASSASigner(issuer.key);
                    for (String integer : List.of("100", "-5")) {
                        Http.Res res = node.as(Issuer.signedRaw(header, payload + integer + "}", signer,
                                JWSAlgorithm.RS256)).get(org.path() + "/members/user:" + integer + "/permissions");
                        assertThat(res.status()).as("%s %s: %s", claim, integer, res).isEqualTo(200);
                    }
                    for (String number : List.of("100.0", "1e2", "1E2", "12345678901234567890", "100.5", "-0")) {
                        Http.Res res = node.as(Issuer.signedRaw(header, payload + number + "}", signer,
                                JWSAlgorithm.RS256)).get(org.path() + "/roles");
                        assertThat(res.status()).as("%s %s: %s", claim, number, res).isEqualTo(401);
                        assertThat(res.get("code").stringValue()).isEqualTo("invalid_token");
                        assertThat(res.get("detail").stringValue()).as("%s %s", claim, number)
                                .contains("its claim \"" + claim + "\" is a number that is no integer of at most 64 bits");
                    }
                }
            }
        }
    }

    /** Collects the WARN (and worse) lines of the OIDC package into {@code warnings} until {@link #stop}. */
    private static AppenderBase<ILoggingEvent> warningsInto(List<String> warnings) {
        AppenderBase<ILoggingEvent> capture = new AppenderBase<>() {
            @Override
            protected void append(ILoggingEvent event) {
                if (event.getLevel().isGreaterOrEqual(Level.WARN)) {
                    warnings.add(event.getFormattedMessage());
                }
            }
        };
        capture.start();
        oidcLog().addAppender(capture);
        return capture;
    }

    private static void stop(AppenderBase<ILoggingEvent> capture) {
        oidcLog().detachAppender(capture);
        capture.stop();
    }

    private static Logger oidcLog() {
        return (Logger) LoggerFactory.getLogger(Discovery.class.getPackageName());
    }

    /**
     * An issuer's failures are logged — a WARN as one starts, with its cause, and one as it ends, with the count of
     * failed attempts — and not at every retry: a key set that cannot be fetched (a 500) showed only as clients'
     * 503s, and a re-read of the discovery document that kept failing (it named another issuer) was retried every
     * 5 s for good in silence.
     */
    @Test
    void anIssuersFailures_areLoggedOnceAsTheyStart_andOnceAsTheyEnd() throws Exception {
        List<String> warnings = new CopyOnWriteArrayList<>();
        AppenderBase<ILoggingEvent> capture = warningsInto(warnings);
        TestClock clock = new TestClock();
        try (Issuer issuer = new Issuer();
             TestNode node = TestNode.startOn(TestDatabase.freshDatabaseUrl(),
                     config -> config.withOidc(issuer.settings()), clock)) {
            issuer.clock = clock;
            String path = memberU1(node);
            issuer.jwksStatus = 500;
            for (int i = 0; i < 3; i++) {
                Http.Res res = node.as(issuer.token("u-1")).get(path);
                assertThat(res.status()).as("%s", res).isEqualTo(503);
                // past the refetch's rate limit: each of these asks for the key set again
                Thread.sleep(TokenVerifier.MIN_REFETCH_MILLIS + 100);
            }
            assertThat(issuer.jwksFetches.get()).as("the key set was asked for").isGreaterThanOrEqualTo(3);
            issuer.jwksStatus = 200;
            Await.until(Duration.ofSeconds(10), "the key set is fetched again",
                    () -> node.as(issuer.token("u-1")).get(path).status() == 200);

            String good = issuer.discoveryBody;
            issuer.discoveryBody = good.replace("{\"issuer\": \"" + issuer.issuer + "\"",
                    "{\"issuer\": \"https://elsewhere.example\"");
            int fetchesBefore = issuer.discoveryFetches.get();
            clock.advance(Discovery.REREAD_AFTER.plusMinutes(1));
            for (int i = 0; i < 3; i++) {
                assertThat(node.as(issuer.token("u-1")).get(path).status()).as("the document held").isEqualTo(200);
                clock.advance(Discovery.RETRY_AFTER);
            }
            issuer.discoveryBody = good;
            assertThat(node.as(issuer.token("u-1")).get(path).status()).isEqualTo(200);
            assertThat(issuer.discoveryFetches.get() - fetchesBefore).as("three re-reads failed, one succeeded")
                    .isEqualTo(4);
        } finally {
            stop(capture);
        }
        List<String> keySet = warnings.stream().filter(line -> line.contains("key set")).toList();
        assertThat(keySet).as("%s", warnings).hasSize(2);
        assertThat(keySet.get(0)).contains("cannot be fetched", "/issuer/jwks", "answered 500");
        assertThat(keySet.get(1)).contains("fetched again").containsPattern("after [3-9] failed fetches");
        List<String> discovery = warnings.stream().filter(line -> line.contains("discovery document")).toList();
        assertThat(discovery).as("%s", warnings).hasSize(2);
        assertThat(discovery.get(0)).contains("cannot be read", "https://elsewhere.example", "is kept");
        assertThat(discovery.get(1)).contains("read again, after 3 failed reads");
    }

    /**
     * A key of the set that cannot be read — a point not on its curve, an RSA key without {@code n} and {@code e}, an
     * unknown curve, an {@code x5c} that is not base64 — is left out and logged (RFC 7517 §5), and the others verify,
     * a rotated-in one too: the whole set was refused for it, every token was a 503 and a rotation never followed.
     */
    @Test
    void aKeyOfTheSetThatCannotBeRead_isLeftOut_andTheOthersVerify_aRotationToo() throws Exception {
        List<String> warnings = new CopyOnWriteArrayList<>();
        AppenderBase<ILoggingEvent> capture = warningsInto(warnings);
        try (Issuer issuer = new Issuer();
             TestNode node = TestNode.start(config -> config.withOidc(issuer.settings()))) {
            String path = memberU1(node);
            Map<String, Object> ec = new ECKeyGenerator(Curve.P_256).generate().toPublicJWK().toJSONObject();
            Map<String, Object> rsa = issuer.key.toPublicJWK().toJSONObject();
            String unreadable = ",{\"kty\": \"EC\", \"crv\": \"P-256\", \"kid\": \"off-curve\", \"x\": \"" + ec.get("x")
                    + "\", \"y\": \"" + ec.get("x") + "\"}"
                    + ",{\"kty\": \"RSA\", \"kid\": \"no-modulus\"}"
                    + ",{\"kty\": \"EC\", \"crv\": \"P-999\", \"kid\": \"odd-curve\", \"x\": \"" + ec.get("x")
                    + "\", \"y\": \"" + ec.get("y") + "\"}"
                    + ",{\"kty\": \"RSA\", \"kid\": \"bad-x5c\", \"n\": \"" + rsa.get("n") + "\", \"e\": \""
                    + rsa.get("e") + "\", \"x5c\": [\"not base64!\"]}"
                    + ",{\"kty\": \"OKP-NEW\", \"kid\": \"unknown-type\"}";
            issuer.jwksBody = "{\"keys\": [" + issuer.key.toPublicJWK().toJSONString() + unreadable + "]}";
            Http.Res res = node.as(issuer.token("u-1")).get(path);
            assertThat(res.status()).as("%s", res).isEqualTo(200);

            RSAKey rotated = new RSAKeyGenerator(2048).keyID("rotated-" + UUID.randomUUID()).generate();
            issuer.jwksBody = "{\"keys\": [" + rotated.toPublicJWK().toJSONString() + unreadable + "]}";
            SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(rotated.getKeyID()).build(),
                    issuer.claims("u-1"));
            jwt.sign(new RSASSASigner(rotated));
            Await.until(Duration.ofSeconds(5), "a token of the rotated-in key verifies (a refetch at most twice a second)",
                    () -> node.as(jwt.serialize()).get(path).status() == 200);
        } finally {
            stop(capture);
        }
        List<String> leftOut = warnings.stream().filter(line -> line.contains("cannot be read")).toList();
        assertThat(leftOut).as("%s", warnings).isNotEmpty();
        assertThat(leftOut.get(0)).contains("4 keys", "\"off-curve\"", "not on the P-256 curve", "\"no-modulus\"",
                "\"odd-curve\"", "\"bad-x5c\"").doesNotContain("unknown-type");
        assertThat(warnings).as("no fetch failed").noneMatch(line -> line.contains("cannot be fetched"));
    }

    /**
     * A flood of forged tokens — a known key id, another key's signature — while the issuer answers slowly: each
     * refetches the key set, and the requests waiting behind the cache's lock take the fetch that ended while they
     * waited rather than fetching again, so the issuer is asked once and every forged token is a 401, never a 503.
     * Each waiter once fetched again, the queue outlasted a request's 5 s, and the fetch of one with too little
     * time left failed the key set for every waiter (503 while the issuer was up); valid tokens stay 200.
     */
    @Test
    void aFloodOfForgedTokens_waitsForOneRefetch_andIsNever503_whileTheIssuerAnswers() throws Exception {
        ExecutorService callers = Executors.newFixedThreadPool(8);
        try (Issuer issuer = new Issuer();
             TestNode node = TestNode.start(config -> config.withOidc(issuer.settings()))) {
            String path = memberU1(node);
            assertThat(node.as(issuer.token("u-1")).get(path).status()).isEqualTo(200);
            RSAKey other = new RSAKeyGenerator(2048).keyID(issuer.key.getKeyID()).generate();
            SignedJWT forged = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(issuer.key.getKeyID())
                    .build(), issuer.claims("u-1"));
            forged.sign(new RSASSASigner(other));
            // a refetch opens the rate limit's second, and takes 3 s: the flood that follows, in the next second,
            // waits for it behind the cache's lock
            Thread.sleep(TokenVerifier.MIN_REFETCH_MILLIS + 100);
            int fetchesBefore = issuer.jwksFetches.get();
            issuer.jwksDelayMillis = 3_000;
            List<Future<Http.Res>> flood = new ArrayList<>();
            flood.add(callers.submit(() -> node.as(forged.serialize()).get(path)));
            while (issuer.jwksFetches.get() == fetchesBefore) {
                Thread.sleep(10);
            }
            Thread.sleep(TokenVerifier.MIN_REFETCH_MILLIS + 500);
            for (int i = 0; i < 5; i++) {
                flood.add(callers.submit(() -> node.as(forged.serialize()).get(path)));
            }
            List<Future<Http.Res>> valid = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                valid.add(callers.submit(() -> node.as(issuer.token("u-1")).get(path)));
            }
            for (Future<Http.Res> each : flood) {
                Http.Res res = each.get(30, TimeUnit.SECONDS);
                assertThat(res.status()).as("a forged token: %s", res).isEqualTo(401);
                assertThat(res.get("code").stringValue()).isEqualTo("invalid_token");
            }
            for (Future<Http.Res> each : valid) {
                assertThat(each.get(30, TimeUnit.SECONDS).status()).as("a valid token").isEqualTo(200);
            }
            assertThat(issuer.jwksFetches.get() - fetchesBefore).as("the waiters took the one refetch").isEqualTo(1);
            assertThat(node.as(issuer.token("u-1")).get(path).status()).isEqualTo(200);
        } finally {
            callers.shutdownNow();
        }
    }

    /**
     * An ECDSA signature has a twin that verifies — its {@code s} replaced by {@code n − s} — and the token under
     * either is named by one credential id, the hash of what was signed: each once got an {@code oidc:} id of its own.
     */
    @Test
    void anEcdsaSignaturesTwin_namesItsTokenByTheSameCredentialId() throws Exception {
        try (Issuer issuer = new Issuer();
             TestNode node = TestNode.start(config -> config.withOidc(issuer.settings()))) {
            ECKey ec = new ECKeyGenerator(Curve.P_256).keyID("ec-" + UUID.randomUUID()).generate();
            issuer.jwksBody = new JWKSet(List.<JWK>of(issuer.key.toPublicJWK(), ec.toPublicJWK())).toString();
            Fixtures fx = new Fixtures(node);
            Fixtures.Org org = fx.org("rooms");
            String admin = node.service().get(org.path() + "/members/" + org.adminId()).get("user_id").stringValue();
            SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(ec.getKeyID()).build(),
                    issuer.claims(admin));
            jwt.sign(new ECDSASigner(ec));
            String token = jwt.serialize();
            int dot = token.lastIndexOf('.');
            byte[] signature = Base64.getUrlDecoder().decode(token.substring(dot + 1));
            BigInteger s = new BigInteger(1, Arrays.copyOfRange(signature, 32, 64));
            byte[] mirroredS = Curve.P_256.toECParameterSpec().getOrder().subtract(s).toByteArray();
            byte[] twin = Arrays.copyOf(signature, 64);
            Arrays.fill(twin, 32, 64, (byte) 0);
            int length = Math.min(mirroredS.length, 32);
            System.arraycopy(mirroredS, mirroredS.length - length, twin, 64 - length, length);
            String twinToken = token.substring(0, dot + 1) + Base64.getUrlEncoder().withoutPadding()
                    .encodeToString(twin);
            assertThat(twinToken).isNotEqualTo(token);

            List<String> keyIds = new ArrayList<>();
            for (String spelling : List.of(token, twinToken)) {
                String name = "Signed " + keyIds.size();
                Http.Res created = node.as(spelling).post(org.path() + "/roles", Map.of("name", name,
                        "permissions", List.of()));
                assertThat(created.status()).as("%s", created).isEqualTo(201);
                JsonNode event = node.service().get(org.path() + "/events?object_type=role&limit=1").get("items")
                        .get(0);
                assertThat(event.get("after").get("name").stringValue()).isEqualTo(name);
                keyIds.add(event.get("actor").get("key_id").stringValue());
            }
            assertThat(keyIds.get(1)).as("the twin signature's credential").isEqualTo(keyIds.get(0));
        }
    }
}
