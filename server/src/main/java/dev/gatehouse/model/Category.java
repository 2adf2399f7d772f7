package dev.gatehouse.model;

import java.util.Objects;

/** A group of permissions for display, e.g. "Member Management". */
record Category(String key, String name) {
    Category {
        Objects.requireNonNull(key, "key");
        name = name == null ? key : name;
    }
}
