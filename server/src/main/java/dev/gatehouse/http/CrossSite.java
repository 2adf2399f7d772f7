package dev.gatehouse.http;

import dev.gatehouse.error.ForbiddenException;
import dev.gatehouse.error.InvalidInputException;
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
 * <p>The rule, for every method but {@code GET}, {@code HEAD} and {@code OPTIONS} of every dialect, judged as sent on
 * the wire (a {@code POST} that {@code X-HTTP-Method-Override} runs as a {@code GET} is a {@code POST}): a request
 * whose {@code Sec-Fetch-Site} is {@code cross-site} or {@code same-site} is refused (403 {@code cross_site_request});
 * without that header (older browsers), one whose {@code Origin} names another host than the request's
 * {@code Host}, or is {@code null} (a sandboxed or local page), is refused the same way. API clients send neither
 * header and are not affected; the console runs on the server's own origin.
 *
 * <p>A {@code Sec-Fetch-Site} that is not one of the four values the Fetch standard defines ({@code cross-site},
 * {@code same-origin}, {@code same-site}, {@code none}, in any case) is 400 {@code bad_request} on every method, in
 * the dialect's shape, before the route runs. A browser sends exactly one of them; a value holding a comma is two
 * header lines a proxy merged into one ({@code same-origin, cross-site}), which RFC 9110 makes the same request as
 * the two lines, and two lines are already a 400 ({@code http/edge/SingleHeaders}): the merged line is answered
 * alike. Neither is taken as {@code cross-site}: a 403 {@code cross_site_request} would tell an API client behind
 * such a proxy that a browser sent its write, where the header is what is wrong; and neither is passed over for the
 * {@code Origin}, which a merged value would otherwise let through unjudged. Stateless.
 */
final class CrossSite {

    private static final Set<String> SAFE = Set.of("GET", "HEAD", "OPTIONS");

    /** The values of {@code Sec-Fetch-Site} the Fetch standard defines, as {@link #check} compares them. */
    private static final Set<String> SITES = Set.of("cross-site", "same-origin", "same-site", "none");

    private CrossSite() {
    }

    /**
     * 403 {@code cross_site_request} for a write a browser sent from another site; 400 {@code bad_request} for a
     * {@code Sec-Fetch-Site} of any method that is not one defined value.
     */
    static void check(Context ctx) {
        String site = ctx.header("Sec-Fetch-Site");
        String value = site == null ? null : site.strip().toLowerCase(Locale.ROOT);
        if (value != null && !SITES.contains(value)) {
            throw new InvalidInputException("bad_request", value.indexOf(',') >= 0
                    ? "Sec-Fetch-Site carries more than one value (\"" + HeaderValues.shown(site.strip())
                            + "\"), as two headers merged into one; send one"
                    : "Sec-Fetch-Site must be one of cross-site, same-origin, same-site, none, got \""
                            + HeaderValues.shown(site.strip()) + "\"");
        }
        // the method as sent: the router reads a POST carrying X-HTTP-Method-Override: GET (Close's long reads) as
        // the GET it runs, but a browser sends such a POST cross-site without asking first, as any POST
        if (SAFE.contains(ctx.req().getMethod())) {
            return;
        }
        if (value != null) {
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
