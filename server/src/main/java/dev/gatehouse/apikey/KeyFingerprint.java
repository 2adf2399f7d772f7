package dev.gatehouse.apikey;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * The fingerprint of a configured service key that a node records in the node registry while it is live
 * ({@code changelog/NodeRegistry}), so that a starting node can tell whether the live ones run with its key
 * ({@link KeyService#requireSameKeyAsLiveNodes}). A configured key may be chosen by a human, so whoever reads the
 * database must not recover it cheaply: the fingerprint is a slow salted hash, PBKDF2-HMAC-SHA256 over a random
 * 16-byte salt, written {@code pbkdf2-sha256$<iterations>$<salt>$<hash>} (base64, without padding). The iterations
 * cost some 50 to 100 ms of one core, once per start for this node's own fingerprint and once per other live node
 * compared; they are part of the text, so a later build may raise them and still read the ones recorded before.
 * Stateless and thread-safe.
 */
final class KeyFingerprint {

    static final int ITERATIONS = 100_000;
    private static final String SCHEME = "pbkdf2-sha256";
    private static final int SALT_BYTES = 16;
    private static final int HASH_BITS = 256;
    private static final SecureRandom RANDOM = new SecureRandom();

    private KeyFingerprint() {
    }

    /** A fingerprint of {@code key} under a new random salt. */
    static String of(String key) {
        byte[] salt = new byte[SALT_BYTES];
        RANDOM.nextBytes(salt);
        return format(ITERATIONS, salt, hash(key, salt, ITERATIONS));
    }

    /**
     * Whether {@code fingerprint} (one {@link #of} wrote, on this node or another) is that of {@code key}, recomputed
     * with its salt and iterations; false for a fingerprint in a form this build does not read.
     */
    static boolean matches(String fingerprint, String key) {
        String[] parts = fingerprint.split("\\$");
        if (parts.length != 4 || !SCHEME.equals(parts[0])) {
            return false;
        }
        try {
            int iterations = Integer.parseInt(parts[1]);
            Base64.Decoder decoder = Base64.getDecoder();
            byte[] salt = decoder.decode(parts[2]);
            byte[] expected = decoder.decode(parts[3]);
            return iterations > 0 && MessageDigest.isEqual(expected, hash(key, salt, iterations));
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static String format(int iterations, byte[] salt, byte[] hash) {
        Base64.Encoder encoder = Base64.getEncoder().withoutPadding();
        return SCHEME + "$" + iterations + "$" + encoder.encodeToString(salt) + "$" + encoder.encodeToString(hash);
    }

    private static byte[] hash(String key, byte[] salt, int iterations) {
        PBEKeySpec spec = new PBEKeySpec(key.toCharArray(), salt, iterations, HASH_BITS);
        try {
            return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK lacks PBKDF2WithHmacSHA256", e);
        } finally {
            spec.clearPassword();
        }
    }
}
