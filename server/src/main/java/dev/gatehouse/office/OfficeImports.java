package dev.gatehouse.office;

import dev.gatehouse.access.Access;
import dev.gatehouse.access.Caller;
import dev.gatehouse.assignment.AssignmentService;
import dev.gatehouse.assignment.HierarchyMoves;
import dev.gatehouse.changelog.Action;
import dev.gatehouse.changelog.ObjectType;
import dev.gatehouse.error.InvalidInputException;
import dev.gatehouse.model.PermissionModel;
import dev.gatehouse.store.Tx;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;

import static dev.gatehouse.store.SqlTime.utc;

/**
 * Regions and offices as an import restores them ({@code bulk/}): created with the dates an export read, changed to
 * the fields it read, each write recorded as {@link OfficeService}'s are and placed in a v5 company's hierarchy
 * ({@link ClassicHierarchy}) in the same write. The import applies the gates ({@link OfficeService#MANAGE}) before it
 * calls here, inside the organization's write. Stateless apart from its collaborators, thread-safe.
 */
public final class OfficeImports {

    private final OfficeStore store = new OfficeStore();
    private final ClassicHierarchy hierarchy;
    private final HierarchyMoves moves;

    public OfficeImports(Access access, AssignmentService assignments) {
        this.hierarchy = new ClassicHierarchy(assignments);
        this.moves = new HierarchyMoves(access);
    }

    public Optional<Region> region(Handle h, long orgId, int id) {
        return store.findRegion(h, orgId, id);
    }

    public Optional<Office> office(Handle h, long orgId, int id) {
        return store.findOffice(h, orgId, id);
    }

    /** A new region named {@code name}, created at {@code createdAt} (null: now). */
    public Region createRegion(Tx tx, Caller caller, PermissionModel model, long orgId, String name, Instant createdAt) {
        Region region = store.insertRegion(tx.handle(), orgId, name, tx.now());
        if (createdAt != null) {
            tx.handle().createUpdate("UPDATE regions SET created_at = :at WHERE id = :id")
                    .bind("at", utc(createdAt)).bind("id", region.id()).execute();
            region = store.findRegion(tx.handle(), orgId, region.id()).orElseThrow();
        }
        tx.change(orgId, ObjectType.REGION, region.id(), Action.CREATED, null, LoggedOffices.region(region));
        if (ClassicHierarchy.applies(model)) {
            hierarchy.region(tx, caller, model, orgId, region.id());
        }
        return region;
    }

    /** Renames a region; false when it is named so already. */
    public boolean renameRegion(Tx tx, long orgId, Region current, String name) {
        if (current.name().equals(name)) {
            return false;
        }
        Region renamed = store.renameRegion(tx.handle(), current.id(), name, tx.now());
        tx.change(orgId, ObjectType.REGION, current.id(), Action.UPDATED, LoggedOffices.region(current),
                LoggedOffices.region(renamed));
        return true;
    }

    /**
     * A new office, created at {@code createdAt} (null: now); its region must exist (400 on {@code regionField}), and
     * in a v5 company be given.
     */
    public Office createOffice(Tx tx, PermissionModel model, long orgId, OfficeFields fields, Instant createdAt,
                               String regionField) {
        requireRegion(tx.handle(), model, orgId, fields.regionId(), regionField);
        Office office = store.insertOffice(tx.handle(), orgId, fields, tx.now());
        if (createdAt != null) {
            tx.handle().createUpdate("UPDATE offices SET created_at = :at WHERE id = :id")
                    .bind("at", utc(createdAt)).bind("id", office.id()).execute();
            office = store.findOffice(tx.handle(), orgId, office.id()).orElseThrow();
        }
        tx.change(orgId, ObjectType.OFFICE, office.id(), Action.CREATED, null, LoggedOffices.office(office));
        if (ClassicHierarchy.applies(model)) {
            hierarchy.office(tx, orgId, office.id(), office.regionId());
        }
        return office;
    }

    /**
     * Changes an office to {@code after}; false when it is so already. A move to another region in a v5 company is
     * judged as {@code PATCH …/offices/{id}} judges it.
     */
    public boolean updateOffice(Tx tx, Caller caller, PermissionModel model, long orgId, Office current,
                                OfficeFields after, String regionField) {
        if (after.equals(current.fields())) {
            return false;
        }
        requireRegion(tx.handle(), model, orgId, after.regionId(), regionField);
        boolean classic = ClassicHierarchy.applies(model);
        if (classic && !after.regionId().equals(current.regionId())) {
            moves.judge(tx.handle(), caller, model, orgId, ClassicHierarchy.OFFICE, Integer.toString(current.id()),
                    ClassicHierarchy.REGION, String.valueOf(current.regionId()), ClassicHierarchy.REGION,
                    String.valueOf(after.regionId()), "moving office " + current.id() + " to region "
                            + after.regionId());
        }
        Office updated = store.updateOffice(tx.handle(), current.id(), after, tx.now());
        tx.change(orgId, ObjectType.OFFICE, current.id(), Action.UPDATED, LoggedOffices.office(current),
                LoggedOffices.office(updated));
        if (classic) {
            hierarchy.office(tx, orgId, current.id(), updated.regionId());
        }
        return true;
    }

    private void requireRegion(Handle h, PermissionModel model, long orgId, Integer regionId, String field) {
        if (regionId != null) {
            if (!store.missingRegions(h, orgId, List.of(regionId)).isEmpty()) {
                throw InvalidInputException.field(field, "no region " + regionId + " exists here; create regions "
                        + "first");
            }
        } else if (ClassicHierarchy.applies(model)) {
            throw InvalidInputException.field(field, "is required in a v5 (classic) company: every office lies in "
                    + "a region");
        }
    }
}
