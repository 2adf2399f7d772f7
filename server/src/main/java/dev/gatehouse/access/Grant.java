package dev.gatehouse.access;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * What a role grants, as far as privilege goes: its permissions and which records it sees. A role either
 * sees all records ({@code visibleFields == null}: it holds the model's "sees all" permission, or the model has
 * no record visibility), or those naming the member in one of {@code visibleFields}, plus records naming nobody
 * when {@code allowUnassigned}. Immutable.
 */
public record Grant(Set<String> permissions, List<String> visibleFields, boolean allowUnassigned) {

    /** What an external member's company role grants: nothing (it has none). */
    public static final Grant NONE = new Grant(Set.of(), List.of(), false);

    public Grant {
        permissions = Set.copyOf(permissions);
        visibleFields = visibleFields == null ? null : List.copyOf(visibleFields);
    }

    public boolean seesAll() {
        return visibleFields == null;
    }

    /**
     * Why this grant sees records that {@code own} does not — all records, more user fields, or records naming
     * nobody in its fields (with {@code allowUnassigned}: unless {@code own} allows them too and watches no field this
     * grant does not, a record naming someone else only in such a field is seen by this grant alone) — or null when
     * it sees no more.
     */
    String visibilityBeyond(Grant own) {
        if (own.seesAll()) {
            return null;
        }
        if (seesAll()) {
            return "all records, while the caller's role sees only records naming it in " + own.visibleFields();
        }
        List<String> extra = new ArrayList<>(visibleFields);
        extra.removeAll(own.visibleFields());
        if (!extra.isEmpty()) {
            return "records through the user fields " + extra + ", beyond the caller's " + own.visibleFields();
        }
        if (allowUnassigned && !own.allowUnassigned()) {
            return "records naming nobody (allow_unassigned), while the caller's role requires assignment";
        }
        // a record is unassigned to a role when none of ITS fields names anyone: over fewer fields, more records are
        List<String> unwatched = new ArrayList<>(own.visibleFields());
        unwatched.removeAll(visibleFields);
        if (allowUnassigned && !unwatched.isEmpty()) {
            return "records naming nobody in " + visibleFields + " (allow_unassigned) but someone else in "
                    + unwatched + ", which the caller's role does not see";
        }
        return null;
    }
}
