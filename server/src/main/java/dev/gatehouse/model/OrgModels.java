package dev.gatehouse.model;

import dev.gatehouse.error.NotFoundException;
import dev.gatehouse.json.Json;
import org.jdbi.v3.core.Handle;

/**
 * The model each organization uses, read inside a read or a write: every service asks it first, so an unknown
 * organization is a 404 {@code organization_not_found} before anything else is looked at. An organization never
 * changes its model. Thread-safe.
 */
public final class OrgModels {

    private final ModelRegistry models;

    public OrgModels(ModelRegistry models) {
        this.models = models;
    }

    /** The id of the model organization {@code orgId} uses; 404 when there is no such organization. */
    public String modelId(Handle h, long orgId) {
        return h.createQuery("SELECT model_id FROM organizations WHERE id = :id").bind("id", orgId)
                .mapTo(String.class).findOne().orElseThrow(() -> notFound(orgId));
    }

    /** 404 {@code organization_not_found} unless organization {@code orgId} exists. */
    public void requireExists(Handle h, long orgId) {
        modelId(h, orgId);
    }

    /** The model organization {@code orgId} uses; 404 when there is no such organization. */
    public PermissionModel model(Handle h, long orgId) {
        return model(h, modelId(h, orgId));
    }

    /**
     * The model {@code id} an organization names (read with it, e.g. under its lock): learnt from the table when
     * this node has not heard of its registration yet ({@link #find}); 404 {@code model_not_found} when no node
     * registered it.
     */
    public PermissionModel model(Handle h, String id) {
        PermissionModel model = find(h, id);
        return model != null ? model : models.require(id);
    }

    /**
     * The registered model {@code id}, or null. One registered through another node a moment ago is read from the
     * table and learnt here, its change record not having reached this node yet: writes and reads see every
     * committed registration, as they see every other committed write (a model was once unknown on the other nodes
     * for some milliseconds, a 400 {@code unknown model}).
     */
    public PermissionModel find(Handle h, String id) {
        PermissionModel known = models.get(id);
        if (known != null) {
            return known;
        }
        return h.createQuery("SELECT definition FROM models WHERE id = :id").bind("id", id).mapTo(String.class)
                .findOne().map(definition -> {
                    PermissionModel stored = ModelParser.parse(Json.readTree(definition), false);
                    models.add(stored);
                    return stored;
                }).orElse(null);
    }

    public ModelRegistry registry() {
        return models;
    }

    private static NotFoundException notFound(long orgId) {
        return new NotFoundException("organization_not_found", "organization " + orgId + " not found");
    }
}
