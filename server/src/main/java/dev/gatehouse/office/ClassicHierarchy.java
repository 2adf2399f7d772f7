package dev.gatehouse.office;

import dev.gatehouse.access.Caller;
import dev.gatehouse.assignment.Assignment;
import dev.gatehouse.assignment.AssignmentService;
import dev.gatehouse.error.ConflictException;
import dev.gatehouse.error.ForbiddenException;
import dev.gatehouse.error.InvalidInputException;
import dev.gatehouse.member.Member;
import dev.gatehouse.member.MemberStore;
import dev.gatehouse.model.PermissionModel;
import dev.gatehouse.model.ResourceType;
import dev.gatehouse.resource.Placement;
import dev.gatehouse.role.Role;
import dev.gatehouse.role.RoleStore;
import dev.gatehouse.store.Tx;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.jdbi.v3.core.Handle;

/**
 * Where a Rooms v5 ("classic") company's objects lie in the resource hierarchy of the {@code rooms_v5} model:
 * {@code company/company} at the top, each region under it, each office under its region, each room under its
 * office. A Manager's reach is a role on one of these (see {@code room/ClassicReach}), so that the decision engine
 * answers for every room beneath. The company is recorded with the first region; at that moment every member holding
 * the Admin role as its company role gets the Admin role on the company too (later Admins get it when invited), so
 * that Admins manage every room. Called by the services that create and delete those objects, inside their
 * transaction and after their gates.
 *
 * <p>The hierarchy follows the company's records, never the other way round: through the native resource API
 * ({@code /v1/orgs/{org}/resources/…}) a region, office, room or the company can be recorded only where its records
 * put it, and not taken out while it exists ({@link #requireAgrees}); otherwise a Manager's reach would differ from
 * the offices and regions Rooms shows, and an object left out would be out of every Manager's and Admin's reach.
 * Stateless apart from its collaborators, thread-safe.
 */
public final class ClassicHierarchy {

    public static final String COMPANY = "company";
    /** The one company resource's id. */
    public static final String COMPANY_ID = "company";
    public static final String REGION = "region";
    public static final String OFFICE = "office";
    public static final String ROOM = "room";
    /** The types where a user's reach is held: the hierarchy above rooms. */
    public static final List<String> PLACES = List.of(COMPANY, REGION, OFFICE);
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

    /**
     * Takes a deleted object (region, office, room) out of the hierarchy. A deleted region or office takes the roles
     * held on it along, as a deleted room takes its room roles: roles are held only on objects that exist
     * ({@link #holdsRoles}).
     */
    public void remove(Tx tx, long orgId, String type, int id) {
        placement.remove(tx, orgId, type, Integer.toString(id));
        if (REGION.equals(type) || OFFICE.equals(type)) {
            assignments.removeResource(tx, orgId, type, Integer.toString(id));
        }
    }

    /**
     * Whether roles may be held on {@code type}/{@code id} in a v5 company: the company (id {@value #COMPANY_ID}), and
     * its regions and offices that exist. A role on another id of these types would give its holder a Manager's or
     * Admin's reach over whatever later got that id. Other types are not judged here (true).
     */
    public static boolean holdsRoles(Handle h, long orgId, String type, String id) {
        return switch (type) {
            case COMPANY -> COMPANY_ID.equals(id);
            case REGION, OFFICE -> recorded(h, orgId, type, id).isPresent();
            default -> true;
        };
    }

    /**
     * Whether {@code caller} manages the place {@code placeType}/{@code placeId} for handing out {@code role} there:
     * the role it holds there or above — the nearest only, as decisions take it, not any role held above — has every
     * permission of {@code role}. Who may place a user there ({@code room/ClassicReach}), and who may give new power
     * to the reach a user holds there ({@link #requireManagesReach}).
     */
    public static boolean manages(Handle h, Caller caller, PermissionModel model, String placeType, String placeId,
                                  Role role) {
        ResourceType type = model.resourceType(placeType).orElseThrow();
        Set<String> held = caller.permissionsOn(h, type, placeId);
        return held == null || held.containsAll(role.permissions());
    }

    /**
     * On a v5 company, 403 {@code privilege_escalation} unless {@code caller} manages ({@link #manages}) every place
     * where {@code member} holds a role (its reach: on the company, regions and offices). Asked of every change that
     * gives that reach new power: unlocking the user (its reach counts again), and granting it flags (a Manager's
     * flags act wherever its reach does, so granting {@code canDeleteCompanyRooms} to the Manager of another office
     * hands out deleting that office's rooms). Other models, and service keys, pass.
     *
     * @param effect what the change does to a role of the reach, for the refusal ("would count again")
     */
    public static void requireManagesReach(Handle h, Caller caller, PermissionModel model, Member member,
                                           String effect) {
        if (caller.isService() || !applies(model)) {
            return;
        }
        RoleStore roles = new RoleStore();
        for (Assignment held : AssignmentService.heldOn(h, member.orgId(), member.id(), PLACES)) {
            Role role = roles.find(h, member.orgId(), held.roleId()).orElseThrow(() -> new IllegalStateException(
                    "assignment " + held.objectId() + " names role " + held.roleId() + ", which is not stored"));
            if (!manages(h, caller, model, held.resourceType(), held.resourceId(), role)) {
                throw new ForbiddenException("privilege_escalation", "member " + member.id() + "'s role \""
                        + role.name() + "\" on " + held.resourceType() + " " + held.resourceId() + " " + effect
                        + ": member " + caller.memberId() + " does not manage " + held.resourceType() + " "
                        + held.resourceId() + ", so it may not give power there");
            }
        }
    }

    /**
     * Refuses a native hierarchy write about {@code type}/{@code id} that would contradict the company's records:
     * recording it under another parent than the one its records give it (a region under the company, an office under
     * its region, a room under its office, the company at the top), recording one that does not exist (400 on
     * {@code id}: it would be reached once an object gets that id), or taking out one that exists (409
     * {@code classic_hierarchy}). An id naming nothing may be taken out. Recording the company is left to its first
     * region, which gives the company's Admins their role on it.
     */
    public static void requireAgrees(Handle h, long orgId, String type, String id, boolean unplace, String parentType,
                                     String parentId) {
        Optional<Spot> where = recorded(h, orgId, type, id);
        if (where.isEmpty()) {
            if (unplace) {
                return;
            }
            throw InvalidInputException.field("id", type + " " + id + " is not " + (COMPANY.equals(type)
                    ? "recorded yet: a v5 (classic) company is recorded with its first region (POST …/regions)"
                    : (OFFICE.equals(type) ? "an " : "a ") + type + " of this v5 (classic) company: its hierarchy "
                    + "holds the company, its regions, offices and rooms, each recorded when it is created"));
        }
        if (unplace) {
            throw new ConflictException("classic_hierarchy", type + " " + id + " exists in this v5 (classic) company, "
                    + "so it stays in the hierarchy: it leaves it when it is deleted");
        }
        Spot asked = new Spot(parentType, parentId);
        if (!where.get().equals(asked)) {
            throw new ConflictException("classic_hierarchy", type + " " + id + " lies " + where.get() + " in this v5 "
                    + "(classic) company, not " + asked + ": the hierarchy follows the company's records"
                    + (OFFICE.equals(type) ? "; move the office to another region with PATCH …/offices/" + id
                    + " {\"region_id\": …}" : ""));
        }
    }

    /** A place in the hierarchy: under a parent, or at the top ({@code type} and {@code id} null). */
    private record Spot(String type, String id) {
        @Override
        public String toString() {
            return type == null ? "at the top" : "under " + type + " " + id;
        }
    }

    /** Whether the company's records hold {@code type}/{@code id} (the company only once its first region is). */
    public static boolean exists(Handle h, long orgId, String type, String id) {
        return recorded(h, orgId, type, id).isPresent();
    }

    /** Where the company's records put an object; empty when there is no such object. */
    private static Optional<Spot> recorded(Handle h, long orgId, String type, String id) {
        if (COMPANY.equals(type)) {
            boolean recorded = COMPANY_ID.equals(id) && h.createQuery("SELECT count(*) FROM resources "
                            + "WHERE org_id = :org AND resource_type = :type AND resource_id = :id")
                    .bind("org", orgId).bind("type", COMPANY).bind("id", COMPANY_ID).mapTo(Integer.class).one() > 0;
            return recorded ? Optional.of(new Spot(null, null)) : Optional.empty();
        }
        Integer number = number(id);
        if (number == null) {
            return Optional.empty();
        }
        OfficeStore store = new OfficeStore();
        return switch (type) {
            case REGION -> store.findRegion(h, orgId, number).map(r -> new Spot(COMPANY, COMPANY_ID));
            case OFFICE -> store.findOffice(h, orgId, number).map(o -> o.regionId() == null ? new Spot(null, null)
                    : new Spot(REGION, Integer.toString(o.regionId())));
            case ROOM -> store.roomOffice(h, orgId, number).map(office -> office.isEmpty() ? new Spot(null, null)
                    : new Spot(OFFICE, Integer.toString(office.get())));
            default -> Optional.empty();
        };
    }

    /** An id as the Rooms services write it (a positive int in decimal), else null. */
    private static Integer number(String id) {
        try {
            int n = Integer.parseInt(id);
            return n > 0 && Integer.toString(n).equals(id) ? n : null;
        } catch (NumberFormatException e) {
            return null;
        }
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
