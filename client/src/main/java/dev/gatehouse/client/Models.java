package dev.gatehouse.client;

import java.util.stream.Stream;
import tools.jackson.databind.JsonNode;

/**
 * Permission models ({@code /v1/models}): the built-in ones and custom models a service key registers. Thread-safe.
 */
public interface Models {

    /** Every model, paging by itself. */
    Stream<Model> list();

    /** One model by id. */
    Model get(String id);

    /** Registers a custom model (service key): its definition as docs/api.md and the built-in models show it. */
    Model register(JsonNode definition);

    /**
     * A permission model.
     *
     * @param id          its id, e.g. {@code rooms}
     * @param name        its display name
     * @param description what it is for
     * @param definition  the whole definition (permissions, resource types, system roles, management, visibility)
     */
    record Model(String id, String name, String description, JsonNode definition) {

        static Model from(JsonNode n) {
            return new Model(Wire.text(n, "id"), Wire.text(n, "name"), Wire.text(n, "description"), n);
        }
    }
}
