package dev.gatehouse.oidc;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import dev.gatehouse.testing.Http;
import dev.gatehouse.testing.TestIssuer;
import dev.gatehouse.testing.TestNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An identity provider that answers wrongly — a discovery document or a key set that is not JSON, is cut short or
 * holds the wrong shapes, an error status — never makes the server answer 500: a token is refused with a 503
 * {@code oidc_unavailable} (or a 401 {@code invalid_token}) in the problem shape, the issuer is not asked again on
 * every request, API keys keep working, and tokens verify once the issuer answers properly again.
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
        /** When set, the key set answers a redirect to this path of the issuer, which serves the key set. */
        volatile String keySetRedirect;
        final AtomicInteger redirectedFetches = new AtomicInteger();
        final CountDownLatch closed = new CountDownLatch(1);

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
            Instant now = Instant.now();
            JWTClaimsSet claims = new JWTClaimsSet.Builder().issuer(issuer).audience(AUDIENCE).claim(USER_CLAIM, userId)
                    .expirationTime(Date.from(now.plus(Duration.ofMinutes(10)))).build();
            try {
                SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID())
                        .type(JOSEObjectType.JWT).build(), claims);
                jwt.sign(new RSASSASigner(key));
                return jwt.serialize();
            } catch (JOSEException e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        public void close() {
            closed.countDown();
            server.stop(0);
        }
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
}
