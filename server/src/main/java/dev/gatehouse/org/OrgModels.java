package dev.gatehouse.org;

import dev.gatehouse.error.NotFoundException;
import dev.gatehouse.model.ModelRegistry;
import dev.gatehouse.model.PermissionModel;
import org.jdbi.v3.core.Handle;

/** Finds an organization and the model it uses, inside a read or a write. Thread-safe. */
public final class OrgModels {

    private final OrgStore orgs = new OrgStore();
    private final ModelRegistry models;

    public OrgModels(ModelRegistry models) {
        this.models = models;
    }

    public Organization organization(Handle h, long orgId) {
        return orgs.find(h, orgId).orElseThrow(() ->
                new NotFoundException("organization_not_found", "organization " + orgId + " not found"));
    }

    public PermissionModel model(Handle h, long orgId) {
        return models.require(organization(h, orgId).modelId());
    }

    public ModelRegistry registry() {
        return models;
    }
}
