package dev.gatehouse.office;

import dev.gatehouse.access.Access;
import dev.gatehouse.access.Caller;
import dev.gatehouse.assignment.AssignmentService;
import dev.gatehouse.model.OrgModels;
import dev.gatehouse.model.PermissionModel;
import dev.gatehouse.store.Tx;
import java.time.Instant;
import java.util.Optional;
import org.jdbi.v3.core.Handle;

/**
 * Regions and offices as an import restores them ({@code bulk/}): created with the dates an export read, changed to
 * the fields it read, by {@link OfficeService}'s own writes (recorded as its API's are, placed in a v5 company's
 * hierarchy, an office's move judged). The import applies the gates (a service key) before it calls here, inside the
 * organization's write. Stateless apart from its collaborators, thread-safe.
 */
public final class OfficeImports {

    private final OfficeStore store = new OfficeStore();
    private final OfficeService offices;

    public OfficeImports(Access access, OrgModels orgModels, AssignmentService assignments) {
        this.offices = new OfficeService(access, orgModels, assignments);
    }

    public Optional<Region> region(Handle h, long orgId, int id) {
        return store.findRegion(h, orgId, id);
    }

    public Optional<Office> office(Handle h, long orgId, int id) {
        return store.findOffice(h, orgId, id);
    }

    /** A new region named {@code name}, created at {@code createdAt} (null: now). */
    public Region createRegion(Tx tx, Caller caller, PermissionModel model, long orgId, String name, Instant createdAt) {
        return offices.insertRegion(tx, caller, model, orgId, name, createdAt);
    }

    /** Renames a region; false when it is named so already. */
    public boolean renameRegion(Tx tx, long orgId, Region current, String name) {
        return offices.rename(tx, orgId, current, name) != current;
    }

    /**
     * A new office, created at {@code createdAt} (null: now); its region must exist (400 on {@code regionField}), and
     * in a v5 company be given.
     */
    public Office createOffice(Tx tx, PermissionModel model, long orgId, OfficeFields fields, Instant createdAt,
                               String regionField) {
        return offices.insertOffice(tx, model, orgId, fields, createdAt, regionField);
    }

    /**
     * Changes an office to {@code after}; false when it is so already. A move to another region in a v5 company is
     * judged as {@code PATCH …/offices/{id}} judges it.
     */
    public boolean updateOffice(Tx tx, Caller caller, PermissionModel model, long orgId, Office current,
                                OfficeFields after, String regionField) {
        return offices.update(tx, caller, model, orgId, current, after, regionField) != current;
    }
}
