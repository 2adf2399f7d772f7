package dev.gatehouse.http.close;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;

/**
 * Close-style ids for Gatehouse's numeric ids: a type prefix and a fixed number of base62 characters
 * ({@code role_} + 43, {@code memb_} + 43, {@code orga_} + 43, {@code group_} + 22, {@code ev_} + 22,
 * {@code whsub_} + 22).
 *
 * <p>The first 11 characters are the numeric id passed through a fixed bijection of the 64-bit integers
 * (multiplications by odd constants and xor-shifts, salted by the prefix), so consecutive ids do not look
 * consecutive; the remaining characters are a SHA-256 digest of prefix and id. Decoding inverts the
 * bijection and recomputes the digest, so an id of another type, a typo or a made-up id decodes to nothing.
 * The ids are stable across nodes and restarts and need no storage. They hide nothing of value: they are
 * not a secret, only Close's shape.
 *
 * <p>Thread-safe (stateless).
 */
final class CloseIds {

    public static final String ROLE = "role_";
    public static final String MEMBERSHIP = "memb_";
    public static final String ORGANIZATION = "orga_";
    public static final String GROUP = "group_";
    public static final String EVENT = "ev_";
    public static final String USER = "user_";
    public static final String WEBHOOK = "whsub_";

    private static final String ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    private static final int HEAD = 11;
    private static final long C1 = 0x9E3779B97F4A7C15L;
    private static final long C2 = 0xBF58476D1CE4E5B9L;
    private static final long C1_INVERSE = inverse(C1);
    private static final long C2_INVERSE = inverse(C2);
    private static final SecureRandom RANDOM = new SecureRandom();

    private CloseIds() {
    }

    /** The length of the part after the prefix: 22 for groups, events and webhooks, 43 for everything else. */
    static int length(String prefix) {
        return prefix.equals(GROUP) || prefix.equals(EVENT) || prefix.equals(WEBHOOK) ? 22 : 43;
    }

    public static String encode(String prefix, long id) {
        StringBuilder out = new StringBuilder(prefix.length() + length(prefix)).append(prefix);
        long x = mix(id, salt(prefix));
        char[] head = new char[HEAD];
        for (int i = HEAD - 1; i >= 0; i--) {
            head[i] = ALPHABET.charAt((int) Long.remainderUnsigned(x, 62));
            x = Long.divideUnsigned(x, 62);
        }
        out.append(head).append(tail(prefix, id, length(prefix) - HEAD));
        return out.toString();
    }

    /** The numeric id behind {@code text}, or -1 when it is not an id of this type that {@link #encode} made. */
    public static long decode(String prefix, String text) {
        if (text == null || !text.startsWith(prefix) || text.length() != prefix.length() + length(prefix)) {
            return -1;
        }
        long x = 0;
        for (int i = 0; i < HEAD; i++) {
            int digit = ALPHABET.indexOf(text.charAt(prefix.length() + i));
            if (digit < 0) {
                return -1;
            }
            long shifted = x * 62;
            if (Long.divideUnsigned(shifted, 62) != x || Long.compareUnsigned(shifted + digit, shifted) < 0) {
                return -1;
            }
            x = shifted + digit;
        }
        long id = unmix(x, salt(prefix));
        if (id <= 0) {
            return -1;
        }
        String tail = text.substring(prefix.length() + HEAD);
        return tail.equals(tail(prefix, id, tail.length())) ? id : -1;
    }

    private static long mix(long x, long salt) {
        x ^= salt;
        x *= C1;
        x ^= x >>> 32;
        x *= C2;
        x ^= x >>> 32;
        return x;
    }

    private static long unmix(long x, long salt) {
        x ^= x >>> 32;
        x *= C2_INVERSE;
        x ^= x >>> 32;
        x *= C1_INVERSE;
        return x ^ salt;
    }

    /** The multiplicative inverse of an odd number modulo 2^64 (Newton's iteration). */
    private static long inverse(long odd) {
        long inv = odd;
        for (int i = 0; i < 6; i++) {
            inv *= 2 - odd * inv;
        }
        return inv;
    }

    private static long salt(String prefix) {
        long h = 0xcbf29ce484222325L;
        for (int i = 0; i < prefix.length(); i++) {
            h = (h ^ prefix.charAt(i)) * 0x100000001b3L;
        }
        return h;
    }

    private static String tail(String prefix, long id, int length) {
        byte[] digest = sha256((prefix + id).getBytes(StandardCharsets.UTF_8));
        StringBuilder out = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            out.append(ALPHABET.charAt((digest[i % digest.length] & 0xff) % 62));
        }
        return out.toString();
    }

    private static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    /** A fresh random user id in Close's format, for a person the Close dialect provisions. */
    public static String newUserId() {
        StringBuilder out = new StringBuilder(USER.length() + 43).append(USER);
        for (int i = 0; i < 43; i++) {
            out.append(ALPHABET.charAt(RANDOM.nextInt(62)));
        }
        return out.toString();
    }
}
