package dev.gatehouse.oidc;

import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.JWKSetCacheRefreshEvaluator;
import com.nimbusds.jose.jwk.source.JWKSetSource;
import com.nimbusds.jose.jwk.source.JWKSetUnavailableException;
import java.io.IOException;

/**
 * The key set's cache as {@link TokenVerifier} asks it, with its waits bounded. A call the cache answers from the
 * fresh set it holds ({@link KeySetSource#heldAt}) goes straight through: a token whose key is cached waits for
 * nothing. A call that needs the set fetched — none held yet or held too long, a key id or an algorithm the held set
 * lacks, a refetch after a signature no cached key verified — waits behind the cache's lock for the fetch under way,
 * or makes one, up to {@link IssuerFetch#TIMEOUT}; so it needs a place among {@link IssuerWaits}, and is refused at
 * once ({@link NotWaiting}) when none is free. Nor does it wait when the last fetch failed and another is under way
 * ({@link KeySetSource#failedAndFetching}): one request asks the issuer again, the others are answered by the
 * failure at once. Tokens with made-up key ids (no valid signature needed) once each waited the whole 5 s for an
 * issuer that hung, however many came, and held every request thread of the node.
 *
 * <p>Thread-safe, as the cache and {@link IssuerWaits} are.
 */
final class KeyCacheGate implements JWKSetSource<TokenVerifier.Attempt> {

    /** A call refused without waiting for the issuer: its token is answered 503 at once. */
    static final class NotWaiting extends JWKSetUnavailableException {

        NotWaiting(String message) {
            super(message);
        }
    }

    private final JWKSetSource<TokenVerifier.Attempt> cache;
    private final KeySetSource keySet;
    private final IssuerWaits waits;

    KeyCacheGate(JWKSetSource<TokenVerifier.Attempt> cache, KeySetSource keySet, IssuerWaits waits) {
        this.cache = cache;
        this.keySet = keySet;
        this.waits = waits;
    }

    @Override
    public JWKSet getJWKSet(JWKSetCacheRefreshEvaluator refreshEvaluator, long currentTime,
                            TokenVerifier.Attempt attempt) throws KeySourceException {
        JWKSet held = keySet.heldAt(currentTime);
        if (held != null && !refreshEvaluator.requiresRefresh(held)) {
            return cache.getJWKSet(refreshEvaluator, currentTime, attempt);
        }
        if (keySet.failedAndFetching()) {
            throw new NotWaiting("its last fetch failed, and the request making the next one is not waited for");
        }
        if (!waits.enter()) {
            throw new NotWaiting(IssuerWaits.MAX_WAITING + " requests wait for the identity provider on this node "
                    + "already, the most it lets wait at once");
        }
        try {
            return cache.getJWKSet(refreshEvaluator, currentTime, attempt);
        } finally {
            waits.leave();
        }
    }

    @Override
    public void close() throws IOException {
        cache.close();
    }
}
