package dev.gatehouse.member;

/**
 * The orders in which a directory of members can be read a page at a time ({@link MemberService#listActive}):
 * names compare ignoring case, with members without the name last; ties go by id, so pages never overlap.
 */
public enum MemberOrder {
    ID("id"),
    LAST_NAME_FIRST_NAME("lower(last_name) NULLS LAST, lower(first_name) NULLS LAST, id"),
    FIRST_NAME_LAST_NAME("lower(first_name) NULLS LAST, lower(last_name) NULLS LAST, id"),
    CREATED("created_at, id"),
    CREATED_DESCENDING("created_at DESC, id DESC");

    private final String sql;

    MemberOrder(String sql) {
        this.sql = sql;
    }

    /** The ORDER BY clause; a constant of this enum, never input. */
    String sql() {
        return sql;
    }
}
