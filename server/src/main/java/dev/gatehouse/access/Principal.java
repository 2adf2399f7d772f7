package dev.gatehouse.access;

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
     * ({@code oidc:…}); it is no key, so there is none to revoke or look up.
     */
    record Member(String keyId, long orgId, long memberId, boolean viaToken) implements Principal {

        /** A member key. */
        public Member(String keyId, long orgId, long memberId) {
            this(keyId, orgId, memberId, false);
        }
    }
}
