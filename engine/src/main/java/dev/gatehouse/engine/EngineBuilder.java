package dev.gatehouse.engine;

import java.util.List;

/**
 * Fills an engine by hand — for tests, benchmarks and products that embed the engine as a library
 * ({@link DecisionEngine#builder}):
 * <pre>{@code
 * DecisionEngine engine = DecisionEngine.builder(docs)
 *         .organization(1, "docs")
 *         .role(1, 10, "Editor", List.of("doc.read", "doc.write"))
 *         .member(1, 100, "alice", 10)
 *         .assignment(1, "doc", "d1", 100, 11)
 *         .build();
 * }</pre>
 * Each step applies one {@link EngineOp} at once (so a step naming an unknown organization throws right there);
 * {@link #writer()} keeps writing after the build. Not thread-safe while building.
 */
public final class EngineBuilder {

    private final EngineWriter writer;

    EngineBuilder(EngineWriter writer) {
        this.writer = writer;
    }

    public EngineBuilder apply(EngineOp op) {
        writer.apply(op);
        return this;
    }

    public EngineBuilder organization(long orgId, String catalogId) {
        return apply(new EngineOp.PutOrganization(orgId, catalogId));
    }

    /** An internal role that sees all records. */
    public EngineBuilder role(long orgId, long roleId, String name, List<String> permissions) {
        return apply(new EngineOp.PutRole(orgId, roleId, name, permissions, false, null));
    }

    /** @param visibility null when the role sees all records */
    public EngineBuilder role(long orgId, long roleId, String name, List<String> permissions, boolean external,
                              Visibility visibility) {
        return apply(new EngineOp.PutRole(orgId, roleId, name, permissions, external, visibility));
    }

    /** An internal system role that sees all records, with the model's key for it (grants follow the key). */
    public EngineBuilder systemRole(long orgId, long roleId, String key, String name, List<String> permissions) {
        return apply(new EngineOp.PutRole(orgId, roleId, name, permissions, false, null, key));
    }

    /** Replaces a member's per-member grants. */
    public EngineBuilder grants(long orgId, long memberId, List<String> permissions) {
        return apply(new EngineOp.PutGrants(orgId, memberId, permissions));
    }

    /** An active internal member with its company role. */
    public EngineBuilder member(long orgId, long memberId, String userId, long roleId) {
        return apply(new EngineOp.PutMember(orgId, memberId, userId, roleId, false, true));
    }

    /** An active external member: no company role, access only through assignments. */
    public EngineBuilder externalMember(long orgId, long memberId, String userId) {
        return apply(new EngineOp.PutMember(orgId, memberId, userId, 0L, true, true));
    }

    public EngineBuilder assignment(long orgId, String resourceType, String resourceId, long memberId, long roleId) {
        return apply(new EngineOp.PutAssignment(orgId, resourceType, resourceId, memberId, roleId));
    }

    /** Puts a resource under a parent (a resource of its type's parent type); null for none. */
    public EngineBuilder resource(long orgId, String resourceType, String resourceId, String parentId) {
        return apply(new EngineOp.PutResource(orgId, resourceType, resourceId, parentId));
    }

    /** The engine as filled so far (later steps still show in it). */
    public DecisionEngine build() {
        return writer.engine();
    }

    /** The engine's writer, to change it after the build (a test of writes, a benchmark of their cost). */
    public EngineWriter writer() {
        return writer;
    }
}
