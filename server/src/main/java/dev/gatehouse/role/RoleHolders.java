package dev.gatehouse.role;

import java.util.ArrayList;
import java.util.List;

/**
 * Who still holds a role: members holding it as their company role, resource assignments using it, and room users
 * whose access is revoked (Rooms), who keep it for a restore. A role with holders cannot be deleted, nor switch
 * between internal and external; the refusal ({@code role_in_use})
 * carries this as its {@link dev.gatehouse.error.GatehouseException#subject subject}, so every API can name the
 * numbers in its own words. Immutable.
 */
public record RoleHolders(long roleId, long members, long assignments, long revoked) {

    public boolean any() {
        return members + assignments + revoked > 0;
    }

    /**
     * The holders in words, naming only the kinds there are, each in the right number: "1 member",
     * "2 members and 1 resource assignment", "3 resource assignments", "1 room user whose access is revoked (it
     * comes back on restore)".
     */
    public String describe() {
        List<String> kinds = new ArrayList<>();
        if (members > 0) {
            kinds.add(counted(members, "member"));
        }
        if (assignments > 0) {
            kinds.add(counted(assignments, "resource assignment"));
        }
        if (revoked > 0) {
            kinds.add(counted(revoked, "room user") + " whose access is revoked (it comes back on restore)");
        }
        if (kinds.isEmpty()) {
            return counted(0, "member");
        }
        return kinds.size() == 1 ? kinds.get(0) : String.join(", ", kinds.subList(0, kinds.size() - 1)) + " and "
                + kinds.get(kinds.size() - 1);
    }

    /** "1 member", "2 members": a count with its noun in the right number. */
    public static String counted(long count, String noun) {
        return count + " " + (count == 1 ? noun : noun + "s");
    }
}
