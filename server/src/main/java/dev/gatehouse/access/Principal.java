package dev.gatehouse.access;

import dev.gatehouse.error.UnauthenticatedException;
import java.time.Instant;

/** The authenticated caller of a request: a service key or a member key. Immutable. */
public sealed interface Principal permits Principal.Service, Principal.Member {

    /** Public id of the API key used. */
    String keyId();

    /** A service key: administers the deployment (models, organizations) and every organization. */
    record Service(String keyId) implements Principal {
    }

    /**
     * A member key, or an access token of the configured identity provider ({@code viaToken}): acts as one member
     * of one organization, with that member's permissions. A token's {@code keyId} names it in the change log
     * ({@code oidc:…}); it is no key, so there is none to revoke or look up. A token is good until {@code validUntil}
     * — its {@code exp} plus the clock skew its verification allows —, which every transaction of its request is
     * judged against ({@link Access}), as a key's revocation is: a long request (a streamed import) outliving its
     * token stops at its next transaction. Null for a key, and for a member acting without a credential of its own.
     */
    record Member(String keyId, long orgId, long memberId, boolean viaToken, Instant validUntil) implements Principal {

        public Member {
            if (validUntil != null && !viaToken) {
                throw new IllegalArgumentException("only an access token expires, key " + keyId + " does not");
            }
        }

        /** A member key. */
        public Member(String keyId, long orgId, long memberId) {
            this(keyId, orgId, memberId, false, null);
        }

        /** A member acting without a key ({@code viaToken}) and without an expiry. */
        public Member(String keyId, long orgId, long memberId, boolean viaToken) {
            this(keyId, orgId, memberId, viaToken, null);
        }

        /** Whether this caller's token is no longer good at {@code now} (never for a key). */
        public boolean expiredAt(Instant now) {
            return validUntil != null && now.isAfter(validUntil);
        }

        /**
         * 401 {@code invalid_token} for a token that expired after its request was authenticated: exactly what a
         * new request with it is answered ({@code oidc/TokenVerifier}), so a client handles both alike.
         */
        static UnauthenticatedException expired() {
            return new UnauthenticatedException("invalid_token", "the access token is not valid: it has expired (exp)");
        }
    }
}
