package dev.gatehouse.webhook;

import dev.gatehouse.error.InvalidInputException;
import dev.gatehouse.json.Digits;
import java.net.IDN;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * What a webhook URL must look like: absolute {@code http} or {@code https}, with a host, a port (when given)
 * within 1–65535, no credentials and no fragment, written in printable ASCII (other characters percent-encoded as
 * UTF-8), without whitespace around it. Where the host may lead is {@link TargetPolicy}'s business. A URL is kept with
 * its scheme and host in lower case ({@link #canonical}), as they compare, so that one written {@code HTTP://Example.com/x}
 * is the same URL as {@code http://example.com/x}; its path and query are kept as written.
 *
 * <p>Checked when a subscription is created or moved (a 400 naming {@code url}) and again before every
 * delivery, where a stored URL that no longer passes (stored before a rule was added) fails as
 * {@link DeliveryFailure#INVALID_URL} without a request: the HTTP client would otherwise decide on its own
 * what a port of 0 or 99999 means. The ASCII rule is the exception: a stored URL with other characters in its path
 * or query (accepted before the rule) is still requested, percent-encoded as UTF-8 ({@link #requestUri}), which is
 * what the rule asks callers to write; sent as it is, the HTTP client wrote such characters as Latin-1 and those
 * Latin-1 lacks as {@code ?}, which cut the path and turned the rest into a query.
 *
 * <p>Thread-safe (stateless).
 */
final class WebhookUrl {

    private WebhookUrl() {
    }

    /**
     * {@code url} with its scheme and host in lower case ({@link #canonical}) when it is an acceptable URL; otherwise a
     * 400 whose {@code errors.url} says why.
     */
    static String check(String url) {
        return canonical(url, check(url, true));
    }

    /**
     * {@code url} as {@link #check} keeps it, scheme and host in lower case; a URL that is not one at all is returned
     * as it is. Two URLs are the same when their canonical forms are equal.
     */
    static String canonical(String url) {
        try {
            return canonical(url, new URI(url));
        } catch (URISyntaxException e) {
            return url;
        }
    }

    /** {@code url}, whose parsed form is {@code uri}, with the scheme and authority (the host, a port) in lower case. */
    private static String canonical(String url, URI uri) {
        if (uri.getScheme() == null || uri.getRawAuthority() == null || uri.getRawUserInfo() != null) {
            return url;
        }
        String prefix = uri.getScheme() + "://" + uri.getRawAuthority();
        if (!url.startsWith(prefix)) {
            return url;
        }
        return prefix.toLowerCase(Locale.ROOT) + url.substring(prefix.length());
    }

    /**
     * The parsed URL when it is acceptable (see {@link #check(String)}); a URL that is not ASCII passes unless
     * {@code asciiOnly}.
     */
    private static URI check(String url, boolean asciiOnly) {
        if (!url.isEmpty() && (Character.isWhitespace(url.codePointAt(0))
                || Character.isWhitespace(url.codePointBefore(url.length())))) {
            throw InvalidInputException.field("url", "must not begin or end with whitespace");
        }
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw InvalidInputException.field("url", "is not a valid URL: " + e.getReason());
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw InvalidInputException.field("url", "must be an http:// or https:// URL");
        }
        if (uri.getHost() == null || uri.getHost().isEmpty()) {
            throw InvalidInputException.field("url", hostProblem(uri.getRawAuthority()));
        }
        String numeric = numericHostProblem(uri.getHost());
        if (numeric != null) {
            throw InvalidInputException.field("url", numeric);
        }
        String ascii = asciiOnly ? asciiProblem(url) : null;
        if (ascii != null) {
            throw InvalidInputException.field("url", ascii);
        }
        // URI reads any run of digits as the port; -1 means none was given
        if (uri.getPort() == 0 || uri.getPort() > 65535) {
            throw InvalidInputException.field("url", "must have a port between 1 and 65535, got " + uri.getPort());
        }
        if (uri.getRawUserInfo() != null) {
            throw InvalidInputException.field("url", "must not carry credentials; verify requests by their signature");
        }
        if (uri.getRawFragment() != null) {
            throw InvalidInputException.field("url", "must not have a fragment");
        }
        return uri;
    }

    /**
     * Why a URL's authority names no host that can be requested: an internationalized domain name must be given in its
     * ASCII form, as DNS holds it (which the answer spells out when it can); anything else names no host at all.
     */
    private static String hostProblem(String authority) {
        String host = authority == null ? "" : authority.substring(authority.lastIndexOf('@') + 1);
        int port = host.lastIndexOf(':');
        if (port >= 0 && !host.endsWith("]")) {
            String digits = host.substring(port + 1);
            if (!digits.isEmpty() && digits.chars().allMatch(c -> c >= '0' && c <= '9')
                    && (digits.length() > 5 || Integer.parseInt(digits) > 65535)) {
                // too long a run of digits for the URI's port: it gave up on the whole authority
                return "must have a port between 1 and 65535, got " + digits;
            }
            host = host.substring(0, port);
        }
        String numeric = host.isEmpty() ? null : numericHostProblem(host);
        if (numeric != null) {
            return numeric; // Java's URI takes no host from 127.1
        }
        if (host.isEmpty() || host.chars().allMatch(c -> c < 0x80)) {
            return "must name a host";
        }
        try {
            return "must name its host in ASCII, as DNS holds it: write \"" + IDN.toASCII(host, IDN.USE_STD3_ASCII_RULES)
                    + "\" for \"" + host + "\"";
        } catch (IllegalArgumentException e) {
            return "must name its host in ASCII, as DNS holds it; \"" + host + "\" is not an internationalized "
                    + "domain name that has one";
        }
    }

    /**
     * Why a host that is an IPv4 address is not written the one way every client reads alike, or null. A host whose
     * last label is a number (decimal, or hex with {@code 0x}) is an IPv4 address to browsers and curl (WHATWG URL,
     * inet_aton), which read {@code 0177.0.0.1} (octal), {@code 0x7f000001} and {@code 2130706433} as 127.0.0.1; Java
     * reads the first as 177.0.0.1 and the others as names. A subscription then checked one address and its reader
     * meant another: only four decimal numbers from 0 to 255, without leading zeros, are taken.
     */
    private static String numericHostProblem(String host) {
        String name = host.endsWith(".") ? host.substring(0, host.length() - 1) : host;
        String last = name.substring(name.lastIndexOf('.') + 1).toLowerCase(Locale.ROOT);
        boolean number = !last.isEmpty() && (last.chars().allMatch(c -> c >= '0' && c <= '9')
                || last.startsWith("0x") && last.substring(2).chars().allMatch(c -> Character.digit(c, 16) >= 0));
        if (!number) {
            return null;
        }
        String[] parts = host.split("\\.", -1);
        boolean canonical = parts.length == 4;
        for (String part : parts) {
            long octet = Digits.parse(part);
            canonical &= octet >= 0 && octet <= 255 && (part.length() == 1 || part.charAt(0) != '0');
        }
        return canonical ? null : "must write an IPv4 address as four decimal numbers from 0 to 255 without leading "
                + "zeros (e.g. 203.0.113.7), got \"" + host + "\": clients read other notations (octal, hex, one "
                + "number) differently";
    }

    /**
     * Why a URL is not printable ASCII, or null. {@link URI} takes any other character that is not a space or a
     * control in a path, query or user info, but a request line is ASCII: the characters must be percent-encoded, and
     * the answer says how for the first one (UTF-8, as browsers and {@link URI#toASCIIString} encode them).
     */
    private static String asciiProblem(String url) {
        for (int i = 0; i < url.length(); ) {
            int c = url.codePointAt(i);
            if (c < 0x21 || c > 0x7e) {
                String character = Character.toString(c);
                StringBuilder escaped = new StringBuilder();
                for (byte b : character.getBytes(StandardCharsets.UTF_8)) {
                    escaped.append(String.format(Locale.ROOT, "%%%02X", b & 0xff));
                }
                return String.format(Locale.ROOT, "must be written in ASCII: percent-encode other characters as "
                        + "UTF-8, e.g. \"%s\" (U+%04X) as %s", character, c, escaped);
            }
            i += Character.charCount(c);
        }
        return null;
    }

    /**
     * Whether a stored URL still passes {@link #check}, so that a delivery may request it; one that is not ASCII does
     * (see the class comment), requested as {@link #requestUri} writes it.
     */
    static boolean requestable(String url) {
        try {
            check(url, false);
            return true;
        } catch (InvalidInputException e) {
            return false;
        }
    }

    /**
     * The URI a delivery requests for a {@link #requestable} URL: as stored, with any character that is not ASCII
     * percent-encoded as UTF-8 (the same URL to a receiver, which decodes it).
     *
     * @throws IllegalArgumentException when the URL is not a URI at all
     */
    static URI requestUri(String url) {
        return URI.create(URI.create(url).toASCIIString());
    }
}
