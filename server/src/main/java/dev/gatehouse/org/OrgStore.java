package dev.gatehouse.org;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.jdbi.v3.core.Handle;

import static dev.gatehouse.store.SqlTime.instant;
import static dev.gatehouse.store.SqlTime.utc;

/** SQL for organizations. Stateless. */
final class OrgStore {

    private static final String COLUMNS = "id, account_id, name, model_id, version, created_at, updated_at";

    /**
     * Inserts organizations, one per name with the model id at the same position, all at {@code now}, in one
     * statement; returns them in the order given, their ids ascending in that order.
     */
    List<Organization> insertAll(Handle h, List<String> names, List<String> modelIds, Instant now) {
        List<UUID> accounts = names.stream().map(n -> UUID.randomUUID()).toList();
        Map<UUID, Organization> byAccount = new HashMap<>();
        h.createQuery("INSERT INTO organizations (account_id, name, model_id, version, created_at, updated_at) "
                        + "SELECT a, n, m, 1, :now, :now FROM unnest(CAST(:accounts AS uuid[]), CAST(:names AS text[]), "
                        + "CAST(:models AS text[])) WITH ORDINALITY AS t(a, n, m, i) ORDER BY i RETURNING " + COLUMNS)
                .bind("accounts", accounts.stream().map(UUID::toString).toArray(String[]::new))
                .bind("names", names.toArray(new String[0]))
                .bind("models", modelIds.toArray(new String[0])).bind("now", utc(now))
                .map((rs, ctx) -> map(rs)).forEach(o -> byAccount.put(o.accountId(), o));
        // RETURNING promises no order: each is found again by its account
        return accounts.stream().map(byAccount::get).toList();
    }

    public Optional<Organization> find(Handle h, long id) {
        return h.createQuery("SELECT " + COLUMNS + " FROM organizations WHERE id = :id")
                .bind("id", id).map((rs, ctx) -> map(rs)).findOne();
    }

    public Optional<Organization> findByAccount(Handle h, UUID accountId) {
        return h.createQuery("SELECT " + COLUMNS + " FROM organizations WHERE account_id = :a")
                .bind("a", accountId).map((rs, ctx) -> map(rs)).findOne();
    }

    /** Organizations with id greater than {@code after}, ascending; {@code only} restricts to one id. */
    public List<Organization> list(Handle h, long after, int limit, Long only) {
        return h.createQuery("SELECT " + COLUMNS + " FROM organizations WHERE id > :after "
                        + "AND (CAST(:only AS bigint) IS NULL OR id = :only) ORDER BY id LIMIT :limit")
                .bind("after", after).bind("only", only).bind("limit", limit).map((rs, ctx) -> map(rs)).list();
    }

    public Organization rename(Handle h, long id, String name, Instant now) {
        return h.createQuery("UPDATE organizations SET name = :name, version = version + 1, updated_at = :now "
                        + "WHERE id = :id RETURNING " + COLUMNS)
                .bind("id", id).bind("name", name).bind("now", utc(now)).map((rs, ctx) -> map(rs)).one();
    }

    /**
     * Deletes the organization and everything in it: its assignments and its members first (they have no foreign
     * key to it, see {@code V16_3__assignments_checked_by_the_services.sql} and
     * {@code V17_2__members_checked_by_the_services.sql}; the members' keys, grants, groups and room places follow
     * them), then its row, which the other tables' rows follow.
     */
    public void delete(Handle h, long id) {
        h.createUpdate("DELETE FROM assignments WHERE org_id = :id").bind("id", id).execute();
        h.createUpdate("DELETE FROM members WHERE org_id = :id").bind("id", id).execute();
        h.createUpdate("DELETE FROM organizations WHERE id = :id").bind("id", id).execute();
    }

    static Organization map(ResultSet rs) throws SQLException {
        return new Organization(rs.getLong("id"), rs.getObject("account_id", UUID.class), rs.getString("name"),
                rs.getString("model_id"), rs.getInt("version"), instant(rs, "created_at"), instant(rs, "updated_at"));
    }
}
