package dev.gatehouse.assignment;

import dev.gatehouse.access.Caller;
import dev.gatehouse.model.PermissionModel;
import dev.gatehouse.model.ResourceType;
import dev.gatehouse.role.Role;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.LongFunction;
import java.util.function.Supplier;
import org.jdbi.v3.core.Handle;

/**
 * Whether a caller sees a member's role on a resource it sees: the model's {@link AssignmentRules.Concealment}
 * applied, the one way, for one role ({@link #sees}), for a resource's list ({@link #onResource}: a filter its query
 * applies, so that no holder is read one by one) and for a member's list ({@link #ofMember}: the same, per type, the
 * caller's permissions read by the query on each resource). A role the caller may not see answers as no role: left
 * out of lists, 404 alone, and a write on it judged as a write on a member holding none there; so does a role
 * the model keeps for a member holding none ({@link #seesKept}). A model's own gates that read a role themselves ask
 * {@link #sees} too. Stateless, thread-safe.
 */
public final class HolderVisibility {

    private final AssignmentRules rules;

    public HolderVisibility(AssignmentRules rules) {
        this.rules = rules;
    }

    /** What a query by resource leaves out: holders of roles granting {@code hiding}, except {@code viewer}. */
    record Hidden(String hiding, long viewer) {
    }

    /**
     * The rules for the types of a member's list whose holders the caller may not all see, as parallel arrays for the
     * query: on a resource of {@code types[i]}, a role granting {@code hiding[i]} is left out unless the caller's
     * permissions there include {@code revealing[i]} (its company role's {@code company[i]}, where no role of its on
     * the resource or above decides).
     */
    record HiddenByType(String[] types, String[] hiding, String[] revealing, Boolean[] company, long viewer) {
    }

    /**
     * Whether {@code caller} sees member {@code memberId} holding the role {@code held} gives (null: a role no longer
     * stored) on a resource it sees. {@code held} is asked only where the model conceals holders from the caller, and
     * the caller's permissions on the resource read only for a role that hides its holder.
     */
    public boolean sees(Handle h, Caller caller, PermissionModel model, ResourceType type, String resourceId,
                        long memberId, Supplier<Role> held) {
        AssignmentRules.Concealment c = rules.concealment(caller, model, type);
        if (c == null || caller.isService() || caller.is(memberId)) {
            return true;
        }
        Role role = held.get();
        return role == null || !role.permissions().contains(c.hiding()) || reveals(h, caller, type, resourceId, c);
    }

    /**
     * Whether {@code caller} sees member {@code memberId}, holding no role on a resource it sees, as such: false where
     * the model still knows it there by a role ({@link AssignmentRules#keptRole}) the caller may not see, which
     * answers as a role held would. The kept role is read only where the model conceals holders from the caller;
     * {@code role} finds a role of the organization by id (null: not stored).
     */
    boolean seesKept(Handle h, Caller caller, PermissionModel model, long orgId, ResourceType type, String resourceId,
                     long memberId, LongFunction<Role> role) {
        return sees(h, caller, model, type, resourceId, memberId, () -> {
            Long kept = rules.keptRole(h, model, orgId, type, resourceId, memberId);
            return kept == null ? null : role.apply(kept);
        });
    }

    /** The filter of a list of the holders of roles on one resource the caller sees; null: it sees them all. */
    Hidden onResource(Handle h, Caller caller, PermissionModel model, ResourceType type, String resourceId) {
        AssignmentRules.Concealment c = rules.concealment(caller, model, type);
        return c == null || caller.isService() || reveals(h, caller, type, resourceId, c) ? null
                : new Hidden(c.hiding(), caller.memberId());
    }

    /** The filter of a list of member {@code memberId}'s roles; null: the caller sees them all. */
    HiddenByType ofMember(Caller caller, PermissionModel model, long memberId) {
        if (caller.isService() || caller.is(memberId)) {
            return null;
        }
        List<String> types = new ArrayList<>();
        List<String> hiding = new ArrayList<>();
        List<String> revealing = new ArrayList<>();
        List<Boolean> company = new ArrayList<>();
        for (ResourceType type : model.resourceTypes()) {
            AssignmentRules.Concealment c = rules.concealment(caller, model, type);
            if (c != null) {
                types.add(type.key());
                hiding.add(c.hiding());
                revealing.add(c.revealing());
                company.add(type.inheritsCompanyRole() && !caller.external() && caller.has(c.revealing()));
            }
        }
        return types.isEmpty() ? null : new HiddenByType(types.toArray(new String[0]), hiding.toArray(new String[0]),
                revealing.toArray(new String[0]), company.toArray(new Boolean[0]), caller.memberId());
    }

    private static boolean reveals(Handle h, Caller caller, ResourceType type, String resourceId,
                                   AssignmentRules.Concealment c) {
        Set<String> own = caller.permissionsOn(h, type, resourceId);
        return own == null || own.contains(c.revealing());
    }
}
