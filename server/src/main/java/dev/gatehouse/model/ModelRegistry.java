package dev.gatehouse.model;

import dev.gatehouse.changelog.ChangeListener;
import dev.gatehouse.changelog.ChangeRecord;
import dev.gatehouse.changelog.ObjectType;
import dev.gatehouse.engine.Catalog;
import dev.gatehouse.error.NotFoundException;
import dev.gatehouse.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Every permission model this node knows: the built-in ones shipped as data files under {@code models/}
 * and the custom ones registered at run time (loaded from the database at startup and learnt from the
 * change log afterwards, so every node knows every model). Thread-safe.
 */
public final class ModelRegistry implements ChangeListener {

    public static final List<String> BUILT_IN = List.of("close", "rooms", "rooms_v5");

    private final ConcurrentHashMap<String, PermissionModel> models = new ConcurrentHashMap<>();

    public ModelRegistry() {
        for (String id : BUILT_IN) {
            models.put(id, builtIn(id));
        }
    }

    /** Reads a built-in model from the class path. */
    public static PermissionModel builtIn(String id) {
        String path = "/models/" + id + ".json";
        try (InputStream in = ModelRegistry.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("built-in model missing from the class path: " + path);
            }
            return ModelParser.parse(Json.MAPPER.readTree(in), true);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public PermissionModel get(String id) {
        return models.get(id);
    }

    /** The decision engine's catalog of a model, or null when no such model is known. */
    public Catalog catalog(String id) {
        PermissionModel model = models.get(id);
        return model == null ? null : model.catalog();
    }

    public PermissionModel require(String id) {
        PermissionModel model = models.get(id);
        if (model == null) {
            throw new NotFoundException("model_not_found", "model \"" + id + "\" not found");
        }
        return model;
    }

    public List<PermissionModel> all() {
        return models.values().stream().sorted(Comparator.comparing(PermissionModel::id)).toList();
    }

    public void add(PermissionModel model) {
        models.putIfAbsent(model.id(), model);
    }

    @Override
    public void onChange(ChangeRecord record) {
        if (record.objectType() == ObjectType.MODEL && record.after() != null) {
            add(ModelParser.parse(record.after(), false));
        }
    }
}
