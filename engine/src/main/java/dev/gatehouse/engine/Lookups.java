package dev.gatehouse.engine;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

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
     * Resources of {@code index}'s type on which the member's assignment grants the permission, ids ascending,
     * after {@code cursor}. Cost: O(assignments of the member).
     */
    static Page<String> resources(OrgState org, MemberEntry member, int permission, ResourceIndex index,
                                  String cursor, int limit) {
        List<String> items = new ArrayList<>();
        String[] ids = index.resourcesOf(member.id());
        int start = cursor == null ? 0 : after(Arrays.binarySearch(ids, cursor));
        for (int i = start; i < ids.length; i++) {
            long decided = DecidingRole.of(member, index, index.resource(ids[i]));
            if (DecidingRole.onResource(decided) && DecidingRole.grants(org, decided, permission)) {
                if (items.size() == limit) {
                    return new Page<>(items, items.get(limit - 1));
                }
                items.add(ids[i]);
            }
        }
        return new Page<>(items, null);
    }

    /**
     * Members (ids ascending, above {@code after}) who may do the permission organization-wide ({@code index}
     * null) or on one resource ({@code resource}: its assignments, null when it has none). Where only an
     * assignment can decide (a type that does not inherit the company role) only the resource's assigned members
     * are candidates; otherwise every member is. Cost: O(candidates).
     */
    static Page<Long> members(OrgState org, int permission, ResourceIndex index, ResourceEntry resource, long after,
                              int limit) {
        Collector found = new Collector();
        if (index == null || index.inheritsCompanyRole) {
            org.members.forEach((id, member) -> {
                if (id > after && DecidingRole.grants(org, DecidingRole.of(member, index, resource), permission)) {
                    found.add(id);
                }
            });
        } else if (resource != null) {
            for (long id : resource.memberIds) {
                MemberEntry member = org.members.get(id);
                if (id > after && member != null
                        && DecidingRole.grants(org, DecidingRole.of(member, index, resource), permission)) {
                    found.add(id);
                }
            }
        }
        long[] sorted = found.sorted();
        List<Long> items = new ArrayList<>(Math.min(limit, sorted.length));
        for (int i = 0; i < sorted.length && i < limit; i++) {
            items.add(sorted[i]);
        }
        String next = sorted.length > limit ? String.valueOf(sorted[limit - 1]) : null;
        return new Page<>(items, next);
    }

    private static int after(int searchResult) {
        return searchResult >= 0 ? searchResult + 1 : -searchResult - 1;
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

        long[] sorted() {
            long[] out = Arrays.copyOf(ids, count);
            Arrays.sort(out);
            return out;
        }
    }
}
