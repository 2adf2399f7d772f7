package dev.gatehouse.engine;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The two lookups, "where may this member do P" and "who may do P here", as walks over the indexes that ask
 * {@link DecidingRole} about each candidate, so a lookup and a check can never disagree. Pages are cut by a cursor
 * (the last item of the previous page), so they are stable under concurrent writes: an item is never returned
 * twice, and one added or removed meanwhile may or may not appear. Stateless; callers validated the names.
 */
final class Lookups {

    private Lookups() {
    }

    /**
     * Resources of {@code index}'s type on which the member's assignment — its own, or one on an ancestor that
     * the resource inherits — grants the permission, ids ascending, after {@code cursor}. The candidates are the
     * resources of the type the member is assigned on and the descendants of the type under the resources of
     * ancestor types it is assigned on; each is then asked of {@link DecidingRole}, so a nearer assignment that
     * lacks the permission hides the ancestor's. Cost: O(assignments of the member on the type and its ancestor
     * types + the descendants of those ancestors), independent of the rest of the organization.
     */
    static Page<String> resources(OrgState org, long memberId, long member, int permission, ResourceIndex index,
                                  String cursor, int limit) {
        TreeSet<String> candidates = new TreeSet<>(Arrays.asList(index.resourcesOf(memberId)));
        for (ResourceIndex ancestor = index.parent; ancestor != null; ancestor = ancestor.parent) {
            for (String held : ancestor.resourcesOf(memberId)) {
                ancestor.forEachDescendant(held, (type, id) -> {
                    if (type == index) {
                        candidates.add(id);
                    }
                });
            }
        }
        List<String> items = new ArrayList<>();
        for (String id : cursor == null ? candidates : candidates.tailSet(cursor, false)) {
            long decided = DecidingRole.of(memberId, member, index, id);
            if (DecidingRole.onResource(decided) && DecidingRole.allows(org, memberId, member, decided, permission)) {
                if (items.size() == limit) {
                    return new Page<>(items, items.get(limit - 1));
                }
                items.add(id);
            }
        }
        return new Page<>(items, null);
    }

    /**
     * Members (ids ascending, above {@code after}) who may do the permission organization-wide ({@code index}
     * null) or on one resource ({@code resourceId}). Where only an assignment can decide (a type that does not
     * inherit the company role) the members assigned on the resource or one of its ancestors are the candidates;
     * otherwise every member is (and per-member grants count where the company role decides). Cost:
     * O(candidates × depth).
     */
    static Page<Long> members(OrgState org, int permission, ResourceIndex index, String resourceId, long after,
                              int limit) {
        Collector found = new Collector();
        if (index == null || index.inheritsCompanyRole) {
            org.members.forEach((id, member) -> {
                if (id > after && DecidingRole.allows(org, id, member, DecidingRole.of(id, member, index,
                        resourceId), permission)) {
                    found.add(id);
                }
            });
        } else {
            Set<Long> seen = new HashSet<>();
            ResourceIndex at = index;
            for (String id = resourceId; at != null && id != null; id = at.parentOf(id), at = at.parent) {
                for (long memberId : at.membersOn(id)) {
                    long member = org.members.word(memberId);
                    if (memberId > after && member != 0L && seen.add(memberId) && DecidingRole.allows(org,
                            memberId, member, DecidingRole.of(memberId, member, index, resourceId), permission)) {
                        found.add(memberId);
                    }
                }
            }
        }
        long[] sorted = found.sortedDistinct();
        List<Long> items = new ArrayList<>(Math.min(limit, sorted.length));
        for (int i = 0; i < sorted.length && i < limit; i++) {
            items.add(sorted[i]);
        }
        String next = sorted.length > limit ? String.valueOf(sorted[limit - 1]) : null;
        return new Page<>(items, next);
    }

    /** A growable array of member ids. */
    private static final class Collector {
        private long[] ids = new long[16];
        private int count;

        void add(long id) {
            if (count == ids.length) {
                ids = Arrays.copyOf(ids, count * 2);
            }
            ids[count++] = id;
        }

        /**
         * The ids ascending, each once: a walk over the member table that meets a member moving to another slot
         * (its user id changed meanwhile) can see it twice.
         */
        long[] sortedDistinct() {
            long[] out = Arrays.copyOf(ids, count);
            Arrays.sort(out);
            int distinct = 0;
            for (int i = 0; i < out.length; i++) {
                if (i == 0 || out[i] != out[i - 1]) {
                    out[distinct++] = out[i];
                }
            }
            return Arrays.copyOf(out, distinct);
        }
    }
}
