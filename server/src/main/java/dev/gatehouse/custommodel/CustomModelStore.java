package dev.gatehouse.custommodel;

import java.util.List;
import org.jdbi.v3.core.Handle;

/**
 * SQL for the {@code models} table: custom models by id, each with its definition as registration read it
 * ({@link dev.gatehouse.model.ModelDefinition}; a model stored before that, as it was sent). Stateless.
 */
final class CustomModelStore {

    boolean exists(Handle h, String id) {
        return h.createQuery("SELECT 1 FROM models WHERE id = :id").bind("id", id).mapTo(Integer.class).findOne()
                .isPresent();
    }

    void insert(Handle h, String id, String definition) {
        h.createUpdate("INSERT INTO models (id, definition) VALUES (:id, CAST(:d AS jsonb))").bind("id", id)
                .bind("d", definition).execute();
    }

    /** The ids of every stored model. */
    List<String> ids(Handle h) {
        return h.createQuery("SELECT id FROM models").mapTo(String.class).list();
    }

    /** Every stored definition, as JSON text. */
    List<String> definitions(Handle h) {
        return h.createQuery("SELECT definition FROM models").mapTo(String.class).list();
    }
}
