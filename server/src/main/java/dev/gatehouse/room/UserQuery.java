package dev.gatehouse.room;

/**
 * A company-user search: every non-null criterion must hold.
 *
 * @param filter      prefix of the first name, last name, full name or email, ignoring case
 * @param pendingOnly users whose invitation is pending (Gatehouse has none: every user is active)
 * @param lockedOnly  only locked-out (deactivated) users
 * @param start       zero-based position of the first item
 */
public record UserQuery(String filter, UserSort sort, Integer defaultOfficeId, AccessLevel accessLevel, Integer titleId,
                        Long roleId, boolean pendingOnly, boolean lockedOnly, int start, int count) {
    public UserQuery {
        sort = sort == null ? UserSort.ID : sort;
    }
}
