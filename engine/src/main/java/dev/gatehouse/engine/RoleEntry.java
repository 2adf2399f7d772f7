package dev.gatehouse.engine;

/**
 * A role as the engine sees it: its permissions as a bit set over the catalog's permission numbers.
 * Immutable; a role update replaces the entry.
 *
 * @param visibility  null when the role sees all records
 * @param takesGrants whether a member holding it as company role gains its per-member grants where it decides
 *                    (a system role the catalog names, {@link Catalog.MemberGrants})
 */
record RoleEntry(long id, String name, long[] bits, boolean external, Visibility visibility, boolean takesGrants) {

    boolean grants(int permission) {
        return isSet(bits, permission);
    }

    static boolean isSet(long[] bits, int number) {
        int word = number >>> 6;
        return word < bits.length && (bits[word] & (1L << number)) != 0;
    }
}
