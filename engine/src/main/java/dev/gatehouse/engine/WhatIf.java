package dev.gatehouse.engine;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A what-if: the {@link Impact} of a list of {@link EngineOp}s on one organization, computed on private copies of
 * its state and never on the live one.
 *
 * <p><b>Algorithm.</b> The organization's state is copied once under the writer's monitor ({@link OrgState#copy},
 * O(organization), so the copy is of one revision) — the <i>before</i> state; a second copy gets the operations
 * through a writer of its own (the very code the live writer runs) — the <i>after</i> state. The places a change
 * can reach are collected from the operations in both states: a role reaches its holders as company role
 * (organization-wide, and the unassigned resources of types that inherit it) and its assignments; a member (or its
 * grants), its company role's places and its assignments; an assignment, its resource and that resource's
 * descendants; a resource's new parent, every member on the resource and its descendants. For each (place, member) pair the
 * deciding role is asked of {@link DecidingRole} in both states — the one rule every question asks — and the
 * permission bits that differ (restricted to those that apply on the place's type) are the gains and losses.
 * Members are visited in ascending id per place, so each effect lists its first members by id.
 *
 * <p>Cost: O(organization) for the copies plus O(places reached × permissions); allocates freely. For previews,
 * never on the check path. Stateless; thread-safe.
 */
final class WhatIf {

    private WhatIf() {
    }

    /**
     * @param state     the live state; read only under {@code writeLock}
     * @param writeLock the live writer's monitor
     * @param limit     how many member ids each effect lists at most
     */
    static Impact of(EngineState state, Object writeLock, long orgId, List<EngineOp> ops, int limit) {
        if (limit < 0) {
            throw new IllegalArgumentException("limit must be 0 or more: " + limit);
        }
        for (EngineOp op : ops) {
            Objects.requireNonNull(op, "op");
            if (op.orgId() != orgId) {
                throw new IllegalArgumentException("a what-if of organization " + orgId + " got an operation of "
                        + "organization " + op.orgId() + ": " + op);
            }
            if (op instanceof EngineOp.RemoveOrganization) {
                throw new IllegalArgumentException("removing organization " + orgId + " is not a what-if");
            }
        }
        OrgState before;
        long revision;
        synchronized (writeLock) {
            before = state.org(orgId).copy();
            revision = state.revision;
        }
        EngineState copy = new EngineState(state.catalogs);
        copy.orgs.put(orgId, before.copy());
        copy.revision = revision;
        EngineWriter writer = new EngineWriter(copy);
        ops.forEach(writer::apply);
        OrgState after = copy.org(orgId);
        if (after.catalog != before.catalog) {
            throw new IllegalArgumentException("changing organization " + orgId + "'s model is not a what-if");
        }

        Map<Impact.Where, SortedSet<Long>> reached = new TreeMap<>(Impact.Where.ORDER);
        for (EngineOp op : ops) {
            collect(before, op, reached);
            collect(after, op, reached);
        }
        return diff(before, after, reached, revision, limit);
    }

    /** The places (and members there) that {@code op} can reach in {@code org}. */
    private static void collect(OrgState org, EngineOp op, Map<Impact.Where, SortedSet<Long>> reached) {
        if (op instanceof EngineOp.PutRole r) {
            holdersOf(org, r.roleId(), reached);
        } else if (op instanceof EngineOp.RemoveRole r) {
            holdersOf(org, r.roleId(), reached);
        } else if (op instanceof EngineOp.PutMember m) {
            memberPlaces(org, m.memberId(), reached);
        } else if (op instanceof EngineOp.RemoveMember m) {
            memberPlaces(org, m.memberId(), reached);
        } else if (op instanceof EngineOp.PutGrants g) {
            memberPlaces(org, g.memberId(), reached);
        } else if (op instanceof EngineOp.PutAssignment a) {
            assignmentPlaces(org, a.resourceType(), a.resourceId(), a.memberId(), reached);
        } else if (op instanceof EngineOp.RemoveAssignment a) {
            assignmentPlaces(org, a.resourceType(), a.resourceId(), a.memberId(), reached);
        } else if (op instanceof EngineOp.PutResource r) {
            movedPlaces(org, r.resourceType(), r.resourceId(), reached);
        } else if (op instanceof EngineOp.RemoveResource r) {
            movedPlaces(org, r.resourceType(), r.resourceId(), reached);
        }
    }

    /** An assignment reaches its member on its resource and on every descendant of it. */
    private static void assignmentPlaces(OrgState org, String type, String resourceId, long memberId,
                                         Map<Impact.Where, SortedSet<Long>> reached) {
        add(reached, Impact.Where.resource(type, resourceId), memberId);
        ResourceIndex index = org.resources.get(type);
        if (index != null) {
            index.forEachDescendant(resourceId, (child, id) -> add(reached, Impact.Where.resource(child.type, id),
                    memberId));
        }
    }

    /** A resource given another parent (or none) reaches every member on it and on its descendants. */
    private static void movedPlaces(OrgState org, String type, String resourceId,
                                    Map<Impact.Where, SortedSet<Long>> reached) {
        ResourceIndex index = org.resources.get(type);
        if (index == null) {
            return;
        }
        List<Impact.Where> places = new ArrayList<>();
        places.add(Impact.Where.resource(type, resourceId));
        index.forEachDescendant(resourceId, (child, id) -> places.add(Impact.Where.resource(child.type, id)));
        org.members.forEach((memberId, member) -> places.forEach(where -> add(reached, where, memberId)));
    }

    private static void holdersOf(OrgState org, long roleId, Map<Impact.Where, SortedSet<Long>> reached) {
        org.members.forEach((id, member) -> {
            if (MemberTable.roleId(member) == roleId) {
                companyPlaces(org, id, reached);
            }
        });
        for (ResourceIndex index : org.resources.values()) {
            index.byResource.forEach(entry -> {
                for (int i = 0; i < entry.memberIds.length; i++) {
                    if (entry.roleIds[i] == roleId) {
                        assignmentPlaces(org, index.type, entry.resourceId, entry.memberIds[i], reached);
                    }
                }
            });
        }
    }

    private static void memberPlaces(OrgState org, long memberId, Map<Impact.Where, SortedSet<Long>> reached) {
        companyPlaces(org, memberId, reached);
        for (ResourceIndex index : org.resources.values()) {
            for (String resourceId : index.resourcesOf(memberId)) {
                assignmentPlaces(org, index.type, resourceId, memberId, reached);
            }
        }
    }

    /** Where a member's company role decides: organization-wide and on unassigned resources of inheriting types. */
    private static void companyPlaces(OrgState org, long memberId, Map<Impact.Where, SortedSet<Long>> reached) {
        add(reached, Impact.Where.ORGANIZATION, memberId);
        for (ResourceIndex index : org.resources.values()) {
            if (index.inheritsCompanyRole) {
                add(reached, Impact.Where.unassigned(index.type), memberId);
            }
        }
    }

    private static void add(Map<Impact.Where, SortedSet<Long>> reached, Impact.Where where, long memberId) {
        reached.computeIfAbsent(where, w -> new TreeSet<>()).add(memberId);
    }

    private static Impact diff(OrgState before, OrgState after, Map<Impact.Where, SortedSet<Long>> reached,
                               long revision, int limit) {
        Catalog catalog = before.catalog;
        List<Impact.Effect> gains = new ArrayList<>();
        List<Impact.Effect> losses = new ArrayList<>();
        Set<Long> gaining = new HashSet<>();
        Set<Long> losing = new HashSet<>();
        Collector visibility = new Collector(limit);
        int permissions = catalog.permissions().size();
        reached.forEach((where, memberIds) -> {
            Collector[] gained = new Collector[permissions];
            Collector[] lost = new Collector[permissions];
            for (long memberId : memberIds) {
                long[] was = granted(before, where, memberId);
                long[] will = granted(after, where, memberId);
                for (int p = 0; p < permissions; p++) {
                    boolean had = RoleEntry.isSet(was, p);
                    boolean has = RoleEntry.isSet(will, p);
                    if (has && !had) {
                        gained[p] = Collector.add(gained[p], limit, memberId);
                        gaining.add(memberId);
                    } else if (had && !has) {
                        lost[p] = Collector.add(lost[p], limit, memberId);
                        losing.add(memberId);
                    }
                }
                if (where.organizationWide() && !sameVisibility(before, after, memberId)) {
                    visibility.add(memberId);
                }
            }
            for (int p = 0; p < permissions; p++) {
                String key = catalog.permissions().get(p).key();
                if (gained[p] != null) {
                    gains.add(new Impact.Effect(key, where, gained[p].members()));
                }
                if (lost[p] != null) {
                    losses.add(new Impact.Effect(key, where, lost[p].members()));
                }
            }
        });
        return new Impact(revision, gains, losses, gaining.size(), losing.size(), visibility.members());
    }

    /**
     * The permissions the member's deciding role grants at {@code where}, with its per-member grants where they
     * count (only those that apply there).
     */
    private static long[] granted(OrgState org, Impact.Where where, long memberId) {
        long member = org.members.word(memberId);
        if (member == 0L) {
            return new long[0];
        }
        if (where.organizationWide()) {
            long[] bits = DecidingRole.bits(org, memberId, member, DecidingRole.of(memberId, member, null, null));
            return bits == null ? new long[0] : org.catalog.organizationWideOf(bits);
        }
        ResourceIndex index = org.resources.get(where.resourceType());
        long[] bits = DecidingRole.bits(org, memberId, member, DecidingRole.of(memberId, member, index,
                where.resourceId()));
        return bits == null ? new long[0] : index.applicableOf(bits);
    }

    /** Whether the member's records are decided alike: no role (none), all records, or the same settings. */
    private static boolean sameVisibility(OrgState before, OrgState after, long memberId) {
        return Objects.equals(visibility(before, memberId), visibility(after, memberId));
    }

    private static Object visibility(OrgState org, long memberId) {
        long member = org.members.word(memberId);
        RoleEntry role = member == 0L ? null : DecidingRole.role(org, DecidingRole.of(memberId, member, null, null));
        if (role == null) {
            return "none";
        }
        return role.visibility() == null ? "all" : role.visibility();
    }

    /** Counts members and keeps the first {@code limit} of them. */
    private static final class Collector {
        private final int limit;
        private final List<Long> first = new ArrayList<>();
        private int count;

        Collector(int limit) {
            this.limit = limit;
        }

        static Collector add(Collector collector, int limit, long memberId) {
            Collector c = collector == null ? new Collector(limit) : collector;
            c.add(memberId);
            return c;
        }

        void add(long memberId) {
            if (first.size() < limit) {
                first.add(memberId);
            }
            count++;
        }

        Impact.Members members() {
            return new Impact.Members(count, first);
        }
    }
}
