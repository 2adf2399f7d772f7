package dev.gatehouse.room;

/**
 * A company-user search: every non-null criterion must hold.
 *
 * @param filter      prefix of the first name, last name, full name or email, ignoring case
 * @param pending     true: only users whose invitation is pending (invited members); false: only the others
 *                    (Rooms' Active, locked ones included); null: both
 * @param lockedOnly  only locked-out (deactivated) users
 * @param start       zero-based position of the first item
 */
public record UserQuery(String filter, UserSort sort, Integer defaultOfficeId, AccessLevel accessLevel, Integer titleId,
                        Long roleId, Boolean pending, boolean lockedOnly, int start, int count) {
    public UserQuery {
        sort = sort == null ? UserSort.ID : sort;
    }
}
