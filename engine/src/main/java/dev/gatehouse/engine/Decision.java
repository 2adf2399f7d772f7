package dev.gatehouse.engine;

import java.util.Objects;

/**
 * An explained decision.
 *
 * @param allowed  the answer
 * @param path     how the deciding role was found
 * @param roleId   the deciding role, null when no role applied
 * @param reason   a sentence for people
 * @param revision the engine revision the decision was made at
 * @param ancestor the ancestor resource whose assignment decided ({@link Path#PARENT_RESOURCE_ROLE}), else null
 */
public record Decision(boolean allowed, Path path, Long roleId, String reason, long revision, Resource ancestor) {

    public Decision {
        Objects.requireNonNull(path, "path");
        if ((path == Path.PARENT_RESOURCE_ROLE) != (ancestor != null)) {
            throw new IllegalArgumentException("an ancestor is named exactly on the path parent_resource_role: "
                    + path + ", " + ancestor);
        }
    }

    /** A decision not made through an ancestor. */
    public Decision(boolean allowed, Path path, Long roleId, String reason, long revision) {
        this(allowed, path, roleId, reason, revision, null);
    }

    /** How a decision found its role. */
    public enum Path {
        /** The member's company role (organization-wide, or on a resource that inherits it). */
        COMPANY_ROLE,
        /** The member's own assignment on the resource asked about. */
        RESOURCE_ROLE,
        /** The member's assignment on an ancestor of the resource (the nearest one holding one). */
        PARENT_RESOURCE_ROLE,
        /**
         * A per-member grant: the company role decides and lacks the permission, but the member was granted it
         * (the decision's role is still the company role).
         */
        MEMBER_GRANT,
        /** No role applies. */
        NONE;

        public String wire() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** A resource, by type and id. */
    public record Resource(String type, String id) {
        public Resource {
            Objects.requireNonNull(type, "type");
            Objects.requireNonNull(id, "id");
        }
    }
}
