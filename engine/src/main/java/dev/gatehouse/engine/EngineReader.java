package dev.gatehouse.engine;

import java.util.List;

/**
 * The questions of {@link DecisionEngine}, answered from an {@link EngineState}: each one validates the names it
 * is given (organization, member, permission, resource type, in that order), asks {@link DecidingRole} which
 * role decides, and reads that role. The lookups are in {@link Lookups}.
 *
 * <p>The check path ({@link #check}) is a handful of map reads — the member's word from the organization's
 * {@link MemberTable}, per level of the resource hierarchy one search in a resource's assignments and one parent
 * read (O(depth)) — and one bit test: no lock, no I/O, no allocation. Thread-safe; takes no lock except in {@link #digest}.
 */
final class EngineReader implements DecisionEngine {

    private final EngineState state;
    private final Object writeLock;

    /** @param writeLock the writer's monitor, held while a digest walks the whole state */
    EngineReader(EngineState state, Object writeLock) {
        this.state = state;
        this.writeLock = writeLock;
    }

    @Override
    public long revision() {
        return state.revision;
    }

    @Override
    public boolean check(long orgId, long memberId, String permission, String resourceType, String resourceId) {
        OrgState org = state.org(orgId);
        if (resourceType == null) {
            long member = EngineState.member(org, memberId);
            int p = EngineState.organizationWidePermission(org, permission);
            return DecidingRole.allows(org, memberId, member, DecidingRole.of(memberId, member, null, null), p);
        }
        // The member's role on the resource first: it does not depend on the member's word, so the processor
        // fetches the resource's slot and the member's slot together instead of one after the other. The names
        // are validated afterwards, in their usual order; an unknown type or a null id reads nothing here.
        ResourceIndex unchecked = org.resources.get(resourceType);
        long assigned = unchecked == null || resourceId == null ? 0L : unchecked.roleOf(resourceId, memberId);
        long member = EngineState.member(org, memberId);
        int p = EngineState.permission(org, permission);
        ResourceIndex index = EngineState.resourceIndex(org, resourceType, p);
        return DecidingRole.allows(org, memberId, member,
                DecidingRole.of(memberId, member, index, resourceId, assigned), p);
    }

    @Override
    public Decision explain(long orgId, long memberId, String permission, String resourceType, String resourceId) {
        long at = state.revision;
        OrgState org = state.org(orgId);
        long member = EngineState.member(org, memberId);
        int p = resourceType == null ? EngineState.organizationWidePermission(org, permission)
                : EngineState.permission(org, permission);
        ResourceIndex index = resourceType == null ? null : EngineState.resourceIndex(org, resourceType, p);
        DecidingRole.Source source = new DecidingRole.Source();
        long decided = DecidingRole.of(memberId, member, index, resourceId, source);
        if (decided == DecidingRole.NONE) {
            return new Decision(false, Decision.Path.NONE, null, whyNoRole(memberId, member, index, resourceId),
                    at);
        }
        long roleId = DecidingRole.roleId(decided);
        RoleEntry role = org.roles.get(roleId);
        boolean allowed = role != null && role.grants(p);
        String name = role == null ? "#" + roleId : "\"" + role.name() + "\"";
        String verdict = name + ", " + (allowed ? "grants " : "lacks ") + permission;
        if (!DecidingRole.onResource(decided)) {
            if (DecidingRole.byGrant(org, memberId, member, decided, p)) {
                return new Decision(true, Decision.Path.MEMBER_GRANT, roleId, "a grant of " + permission
                        + " to the member, beside its company role " + name, at);
            }
            return new Decision(allowed, Decision.Path.COMPANY_ROLE, roleId, "the member's company role, " + verdict,
                    at);
        }
        if (source.index == index && source.resourceId.equals(resourceId)) {
            return new Decision(allowed, Decision.Path.RESOURCE_ROLE, roleId,
                    "the member's role on " + resourceType + " " + resourceId + ", " + verdict, at);
        }
        return new Decision(allowed, Decision.Path.PARENT_RESOURCE_ROLE, roleId, "the member's role on "
                + source.index.type + " " + source.resourceId + ", an ancestor of " + resourceType + " " + resourceId
                + ", " + verdict, at, new Decision.Resource(source.index.type, source.resourceId));
    }

    /** Says, for people, why {@link DecidingRole} found no role. */
    private static String whyNoRole(long memberId, long member, ResourceIndex index, String resourceId) {
        if (!MemberTable.active(member)) {
            return "member " + memberId + " is not active (deactivated, or invited and not yet accepted)";
        }
        if (index == null) {
            return "external member: no company role applies outside resources";
        }
        String where = index.parent == null ? "" : " or its ancestors";
        if (MemberTable.roleId(member) == 0L) {
            return "external member with no role on " + index.type + " " + resourceId + where;
        }
        return "no role on " + index.type + " " + resourceId + where + ", and " + index.type
                + " does not inherit company roles";
    }

    @Override
    public List<String> permissions(long orgId, long memberId, String resourceType, String resourceId) {
        OrgState org = state.org(orgId);
        long member = EngineState.member(org, memberId);
        ResourceIndex index = resourceType == null ? null : EngineState.resourceIndex(org, resourceType, -1);
        long[] bits = DecidingRole.bits(org, memberId, member, DecidingRole.of(memberId, member, index, resourceId));
        if (bits == null) {
            return List.of();
        }
        // only what applies where asked: a check of any other permission there is refused
        return org.catalog.keys(index == null ? org.catalog.organizationWideOf(bits) : index.applicableOf(bits));
    }

    @Override
    public VisibilityFilter visibilityFilter(long orgId, long memberId) {
        OrgState org = state.org(orgId);
        MemberEntry member = org.members.entry(memberId);
        if (member == null) {
            throw new EngineException.UnknownMember(orgId, memberId);
        }
        long word = MemberTable.word(member.roleId(), member.external(), member.active());
        RoleEntry role = DecidingRole.role(org, DecidingRole.of(memberId, word, null, null));
        if (role == null) {
            return new VisibilityFilter(false, true, member.userId(), List.of(), false, null);
        }
        if (role.visibility() == null) {
            return new VisibilityFilter(true, false, member.userId(), List.of(), true, role.id());
        }
        return new VisibilityFilter(false, false, member.userId(), role.visibility().userFieldIds(),
                role.visibility().allowUnassigned(), role.id());
    }

    @Override
    public Page<String> lookupResources(long orgId, long memberId, String permission, String resourceType,
                                        String cursor, int limit) {
        OrgState org = state.org(orgId);
        long member = EngineState.member(org, memberId);
        int p = EngineState.permission(org, permission);
        return Lookups.resources(org, memberId, member, p, EngineState.resourceIndex(org, resourceType, p), cursor,
                limit);
    }

    @Override
    public boolean inheritsOnUnassigned(long orgId, long memberId, String permission, String resourceType) {
        OrgState org = state.org(orgId);
        long member = EngineState.member(org, memberId);
        int p = EngineState.permission(org, permission);
        ResourceIndex index = EngineState.resourceIndex(org, resourceType, p);
        return DecidingRole.allows(org, memberId, member, DecidingRole.of(memberId, member, index, null), p);
    }

    @Override
    public Page<Long> lookupMembers(long orgId, String permission, String resourceType, String resourceId,
                                    Long cursor, int limit) {
        OrgState org = state.org(orgId);
        int p = resourceType == null ? EngineState.organizationWidePermission(org, permission)
                : EngineState.permission(org, permission);
        ResourceIndex index = resourceType == null ? null : EngineState.resourceIndex(org, resourceType, p);
        return Lookups.members(org, p, index, resourceId, cursor == null ? 0L : cursor, limit);
    }

    @Override
    public Impact whatIf(long orgId, List<EngineOp> ops, int limit) {
        return WhatIf.of(state, writeLock, orgId, ops, limit);
    }

    @Override
    public Long findMemberId(long orgId, String userId) {
        OrgState org = state.orgs.get(orgId);
        return org == null ? null : org.membersByUserId.get(userId);
    }

    @Override
    public boolean hasMember(long orgId, long memberId) {
        OrgState org = state.orgs.get(orgId);
        return org != null && org.members.word(memberId) != 0L;
    }

    @Override
    public boolean isActive(long orgId, long memberId) {
        OrgState org = state.orgs.get(orgId);
        return org != null && MemberTable.active(org.members.word(memberId));
    }

    @Override
    public String modelOf(long orgId) {
        return state.org(orgId).catalog.id();
    }

    @Override
    public int organizationCount() {
        return state.orgs.size();
    }

    @Override
    public String digest() {
        synchronized (writeLock) {
            return EngineDigest.of(state.orgs);
        }
    }
}
