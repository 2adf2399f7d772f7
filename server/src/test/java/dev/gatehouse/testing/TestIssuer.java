package dev.gatehouse.testing;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.gatehouse.json.Json;
import dev.gatehouse.oidc.OidcSettings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import tools.jackson.databind.node.ObjectNode;

/**
 * An OpenID Connect issuer the test runs itself, on a loopback port: discovery, JWKS, an authorization endpoint
 * that signs in {@link #signInAs} at once (authorization code with PKCE S256, state and nonce passed back) and a
 * token endpoint that checks the code, the client, the redirect URI and the PKCE verifier. Keys are RSA keys
 * generated here; {@link #rotate} replaces the signing key (the JWKS then publishes only the new one). Mints
 * tokens for tests, good and bad. Thread-safe; {@link #close} stops it.
 */
public final class TestIssuer implements AutoCloseable {

    public static final String CLIENT_ID = "gatehouse-console";
    public static final String AUDIENCE = "gatehouse-api";
    public static final String USER_CLAIM = "uid";

    private record Grant(String clientId, String redirectUri, String challenge, String nonce, String user) {
    }

    private final HttpServer server;
    private final String issuer;
    private final Map<String, Grant> codes = new ConcurrentHashMap<>();
    private final AtomicInteger exchanges = new AtomicInteger();
    private volatile RSAKey key = newKey();
    private volatile String signInAs;
    private volatile UnaryOperator<JWTClaimsSet.Builder> accessTokenClaims = UnaryOperator.identity();

    private TestIssuer() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        issuer = "http://127.0.0.1:" + server.getAddress().getPort() + "/issuer";
        server.createContext("/issuer/.well-known/openid-configuration", this::discovery);
        server.createContext("/issuer/jwks", this::jwks);
        server.createContext("/issuer/authorize", this::authorize);
        server.createContext("/issuer/token", this::token);
        server.start();
    }

    public static TestIssuer start() {
        return new TestIssuer();
    }

    public String issuer() {
        return issuer;
    }

    /** The settings of a node that trusts this issuer: client {@link #CLIENT_ID}, {@link #AUDIENCE}, {@link #USER_CLAIM}. */
    public OidcSettings settings() {
        return new OidcSettings(issuer, CLIENT_ID, AUDIENCE, USER_CLAIM);
    }

    /** Whom the authorization endpoint signs in. */
    public void signInAs(String userId) {
        this.signInAs = userId;
    }

    /** What the token endpoint changes in the access tokens it issues from now on (the identity: nothing). */
    public void issueAccessTokens(UnaryOperator<JWTClaimsSet.Builder> tweak) {
        this.accessTokenClaims = tweak;
    }

    /** How many codes the token endpoint has exchanged for tokens. */
    public int exchanges() {
        return exchanges.get();
    }

    /** A new signing key, with a new key id; the JWKS publishes only it from now on. */
    public void rotate() {
        key = newKey();
    }

    /** A new signing key under the current key id (an issuer rotating its keys but not their ids). */
    public void replaceKeyKeepingItsId() {
        try {
            key = new RSAKeyGenerator(2048).keyID(key.getKeyID()).generate();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A valid access token whose header names no key id (as issuers publishing a single key may send). */
    public String tokenWithoutKeyId(String userId) {
        return sign(claims(userId).build(), new RSAKey.Builder(key).keyID(null).build());
    }

    /** A valid access token for {@code userId}, signed with the current key. */
    public String token(String userId) {
        return token(userId, b -> b);
    }

    /** An access token for {@code userId} whose claims {@code tweak} changed, signed with the current key (RS256). */
    public String token(String userId, UnaryOperator<JWTClaimsSet.Builder> tweak) {
        return sign(tweak.apply(claims(userId)).build(), key);
    }

    /** Signed with a key that is not the issuer's, though it names the issuer's key id. */
    public String forgedToken(String userId) {
        RSAKey other;
        try {
            other = new RSAKeyGenerator(2048).keyID(key.getKeyID()).generate();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
        return sign(claims(userId).build(), other);
    }

    /** A valid token but for its header's key id, which names {@code keyId}. */
    public String tokenWithKeyId(String userId, String keyId) {
        RSAKey renamed = new RSAKey.Builder(key).keyID(keyId).build();
        return sign(claims(userId).build(), renamed);
    }

    /** Signed with a key of its own, which its header carries ({@code jwk}) under the issuer's key id. */
    public String selfSignedWithEmbeddedKey(String userId) {
        try {
            RSAKey own = new RSAKeyGenerator(2048).keyID(key.getKeyID()).generate();
            SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID())
                    .jwk(own.toPublicJWK()).type(JOSEObjectType.JWT).build(), claims(userId).build());
            jwt.sign(new RSASSASigner(own));
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@code alg: none}: no signature at all. */
    public String unsignedToken(String userId) {
        return new PlainJWT(claims(userId).build()).serialize();
    }

    /** HS256 with the issuer's public key as the shared secret: the algorithm-confusion attack. */
    public String hmacWithPublicKey(String userId) {
        try {
            byte[] secret = key.toPublicJWK().toRSAPublicKey().getEncoded();
            SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).keyID(key.getKeyID()).build(),
                    claims(userId).build());
            jwt.sign(new MACSigner(secret));
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    private JWTClaimsSet.Builder claims(String userId) {
        Instant now = Instant.now();
        return new JWTClaimsSet.Builder().issuer(issuer).audience(AUDIENCE).subject("subject-" + userId)
                .claim(USER_CLAIM, userId).issueTime(Date.from(now)).notBeforeTime(Date.from(now.minusSeconds(5)))
                .expirationTime(Date.from(now.plus(Duration.ofMinutes(10)))).jwtID(UUID.randomUUID().toString());
    }

    private static String sign(JWTClaimsSet claims, RSAKey with) {
        try {
            SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(with.getKeyID())
                    .type(JOSEObjectType.JWT).build(), claims);
            jwt.sign(new RSASSASigner(with));
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    private static RSAKey newKey() {
        try {
            return new RSAKeyGenerator(2048).keyID(UUID.randomUUID().toString()).generate();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    private void discovery(HttpExchange exchange) throws IOException {
        ObjectNode doc = Json.object().put("issuer", issuer).put("authorization_endpoint", issuer + "/authorize")
                .put("token_endpoint", issuer + "/token").put("jwks_uri", issuer + "/jwks");
        doc.putArray("response_types_supported").add("code");
        doc.putArray("code_challenge_methods_supported").add("S256");
        send(exchange, 200, "application/json", Json.writeString(doc));
    }

    private void jwks(HttpExchange exchange) throws IOException {
        send(exchange, 200, "application/json", new JWKSet(key.toPublicJWK()).toString());
    }

    /** Signs {@link #signInAs} in at once and sends the browser back with a code. */
    private void authorize(HttpExchange exchange) throws IOException {
        Map<String, String> q = form(exchange.getRequestURI().getRawQuery());
        if (!"code".equals(q.get("response_type")) || !CLIENT_ID.equals(q.get("client_id"))
                || !"S256".equals(q.get("code_challenge_method")) || q.get("code_challenge") == null
                || q.get("redirect_uri") == null || q.get("state") == null || signInAs == null) {
            send(exchange, 400, "text/plain", "bad authorization request " + q);
            return;
        }
        String code = UUID.randomUUID().toString();
        codes.put(code, new Grant(CLIENT_ID, q.get("redirect_uri"), q.get("code_challenge"), q.get("nonce"), signInAs));
        exchange.getResponseHeaders().set("Location", q.get("redirect_uri") + "?code=" + enc(code) + "&state="
                + enc(q.get("state")));
        exchange.sendResponseHeaders(302, -1);
        exchange.close();
    }

    /** The code exchange: the code once, for the same client and redirect URI, with the PKCE verifier. */
    private void token(HttpExchange exchange) throws IOException {
        exchange.getResponseHeaders().set("Access-Control-Allow-Origin", "*");
        if ("OPTIONS".equals(exchange.getRequestMethod())) {
            exchange.getResponseHeaders().set("Access-Control-Allow-Methods", "POST");
            exchange.getResponseHeaders().set("Access-Control-Allow-Headers", "Content-Type");
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
            return;
        }
        Map<String, String> f = form(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
        Grant grant = f.get("code") == null ? null : codes.remove(f.get("code"));
        if (grant == null || !"authorization_code".equals(f.get("grant_type"))
                || !grant.clientId().equals(f.get("client_id")) || !grant.redirectUri().equals(f.get("redirect_uri"))
                || f.get("code_verifier") == null || !grant.challenge().equals(s256(f.get("code_verifier")))) {
            send(exchange, 400, "application/json", "{\"error\":\"invalid_grant\"}");
            return;
        }
        exchanges.incrementAndGet();
        ObjectNode body = Json.object().put("access_token", token(grant.user(), accessTokenClaims))
                .put("token_type", "Bearer")
                .put("expires_in", 600);
        JWTClaimsSet.Builder id = claims(grant.user()).audience(CLIENT_ID);
        if (grant.nonce() != null) {
            id.claim("nonce", grant.nonce());
        }
        body.put("id_token", sign(id.build(), key));
        send(exchange, 200, "application/json", Json.writeString(body));
    }

    static String s256(String verifier) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(hash);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Map<String, String> form(String raw) {
        Map<String, String> out = new HashMap<>();
        if (raw == null || raw.isEmpty()) {
            return out;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            out.put(name, eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return out;
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    /** Answers {@code exchange} with {@code body} as {@code type}, and closes it. */
    public static void send(HttpExchange exchange, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
