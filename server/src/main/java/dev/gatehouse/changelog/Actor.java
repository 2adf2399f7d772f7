package dev.gatehouse.changelog;

import java.util.Objects;

/**
 * Who made a change: a service key, a member acting through a key, or the system itself.
 *
 * @param type  {@code service}, {@code member} or {@code system}
 * @param id    the member id for members, null otherwise
 * @param keyId the public id of the API key used, null for the system
 */
public record Actor(String type, Long id, String keyId) {
    public static final Actor SYSTEM = new Actor("system", null, null);

    public Actor {
        Objects.requireNonNull(type, "type");
    }

    public static Actor service(String keyId) {
        return new Actor("service", null, keyId);
    }

    public static Actor member(long memberId, String keyId) {
        return new Actor("member", memberId, keyId);
    }
}
