package dev.gatehouse.office;

import dev.gatehouse.access.Caller;
import dev.gatehouse.assignment.AssignmentService;
import dev.gatehouse.member.Member;
import dev.gatehouse.member.MemberStore;
import dev.gatehouse.model.PermissionModel;
import dev.gatehouse.resource.Placement;
import dev.gatehouse.role.Role;
import dev.gatehouse.role.RoleStore;
import dev.gatehouse.store.Tx;
import java.util.List;
import org.jdbi.v3.core.Handle;

/**
 * Where a Rooms v5 ("classic") company's objects lie in the resource hierarchy of the {@code rooms_v5} model:
 * {@code company/company} at the top, each region under it, each office under its region, each room under its
 * office. A Manager's reach is a role on one of these (see {@code room/ClassicReach}), so that the decision engine
 * answers for every room beneath. The company is recorded with the first region; at that moment every member holding
 * the Admin role as its company role gets the Admin role on the company too (later Admins get it when invited), so
 * that Admins manage every room. Called by the services that create and delete those objects, inside their
 * transaction and after their gates. Stateless apart from its collaborators, thread-safe.
 */
public final class ClassicHierarchy {

    public static final String COMPANY = "company";
    /** The one company resource's id. */
    public static final String COMPANY_ID = "company";
    public static final String REGION = "region";
    public static final String OFFICE = "office";
    public static final String ROOM = "room";
    private static final String ADMIN_ROLE = "admin";

    private final Placement placement = new Placement();
    private final MemberStore members = new MemberStore();
    private final RoleStore roles = new RoleStore();
    private final AssignmentService assignments;

    public ClassicHierarchy(AssignmentService assignments) {
        this.assignments = assignments;
    }

    /** Whether the organization's model is the v5 one, whose objects lie in the hierarchy. */
    public static boolean applies(PermissionModel model) {
        return "rooms_v5".equals(model.id());
    }

    /** Places a region under the company, recording the company first when it is not yet. */
    void region(Tx tx, Caller caller, PermissionModel model, long orgId, int regionId) {
        if (placement.find(tx, orgId, COMPANY, COMPANY_ID).isEmpty()) {
            placement.place(tx, orgId, COMPANY, COMPANY_ID, null, null);
            adminsOnCompany(tx, caller, model, orgId);
        }
        placement.place(tx, orgId, REGION, Integer.toString(regionId), COMPANY, COMPANY_ID);
    }

    /** Places an office under its region (moving it when its region changed). */
    void office(Tx tx, long orgId, int officeId, int regionId) {
        placement.place(tx, orgId, OFFICE, Integer.toString(officeId), REGION, Integer.toString(regionId));
    }

    /** Places a room under its office; a room without an office lies at the top. */
    public void room(Tx tx, long orgId, int roomId, Integer officeId) {
        placement.place(tx, orgId, ROOM, Integer.toString(roomId), officeId == null ? null : OFFICE,
                officeId == null ? null : Integer.toString(officeId));
    }

    /** Takes a deleted object (region, office, room) out of the hierarchy. */
    public void remove(Tx tx, long orgId, String type, int id) {
        placement.remove(tx, orgId, type, Integer.toString(id));
    }

    private void adminsOnCompany(Tx tx, Caller caller, PermissionModel model, long orgId) {
        Handle h = tx.handle();
        Role admin = roles.findBySystemKey(h, orgId, ADMIN_ROLE).orElse(null);
        if (admin == null) {
            return;
        }
        List<Long> ids = h.createQuery("SELECT id FROM members WHERE org_id = :org AND role_id = :role "
                        + "AND NOT external ORDER BY id")
                .bind("org", orgId).bind("role", admin.id()).mapTo(Long.class).list();
        for (Member member : members.findAll(h, orgId, ids)) {
            if (assignments.find(tx, orgId, COMPANY, COMPANY_ID, member.id()).isEmpty()) {
                assignments.put(tx, caller, model, orgId, COMPANY, COMPANY_ID, member, admin.id(), null);
            }
        }
    }
}
