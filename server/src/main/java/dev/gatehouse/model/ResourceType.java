package dev.gatehouse.model;

import java.util.Objects;

/**
 * A kind of resource on which members can hold their own role (a room).
 *
 * @param inheritsCompanyRole whether a member without an assignment on such a resource (nor on any ancestor of it)
 *                            falls back to the company role (false: only members assigned there or on an ancestor
 *                            have access) — whether the company role still applies beneath
 * @param parentType          the type of this type's parent resources (a room's office), null at the top of the
 *                            hierarchy; a member's role on a parent applies on its children that hold no role of
 *                            that member
 */
public record ResourceType(String key, String name, boolean inheritsCompanyRole, String parentType) {
    public ResourceType {
        Objects.requireNonNull(key, "key");
        name = name == null ? key : name;
    }

    /** A type at the top of the hierarchy. */
    public ResourceType(String key, String name, boolean inheritsCompanyRole) {
        this(key, name, inheritsCompanyRole, null);
    }
}
