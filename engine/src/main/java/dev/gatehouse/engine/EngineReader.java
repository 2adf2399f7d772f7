package dev.gatehouse.engine;

import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The questions of {@link DecisionEngine}, answered from an {@link EngineState}: each one validates the names it
 * is given (organization, member, permission, resource type, in that order), asks {@link DecidingRole} which
 * role decides, and reads that role. The lookups are in {@link Lookups}.
 *
 * <p>Every question is asked within the state's sequence lock ({@link EngineState}): its answer, or its exception,
 * is kept only when no change was being applied while it was read; otherwise it is asked again, and after
 * {@link #OPTIMISTIC_TRIES} tries under the writer's monitor ({@link #read}). {@link #atOneRevision} does the same
 * for a group of questions and the revision they were answered at.
 *
 * <p>The check path ({@link #check}) is the sequence read twice around a handful of map reads — the member's word
 * from the organization's {@link MemberTable}, per level of the resource hierarchy one search in a resource's
 * assignments and one parent read (O(depth)) — and one bit test: no I/O, no allocation, and no lock unless a change
 * overlapped it {@link #OPTIMISTIC_TRIES} times. Thread-safe; takes the writer's monitor only then and in
 * {@link #digest}.
 */
final class EngineReader implements DecisionEngine {

    /** Reads without a lock before one under the writer's monitor: a change takes microseconds, an import more. */
    static final int OPTIMISTIC_TRIES = 4;

    private final EngineState state;
    private final Object writeLock;

    /** @param writeLock the writer's monitor, held while a digest walks the whole state and by a starved reader */
    EngineReader(EngineState state, Object writeLock) {
        this.state = state;
        this.writeLock = writeLock;
    }

    /**
     * The answer to {@code question} from the state of one whole change (see the class comment). {@code question}
     * may run more than once, and must end on any state it meets (the indexes guarantee that for their reads).
     */
    private <T> T read(Supplier<T> question) {
        for (int tries = 0; tries < OPTIMISTIC_TRIES; tries++) {
            long sequence = state.beginRead();
            if ((sequence & 1L) == 0L) {
                T answer;
                try {
                    answer = question.get();
                } catch (RuntimeException e) {
                    if (state.unchanged(sequence)) {
                        throw e;
                    }
                    continue;
                }
                if (state.unchanged(sequence)) {
                    return answer;
                }
            } else {
                Thread.onSpinWait();
            }
        }
        synchronized (writeLock) {
            return question.get();
        }
    }

    @Override
    public long revision() {
        return state.revision;
    }

    @Override
    public <T> AtRevision<T> atOneRevision(Function<? super DecisionEngine, ? extends T> questions) {
        return read(() -> {
            T answer = questions.apply(this);
            return new AtRevision<>(answer, state.revision);
        });
    }

    /** The check path: {@link #read}'s loop written out, so that a check allocates no question. */
    @Override
    public boolean check(long orgId, long memberId, String permission, String resourceType, String resourceId) {
        for (int tries = 0; tries < OPTIMISTIC_TRIES; tries++) {
            long sequence = state.beginRead();
            if ((sequence & 1L) == 0L) {
                try {
                    boolean allowed = decide(orgId, memberId, permission, resourceType, resourceId);
                    if (state.unchanged(sequence)) {
                        return allowed;
                    }
                } catch (RuntimeException e) {
                    if (state.unchanged(sequence)) {
                        throw e;
                    }
                }
            } else {
                Thread.onSpinWait();
            }
        }
        synchronized (writeLock) {
            return decide(orgId, memberId, permission, resourceType, resourceId);
        }
    }

    private boolean decide(long orgId, long memberId, String permission, String resourceType, String resourceId) {
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
        return read(() -> explainOnce(orgId, memberId, permission, resourceType, resourceId));
    }

    private Decision explainOnce(long orgId, long memberId, String permission, String resourceType, String resourceId) {
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
        return read(() -> permissionsOnce(orgId, memberId, resourceType, resourceId));
    }

    private List<String> permissionsOnce(long orgId, long memberId, String resourceType, String resourceId) {
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
        return read(() -> visibilityFilterOnce(orgId, memberId));
    }

    private VisibilityFilter visibilityFilterOnce(long orgId, long memberId) {
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
        return read(() -> lookupResourcesOnce(orgId, memberId, permission, resourceType, cursor, limit));
    }

    private Page<String> lookupResourcesOnce(long orgId, long memberId, String permission, String resourceType,
                                             String cursor, int limit) {
        OrgState org = state.org(orgId);
        long member = EngineState.member(org, memberId);
        int p = EngineState.permission(org, permission);
        return Lookups.resources(org, memberId, member, p, EngineState.resourceIndex(org, resourceType, p), cursor,
                limit);
    }

    @Override
    public boolean inheritsOnUnassigned(long orgId, long memberId, String permission, String resourceType) {
        return read(() -> inheritsOnUnassignedOnce(orgId, memberId, permission, resourceType));
    }

    private boolean inheritsOnUnassignedOnce(long orgId, long memberId, String permission, String resourceType) {
        OrgState org = state.org(orgId);
        long member = EngineState.member(org, memberId);
        int p = EngineState.permission(org, permission);
        ResourceIndex index = EngineState.resourceIndex(org, resourceType, p);
        return DecidingRole.allows(org, memberId, member, DecidingRole.of(memberId, member, index, null), p);
    }

    @Override
    public Page<Long> lookupMembers(long orgId, String permission, String resourceType, String resourceId,
                                    Long cursor, int limit) {
        return read(() -> lookupMembersOnce(orgId, permission, resourceType, resourceId, cursor, limit));
    }

    private Page<Long> lookupMembersOnce(long orgId, String permission, String resourceType, String resourceId,
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
        return read(() -> {
            OrgState org = state.orgs.get(orgId);
            return org == null ? null : org.membersByUserId.get(userId);
        });
    }

    @Override
    public boolean hasMember(long orgId, long memberId) {
        return read(() -> {
            OrgState org = state.orgs.get(orgId);
            return org != null && org.members.word(memberId) != 0L;
        });
    }

    @Override
    public boolean isActive(long orgId, long memberId) {
        return read(() -> {
            OrgState org = state.orgs.get(orgId);
            return org != null && MemberTable.active(org.members.word(memberId));
        });
    }

    @Override
    public String modelOf(long orgId) {
        return read(() -> state.org(orgId).catalog.id());
    }

    @Override
    public int organizationCount() {
        return read(() -> state.orgs.size());
    }

    @Override
    public String digest() {
        synchronized (writeLock) {
            return EngineDigest.of(state.orgs);
        }
    }
}
