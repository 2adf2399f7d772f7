package dev.gatehouse.testing;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** What PostgreSQL reads to run a statement: for tests that pin a statement to an index, whatever the table holds. */
public final class Plans {

    private Plans() {
    }

    /**
     * The pages running {@code sql} (with JDBI's {@code :name} parameters) once for {@code values} (SQL literals, in
     * the order the names first appear) reads, planned once for any values, as PostgreSQL plans a statement a
     * connection has prepared and run a few times (the JDBC driver prepares one on its fifth run); in a
     * transaction rolled back.
     */
    public static long pagesRead(String databaseUrl, String sql, String values) throws Exception {
        JsonNode top = analyzed(databaseUrl, sql, values);
        return top.get("Shared Hit Blocks").asLong() + top.get("Shared Read Blocks").asLong();
    }

    /**
     * The rows running {@code sql} once, planned as {@link #pagesRead} plans it, reads and then discards by a filter,
     * summed over the plan's nodes (and their loops): a lookup by keys that reads only what it names discards none.
     */
    public static long rowsFiltered(String databaseUrl, String sql, String values) throws Exception {
        return rowsFiltered(analyzed(databaseUrl, sql, values));
    }

    private static long rowsFiltered(JsonNode node) {
        long rows = node.path("Rows Removed by Filter").asLong() * Math.max(1, node.path("Actual Loops").asLong());
        for (JsonNode child : node.path("Plans")) {
            rows += rowsFiltered(child);
        }
        return rows;
    }

    private static JsonNode analyzed(String databaseUrl, String sql, String values) throws Exception {
        Properties simple = new Properties();
        simple.setProperty("user", TestDatabase.USER);
        simple.setProperty("password", TestDatabase.password());
        simple.setProperty("preferQueryMode", "simple");
        List<String> names = new ArrayList<>();
        Matcher m = Pattern.compile(":(\\w+)").matcher(sql);
        while (m.find()) {
            if (!names.contains(m.group(1))) {
                names.add(m.group(1));
            }
        }
        String numbered = sql;
        for (int i = 0; i < names.size(); i++) {
            numbered = numbered.replace(":" + names.get(i), "$" + (i + 1));
        }
        try (Connection c = DriverManager.getConnection(databaseUrl, simple); Statement st = c.createStatement()) {
            st.execute("BEGIN");
            st.execute("SET LOCAL plan_cache_mode = force_generic_plan");
            st.execute("PREPARE measured AS " + numbered);
            try (ResultSet rs = st.executeQuery("EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) EXECUTE measured (" + values + ")")) {
                rs.next();
                return JsonMapper.builder().build().readTree(rs.getString(1)).get(0).get("Plan");
            } finally {
                st.execute("ROLLBACK");
            }
        }
    }
}
