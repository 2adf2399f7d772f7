package dev.gatehouse.oidc;

import java.util.concurrent.Semaphore;

/**
 * How many requests one node lets wait for the issuer at once — for the discovery document's first read, or for a
 * fetch of the key set (their own, or one another request made): each wait holds one of the node's request threads,
 * which every tenant shares (250; the web server's pool), for up to {@link IssuerFetch#TIMEOUT}, and a token needs no
 * valid signature to make one (a JWT-shaped credential naming a key id the cached set lacks is enough). Without a
 * bound, tokens with made-up key ids sent while the issuer hung (the connection taken, nothing answered) held every
 * request thread of the node for 5 s at a time, and API keys waited with them. At most {@link #MAX_WAITING} wait at
 * once; one more is answered 503 {@code oidc_unavailable} at once (with {@code Retry-After}), as a token is while
 * the issuer cannot be reached. A request whose keys the cache holds waits for nothing and needs no place here.
 *
 * <p>Thread-safe.
 */
final class IssuerWaits {

    /** Requests one node lets wait for the issuer at once: 32 of its 250 request threads. */
    static final int MAX_WAITING = 32;

    private final Semaphore places = new Semaphore(MAX_WAITING);

    /** Whether a place to wait was free, and is now taken: {@link #leave} it when the wait ends. */
    boolean enter() {
        return places.tryAcquire();
    }

    void leave() {
        places.release();
    }
}
