package dev.gatehouse.apikey;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * The fingerprint of a configured service key that a node records in the node registry while it is live
 * ({@code changelog/NodeRegistry}), so that a starting node can tell whether the live ones accept its keys and it
 * theirs ({@link KeyService#requireSameKeyAsLiveNodes}). A configured key may be chosen by a human, so whoever reads
 * the database must not recover it cheaply: the fingerprint is a slow salted hash, PBKDF2-HMAC-SHA256 over a random
 * 16-byte salt, written {@code pbkdf2-sha256$<iterations>$<salt>$<hash>} (base64, without padding). The iterations
 * cost some 50 to 100 ms of one core per key hashed; they are part of the text, so a later build may raise them and
 * still read the ones recorded before. A node's previous key is fingerprinted under the salt and iterations of its key
 * ({@link #withSaltOf}), so that a start compares the two fingerprints of a live node with each of its own keys for the
 * cost of one hash ({@link Matcher}): at most two per live node, and two at start for this node's own fingerprints.
 * Stateless and thread-safe, but for {@link Matcher}.
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
     * A fingerprint of {@code key} under the salt and iterations of {@code fingerprint}, one {@link #of} wrote: the
     * previous key's beside the key's in a node's row.
     */
    static String withSaltOf(String fingerprint, String key) {
        Parsed parsed = parse(fingerprint);
        if (parsed == null) {
            throw new IllegalArgumentException("not a fingerprint this build writes");
        }
        return format(parsed.iterations(), parsed.salt(), hash(key, parsed.salt(), parsed.iterations()));
    }

    /**
     * Whether {@code fingerprint} (one {@link #of} wrote, on this node or another) is that of {@code key}, recomputed
     * with its salt and iterations; false for a fingerprint in a form this build does not read.
     */
    static boolean matches(String fingerprint, String key) {
        return new Matcher(key).matches(fingerprint);
    }

    /**
     * Compares fingerprints with one key, hashing the key once per salt and iteration count it meets: the two
     * fingerprints of a node's row share theirs ({@link #withSaltOf}). Not thread-safe: made for one start's
     * comparisons.
     */
    static final class Matcher {

        private final String key;
        /** The key's hash by {@code <iterations>$<salt>}, as the fingerprints write them. */
        private final Map<String, byte[]> hashes = new HashMap<>();

        Matcher(String key) {
            this.key = Objects.requireNonNull(key, "key");
        }

        /**
         * Whether {@code fingerprint} is that of the key; false for null (a node without that key) and for a
         * fingerprint in a form this build does not read.
         */
        boolean matches(String fingerprint) {
            Parsed parsed = fingerprint == null ? null : parse(fingerprint);
            if (parsed == null) {
                return false;
            }
            byte[] hash = hashes.computeIfAbsent(parsed.iterations() + "$" + parsed.saltText(),
                    salt -> hash(key, parsed.salt(), parsed.iterations()));
            return MessageDigest.isEqual(parsed.hash(), hash);
        }
    }

    /** A fingerprint read: its iterations, its salt (as written too) and its hash. */
    private record Parsed(int iterations, String saltText, byte[] salt, byte[] hash) {
    }

    /** The parts of {@code fingerprint}; null for one in a form this build does not read. */
    private static Parsed parse(String fingerprint) {
        String[] parts = fingerprint.split("\\$");
        if (parts.length != 4 || !SCHEME.equals(parts[0])) {
            return null;
        }
        try {
            int iterations = Integer.parseInt(parts[1]);
            Base64.Decoder decoder = Base64.getDecoder();
            Parsed parsed = new Parsed(iterations, parts[2], decoder.decode(parts[2]), decoder.decode(parts[3]));
            return iterations > 0 ? parsed : null;
        } catch (IllegalArgumentException e) {
            return null;
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
