package dev.gatehouse.role;

import dev.gatehouse.json.Json;
import dev.gatehouse.model.MemberGrants;
import dev.gatehouse.model.PermissionModel;
import dev.gatehouse.model.SystemRole;
import dev.gatehouse.sql.CopyRows;
import dev.gatehouse.sql.NameKey;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.Query;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import static dev.gatehouse.store.SqlTime.instant;
import static dev.gatehouse.store.SqlTime.micros;
import static dev.gatehouse.store.SqlTime.utc;

/** SQL for roles. Stateless. */
public final class RoleStore {

    private static final String COLUMNS = "id, org_id, system_key, name, description, permissions, external, "
            + "default_for_admin, visibility, version, created_at, updated_at";

    /** Inserts one role at {@code now}, with its name's key ({@link NameKey}), and returns it. */
    Role insert(Handle h, New r, Instant now) {
        return h.createQuery("INSERT INTO roles (org_id, system_key, name, name_key, description, permissions, "
                        + "external, default_for_admin, visibility, version, created_at, updated_at) VALUES (:org, :key, "
                        + ":name, :nameKey, :description, :permissions, :external, :dfa, CAST(:visibility AS jsonb), 1, "
                        + ":now, :now) RETURNING " + COLUMNS)
                .bind("org", r.orgId()).bind("key", r.systemKey()).bind("name", r.name())
                .bind("nameKey", NameKey.of(r.name()))
                .bind("description", r.description()).bind("permissions", r.permissions().toArray(new String[0]))
                .bind("external", r.external()).bind("dfa", r.defaultForAdmin()).bind("visibility", json(r.visibility()))
                .bind("now", utc(now))
                .map((rs, ctx) -> map(rs)).one();
    }

    /**
     * A role to insert with others ({@link #insertAll}), of organization {@code orgId}: a custom one ({@link #of}) or
     * a model's system role ({@link #system}).
     */
    record New(long orgId, String systemKey, String name, String description, List<String> permissions,
               boolean external, boolean defaultForAdmin, RoleVisibility visibility) {

        /** The row a custom role's input makes: no description is an empty one, the permissions canonical. */
        static New of(long orgId, PermissionModel model, RoleInput input) {
            return new New(orgId, null, input.name(), input.description() == null ? "" : input.description(),
                    model.canonical(input.permissions() == null ? List.of() : input.permissions()),
                    Boolean.TRUE.equals(input.external()), false, input.visibility());
        }

        /** The row of one of the model's system roles in a new organization ({@link RoleService#seedAhead}). */
        static New system(long orgId, PermissionModel model, SystemRole role) {
            return new New(orgId, role.key(), role.name(), role.description(), model.canonical(role.permissions()),
                    role.external(), role.defaultForAdmin(), null);
        }
    }

    /**
     * Inserts roles, all at {@code now}, with their names' keys; returns them in the order given, their ids ascending
     * in that order. Their names must be free (a taken one fails the whole statement, as an insert would). One
     * statement whatever their
     * number: the rows by {@code COPY}, with {@code ids} taken from the table's sequence
     * ({@link dev.gatehouse.sql.NewIds}), one per role.
     */
    List<Role> insertAll(Handle h, List<Long> ids, List<New> roles, Instant now) {
        Instant at = micros(now);
        CopyRows copy = new CopyRows("roles (" + COLUMNS + ", name_key)", 13, roles.size());
        List<Role> inserted = new ArrayList<>(roles.size());
        for (int i = 0; i < roles.size(); i++) {
            New r = roles.get(i);
            Role role = new Role(ids.get(i), r.orgId(), r.systemKey(), r.name(), r.description(), r.permissions(),
                    r.external(), r.defaultForAdmin(), r.visibility(), 1, at, at);
            copy.row().bigint(role.id()).bigint(role.orgId()).text(role.systemKey()).text(role.name())
                    .text(role.description()).textArray(role.permissions()).bool(role.external())
                    .bool(role.defaultForAdmin()).jsonb(json(role.visibility())).integer(role.version()).time(at)
                    .time(at).text(NameKey.of(role.name()));
            inserted.add(role);
        }
        copy.copyInto(h);
        return inserted;
    }

    /**
     * Writes a role's values; a new name takes its key ({@link NameKey}) unless another role holds that key, an
     * unchanged one keeps the key it has (a row without one takes its name's key when no other role holds it:
     * {@link #findSameName}, {@link NameKey#storeKey}).
     */
    public Role update(Handle h, Role role, Instant now) {
        // a renamed row is left keyless here, as the statement of a build that knows no key leaves it (V21_4)
        boolean[] keyless = {false};
        Role updated = h.createQuery("UPDATE roles SET name = :name, name_key = CASE WHEN name = :name THEN name_key "
                        + "END, description = :description, permissions = :permissions, "
                        + "external = :external, visibility = CAST(:visibility AS jsonb), version = version + 1, "
                        + "updated_at = :now WHERE id = :id RETURNING " + COLUMNS + ", name_key IS NULL AS keyless")
                .bind("id", role.id()).bind("name", role.name())
                .bind("description", role.description())
                .bind("permissions", role.permissions().toArray(new String[0])).bind("external", role.external())
                .bind("visibility", json(role.visibility())).bind("now", utc(now))
                .map((rs, ctx) -> {
                    keyless[0] = rs.getBoolean("keyless");
                    return map(rs);
                }).one();
        if (keyless[0]) {
            NameKey.storeKey(h, "roles", updated.id(), updated.name());
        }
        return updated;
    }

    public Optional<Role> find(Handle h, long orgId, long id) {
        return h.createQuery("SELECT " + COLUMNS + " FROM roles WHERE org_id = :org AND id = :id")
                .bind("org", orgId).bind("id", id).map((rs, ctx) -> map(rs)).findOne();
    }

    public Optional<Role> findBySystemKey(Handle h, long orgId, String key) {
        return h.createQuery("SELECT " + COLUMNS + " FROM roles WHERE org_id = :org AND system_key = :key")
                .bind("org", orgId).bind("key", key).map((rs, ctx) -> map(rs)).findOne();
    }

    /** The role whose name is {@code name} as {@code lower()} folds both: how a reference by name finds a role. */
    public Optional<Role> findByName(Handle h, long orgId, String name) {
        return h.createQuery("SELECT " + COLUMNS + " FROM roles WHERE org_id = :org AND lower(name) = lower(:name)")
                .bind("org", orgId).bind("name", name).map((rs, ctx) -> map(rs)).findOne();
    }

    /**
     * The roles whose names are the same as {@code name} ignoring case, the one {@code lower()} calls equal first
     * ({@link NameKey#sameNames}): what a reference by name may mean.
     */
    public List<Role> sameNames(Handle h, long orgId, String name) {
        return NameKey.sameNames(h, "roles", COLUMNS, orgId, name, 0L, null, (rs, ctx) -> map(rs));
    }

    /**
     * A role other than {@code self} (named {@code current}; 0 and null for a new role) whose name is the same as
     * {@code name} ignoring case ({@link NameKey#findSameName}).
     */
    Optional<Role> findSameName(Handle h, long orgId, String name, long self, String current) {
        return NameKey.findSameName(h, "roles", COLUMNS, orgId, name, self, current, (rs, ctx) -> map(rs));
    }

    /**
     * Roles of the organization with id greater than {@code after}, ascending; when {@code heldBy} is not null,
     * only those the member holds on a resource.
     */
    public List<Role> list(Handle h, long orgId, long after, int limit, Long heldBy) {
        return h.createQuery("SELECT " + COLUMNS + " FROM roles WHERE org_id = :org AND id > :after "
                        + "AND (CAST(:held AS bigint) IS NULL OR id IN (SELECT role_id FROM assignments "
                        + "WHERE member_id = :held)) ORDER BY id LIMIT :limit")
                .bind("org", orgId).bind("after", after).bind("held", heldBy).bind("limit", limit)
                .map((rs, ctx) -> map(rs)).list();
    }

    /** Whether the member holds the role on some resource. */
    public boolean isHeldOnResource(Handle h, long roleId, long memberId) {
        return h.createQuery("SELECT EXISTS (SELECT 1 FROM assignments WHERE role_id = :role AND member_id = :m)")
                .bind("role", roleId).bind("m", memberId).mapTo(Boolean.class).one();
    }

    public void delete(Handle h, long id) {
        h.createUpdate("DELETE FROM roles WHERE id = :id").bind("id", id).execute();
    }

    /**
     * The resource assignments of the organization holding a role: its own assignments walked by their primary key
     * (no index on {@code role_id}: every assignment written would keep it up for this rare question).
     */
    static final String ASSIGNMENTS_HOLDING = "SELECT count(*) FROM assignments WHERE org_id = :org AND role_id = :role";

    /**
     * How many members hold the role as company role, how many resource assignments use it, and how many revoked room
     * users keep it.
     */
    public RoleHolders holders(Handle h, long orgId, long roleId) {
        long members = h.createQuery("SELECT count(*) FROM members WHERE role_id = :id").bind("id", roleId)
                .mapTo(Long.class).one();
        long assignments = h.createQuery(ASSIGNMENTS_HOLDING).bind("org", orgId).bind("role", roleId)
                .mapTo(Long.class).one();
        // a room user whose access is revoked keeps its room role for a restore (Rooms' room_users)
        long revoked = h.createQuery("SELECT count(*) FROM room_users WHERE revoked_role_id = :role")
                .bind("role", roleId).mapTo(Long.class).one();
        return new RoleHolders(roleId, members, assignments, revoked);
    }

    /** Whether a member holds role {@code roleId} as its company role; only member {@code onlyMember} when not null. */
    public boolean heldAsCompanyRole(Handle h, long orgId, long roleId, Long onlyMember) {
        return h.createQuery("SELECT EXISTS (SELECT 1 FROM members WHERE org_id = :org AND role_id = :role "
                        + "AND (CAST(:only AS bigint) IS NULL OR id = :only))")
                .bind("org", orgId).bind("role", roleId).bind("only", onlyMember).mapTo(Boolean.class).one();
    }

    /** A member holding a role on a resource. */
    public record HeldOn(String type, String resourceId, long memberId) {
    }

    /** The resources role {@code roleId} is held on, with who holds it, as they are read: close the stream. */
    public Stream<HeldOn> heldOn(Handle h, long orgId, long roleId) {
        return h.createQuery("SELECT resource_type, resource_id, member_id FROM assignments WHERE org_id = :org "
                        + "AND role_id = :role")
                .bind("org", orgId).bind("role", roleId)
                .map((rs, ctx) -> new HeldOn(rs.getString("resource_type"), rs.getString("resource_id"),
                        rs.getLong("member_id"))).stream();
    }

    /**
     * Whether a member {@code m} (alias) of role {@code r} may manage roles: its role grants {@code :perm} (unless the
     * role is {@code :xr}, whose permissions are being changed), or it holds a grant of it and its role is one the
     * model lets take grants ({@code :takers}, empty when the permission cannot be granted) — the engine's rule, and
     * {@code Access}'s for a caller.
     */
    private static final String MANAGES = "(:perm = ANY (r.permissions) AND r.id <> :xr OR r.system_key = ANY (:takers) "
            + "AND EXISTS (SELECT 1 FROM member_grants g WHERE g.org_id = m.org_id AND g.member_id = m.id "
            + "AND :perm = ANY (g.permissions)))";

    /**
     * Active internal members able to manage roles (the model's {@code management.roles}, through their company role
     * or a grant, {@link #MANAGES}), leaving out one member and/or what one role's permissions give (0 for none):
     * "who could still manage roles after this change".
     */
    public long countManagers(Handle h, long orgId, PermissionModel model, long excludeMember, long excludeRole) {
        return managers(h.createQuery("SELECT count(*) FROM members m JOIN roles r ON r.id = m.role_id "
                + "WHERE m.org_id = :org AND m.status = 'active' AND m.id <> :xm AND " + MANAGES), model)
                .bind("org", orgId).bind("xm", excludeMember).bind("xr", excludeRole).mapTo(Long.class).one();
    }

    /** Whether the member, holding role {@code roleId}, would be able to manage roles ({@link #MANAGES}). */
    public boolean manages(Handle h, long orgId, PermissionModel model, long memberId, long roleId) {
        return managers(h.createQuery("SELECT EXISTS (SELECT 1 FROM members m JOIN roles r ON r.id = :role "
                + "AND r.org_id = m.org_id WHERE m.id = :member AND m.org_id = :org AND " + MANAGES + ")"), model)
                .bind("org", orgId).bind("member", memberId).bind("role", roleId).bind("xr", 0L)
                .mapTo(Boolean.class).one();
    }

    private static Query managers(Query query, PermissionModel model) {
        String permission = model.management().roles();
        MemberGrants bounds = model.memberGrants();
        List<String> takers = bounds.permissions().contains(permission) ? bounds.roles() : List.of();
        return query.bind("perm", permission).bindArray("takers", String.class, takers);
    }

    private static String json(RoleVisibility visibility) {
        if (visibility == null) {
            return null;
        }
        ObjectNode n = Json.object();
        ArrayNode fields = n.putArray("user_field_ids");
        visibility.userFieldIds().forEach(fields::add);
        n.put("unassigned", visibility.unassigned());
        return Json.writeString(n);
    }

    /**
     * The settings held in a role row's {@code visibility} column (null: the role sees all records). A column
     * lacking a part is an {@link IllegalStateException} naming it.
     */
    public static RoleVisibility visibility(String column) {
        if (column == null) {
            return null;
        }
        JsonNode v = Json.readTree(column);
        JsonNode userFieldIds = v.get("user_field_ids");
        JsonNode unassigned = v.get("unassigned");
        if (userFieldIds == null || !userFieldIds.isArray() || unassigned == null || !unassigned.isString()) {
            throw new IllegalStateException("a role's visibility column lacks user_field_ids or unassigned: " + column);
        }
        List<String> fields = new ArrayList<>();
        userFieldIds.forEach(f -> fields.add(f.stringValue()));
        return new RoleVisibility(fields, unassigned.stringValue());
    }

    /** A role from a row holding the columns of table {@code roles} under their own names. */
    public static Role map(ResultSet rs) throws SQLException {
        RoleVisibility visibility = visibility(rs.getString("visibility"));
        return new Role(rs.getLong("id"), rs.getLong("org_id"), rs.getString("system_key"), rs.getString("name"),
                rs.getString("description"), Arrays.asList((String[]) rs.getArray("permissions").getArray()),
                rs.getBoolean("external"), rs.getBoolean("default_for_admin"), visibility, rs.getInt("version"),
                instant(rs, "created_at"), instant(rs, "updated_at"));
    }
}
