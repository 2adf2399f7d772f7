package dev.gatehouse.http;

import dev.gatehouse.access.Principal;
import dev.gatehouse.apikey.KeyService;
import dev.gatehouse.error.UnauthenticatedException;
import io.javalin.http.Context;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Reads the API key of a request: {@code Authorization: Bearer <key>}, or HTTP Basic with the key as
 * user name and an empty password. Thread-safe.
 */
public final class Auth {

    private final KeyService keys;

    public Auth(KeyService keys) {
        this.keys = keys;
    }

    /**
     * The request's caller. A member key also names the organization the request acts in, for the logging context
     * ({@link LogContext}), unless the request named one already.
     */
    public Principal principal(Context ctx) {
        Principal principal = keys.authenticate(token(ctx.header("Authorization")));
        if (principal instanceof Principal.Member member) {
            LogContext.orgUnlessNamed(member.orgId());
        }
        return principal;
    }

    static String token(String header) {
        if (header == null || header.isBlank()) {
            throw new UnauthenticatedException("unauthenticated",
                    "an API key is required: Authorization: Bearer <key>, or Basic with the key as user name");
        }
        String h = header.strip();
        int space = h.indexOf(' ');
        String scheme = space < 0 ? h : h.substring(0, space);
        String value = space < 0 ? "" : h.substring(space + 1).strip();
        if (scheme.equalsIgnoreCase("Bearer")) {
            return value;
        }
        if (scheme.equalsIgnoreCase("Basic")) {
            try {
                String decoded = new String(Base64.getDecoder().decode(value), StandardCharsets.UTF_8);
                int colon = decoded.indexOf(':');
                return colon < 0 ? decoded : decoded.substring(0, colon);
            } catch (IllegalArgumentException e) {
                throw new UnauthenticatedException("unauthenticated", "malformed Basic credentials");
            }
        }
        throw new UnauthenticatedException("unauthenticated", "unsupported authorization scheme \"" + scheme + "\"");
    }
}
