package dev.gatehouse.model;

import dev.gatehouse.json.DotSegments;
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

    /** The most characters a resource id has. */
    public static final int MAX_ID_LENGTH = 200;

    public ResourceType {
        Objects.requireNonNull(key, "key");
        name = name == null ? key : name;
    }

    /**
     * Why {@code id} cannot be a resource id, or null when it can: a resource id has 1 to {@link #MAX_ID_LENGTH}
     * characters, counted as code points (an emoji counts once, as in a user id), through every route that names one
     * — an assignment, a resource and its parent, a check, a lookup, effective permissions, a preview, an import. Free
     * of allocation when the id is fine (a check asks it).
     */
    public static String idProblem(String id) {
        int characters = id.codePointCount(0, id.length());
        return characters >= 1 && characters <= MAX_ID_LENGTH ? null
                : "a resource id has 1 to " + MAX_ID_LENGTH + " characters, got " + characters;
    }

    /**
     * Why {@code id} cannot be the id of a resource a write records (a resource, a member's role on one, an import
     * line of either), or null when it can: {@link #idProblem}'s rule, and no dot segment ({@link DotSegments}), which
     * a client naming the resource in a path unescaped would remove, acting on another object. Only a write that
     * records the id asks it: a resource recorded before the rule is named, checked and read as stored.
     */
    public static String recordedIdProblem(String id) {
        String problem = idProblem(id);
        return problem != null ? problem : DotSegments.problem(id);
    }

    /** A type at the top of the hierarchy. */
    public ResourceType(String key, String name, boolean inheritsCompanyRole) {
        this(key, name, inheritsCompanyRole, null);
    }
}
