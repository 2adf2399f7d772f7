package dev.gatehouse.preview;

import dev.gatehouse.member.Member;
import java.util.List;
import java.util.Objects;

/**
 * The answer to a preview: who would gain and who would lose which permissions, where, if a proposed change were
 * made — as far as the caller may see (resources it does not see, members it may not read, and members whose role on
 * a resource it may not see there, are left out: {@link PreviewService}).
 *
 * @param revision          the engine revision of the state the change was applied to
 * @param gains             per permission and place, the members who would gain it (places organization-wide
 *                          first, then by resource type — every resource without a role of the member's own
 *                          first — and id; permissions in the model's order)
 * @param losses            the same for losses
 * @param gainsCount        how many effects the gains are, listed or not: more than {@code gains} holds when the
 *                          answer reached {@link PreviewService#MAX_EFFECTS}
 * @param lossesCount       the same for the losses
 * @param membersGaining    distinct members who would gain anything
 * @param membersLosing     distinct members who would lose anything
 * @param visibilityChanged members whose record visibility would change (a role's visibility settings)
 * @param truncated         whether the answer reached a bound: the effects listed reached
 *                          {@link PreviewService#MAX_EFFECTS} in all, gains then losses, leaving the rest unlisted
 *                          (counted in {@code gainsCount} and {@code lossesCount}), or the members listed reached
 *                          {@link PreviewService#MAX_LISTED} in all, leaving some effect (and those after it) fewer
 *                          members listed than asked for; counts stay exact
 */
public record Preview(long revision, List<Effect> gains, List<Effect> losses, int gainsCount, int lossesCount,
                      int membersGaining, int membersLosing, Members visibilityChanged, boolean truncated) {

    public Preview {
        gains = List.copyOf(gains);
        losses = List.copyOf(losses);
        if (gains.size() > gainsCount || losses.size() > lossesCount) {
            throw new IllegalArgumentException("more effects listed (" + gains.size() + " gains, " + losses.size()
                    + " losses) than counted (" + gainsCount + ", " + lossesCount + ")");
        }
        Objects.requireNonNull(visibilityChanged, "visibilityChanged");
    }

    /**
     * One permission gained or lost in one place: organization-wide ({@code resourceType} null), on one resource,
     * or on every resource of a type where the member holds no role of its own ({@code resourceId} null).
     */
    public record Effect(String permission, String resourceType, String resourceId, Members members) {
        public Effect {
            Objects.requireNonNull(permission, "permission");
            Objects.requireNonNull(members, "members");
        }
    }

    /** How many members, and the first of them by id ({@link #complete} when every one is listed). */
    public record Members(int count, List<Member> first) {
        public Members {
            first = List.copyOf(first);
        }

        public boolean complete() {
            return first.size() == count;
        }
    }
}
