package dev.gatehouse.model;

import java.util.Objects;

/**
 * A kind of resource on which members can hold their own role (a room).
 *
 * @param inheritsCompanyRole whether a member without an assignment on such a resource falls back to
 *                            the company role (false: only assigned members have access)
 */
public record ResourceType(String key, String name, boolean inheritsCompanyRole) {
    public ResourceType {
        Objects.requireNonNull(key, "key");
        name = name == null ? key : name;
    }
}
