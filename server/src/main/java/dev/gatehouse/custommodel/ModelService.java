package dev.gatehouse.custommodel;

import dev.gatehouse.access.Access;
import dev.gatehouse.access.Principal;
import dev.gatehouse.changelog.Action;
import dev.gatehouse.changelog.ObjectType;
import dev.gatehouse.error.ConflictException;
import dev.gatehouse.error.NotFoundException;
import dev.gatehouse.json.Json;
import dev.gatehouse.model.ModelDefinition;
import dev.gatehouse.model.ModelParser;
import dev.gatehouse.model.ModelRegistry;
import dev.gatehouse.model.OrgModels;
import dev.gatehouse.model.PermissionModel;
import dev.gatehouse.store.Store;
import dev.gatehouse.store.Written;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Lists models — to a member key only the built-in ones and its organization's — and registers custom ones (service
 * keys only). A custom model is stored in the {@code models} table and its definition is its change record's
 * snapshot, from which every node's {@link ModelRegistry} learns it; {@link #loadStored} reads the table at startup
 * and after a reload. Thread-safe.
 */
public final class ModelService {

    private final Store store;
    private final OrgModels orgModels;
    private final ModelRegistry registry;
    private final Access access;
    private final CustomModelStore models = new CustomModelStore();

    public ModelService(Store store, OrgModels orgModels, Access access) {
        this.store = store;
        this.orgModels = orgModels;
        this.registry = orgModels.registry();
        this.access = access;
    }

    /**
     * The models {@code principal} may read, those registered through other nodes a moment ago included: every one
     * for a service key; the built-in ones and its own organization's for a member, which learns nothing of the
     * models other organizations were made with.
     */
    public List<PermissionModel> list(Principal principal) {
        if (principal instanceof Principal.Member member) {
            String own = ownModel(member).id();
            return registry.all().stream().filter(m -> m.builtIn() || m.id().equals(own)).toList();
        }
        store.read(h -> {
            models.ids(h).forEach(id -> orgModels.find(h, id));
            return null;
        });
        return registry.all();
    }

    /**
     * A model {@code principal} may read (see {@link #list}), one registered through another node a moment ago
     * included; 404 when there is none, and for a member, when it is another organization's custom model.
     */
    public PermissionModel get(Principal principal, String id) {
        if (principal instanceof Principal.Member member) {
            PermissionModel builtIn = registry.get(id);
            if (builtIn != null && builtIn.builtIn()) {
                return builtIn;
            }
            PermissionModel own = ownModel(member);
            if (!own.id().equals(id)) {
                throw notFound(id);
            }
            return own;
        }
        PermissionModel model = registry.get(id);
        return model != null ? model : store.read(h -> {
            orgModels.find(h, id);
            return registry.require(id);
        });
    }

    /**
     * Validates and stores a custom model. What is stored — in the table and as the change-log snapshot — is the
     * definition as registration read it ({@link ModelDefinition}: names trimmed by the name rule, defaults spelled
     * out), not the request's text: every node then learns the model the answer shows.
     */
    public Written<PermissionModel> register(Principal principal, JsonNode request) {
        access.requireService(principal, "registering a model");
        PermissionModel model = ModelParser.parse(request, false, true);
        ObjectNode definition = ModelDefinition.of(model);
        return access.writeDeployment(principal, "registering a model", (tx, caller) -> {
            if (registry.get(model.id()) != null || models.exists(tx.handle(), model.id())) {
                throw new ConflictException("model_exists", "a model with id \"" + model.id() + "\" already exists");
            }
            models.insert(tx.handle(), model.id(), Json.writeString(definition));
            tx.change(null, ObjectType.MODEL, model.id(), Action.CREATED, null, definition);
            return model;
        });
    }

    /** The model of the member's organization, read with the member's state (an inactive member's key is 401). */
    private PermissionModel ownModel(Principal.Member member) {
        return access.read(member, member.orgId(), (h, caller) -> orgModels.model(h, member.orgId()));
    }

    /** The 404 of a model nobody registered, which a member also gets for another organization's. */
    private static NotFoundException notFound(String id) {
        return new NotFoundException("model_not_found", "model \"" + id + "\" not found");
    }

    /** Loads the custom models stored in the database (at startup). */
    public void loadStored() {
        store.read(models::definitions).forEach(text -> registry.add(ModelParser.parse(Json.readTree(text), false)));
    }
}
