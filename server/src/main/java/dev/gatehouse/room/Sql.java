package dev.gatehouse.room;

import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/** SQL pieces shared by the room package's stores. Stateless. */
final class Sql {

    /** Member columns, selected from {@code members m}. */
    static final String MEMBER_COLUMNS = "m.id, m.org_id, m.user_id, m.email, m.first_name, m.last_name, m.role_id, "
            + "m.external, m.status, m.version, m.created_at, m.updated_at";

    private Sql() {
    }

    /**
     * The time in {@code column} at the precision the Rooms dialect shows it: whole milliseconds, cut as its dates
     * are written ({@code 2026-12-06T06:44:10.849Z}). Every Rooms filter on a date it shows compares this, not the
     * column, which keeps microseconds: a room changed at {@code 10.849500} is shown as {@code 10.849}, and an end
     * bound of {@code 10.849} — the date a client was shown — compared with the column left it out.
     */
    static String shownTime(String column) {
        return "date_trunc('milliseconds', " + column + ")";
    }

    /**
     * The LIKE pattern matching values that start with {@code prefix}; use it as {@code lower(column) LIKE lower(:p)
     * ESCAPE '!'} (not a backslash, which JDBI's statement parser reads as escaping the quote), so that the database
     * folds both sides alike: Java's folding gives ς for a final Σ where the database gives σ, and a user named
     * "ΠΑΠΑΣ" was not found by the filter "ΠΑΠΑΣ".
     */
    static String prefixPattern(String prefix) {
        return prefix.replace("!", "!!").replace("%", "!%").replace("_", "!_") + "%";
    }

    static Integer integer(ResultSet rs, String column) throws SQLException {
        int v = rs.getInt(column);
        return rs.wasNull() ? null : v;
    }

    static Long longOrNull(ResultSet rs, String column) throws SQLException {
        long v = rs.getLong(column);
        return rs.wasNull() ? null : v;
    }

    static List<Integer> integers(ResultSet rs, String column) throws SQLException {
        Array array = rs.getArray(column);
        List<Integer> out = new ArrayList<>();
        if (array != null) {
            for (Object o : (Object[]) array.getArray()) {
                out.add(((Number) o).intValue());
            }
        }
        return out;
    }

    static List<Long> longs(ResultSet rs, String column) throws SQLException {
        Array array = rs.getArray(column);
        List<Long> out = new ArrayList<>();
        if (array != null) {
            for (Object o : (Object[]) array.getArray()) {
                out.add(((Number) o).longValue());
            }
        }
        return out;
    }
}
