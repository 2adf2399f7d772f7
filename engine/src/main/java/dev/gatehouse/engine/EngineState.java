package dev.gatehouse.engine;

import java.lang.invoke.VarHandle;
import java.util.function.Function;

/**
 * The state one engine holds: every organization's indexes and the revision of the last change applied, plus
 * the lookups every query and write starts with, which refuse unknown names with an {@link EngineException}.
 *
 * <p><b>One revision per answer: a sequence lock.</b> The writer changes the indexes in place, one immutable entry
 * or packed word at a time, so a change of many operations (an import, a member removed with its assignments, a new
 * organization) passes through states that belong to no revision. {@link #sequence} tells readers when that is:
 * the writer makes it odd ({@link #beginWrite}) before the first write of a change and even again
 * ({@link #endWrite}) after the last one and after {@link #revision}. A reader ({@code EngineReader}) notes the
 * sequence ({@link #beginRead}), answers from the indexes without a lock, and keeps the answer only when the
 * sequence was even and has not moved ({@link #unchanged}); otherwise it asks again, and after a few tries asks
 * under the writer's monitor, which no change holds half-applied, so that a long lookup is not starved by steady
 * writes. An answer kept therefore comes from the state of one whole change, and {@link #revision}, read within
 * the same window, is that change's revision.
 *
 * <p>What a reader meets mid-change is still safe to read: each index publishes every single write atomically (an
 * entry is replaced, never mutated; see {@link LongMap}, {@link MemberTable}, {@link ResourceTable}), its probes
 * end at an empty slot, and the hierarchy's walks are bounded by the catalog's resource types. So a torn read
 * ends — with an answer, or an exception such as an {@link EngineException} for a member the change has not put
 * yet — and is thrown away; only an exception raised on an unchanged sequence reaches the caller.
 *
 * <p>Memory order (as {@code java.util.concurrent.locks.StampedLock}'s optimistic reads): the odd sequence is
 * written before any write of the change (a volatile write, then a store-store fence), the even one after all of
 * them (a volatile write releases them); a reader reads the sequence (volatile: acquire) before its reads and,
 * after an acquire fence, again after them.
 *
 * <p>Thread rules: the organization map, the revision and the sequence are volatile fields; {@link EngineWriter} is
 * the only code that changes them, serialized on its own monitor, each change between {@link #beginWrite} and
 * {@link #endWrite}, and replaces {@link #orgs} as a whole only when it takes over a reloaded state. Readers take
 * no lock on the way above.
 */
final class EngineState {

    /** Finds a catalog by id; asked only when an organization is added or changes catalog. */
    final Function<String, Catalog> catalogs;
    volatile LongMap<OrgState> orgs = new LongMap<>(1024);
    volatile long revision;
    /** Even while no change is being applied, odd while one is; only the writer changes it. */
    private volatile long sequence;

    EngineState(Function<String, Catalog> catalogs) {
        this.catalogs = catalogs;
    }

    /** Writer only, on its monitor: a change begins; readers that overlap it will ask again. */
    void beginWrite() {
        sequence = sequence + 1;
        VarHandle.storeStoreFence();
    }

    /** Writer only: the change is whole; its writes are released to readers that see the new sequence. */
    void endWrite() {
        sequence = sequence + 1;
    }

    /** The sequence before a read; a read that starts while it is odd cannot be kept. */
    long beginRead() {
        return sequence;
    }

    /** Whether a read that began at {@code sequence} saw the state of one whole change: no write began meanwhile. */
    boolean unchanged(long sequence) {
        VarHandle.acquireFence();
        return (sequence & 1L) == 0L && this.sequence == sequence;
    }

    OrgState org(long orgId) {
        OrgState org = orgs.get(orgId);
        if (org == null) {
            throw new EngineException.UnknownOrganization(orgId);
        }
        return org;
    }

    /** The member's word in the organization's {@link MemberTable}: its company role and flags. */
    static long member(OrgState org, long memberId) {
        long member = org.members.word(memberId);
        if (member == 0L) {
            throw new EngineException.UnknownMember(org.id, memberId);
        }
        return member;
    }

    /** The number of a permission in the organization's catalog. */
    static int permission(OrgState org, String permission) {
        int number = org.catalog.numberOf(permission);
        if (number < 0) {
            throw new EngineException.UnknownPermission(permission, org.catalog.id());
        }
        return number;
    }

    /** The number of a permission asked without a resource, which must apply organization-wide. */
    static int organizationWidePermission(OrgState org, String permission) {
        int number = permission(org, permission);
        if (!org.catalog.organizationWide(number)) {
            throw new EngineException.PermissionNotApplicable(permission, null);
        }
        return number;
    }

    /** The index of a resource type; a permission ({@code >= 0}, else unchecked) must apply on that type. */
    static ResourceIndex resourceIndex(OrgState org, String resourceType, int permission) {
        ResourceIndex index = org.resources.get(resourceType);
        if (index == null) {
            throw new EngineException.UnknownResourceType(resourceType, org.catalog.id());
        }
        if (permission >= 0 && !index.applies(permission)) {
            throw new EngineException.PermissionNotApplicable(org.catalog.permissions().get(permission).key(),
                    resourceType);
        }
        return index;
    }
}
