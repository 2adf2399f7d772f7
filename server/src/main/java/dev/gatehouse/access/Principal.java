package dev.gatehouse.access;

/** The authenticated caller of a request: a service key or a member key. Immutable. */
public sealed interface Principal permits Principal.Service, Principal.Member {

    /** Public id of the API key used. */
    String keyId();

    /** A service key: administers the deployment (models, organizations) and every organization. */
    record Service(String keyId) implements Principal {
    }

    /** A member key: acts as one member of one organization, with that member's permissions. */
    record Member(String keyId, long orgId, long memberId) implements Principal {
    }
}
