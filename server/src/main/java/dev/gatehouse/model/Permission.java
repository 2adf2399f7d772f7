package dev.gatehouse.model;

import java.util.List;
import java.util.Objects;

/**
 * One permission of a model's catalog.
 *
 * @param key         the permission's key, unique in its model
 * @param category    key of one of the model's categories
 * @param description what the permission allows, for people
 * @param scopes      where it applies: {@code organization} and/or resource type keys
 */
public record Permission(String key, String category, String description, List<String> scopes) {
    public Permission {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(category, "category");
        description = description == null ? "" : description;
        scopes = List.copyOf(scopes);
    }

    public boolean appliesTo(String scope) {
        return scopes.contains(scope);
    }
}
