package dev.gatehouse.engine;

/**
 * Why the engine refused a question or a write: something the question names does not exist or does not fit.
 * Never a silent {@code false}. Each subclass carries the values it is about, for programs, beside a message
 * for people; an application maps them to its own errors (Gatehouse's server does so in one place, at the edge
 * of the engine). Unchecked; the set of subclasses is closed.
 */
public abstract sealed class EngineException extends RuntimeException {

    private EngineException(String message) {
        super(message);
    }

    /** The engine holds no organization with this id. */
    public static final class UnknownOrganization extends EngineException {
        private final long orgId;

        UnknownOrganization(long orgId) {
            super("organization " + orgId + " not found");
            this.orgId = orgId;
        }

        public long orgId() {
            return orgId;
        }
    }

    /** The organization has no member with this id. */
    public static final class UnknownMember extends EngineException {
        private final long orgId;
        private final long memberId;

        UnknownMember(long orgId, long memberId) {
            super("member " + memberId + " not found in organization " + orgId);
            this.orgId = orgId;
            this.memberId = memberId;
        }

        public long orgId() {
            return orgId;
        }

        public long memberId() {
            return memberId;
        }
    }

    /** The organization's catalog has no such permission. */
    public static final class UnknownPermission extends EngineException {
        private final String permission;
        private final String catalogId;

        UnknownPermission(String permission, String catalogId) {
            super("unknown permission \"" + permission + "\" in model " + catalogId);
            this.permission = permission;
            this.catalogId = catalogId;
        }

        public String permission() {
            return permission;
        }

        public String catalogId() {
            return catalogId;
        }
    }

    /** The organization's catalog has no such resource type. */
    public static final class UnknownResourceType extends EngineException {
        private final String resourceType;
        private final String catalogId;

        UnknownResourceType(String resourceType, String catalogId) {
            super("unknown resource type \"" + resourceType + "\" in model " + catalogId);
            this.resourceType = resourceType;
            this.catalogId = catalogId;
        }

        public String resourceType() {
            return resourceType;
        }

        public String catalogId() {
            return catalogId;
        }
    }

    /** The permission exists but does not apply on the resource type asked about. */
    public static final class PermissionNotApplicable extends EngineException {
        private final String permission;
        private final String resourceType;

        /** {@code resourceType} null: the permission does not apply organization-wide, without a resource. */
        PermissionNotApplicable(String permission, String resourceType) {
            super(resourceType == null
                    ? "permission \"" + permission + "\" does not apply organization-wide: ask it on a resource"
                    : "permission \"" + permission + "\" does not apply to resource type \"" + resourceType + "\"");
            this.permission = permission;
            this.resourceType = resourceType;
        }

        public String permission() {
            return permission;
        }

        public String resourceType() {
            return resourceType;
        }
    }

    /** A write named an organization's catalog that the engine's catalog source does not know. */
    public static final class UnknownCatalog extends EngineException {
        private final long orgId;
        private final String catalogId;

        UnknownCatalog(long orgId, String catalogId) {
            super("organization " + orgId + " uses unknown model " + catalogId);
            this.orgId = orgId;
            this.catalogId = catalogId;
        }

        public long orgId() {
            return orgId;
        }

        public String catalogId() {
            return catalogId;
        }
    }
}
