package dev.gatehouse.engine;

import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * What a proposed change would do to who may do what in one organization, as {@link DecisionEngine#whatIf}
 * answers it: the permissions members would gain and lose, where, computed by the decision rule on a copy of the
 * organization's state at {@code revision} (the live engine is not touched).
 *
 * @param revision          the engine revision of the state the change was applied to
 * @param gains             per permission and place, the members who would gain it; places in {@link Where#ORDER},
 *                          then permissions in catalog order
 * @param losses            the same for the members who would lose it
 * @param membersGaining    how many distinct members would gain anything
 * @param membersLosing     how many distinct members would lose anything
 * @param visibilityChanged members whose record visibility (their company role's settings) would change
 */
public record Impact(long revision, List<Effect> gains, List<Effect> losses, int membersGaining, int membersLosing,
                     Members visibilityChanged) {

    public Impact {
        gains = List.copyOf(gains);
        losses = List.copyOf(losses);
        Objects.requireNonNull(visibilityChanged, "visibilityChanged");
    }

    /** Whether the change would alter nothing any decision answers. */
    public boolean none() {
        return gains.isEmpty() && losses.isEmpty() && visibilityChanged.count() == 0;
    }

    /**
     * One permission gained or lost in one place.
     *
     * @param members how many members, and the first of them by id
     */
    public record Effect(String permission, Where where, Members members) {
        public Effect {
            Objects.requireNonNull(permission, "permission");
            Objects.requireNonNull(where, "where");
            Objects.requireNonNull(members, "members");
        }
    }

    /**
     * A set of members: its size and the first {@code limit} member ids, ascending (all of them when the limit
     * asked for allowed it: {@code ids.size() == count}).
     */
    public record Members(int count, List<Long> ids) {
        public Members {
            ids = List.copyOf(ids);
            if (ids.size() > count) {
                throw new IllegalArgumentException("more ids (" + ids.size() + ") than members (" + count + ")");
            }
        }

        /** Whether {@link #ids} lists every member. */
        public boolean complete() {
            return ids.size() == count;
        }
    }

    /**
     * Where a decision applies: organization-wide (both null), on one resource (both set), or on every resource of
     * a type on which the member holds no role of its own ({@code resourceId} null) — where a type inherits the
     * company role, a change of that role applies there.
     */
    public record Where(String resourceType, String resourceId) {

        public static final Where ORGANIZATION = new Where(null, null);

        /** Organization-wide first; then by resource type, its unassigned resources before single ones, by id. */
        public static final Comparator<Where> ORDER = Comparator.comparing(Where::resourceType,
                        Comparator.nullsFirst(Comparator.<String>naturalOrder()))
                .thenComparing(Where::resourceId, Comparator.nullsFirst(Where::compareIds));

        public Where {
            if (resourceType == null && resourceId != null) {
                throw new IllegalArgumentException("a resource id needs its type: " + resourceId);
            }
        }

        public static Where resource(String type, String id) {
            return new Where(Objects.requireNonNull(type, "type"), Objects.requireNonNull(id, "id"));
        }

        /** Every resource of {@code type} on which the member holds no role of its own. */
        public static Where unassigned(String type) {
            return new Where(Objects.requireNonNull(type, "type"), null);
        }

        public boolean organizationWide() {
            return resourceType == null;
        }

        /** Numeric ids by value ("2" before "10"), others as text, numbers first. */
        private static int compareIds(String a, String b) {
            boolean numericA = isNumber(a);
            boolean numericB = isNumber(b);
            if (numericA && numericB) {
                return a.length() != b.length() ? Integer.compare(a.length(), b.length()) : a.compareTo(b);
            }
            return numericA ? -1 : numericB ? 1 : a.compareTo(b);
        }

        private static boolean isNumber(String s) {
            return !s.isEmpty() && s.length() < 19 && s.chars().allMatch(c -> c >= '0' && c <= '9')
                    && (s.length() == 1 || s.charAt(0) != '0');
        }
    }
}
