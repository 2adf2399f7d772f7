package db.migration;

import dev.gatehouse.sql.NameKey;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;

/**
 * Clears the {@code name_key} of every role and group whose key is not its name's ({@link NameKey}): rows a node of a
 * build before V21_2 renamed before V21_4 cleared such keys, which kept their old names from every other object of
 * their organization. Such a row is then keyless, as V21_4 leaves the rows those nodes rename; a current node compares
 * new names with it by folding its name itself, and gives it its key when it next writes it.
 *
 * <p>Reads each table once, a few rows at a time, and writes in batches, inside Flyway's transaction for this
 * migration.
 */
public class V21_5__StaleNameKeys extends BaseJavaMigration {

    private static final int BATCH = 1_000;

    @Override
    public void migrate(Context context) throws SQLException {
        Connection connection = context.getConnection();
        clearStaleKeys(connection, "roles");
        clearStaleKeys(connection, "groups");
    }

    private static void clearStaleKeys(Connection connection, String table) throws SQLException {
        try (PreparedStatement read = connection.prepareStatement("SELECT id, name, name_key FROM " + table
                + " WHERE name_key IS NOT NULL ORDER BY id");
             PreparedStatement write = connection.prepareStatement("UPDATE " + table + " SET name_key = NULL "
                     + "WHERE id = ?")) {
            read.setFetchSize(BATCH);
            int pending = 0;
            try (ResultSet rows = read.executeQuery()) {
                while (rows.next()) {
                    if (NameKey.of(rows.getString("name")).equals(rows.getString("name_key"))) {
                        continue;
                    }
                    write.setLong(1, rows.getLong("id"));
                    write.addBatch();
                    if (++pending == BATCH) {
                        write.executeBatch();
                        pending = 0;
                    }
                }
            }
            if (pending > 0) {
                write.executeBatch();
            }
        }
    }
}
