package db.migration;

import dev.gatehouse.sql.NameKey;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashSet;
import java.util.Set;
import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;

/**
 * Stores the key of every role's and group's name ({@link NameKey}) in the {@code name_key} column V21_2 added, which
 * only the node can compute. Names that fold to one key in one organization were both taken before (lower() told them
 * apart): both rows stay, the oldest (lowest id) takes the key and the others keep a null one, which the unique index
 * leaves out. The node compares a new name with such a row by folding its name itself, so none of them can be given
 * again; renaming one gives it its key.
 *
 * <p>Reads each table once in organization and id order, a few rows at a time, and writes the keys in batches, inside
 * Flyway's transaction for this migration.
 */
public class V21_3__FoldedNameKeys extends BaseJavaMigration {

    private static final int BATCH = 1_000;

    @Override
    public void migrate(Context context) throws SQLException {
        Connection connection = context.getConnection();
        storeKeys(connection, "roles");
        storeKeys(connection, "groups");
    }

    private static void storeKeys(Connection connection, String table) throws SQLException {
        try (PreparedStatement read = connection.prepareStatement("SELECT id, org_id, name FROM " + table
                + " ORDER BY org_id, id");
             PreparedStatement write = connection.prepareStatement("UPDATE " + table + " SET name_key = ? "
                     + "WHERE id = ?")) {
            read.setFetchSize(BATCH);
            long orgId = 0;
            Set<String> taken = new HashSet<>();
            int pending = 0;
            try (ResultSet rows = read.executeQuery()) {
                while (rows.next()) {
                    if (rows.getLong("org_id") != orgId) {
                        orgId = rows.getLong("org_id");
                        taken.clear();
                    }
                    String key = NameKey.of(rows.getString("name"));
                    if (!taken.add(key)) {
                        continue; // a later row of a name another row of the organization already holds by its key
                    }
                    write.setString(1, key);
                    write.setLong(2, rows.getLong("id"));
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
