package dev.gatehouse.role;

/**
 * Who still holds a role: members holding it as their company role, and resource assignments using it. A role
 * with holders cannot be deleted, nor switch between internal and external; the refusal ({@code role_in_use})
 * carries this as its {@link dev.gatehouse.error.GatehouseException#subject subject}, so every API can name the
 * numbers in its own words. Immutable.
 */
public record RoleHolders(long roleId, long members, long assignments) {

    public boolean any() {
        return members + assignments > 0;
    }
}
