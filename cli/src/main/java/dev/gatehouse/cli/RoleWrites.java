package dev.gatehouse.cli;

import dev.gatehouse.client.OrgClient;
import dev.gatehouse.client.Roles.Role;
import dev.gatehouse.client.Roles.RoleInput;

/**
 * Changes to a custom role, for every command that makes them ({@code roles update}, {@code apply}), including taking
 * a role's visibility away, as the model's rule requires once the role holds the "sees all" permission: the
 * {@code PATCH} then names {@code "visibility": null} ({@link RoleInput#withoutVisibility()}), judged like any other
 * change and conditional on {@code --if-version} like any other. Stateless.
 */
final class RoleWrites {

    private RoleWrites() {
    }

    /**
     * Applies {@code changes} (null components: unchanged) to {@code current}; with {@code clearVisibility} the role
     * also loses its visibility.
     *
     * @param expectedVersion the version the role must still be at, or null
     */
    static Role update(OrgClient org, Role current, RoleInput changes, boolean clearVisibility, Long expectedVersion) {
        RoleInput input = clearVisibility ? changes.withoutVisibility() : changes;
        return expectedVersion == null ? org.roles().update(current.id(), input)
                : org.roles().update(current.id(), input, expectedVersion);
    }
}
