package dev.gatehouse.http.close;

import dev.gatehouse.json.Fields;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/**
 * Close's rules for fields that every resource shares, so that one rule has one wording everywhere: a required field
 * missing ({@value #REQUIRED}) or sent as null where it cannot be cleared ({@value #NOT_NULL}), what Close answers,
 * and what an http(s) URL is. Stateless.
 */
final class CloseFields {

    static final String REQUIRED = "This field is required.";
    static final String NOT_NULL = "This field may not be null.";
    /** A query parameter given without a value, which Close documents for none. */
    static final String NOT_BLANK = "This field may not be blank.";

    private CloseFields() {
    }

    /**
     * A field error's reason in Close's words: the readers' "is required" ({@link Fields#REQUIRED}) becomes
     * {@value #REQUIRED}; every other reason stays as it is. Applied where the dialect renders field errors
     * ({@link CloseApi#closeFieldErrors}), so no resource words it on its own.
     */
    static String reason(String reason) {
        return Fields.REQUIRED.equals(reason) ? REQUIRED : reason;
    }

    /**
     * Names each of {@code names} sent as JSON null. Call it before the fields are read: {@link Fields} keeps the
     * first reason given for a field, and a required field's reader would call a null "required".
     */
    static void notNull(Fields f, String... names) {
        for (String name : names) {
            if (f.isNull(name)) {
                f.error(name, NOT_NULL);
            }
        }
    }

    /**
     * Whether {@code value} is an absolute {@code http} or {@code https} URL naming a host, with a port (when given)
     * within 1–65535: {@code "https://"}, {@code "http:///x"}, {@code "https://:443/"} or
     * {@code "http://example.com:99999/"} is not one. Close's webhook URLs pass this and more (the native rules,
     * {@code WebhookUrl}, which bound the port alike).
     */
    static boolean httpUrl(String value) {
        try {
            URI uri = new URI(value);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            // URI reads any run of digits that fits an int as the port (-1: none given), and checks no range
            int port = uri.getPort();
            return (scheme.equals("http") || scheme.equals("https")) && uri.getHost() != null
                    && !uri.getHost().isEmpty() && (port == -1 || port >= 1 && port <= 65535);
        } catch (URISyntaxException e) {
            return false;
        }
    }
}
