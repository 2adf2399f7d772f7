package dev.gatehouse.enginefeed;

import dev.gatehouse.engine.AtRevision;
import dev.gatehouse.engine.Decision;
import dev.gatehouse.engine.DecisionEngine;
import dev.gatehouse.engine.EngineException;
import dev.gatehouse.engine.EngineOp;
import dev.gatehouse.engine.Impact;
import dev.gatehouse.engine.Page;
import dev.gatehouse.engine.VisibilityFilter;
import dev.gatehouse.error.GatehouseException;
import dev.gatehouse.error.InvalidInputException;
import dev.gatehouse.error.NotFoundException;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The edge of the engine: the engine as the server's services and dialects read it, with every
 * {@link EngineException} turned into the server's error tree here and nowhere else ({@link #translate}), its
 * cause kept. Unknown organizations and members are 404s, unknown permissions and resource types and permissions
 * that do not apply there are 400s naming the field — an unknown type as {@link #RESOURCE_TYPE}, where most requests
 * carry it; a dialect whose request carried it elsewhere (a lookup's {@code type}, a query's {@code resource_type})
 * names that field instead, by the error's code. Answers pass through untouched. Thread-safe, as the engine.
 */
final class EngineEdge implements DecisionEngine {

    /** The field an unknown resource type's 400 names: a body's {@code resource: {type, id}}. */
    static final String RESOURCE_TYPE = "resource.type";

    private final DecisionEngine engine;

    EngineEdge(DecisionEngine engine) {
        this.engine = engine;
    }

    /** The server's error for a refusal of the engine. */
    static GatehouseException translate(EngineException e) {
        if (e instanceof EngineException.UnknownOrganization) {
            return new NotFoundException("organization_not_found", e.getMessage(), e);
        }
        if (e instanceof EngineException.UnknownMember) {
            return new NotFoundException("member_not_found", e.getMessage(), e);
        }
        if (e instanceof EngineException.UnknownPermission) {
            return new InvalidInputException("unknown_permission", e.getMessage(),
                    Map.of("permission", "unknown permission"), e);
        }
        if (e instanceof EngineException.UnknownResourceType) {
            return new InvalidInputException("unknown_resource_type", e.getMessage(),
                    Map.of(RESOURCE_TYPE, "unknown resource type"), e);
        }
        if (e instanceof EngineException.PermissionNotApplicable n) {
            return new InvalidInputException("permission_not_applicable", e.getMessage(),
                    Map.of("permission", n.resourceType() == null ? "does not apply organization-wide"
                            : "does not apply to " + n.resourceType()), e);
        }
        // Only writes name catalogs; they never pass this edge.
        throw new IllegalStateException("the engine refused a read: " + e.getMessage(), e);
    }

    @Override
    public long revision() {
        return engine.revision();
    }

    /** Passed to the engine itself, whose readers are not starved by steady writes; its refusals translated. */
    @Override
    public <T> AtRevision<T> atOneRevision(Function<? super DecisionEngine, ? extends T> questions) {
        try {
            return engine.atOneRevision(inner -> questions.apply(this));
        } catch (EngineException e) {
            throw translate(e);
        }
    }

    @Override
    public boolean check(long orgId, long memberId, String permission, String resourceType, String resourceId) {
        try {
            return engine.check(orgId, memberId, permission, resourceType, resourceId);
        } catch (EngineException e) {
            throw translate(e);
        }
    }

    @Override
    public Decision explain(long orgId, long memberId, String permission, String resourceType, String resourceId) {
        try {
            return engine.explain(orgId, memberId, permission, resourceType, resourceId);
        } catch (EngineException e) {
            throw translate(e);
        }
    }

    @Override
    public List<String> permissions(long orgId, long memberId, String resourceType, String resourceId) {
        try {
            return engine.permissions(orgId, memberId, resourceType, resourceId);
        } catch (EngineException e) {
            throw translate(e);
        }
    }

    @Override
    public VisibilityFilter visibilityFilter(long orgId, long memberId) {
        try {
            return engine.visibilityFilter(orgId, memberId);
        } catch (EngineException e) {
            throw translate(e);
        }
    }

    @Override
    public Page<String> lookupResources(long orgId, long memberId, String permission, String resourceType,
                                        String cursor, int limit) {
        try {
            return engine.lookupResources(orgId, memberId, permission, resourceType, cursor, limit);
        } catch (EngineException e) {
            throw translate(e);
        }
    }

    @Override
    public boolean inheritsOnUnassigned(long orgId, long memberId, String permission, String resourceType) {
        try {
            return engine.inheritsOnUnassigned(orgId, memberId, permission, resourceType);
        } catch (EngineException e) {
            throw translate(e);
        }
    }

    @Override
    public Page<Long> lookupMembers(long orgId, String permission, String resourceType, String resourceId,
                                    Long cursor, int limit) {
        try {
            return engine.lookupMembers(orgId, permission, resourceType, resourceId, cursor, limit);
        } catch (EngineException e) {
            throw translate(e);
        }
    }

    @Override
    public Impact whatIf(long orgId, List<EngineOp> ops, int limit) {
        try {
            return engine.whatIf(orgId, ops, limit);
        } catch (EngineException e) {
            throw translate(e);
        }
    }

    @Override
    public Long findMemberId(long orgId, String userId) {
        return engine.findMemberId(orgId, userId);
    }

    @Override
    public boolean hasMember(long orgId, long memberId) {
        return engine.hasMember(orgId, memberId);
    }

    @Override
    public boolean isActive(long orgId, long memberId) {
        return engine.isActive(orgId, memberId);
    }

    @Override
    public String modelOf(long orgId) {
        try {
            return engine.modelOf(orgId);
        } catch (EngineException e) {
            throw translate(e);
        }
    }

    @Override
    public int organizationCount() {
        return engine.organizationCount();
    }

    @Override
    public String digest() {
        return engine.digest();
    }
}
