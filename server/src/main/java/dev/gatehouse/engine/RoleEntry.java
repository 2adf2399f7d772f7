package dev.gatehouse.engine;

import java.util.List;

/**
 * A role as the engine sees it: its permissions as a bit set over the model's permission numbers.
 * Immutable; a role update replaces the entry.
 *
 * @param visibility null when the role sees all records
 */
record RoleEntry(long id, String name, long[] bits, boolean external, Visibility visibility) {

    boolean grants(int permission) {
        int word = permission >>> 6;
        return word < bits.length && (bits[word] & (1L << permission)) != 0;
    }

    /** Record visibility settings of a role that does not see all records. */
    record Visibility(List<String> userFieldIds, boolean allowUnassigned) {
        Visibility {
            userFieldIds = List.copyOf(userFieldIds);
        }
    }
}
