package dev.gatehouse.model;

import java.util.Objects;

/** A group of permissions for display, e.g. "Member Management". */
public record Category(String key, String name) {
    public Category {
        Objects.requireNonNull(key, "key");
        name = name == null ? key : name;
    }
}
