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

    /**
     * The holders in words, naming only the kinds there are, each in the right number: "1 member",
     * "2 members and 1 resource assignment", "3 resource assignments".
     */
    public String describe() {
        String people = counted(members, "member");
        String resources = counted(assignments, "resource assignment");
        if (assignments == 0) {
            return people;
        }
        return members == 0 ? resources : people + " and " + resources;
    }

    /** "1 member", "2 members": a count with its noun in the right number. */
    public static String counted(long count, String noun) {
        return count + " " + (count == 1 ? noun : noun + "s");
    }
}
