package dev.gatehouse.json;

import java.util.regex.Pattern;

/**
 * The one rule for an email address given to Gatehouse, whichever API brings it (a member, an organization's first
 * admin, a Close membership, a Rooms invitation, an import's member line), applied through {@link Fields#email}: one
 * {@code @} with text on both sides, no space of any kind ({@link Invisible#isSpace}: a no-break space or U+3000 as
 * much as a space or a tab) and no other invisible character ({@link Invisible#problem}: a zero-width space inside
 * makes another address that looks the same), and no longer than
 * mail can carry (RFC 5321, 4.5.3.1) — at most {@value #MAX_LOCAL_PART_BYTES} bytes before the {@code @} and
 * {@value #MAX_BYTES} in all, which keeps the domain within its 255 too. Lengths are counted in UTF-8 bytes (RFC
 * 6531), so an ASCII address counts one per character. An address beyond them can never receive mail; it is refused
 * when given, never stored. It is refused rather than trimmed, as a user id is: Rooms makes an invited user's email
 * its user id. A joiner inside an address is kept where a person writes one, as in a user id (between two letters of
 * a script that joins, Persian or Devanagari; within an emoji); everywhere else the mail system would take it as a
 * character of its own. An address is checked, stored and compared composed ({@link Fields#composed}): {@code e}
 * followed by a combining acute accent is {@code é}, one address whichever way it was typed.
 *
 * <p>Addresses stored before the limits held are read and exported as they are; only writing one is checked.
 *
 * <p>Stateless and thread-safe.
 */
final class EmailAddress {

    /** The most bytes (UTF-8) before the {@code @}: RFC 5321's local part. */
    static final int MAX_LOCAL_PART_BYTES = 64;
    /** The most bytes (UTF-8) of a whole address: RFC 5321's path of 256 less its angle brackets. */
    static final int MAX_BYTES = 254;

    /** One {@code @} with text on both sides; spaces are refused before, by {@link Invisible#isSpace}. */
    private static final Pattern SHAPE = Pattern.compile("[^@]+@[^@]+");

    private EmailAddress() {
    }

    /** Why {@code email}, as given, is not an address, or null when it is one. */
    static String problem(String email) {
        String invisible = Invisible.atAnEdge(email);
        if (invisible != null) {
            return invisible;
        }
        int space = space(email);
        if (space >= 0) {
            // named, as a no-break space looks like any other in the address quoted
            return "must be an email address, got \"" + Fields.abbreviate(email) + "\" (no whitespace: "
                    + Invisible.name(email.codePointAt(space)) + " at position " + space + ")";
        }
        invisible = Invisible.inside(email);
        if (invisible != null) {
            return invisible;
        }
        if (!SHAPE.matcher(email).matches()) {
            return notOne(email);
        }
        int at = email.indexOf('@');
        int localPart = Text.utf8Bytes(email, 0, at);
        if (localPart > MAX_LOCAL_PART_BYTES) {
            return "must have at most " + MAX_LOCAL_PART_BYTES + " bytes before the @, got " + localPart;
        }
        int whole = localPart + 1 + Text.utf8Bytes(email, at + 1, email.length());
        if (whole > MAX_BYTES) {
            return "must be at most " + MAX_BYTES + " bytes long, got " + whole;
        }
        return null;
    }

    /** Why {@code email}, not shaped as an address, is refused ({@link Fields#notAnEmailAddress}). */
    static String notOne(String email) {
        return "must be an email address, got \"" + Fields.abbreviate(email) + "\"";
    }

    /** Where the first space of any kind ({@link Invisible#isSpace}) is in {@code email}, or -1. */
    private static int space(String email) {
        for (int i = 0; i < email.length(); i += Character.charCount(email.codePointAt(i))) {
            if (Invisible.isSpace(email.codePointAt(i))) {
                return i;
            }
        }
        return -1;
    }
}
