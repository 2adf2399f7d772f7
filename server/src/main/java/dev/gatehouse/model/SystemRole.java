package dev.gatehouse.model;

import java.util.List;
import java.util.Objects;

/** A role every organization of the model starts with; it cannot be edited or deleted. */
public record SystemRole(String key, String name, String description, List<String> permissions,
                         boolean external, boolean defaultForAdmin) {
    public SystemRole {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(name, "name");
        description = description == null ? "" : description;
        permissions = List.copyOf(permissions);
    }
}
