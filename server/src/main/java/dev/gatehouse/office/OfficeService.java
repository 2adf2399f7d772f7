package dev.gatehouse.office;

import dev.gatehouse.access.Access;
import dev.gatehouse.access.Caller;
import dev.gatehouse.access.Principal;
import dev.gatehouse.assignment.AssignmentService;
import dev.gatehouse.assignment.HierarchyMoves;
import dev.gatehouse.changelog.Action;
import dev.gatehouse.changelog.ObjectType;
import dev.gatehouse.error.ConflictException;
import dev.gatehouse.error.InvalidInputException;
import dev.gatehouse.error.NotFoundException;
import dev.gatehouse.model.PermissionModel;
import dev.gatehouse.model.OrgModels;
import dev.gatehouse.store.Tx;
import dev.gatehouse.store.Written;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.jdbi.v3.core.Handle;

import static dev.gatehouse.error.PreconditionFailedException.requireVersion;

/**
 * Offices and regions of a {@code rooms} or {@code rooms_v5} organization, for every API (the native {@code /v1/orgs/{org}/offices}
 * and {@code …/regions}, the Rooms dialect's {@code …/offices}, {@code …/regions}). Rules:
 *
 * <ul>
 *   <li>they exist only in organizations on the {@code rooms} and {@code rooms_v5} models (400
 *       {@code not_a_rooms_organization});</li>
 *   <li>in a v5 company ({@code rooms_v5}) every office lies in a region, and both are placed in the resource
 *       hierarchy ({@link ClassicHierarchy}) in the same write that creates, moves or deletes them;</li>
 *   <li>internal members read them all; external members (outsiders in rooms) see none, as if none existed;</li>
 *   <li>creating, changing and deleting them needs {@code canManageAccount}, Rooms' company-settings permission
 *       (service keys pass);</li>
 *   <li>an office's region must exist; an office still holding rooms or named by users (default office, office
 *       list), or a region still holding offices or named by users, cannot be deleted (409 with the counts);</li>
 *   <li>other services check the office and region ids they are given through {@link #requireOffices} and
 *       {@link #requireRegions} (or {@link #unknownOffices} and {@link #unknownRegions}, to name every bad field
 *       of a request at once), inside their own transaction.</li>
 * </ul>
 *
 * Every change is recorded as an {@code office} or {@code region} change. Thread-safe.
 */
public final class OfficeService {

    /** Rooms' company-settings permission, which gates managing offices and regions. */
    public static final String MANAGE = "canManageAccount";
    private static final String ROOMS_MODEL = "rooms";

    private final Access access;
    private final OrgModels orgModels;
    private final OfficeStore store = new OfficeStore();
    private final ClassicHierarchy hierarchy;
    private final HierarchyMoves moves;

    public OfficeService(Access access, OrgModels orgModels, AssignmentService assignments) {
        this.access = access;
        this.orgModels = orgModels;
        this.hierarchy = new ClassicHierarchy(assignments);
        this.moves = new HierarchyMoves(access);
    }

    // ---------------------------------------------------------------- regions

    /** Every region of the organization, by id, as the native API lists them. */
    public OfficePage<Region> regions(Principal principal, long orgId, int afterId, int offset, int limit) {
        return regions(principal, orgId, new RegionQuery(false, afterId, offset, limit));
    }

    /** Regions as the query asks ({@link RegionQuery}: all, or those the caller manages), by id. */
    public OfficePage<Region> regions(Principal principal, long orgId, RegionQuery query) {
        return access.read(principal, orgId, (h, caller) -> {
            requireRoomsOrg(h, orgId);
            if (caller.external()) {
                return new OfficePage<Region>(List.of(), 0);
            }
            if (!query.managedOnly() || caller.isService()) {
                return store.regions(h, orgId, query, null);
            }
            if (ClassicHierarchy.applies(orgModels.model(h, orgId))) {
                return store.regions(h, orgId, query, caller.memberId());
            }
            return caller.has(MANAGE) ? store.regions(h, orgId, query, null) : new OfficePage<Region>(List.of(), 0);
        });
    }

    public Region region(Principal principal, long orgId, int regionId) {
        return access.read(principal, orgId, (h, caller) -> {
            requireRoomsOrg(h, orgId);
            if (caller.external()) {
                throw regionNotFound(regionId);
            }
            return findRegion(h, orgId, regionId);
        });
    }

    public Written<Region> createRegion(Principal principal, long orgId, String name) {
        return access.write(principal, orgId, (tx, caller) -> {
            Handle h = tx.handle();
            requireManage(h, caller, orgId, "creating a region");
            return insertRegion(tx, caller, orgModels.model(h, orgId), orgId, name, null);
        });
    }

    /**
     * A new region, in a write of its organization whose gates passed (this API's, or an import's): created at
     * {@code createdAt} (null: now), recorded, and placed in a v5 company's hierarchy.
     */
    public Region insertRegion(Tx tx, Caller caller, PermissionModel model, long orgId, String name,
                               Instant createdAt) {
        Region region = store.insertRegion(tx.handle(), orgId, name, createdAt == null ? tx.now() : createdAt,
                tx.now());
        tx.change(orgId, ObjectType.REGION, region.id(), Action.CREATED, null, LoggedOffices.region(region));
        if (ClassicHierarchy.applies(model)) {
            hierarchy.region(tx, caller, model, orgId, region.id());
        }
        return region;
    }

    public Written<Region> renameRegion(Principal principal, long orgId, int regionId, String name,
                                        Integer expectedVersion) {
        return access.write(principal, orgId, (tx, caller) -> {
            Handle h = tx.handle();
            requireManage(h, caller, orgId, "renaming a region");
            Region current = findRegion(h, orgId, regionId);
            requireVersion("region", current.id(), current.version(), expectedVersion);
            return rename(tx, orgId, current, name);
        });
    }

    /** Renames region {@code current}, in such a write; {@code current} itself when it is named so already. */
    public Region rename(Tx tx, long orgId, Region current, String name) {
        if (current.name().equals(name)) {
            return current;
        }
        Region renamed = store.renameRegion(tx.handle(), current.id(), name, tx.now());
        tx.change(orgId, ObjectType.REGION, current.id(), Action.UPDATED, LoggedOffices.region(current),
                LoggedOffices.region(renamed));
        return renamed;
    }

    public Written<Region> deleteRegion(Principal principal, long orgId, int regionId, Integer expectedVersion) {
        return access.write(principal, orgId, (tx, caller) -> {
            Handle h = tx.handle();
            requireManage(h, caller, orgId, "deleting a region");
            Region current = findRegion(h, orgId, regionId);
            requireVersion("region", current.id(), current.version(), expectedVersion);
            OfficeStore.References refs = store.regionReferences(h, orgId, regionId);
            if (refs.any()) {
                throw new ConflictException("region_in_use", inUse("region " + regionId,
                        refs.offices(), "still holds " + counted(refs.offices(), "office"),
                        "move " + the(refs.offices(), "office") + " to another region",
                        refs.users(), "is among the regions of " + counted(refs.users(), "user"),
                        "remove the region from " + (refs.users() == 1 ? "that user" : "those users")));
            }
            store.deleteRegion(h, regionId);
            tx.change(orgId, ObjectType.REGION, regionId, Action.DELETED, LoggedOffices.region(current), null);
            if (ClassicHierarchy.applies(orgModels.model(h, orgId))) {
                hierarchy.remove(tx, orgId, ClassicHierarchy.REGION, regionId);
            }
            return current;
        });
    }

    // ---------------------------------------------------------------- offices

    /** Offices matching the query ({@link OfficeQuery}), by id. */
    public OfficePage<Office> offices(Principal principal, long orgId, OfficeQuery query) {
        return access.read(principal, orgId, (h, caller) -> {
            requireRoomsOrg(h, orgId);
            if (caller.external()) {
                return new OfficePage<Office>(List.of(), 0);
            }
            return store.offices(h, orgId, query, query.onlyAccessible() ? caller.memberId() : null);
        });
    }

    public Office office(Principal principal, long orgId, int officeId) {
        return access.read(principal, orgId, (h, caller) -> {
            requireRoomsOrg(h, orgId);
            if (caller.external()) {
                throw officeNotFound(officeId);
            }
            return findOffice(h, orgId, officeId);
        });
    }

    /**
     * Creates an office; an error about its region names {@code regionField}, the field as the calling API spells it
     * ({@code region_id} in the native API, {@code regionId} in Rooms').
     */
    public Written<Office> createOffice(Principal principal, long orgId, OfficeFields fields, String regionField) {
        return access.write(principal, orgId, (tx, caller) -> {
            Handle h = tx.handle();
            requireManage(h, caller, orgId, "creating an office");
            return insertOffice(tx, orgModels.model(h, orgId), orgId, fields, null, regionField);
        });
    }

    /**
     * A new office, in a write of its organization whose gates passed: its region must exist, and in a v5 company be
     * given (400 on {@code regionField}); created at {@code createdAt} (null: now), recorded, and placed in a v5
     * company's hierarchy.
     */
    public Office insertOffice(Tx tx, PermissionModel model, long orgId, OfficeFields fields, Instant createdAt,
                               String regionField) {
        requireRegion(tx.handle(), orgId, regionField, fields.regionId());
        boolean classic = ClassicHierarchy.applies(model);
        if (classic) {
            requireClassicRegion(regionField, fields.regionId());
        }
        Office office = store.insertOffice(tx.handle(), orgId, fields, createdAt == null ? tx.now() : createdAt,
                tx.now());
        tx.change(orgId, ObjectType.OFFICE, office.id(), Action.CREATED, null, LoggedOffices.office(office));
        if (classic) {
            hierarchy.office(tx, orgId, office.id(), office.regionId());
        }
        return office;
    }

    /**
     * Changes the parts of an office named in {@code given} to their values in {@code change}; an error about its
     * region names {@code regionField}, the field as the calling API spells it.
     */
    public Written<Office> updateOffice(Principal principal, long orgId, int officeId, OfficeFields change,
                                        Set<OfficeFields.Field> given, Integer expectedVersion, String regionField) {
        return access.write(principal, orgId, (tx, caller) -> {
            Handle h = tx.handle();
            requireManage(h, caller, orgId, "changing an office");
            Office current = findOffice(h, orgId, officeId);
            requireVersion("office", current.id(), current.version(), expectedVersion);
            OfficeFields after = current.fields().with(change, given);
            if (after.name() == null) {
                throw InvalidInputException.field("name", "is required: an office has a name");
            }
            return update(tx, caller, orgModels.model(h, orgId), orgId, current, after, regionField);
        });
    }

    /**
     * Changes office {@code current} to {@code after}, in a write of its organization whose gates passed;
     * {@code current} itself when it is so already. An error about its region names {@code regionField}.
     */
    public Office update(Tx tx, Caller caller, PermissionModel model, long orgId, Office current, OfficeFields after,
                         String regionField) {
        if (after.equals(current.fields())) {
            return current;
        }
        Handle h = tx.handle();
        int officeId = current.id();
        requireRegion(h, orgId, regionField, after.regionId());
        boolean classic = ClassicHierarchy.applies(model);
        if (classic) {
            requireClassicRegion(regionField, after.regionId());
            // a move to another region changes whose reach decides in the office and every room beneath: judged
            // as a move through the resource API is, for what it gives and takes away
            moves.judge(tx, caller, model, orgId, ClassicHierarchy.OFFICE, Integer.toString(officeId),
                    ClassicHierarchy.REGION, String.valueOf(current.regionId()), ClassicHierarchy.REGION,
                    String.valueOf(after.regionId()), "moving office " + officeId + " to region "
                            + after.regionId());
        }
        Office updated = store.updateOffice(h, officeId, after, tx.now());
        tx.change(orgId, ObjectType.OFFICE, officeId, Action.UPDATED, LoggedOffices.office(current),
                LoggedOffices.office(updated));
        if (classic) {
            // a move to another region is one write, which every room beneath follows
            hierarchy.office(tx, orgId, officeId, updated.regionId());
        }
        return updated;
    }

    public Written<Office> deleteOffice(Principal principal, long orgId, int officeId, Integer expectedVersion) {
        return access.write(principal, orgId, (tx, caller) -> {
            Handle h = tx.handle();
            requireManage(h, caller, orgId, "deleting an office");
            Office current = findOffice(h, orgId, officeId);
            requireVersion("office", current.id(), current.version(), expectedVersion);
            OfficeStore.References refs = store.officeReferences(h, orgId, officeId);
            if (refs.any()) {
                // its rooms can only be deleted: no call moves a room to another office (Rooms has no room update,
                // and a v5 room stays under its office in the hierarchy)
                throw new ConflictException("office_in_use", inUse("office " + officeId,
                        refs.rooms(), "still holds " + counted(refs.rooms(), "room"),
                        "delete " + the(refs.rooms(), "room"),
                        refs.users(), "is the default office or among the offices of " + counted(refs.users(), "user"),
                        refs.users() == 1 ? "give that user another default office and take the office from its offices"
                                : "give those users another default office and take the office from their offices"));
            }
            store.deleteOffice(h, officeId);
            tx.change(orgId, ObjectType.OFFICE, officeId, Action.DELETED, LoggedOffices.office(current), null);
            if (ClassicHierarchy.applies(orgModels.model(h, orgId))) {
                hierarchy.remove(tx, orgId, ClassicHierarchy.OFFICE, officeId);
            }
            return current;
        });
    }

    /**
     * Why {@code what} cannot be deleted, naming only the kinds of reference it still has (at most two: a
     * {@code first} count and a {@code second}), each with the step that clears it.
     */
    private static String inUse(String what, int first, String firstHeld, String firstRemedy,
                                int second, String secondHeld, String secondRemedy) {
        List<String> held = new ArrayList<>(2);
        List<String> remedies = new ArrayList<>(2);
        if (first > 0) {
            held.add(firstHeld);
            remedies.add(firstRemedy);
        }
        if (second > 0) {
            held.add(secondHeld);
            remedies.add(secondRemedy);
        }
        return what + " " + String.join(" and ", held) + "; " + String.join(" and ", remedies) + " first";
    }

    /** "1 office", "2 offices": a count with its noun in the right number. */
    private static String counted(int count, String noun) {
        return count + " " + (count == 1 ? noun : noun + "s");
    }

    /** "the office", "the offices". */
    private static String the(int count, String noun) {
        return "the " + (count == 1 ? noun : noun + "s");
    }

    // ---------------------------------------------------------------- for other services

    /** Every id names an office of the organization; else a 400 on {@code field} naming the ones that do not. */
    public void requireOffices(Handle h, long orgId, String field, Collection<Integer> ids) {
        unknownOffices(h, orgId, ids).ifPresent(why -> {
            throw InvalidInputException.field(field, why);
        });
    }

    /** Every id names a region of the organization; else a 400 on {@code field} naming the ones that do not. */
    public void requireRegions(Handle h, long orgId, String field, Collection<Integer> ids) {
        unknownRegions(h, orgId, ids).ifPresent(why -> {
            throw InvalidInputException.field(field, why);
        });
    }

    /**
     * Why {@code ids} are not all offices of the organization, naming the ones that are not ("no office 98 exists
     * here; create offices first"); empty when they are. For a caller that names every bad field of a request at
     * once; {@link #requireOffices} throws it.
     */
    public Optional<String> unknownOffices(Handle h, long orgId, Collection<Integer> ids) {
        return unknown(store.missingOffices(h, orgId, ids), "office");
    }

    /** Why {@code ids} are not all regions of the organization, as {@link #unknownOffices}; empty when they are. */
    public Optional<String> unknownRegions(Handle h, long orgId, Collection<Integer> ids) {
        return unknown(store.missingRegions(h, orgId, ids), "region");
    }

    private static Optional<String> unknown(List<Integer> missing, String noun) {
        if (missing.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of((missing.size() == 1 ? "no " + noun + " " + missing.get(0) + " exists"
                : "no " + noun + "s " + missing + " exist") + " here; create " + noun + "s first");
    }

    private void requireRegion(Handle h, long orgId, String field, Integer regionId) {
        if (regionId != null) {
            requireRegions(h, orgId, field, List.of(regionId));
        }
    }

    /**
     * In a v5 company every office lies in a region: the company, its regions and offices form the hierarchy through
     * which a Manager's reach and an Admin's role on the company apply to the rooms beneath.
     */
    private static void requireClassicRegion(String field, Integer regionId) {
        if (regionId == null) {
            throw InvalidInputException.field(field, "is required in a v5 (classic) company: every office lies "
                    + "in a region, through which the region's and the company's managers reach its rooms");
        }
    }

    private void requireManage(Handle h, Caller caller, long orgId, String what) {
        requireRoomsOrg(h, orgId);
        caller.require(MANAGE, what);
    }

    private void requireRoomsOrg(Handle h, long orgId) {
        PermissionModel model = orgModels.model(h, orgId);
        if (!ROOMS_MODEL.equals(model.id()) && !ClassicHierarchy.applies(model)) {
            throw new InvalidInputException("not_a_rooms_organization", "offices and regions belong to organizations "
                    + "on the \"" + ROOMS_MODEL + "\" and \"rooms_v5\" models; this one uses \"" + model.id() + "\"");
        }
    }

    private Region findRegion(Handle h, long orgId, int regionId) {
        return store.findRegion(h, orgId, regionId).orElseThrow(() -> regionNotFound(regionId));
    }

    private Office findOffice(Handle h, long orgId, int officeId) {
        return store.findOffice(h, orgId, officeId).orElseThrow(() -> officeNotFound(officeId));
    }

    private static NotFoundException regionNotFound(int id) {
        return new NotFoundException("region_not_found", "region " + id + " not found");
    }

    private static NotFoundException officeNotFound(int id) {
        return new NotFoundException("office_not_found", "office " + id + " not found");
    }
}
