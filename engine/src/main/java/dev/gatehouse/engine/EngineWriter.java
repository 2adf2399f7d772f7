package dev.gatehouse.engine;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The one way state enters an engine: applies {@link EngineOp}s to it. Whoever creates the engine holds its
 * writer and hands out only {@link #engine()}, the read side — in Gatehouse's server, the change feed's listener
 * (changes in revision order) and the loader (a snapshot of the tables at startup and on a reload).
 *
 * <p><b>Revisions.</b> {@link #apply(long, List)} applies the operations of one change at most once: a revision at
 * or below the last applied one is skipped, so a snapshot marked with {@link #markRevision} and the changes
 * after it compose without double application. {@link #apply(EngineOp)} applies an operation outside that
 * bookkeeping (loading a snapshot, library use).
 *
 * <p><b>Cost.</b> Every operation replaces immutable entries: a role or member write is O(1), an assignment write
 * O(assignments on that resource + of that member), a resource's parent (a move) O(children of the old and new
 * parent), never O(organization); a member's grants are replaced whole, O(1); removing a member also drops its
 * assignments and grants. A parent given to a resource
 * whose type has no parent type is an {@link IllegalArgumentException} and changes nothing, and so is a member
 * whose company role id exceeds 2^59 − 1 ({@code MemberTable.MAX_ROLE_ID}: the member table packs it beside the
 * member's flags).
 *
 * <p>Thread rules: all writes are serialized on this object's monitor; readers take no lock and see each change
 * whole — a revision's operations and its revision together, a single operation, a revision mark, a takeover —
 * or not at all ({@link EngineState}'s sequence lock: each is applied between {@code beginWrite} and
 * {@code endWrite}). An operation that names an unknown organization, catalog or resource type throws an
 * {@link EngineException} and changes nothing; a change holding one is refused whole before any of its operations is
 * applied ({@link #requireApplicable}), and its revision is not recorded — readers go on seeing the previous
 * revision, and the caller must reload (Gatehouse's feed, and the client's replica, then replace the whole state).
 */
public final class EngineWriter {

    private final EngineState state;
    private final DecisionEngine engine;

    private EngineWriter(Function<String, Catalog> catalogs) {
        this(new EngineState(catalogs));
    }

    /** A writer over a given state (a what-if's private copy, {@link WhatIf}). */
    EngineWriter(EngineState state) {
        this.state = state;
        this.engine = new EngineReader(state, this);
    }

    /** A writer over a new, empty engine whose organizations find their catalogs by id (null when unknown). */
    public static EngineWriter create(Function<String, Catalog> catalogs) {
        return new EngineWriter(catalogs);
    }

    /** The engine this writer fills: its read side, for everyone else. */
    public DecisionEngine engine() {
        return engine;
    }

    /** The revision of the last change applied. */
    public long revision() {
        return state.revision;
    }

    /** Applies the operations of the change at {@code revision}, unless that revision was applied already. */
    public synchronized boolean apply(long revision, List<EngineOp> ops) {
        if (revision <= state.revision) {
            return false;
        }
        requireApplicable(ops);
        state.beginWrite();
        try {
            for (EngineOp op : ops) {
                applyOne(op);
            }
            state.revision = revision;
        } finally {
            state.endWrite();
        }
        return true;
    }

    /** Marks a loaded snapshot as being at {@code revision}; changes up to it are skipped later. */
    public synchronized void markRevision(long revision) {
        state.beginWrite();
        state.revision = revision;
        state.endWrite();
    }

    /** Applies one operation, outside the revision bookkeeping. */
    public synchronized void apply(EngineOp op) {
        state.beginWrite();
        try {
            applyOne(op);
        } finally {
            state.endWrite();
        }
    }

    /**
     * Throws what applying {@code ops} in order would throw, before anything is applied: every organization named
     * is held (or added by an earlier operation, and not removed since), every catalog and resource type is known, a
     * parent is given only on a type that has a parent type, member ids are positive and company role ids in range.
     * O(operations), reading the state without changing it (the caller holds the writer's monitor).
     */
    private void requireApplicable(List<EngineOp> ops) {
        Map<Long, Catalog> changed = new HashMap<>(); // organizations added (their catalog) or removed (null) before
        for (EngineOp op : ops) {
            if (op instanceof EngineOp.PutAssignment a) {
                type(catalog(a.orgId(), changed), a.resourceType());
            } else if (op instanceof EngineOp.RemoveAssignment a) {
                type(catalog(a.orgId(), changed), a.resourceType());
            } else if (op instanceof EngineOp.PutResource r) {
                Catalog.ResourceType type = type(catalog(r.orgId(), changed), r.resourceType());
                if (r.parentId() != null && type.parentType() == null) {
                    throw ResourceIndex.noParentType(type.key(), r.resourceId(), r.parentId());
                }
            } else if (op instanceof EngineOp.RemoveResource r) {
                type(catalog(r.orgId(), changed), r.resourceType());
            } else if (op instanceof EngineOp.PutMember m) {
                catalog(m.orgId(), changed);
                MemberTable.requireValid(m.memberId(), m.userId());
                MemberTable.word(m.roleId(), m.external(), m.active());
            } else if (op instanceof EngineOp.PutOrganization o) {
                Catalog held = changed.containsKey(o.orgId()) ? changed.get(o.orgId())
                        : state.orgs.get(o.orgId()) == null ? null : state.orgs.get(o.orgId()).catalog;
                if (held == null || !held.id().equals(o.catalogId())) {
                    Catalog catalog = state.catalogs.apply(o.catalogId());
                    if (catalog == null) {
                        throw new EngineException.UnknownCatalog(o.orgId(), o.catalogId());
                    }
                    changed.put(o.orgId(), catalog);
                }
            } else if (op instanceof EngineOp.RemoveOrganization o) {
                changed.put(o.orgId(), null);
            } else if (op instanceof EngineOp.RemoveMember m) {
                catalog(m.orgId(), changed);
            } else if (op instanceof EngineOp.PutRole r) {
                catalog(r.orgId(), changed);
            } else if (op instanceof EngineOp.PutGrants g) {
                catalog(g.orgId(), changed);
            } else if (op instanceof EngineOp.RemoveRole r) {
                catalog(r.orgId(), changed);
            } else {
                throw new IllegalArgumentException("unknown operation " + op);
            }
        }
    }

    /** The catalog of an organization as the operations before have left it ({@code changed}) or as it is held. */
    private Catalog catalog(long orgId, Map<Long, Catalog> changed) {
        Catalog catalog = changed.containsKey(orgId) ? changed.get(orgId) : state.org(orgId).catalog;
        if (catalog == null) {
            throw new EngineException.UnknownOrganization(orgId);
        }
        return catalog;
    }

    private static Catalog.ResourceType type(Catalog catalog, String resourceType) {
        Catalog.ResourceType type = catalog.resourceType(resourceType);
        if (type == null) {
            throw new EngineException.UnknownResourceType(resourceType, catalog.id());
        }
        return type;
    }

    private void applyOne(EngineOp op) {
        if (op instanceof EngineOp.PutAssignment a) {
            EngineState.resourceIndex(state.org(a.orgId()), a.resourceType(), -1)
                    .put(a.resourceId(), a.memberId(), a.roleId());
        } else if (op instanceof EngineOp.RemoveAssignment a) {
            EngineState.resourceIndex(state.org(a.orgId()), a.resourceType(), -1).remove(a.resourceId(), a.memberId());
        } else if (op instanceof EngineOp.PutResource r) {
            EngineState.resourceIndex(state.org(r.orgId()), r.resourceType(), -1)
                    .setParent(r.resourceId(), r.parentId());
        } else if (op instanceof EngineOp.RemoveResource r) {
            EngineState.resourceIndex(state.org(r.orgId()), r.resourceType(), -1).setParent(r.resourceId(), null);
        } else if (op instanceof EngineOp.PutMember m) {
            putMember(m);
        } else if (op instanceof EngineOp.RemoveMember m) {
            removeMember(m);
        } else if (op instanceof EngineOp.PutRole r) {
            OrgState org = state.org(r.orgId());
            org.roles.put(r.roleId(), new RoleEntry(r.roleId(), r.name(), org.catalog.bits(r.permissions()),
                    r.external(), r.visibility(), org.catalog.grants().takenBy(r.key())));
        } else if (op instanceof EngineOp.PutGrants g) {
            putGrants(g);
        } else if (op instanceof EngineOp.RemoveRole r) {
            state.org(r.orgId()).roles.remove(r.roleId());
        } else if (op instanceof EngineOp.PutOrganization o) {
            putOrganization(o);
        } else if (op instanceof EngineOp.RemoveOrganization o) {
            state.orgs.remove(o.orgId());
        } else {
            throw new IllegalArgumentException("unknown operation " + op);
        }
    }

    private void putOrganization(EngineOp.PutOrganization op) {
        OrgState existing = state.orgs.get(op.orgId());
        if (existing == null || !existing.catalog.id().equals(op.catalogId())) {
            Catalog catalog = state.catalogs.apply(op.catalogId());
            if (catalog == null) {
                throw new EngineException.UnknownCatalog(op.orgId(), op.catalogId());
            }
            state.orgs.put(op.orgId(), new OrgState(op.orgId(), catalog));
        }
    }

    private void putMember(EngineOp.PutMember op) {
        OrgState org = state.org(op.orgId());
        long word = MemberTable.word(op.roleId(), op.external(), op.active());
        MemberEntry previous = org.members.entry(op.memberId());
        org.members.put(op.memberId(), op.userId(), word, org.grants.get(op.memberId()) != null);
        if (previous != null && !previous.userId().equals(op.userId())) {
            org.membersByUserId.remove(previous.userId(), previous.id());
        }
        org.membersByUserId.put(op.userId(), op.memberId());
    }

    private void putGrants(EngineOp.PutGrants op) {
        OrgState org = state.org(op.orgId());
        long[] bits = org.catalog.grantBits(op.permissions());
        boolean any = false;
        for (long word : bits) {
            any |= word != 0L;
        }
        if (any) {
            org.grants.put(op.memberId(), bits);
        } else {
            org.grants.remove(op.memberId());
        }
        org.members.setGrants(op.memberId(), any);
    }

    private void removeMember(EngineOp.RemoveMember op) {
        OrgState org = state.org(op.orgId());
        MemberEntry previous = org.members.entry(op.memberId());
        if (previous != null) {
            org.members.remove(op.memberId());
            org.membersByUserId.remove(previous.userId(), previous.id());
            org.grants.remove(op.memberId());
            for (ResourceIndex index : org.resources.values()) {
                index.removeMember(op.memberId());
            }
        }
    }

    /**
     * Takes over the whole state of {@code loaded} (a writer whose engine was just loaded from a snapshot) in one
     * step: readers see either the old state or the new one. {@code loaded} is left empty.
     */
    public synchronized void replaceWith(EngineWriter loaded) {
        synchronized (loaded) {
            state.beginWrite();
            loaded.state.beginWrite();
            state.orgs = loaded.state.orgs;
            state.revision = loaded.state.revision;
            loaded.state.orgs = new LongMap<>(8);
            loaded.state.endWrite();
            state.endWrite();
        }
    }
}
