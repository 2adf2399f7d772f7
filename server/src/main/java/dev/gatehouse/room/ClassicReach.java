package dev.gatehouse.room;

import dev.gatehouse.access.Caller;
import dev.gatehouse.assignment.AssignmentService;
import dev.gatehouse.error.ForbiddenException;
import dev.gatehouse.member.Member;
import dev.gatehouse.model.PermissionModel;
import dev.gatehouse.office.ClassicHierarchy;
import dev.gatehouse.role.Role;
import dev.gatehouse.role.RoleStore;
import dev.gatehouse.store.Tx;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * Which rooms a v5 company's Manager or Admin manages, written as roles on the hierarchy
 * ({@link ClassicHierarchy}): a Manager of access level {@code Office} holds the Manager role on each of its offices,
 * {@code Region} on each of its regions, {@code Company} on the company; an Admin holds the Admin role on the
 * company. The decision engine then answers for every room beneath, as for any resource hierarchy; an Agent
 * ({@code Contributor}) holds roles only in the rooms it creates or is invited to. Called inside the transaction that
 * changes the user's role, access level, offices or regions, after that write's gates. Stateless apart from its
 * collaborators, thread-safe.
 */
final class ClassicReach {

    /** A place in the hierarchy. */
    private record Place(String type, String id) {
    }

    private final AssignmentService assignments;
    private final RoleStore roles = new RoleStore();

    ClassicReach(AssignmentService assignments) {
        this.assignments = assignments;
    }

    /**
     * Moves {@code member}'s reach from what {@code before} (null: a new user) gave it to what {@code after} gives it:
     * the role it gives on places it no longer reaches is taken away, judged as any removal of a role is
     * ({@link AssignmentService#takeAway}), and new ones given. Another role held on such a place (given through
     * {@code /v1}: no part of the profile) stays. A member key places users — itself
     * included — only where it manages itself (the role it holds there or above has every permission of the role
     * given): reach is where a Manager's permissions apply, so an Office-level Manager placing anyone in another
     * office would hand out power there that it has not (403 {@code privilege_escalation}), as assigning the role on
     * that office through {@code /v1} is refused.
     */
    void update(Tx tx, Caller caller, PermissionModel model, long orgId, Member member, RoomsProfile before,
                RoomsProfile after) {
        Role role = member.roleId() == null ? null : roles.find(tx.handle(), orgId, member.roleId()).orElse(null);
        String key = role == null ? null : role.systemKey();
        Set<Place> old = before == null ? Set.of() : places(key, before);
        Set<Place> now = places(key, after);
        // the company is recorded with its first region, which then gives its Admins their role on it (Managers are
        // invited into an office, so never before)
        now.removeIf(place -> place.type().equals(ClassicHierarchy.COMPANY)
                && !ClassicHierarchy.exists(tx.handle(), orgId, place.type(), place.id()));
        for (Place place : now) {
            // judged by what the member holds, not by its profile before: a profile can list a place whose role the
            // member does not hold (listed while an Agent, or the role taken away since), and giving it is handing out
            if (!holds(tx, orgId, member, place, role)
                    && !ClassicHierarchy.manages(tx.handle(), caller, model, place.type(), place.id(), role)) {
                throw new ForbiddenException("privilege_escalation", "the caller does not manage " + place.type()
                        + " " + place.id() + ", so it may not place a user there");
            }
        }
        for (Place place : old) {
            if (!now.contains(place)) {
                // only the role the profile gives there is its to take away: another one held there was given
                // through /v1, is no part of the profile, and stays
                assignments.held(tx, model, orgId, place.type(), place.id(), member.id())
                        .filter(held -> held.roleId() == role.id())
                        .ifPresent(held -> assignments.takeAway(tx, caller, model, held,
                                AssignmentService.removing(place.type(), place.id())));
            }
        }
        for (Place place : now) {
            if (!holds(tx, orgId, member, place, role)) {
                assignments.put(tx, caller, model, orgId, place.type(), place.id(), member, role.id(), null);
            }
        }
    }

    private boolean holds(Tx tx, long orgId, Member member, Place place, Role role) {
        return assignments.find(tx, orgId, place.type(), place.id(), member.id())
                .filter(a -> a.roleId() == role.id()).isPresent();
    }

    private static Set<Place> places(String roleKey, RoomsProfile profile) {
        Set<Place> out = new LinkedHashSet<>();
        if (RoomsPermissions.ADMIN_ROLE.equals(roleKey)) {
            out.add(new Place(ClassicHierarchy.COMPANY, ClassicHierarchy.COMPANY_ID));
        } else if (RoomsPermissions.MANAGER_ROLE.equals(roleKey)) {
            switch (profile.accessLevel()) {
                case OFFICE -> profile.offices().forEach(id -> out.add(new Place(ClassicHierarchy.OFFICE, id.toString())));
                case REGION -> profile.regions().forEach(id -> out.add(new Place(ClassicHierarchy.REGION, id.toString())));
                case COMPANY, ADMIN -> out.add(new Place(ClassicHierarchy.COMPANY, ClassicHierarchy.COMPANY_ID));
                default -> {
                    // a Manager at Contributor level manages no rooms beyond its own
                }
            }
        }
        return out;
    }
}
