package dev.gatehouse.http;

import dev.gatehouse.error.ForbiddenException;
import io.javalin.http.Context;
import java.net.URI;
import java.util.Locale;
import java.util.Set;

/**
 * Refuses a write that a browser sent on behalf of another site. A key travels in the {@code Authorization} header,
 * which a page cannot set on another site's requests — but a browser that once answered this server's {@code Basic}
 * challenge (every 401 carries one) or opened a {@code https://key@host/} URL remembers the credentials and attaches
 * them to any request for this origin, cross-site ones included: a form posted by another site, or a
 * {@code fetch(…, {mode: "no-cors", credentials: "include"})}. Bodies are no defence for the {@code POST} routes that
 * take none (a key minted, an invitation accepted, a user unlocked); other methods a page sends only after a CORS
 * preflight, which this server never grants, and are refused here too should a browser skip it.
 *
 * <p>The rule, for every method but {@code GET}, {@code HEAD} and {@code OPTIONS} of every dialect: a request whose
 * {@code Sec-Fetch-Site} is {@code cross-site} or {@code same-site} is refused (403 {@code cross_site_request});
 * without that header (older browsers), one whose {@code Origin} names another host than the request's
 * {@code Host}, or is {@code null} (a sandboxed or local page), is refused the same way. API clients send neither
 * header and are not affected; the console runs on the server's own origin. Stateless.
 */
final class CrossSite {

    private static final Set<String> SAFE = Set.of("GET", "HEAD", "OPTIONS");

    private CrossSite() {
    }

    /** 403 {@code cross_site_request} for a write a browser sent from another site. */
    static void check(Context ctx) {
        if (SAFE.contains(ctx.method().name())) {
            return;
        }
        String site = ctx.header("Sec-Fetch-Site");
        if (site != null) {
            String value = site.strip().toLowerCase(Locale.ROOT);
            if (value.equals("cross-site") || value.equals("same-site")) {
                throw refused("Sec-Fetch-Site: " + value);
            }
            return;
        }
        String origin = ctx.header("Origin");
        if (origin != null && !sameHost(origin.strip(), ctx.header("Host"))) {
            throw refused("Origin is not this server");
        }
    }

    /** Whether {@code origin} ({@code scheme://host[:port]}) names the host the request was sent to. */
    private static boolean sameHost(String origin, String host) {
        if (host == null) {
            return false;
        }
        try {
            URI uri = new URI(origin);
            String authority = uri.getRawAuthority();
            return uri.getScheme() != null && authority != null && authority.equalsIgnoreCase(host.strip());
        } catch (java.net.URISyntaxException e) {
            return false;
        }
    }

    private static ForbiddenException refused(String why) {
        return new ForbiddenException("cross_site_request", "a browser sent this write from another site (" + why
                + "); writes are taken from API clients and from the console on this server's own origin only");
    }
}
