package dev.gatehouse.apikey;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/**
 * Key material. A key reads {@code gh<kind>_<keyId>_<secret>}: kind {@code s} (service), {@code m} (member) or
 * {@code r} (replica), a 24-hex-digit public id and 32 random bytes in base64url. The kind's letter is part of the
 * key: a key presented with another letter is not the key ({@link Parsed#isOf}), so that its prefix, which tools and
 * secret scanners go by, always says what it is, and a key has one spelling. Only SHA-256 of the secret is stored;
 * with 256 bits of entropy a slow hash would only cost CPU on every request.
 */
final class Secrets {

    private static final SecureRandom RANDOM = new SecureRandom();
    /**
     * One digest per thread: every request hashes the key it presents, and looking the algorithm up each time
     * ({@link MessageDigest#getInstance}) cost more than the hash. {@code digest} resets it after each use.
     */
    private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK lacks SHA-256", e);
        }
    });

    /** A parsed presented key: the letter of the kind it was presented as, its id and its secret. */
    record Parsed(char kind, String keyId, String secret) {

        /** Whether the key was presented as a key of {@code kind}, as {@code api_keys.kind} stores it. */
        boolean isOf(String kind) {
            return this.kind == letter(kind);
        }
    }

    /** A freshly generated key: the full token (shown once) and its parts. */
    record Generated(String token, String keyId, byte[] hash) {
    }

    private Secrets() {
    }

    /** A key of {@code kind}, as {@code api_keys.kind} stores it ({@code service}, {@code member}, {@code replica}). */
    static Generated generate(String kind) {
        byte[] id = new byte[12];
        byte[] secret = new byte[32];
        RANDOM.nextBytes(id);
        RANDOM.nextBytes(secret);
        String keyId = HexFormat.of().formatHex(id);
        String secretText = Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
        return new Generated("gh" + letter(kind) + "_" + keyId + "_" + secretText, keyId, sha256(secretText));
    }

    /**
     * The letter a key of {@code kind} ({@code api_keys.kind}) is written with; a kind unknown here is a member's, as
     * everywhere keys are read.
     */
    static char letter(String kind) {
        return switch (kind) {
            case "service" -> 's';
            case "replica" -> 'r';
            default -> 'm';
        };
    }

    /** Splits a presented key; null when it is not in Gatehouse's format. */
    static Parsed parse(String token) {
        if (token.length() != 72 || !(token.startsWith("ghs_") || token.startsWith("ghm_") || token.startsWith("ghr_")) || token.charAt(28) != '_') {
            return null;
        }
        String keyId = token.substring(4, 28);
        return isKeyId(keyId) ? new Parsed(token.charAt(2), keyId, token.substring(29)) : null;
    }

    /** Whether {@code text} has the form of a key id: 24 hexadecimal digits. */
    static boolean isKeyId(String text) {
        if (text.length() != 24) {
            return false;
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F')) {
                return false;
            }
        }
        return true;
    }

    /** Whether a presented key has the form of a generated service key ({@link #parse} accepts it). */
    static boolean isServiceForm(String token) {
        return token.startsWith("ghs_");
    }

    static byte[] sha256(String text) {
        return SHA256.get().digest(text.getBytes(StandardCharsets.UTF_8));
    }

    static boolean matches(byte[] expectedHash, String secret) {
        return MessageDigest.isEqual(expectedHash, sha256(secret));
    }
}
