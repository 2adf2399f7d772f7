package dev.gatehouse.http.close;

import dev.gatehouse.json.Fields;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/**
 * Close's rules for fields that every resource shares, so that one rule has one wording everywhere: a field sent
 * as null where it cannot be cleared ({@value #NOT_NULL}, what Close answers), and what an http(s) URL is. Stateless.
 */
final class CloseFields {

    static final String NOT_NULL = "This field may not be null.";

    private CloseFields() {
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
     * Whether {@code value} is an absolute {@code http} or {@code https} URL naming a host: {@code "https://"},
     * {@code "http:///x"} or {@code "https://:443/"} is not one. Close's webhook URLs pass this and more (the native
     * rules, {@code WebhookUrl}).
     */
    static boolean httpUrl(String value) {
        try {
            URI uri = new URI(value);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            return (scheme.equals("http") || scheme.equals("https")) && uri.getHost() != null
                    && !uri.getHost().isEmpty();
        } catch (URISyntaxException e) {
            return false;
        }
    }
}
