package dev.gatehouse.room;

import dev.gatehouse.changelog.Action;
import dev.gatehouse.changelog.ObjectType;
import dev.gatehouse.error.InvalidInputException;
import dev.gatehouse.member.Member;
import dev.gatehouse.member.MemberStore;
import dev.gatehouse.model.PermissionModel;
import dev.gatehouse.store.SqlTime;
import dev.gatehouse.store.Tx;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.Query;

import static dev.gatehouse.store.SqlTime.utc;

/**
 * SQL for company users: internal members joined with their Rooms profile, and the rule every profile written keeps
 * (an Office-level user works in an office, a Region-level one in a region: {@link #save}). Stateless.
 */
final class RoomsUserStore {

    /** The access level of a member, stored or defaulted (see {@link RoomsProfile}). */
    /**
     * A user's access level: Admin while it holds the default admin role, however it got there (a member promoted
     * to it keeps the profile it had), else its profile's, else Contributor.
     */
    private static final String LEVEL = "CASE WHEN r.default_for_admin THEN 'Admin' "
            + "ELSE coalesce(p.access_level, 'Contributor') END";
    private static final String FROM = " FROM members m JOIN roles r ON r.id = m.role_id "
            + "LEFT JOIN rooms_profiles p ON p.member_id = m.id "
            + "LEFT JOIN member_grants g ON g.org_id = m.org_id AND g.member_id = m.id "
            + "WHERE m.org_id = :org AND NOT m.external";
    private static final String SELECT = "SELECT " + Sql.MEMBER_COLUMNS + ", " + LEVEL + " AS level, "
            + "p.default_office_id, p.title_id, p.offices, p.regions, p.esign_permission_profile_id, p.lock_reason, "
            + "p.invited_at, g.permissions AS grants"
            + FROM;

    Optional<RoomsUser> find(Handle h, long orgId, long memberId) {
        return h.createQuery(SELECT + " AND m.id = :id").bind("org", orgId).bind("id", memberId)
                .map((rs, ctx) -> map(rs)).findOne();
    }

    /**
     * The access level of a member (null: one being added) holding company role {@code roleId}: Admin while the role
     * is the model's default admin role, else its stored level, else Contributor ({@link #LEVEL}).
     */
    AccessLevel level(Handle h, long orgId, Long memberId, Long roleId) {
        String level = h.createQuery("SELECT CASE WHEN coalesce((SELECT default_for_admin FROM roles WHERE id = :role "
                        + "AND org_id = :org), false) THEN 'Admin' ELSE coalesce((SELECT access_level FROM rooms_profiles "
                        + "WHERE member_id = :m AND org_id = :org), 'Contributor') END")
                .bind("m", memberId).bind("org", orgId).bind("role", roleId).mapTo(String.class).one();
        return AccessLevel.parse(level).orElseThrow();
    }

    /**
     * The access level a user being added with company role {@code roleId} and profile level {@code asked} will be
     * at ({@link #LEVEL}): Admin with the default admin role, else {@code asked}. Gates judge this level, not the
     * one asked: the user is at it from the moment it exists.
     */
    AccessLevel newUserLevel(Handle h, long orgId, long roleId, AccessLevel asked) {
        return level(h, orgId, null, roleId) == AccessLevel.ADMIN ? AccessLevel.ADMIN : asked;
    }

    Slice<RoomsUser> search(Handle h, long orgId, UserQuery q) {
        StringBuilder where = new StringBuilder();
        if (q.pending() != null) {
            where.append(q.pending() ? " AND m.status = 'invited'" : " AND m.status <> 'invited'");
        }
        if (q.filter() != null && !q.filter().isEmpty()) {
            where.append(" AND (lower(coalesce(m.first_name, '')) LIKE lower(:p) ESCAPE '!' "
                    + "OR lower(coalesce(m.last_name, '')) LIKE lower(:p) ESCAPE '!' "
                    + "OR lower(concat_ws(' ', m.first_name, m.last_name)) LIKE lower(:p) ESCAPE '!' "
                    + "OR lower(m.email) LIKE lower(:p) ESCAPE '!')");
        }
        if (q.defaultOfficeId() != null) {
            where.append(" AND p.default_office_id = :office");
        }
        if (q.accessLevel() != null) {
            where.append(" AND ").append(LEVEL).append(" = :level");
        }
        if (q.titleId() != null) {
            where.append(" AND p.title_id = :title");
        }
        if (q.roleId() != null) {
            where.append(" AND m.role_id = :role");
        }
        if (q.lockedOnly()) {
            where.append(" AND (m.status = 'deactivated' OR m.status = 'invited' AND p.lock_reason IS NOT NULL)");
        }
        int total = bind(h.createQuery("SELECT count(*)" + FROM + where), orgId, q).mapTo(Integer.class).one();
        List<RoomsUser> items = bind(h.createQuery(SELECT + where + " ORDER BY " + q.sort().orderBy()
                + " OFFSET :start LIMIT :count"), orgId, q).bind("start", q.start()).bind("count", q.count())
                .map((rs, ctx) -> map(rs)).list();
        return new Slice<>(items, total);
    }

    private static Query bind(Query query, long orgId, UserQuery q) {
        query.bind("org", orgId);
        if (q.filter() != null && !q.filter().isEmpty()) {
            query.bind("p", Sql.prefixPattern(q.filter()));
        }
        if (q.defaultOfficeId() != null) {
            query.bind("office", q.defaultOfficeId());
        }
        if (q.accessLevel() != null) {
            query.bind("level", q.accessLevel().wire());
        }
        if (q.titleId() != null) {
            query.bind("title", q.titleId());
        }
        if (q.roleId() != null) {
            query.bind("role", q.roleId());
        }
        return query;
    }

    /**
     * Stores {@code after} and records the change; a profile that changes nothing is neither written nor recorded.
     * Every write of a profile passes here, so here it keeps the rule invitations start from: a user at access level
     * Office works in at least one office, one at Region in at least one region ({@link #requirePlaces}). The change
     * is {@code created} when the member had no profile stored — {@code before} may then be the defaults it was shown
     * with ({@link RoomsProfile}: one added through {@code /v1}, an import, an organization's first admin), which are
     * no stored state — else {@code updated}. {@code model} is the organization's, whose invitation the rule's message
     * names.
     */
    void save(Tx tx, PermissionModel model, long orgId, RoomsProfile before, RoomsProfile after) {
        if (after.equals(before)) {
            return;
        }
        requirePlaces(model, before, after, AccessLevel.OFFICE, RoomsProfile::offices, "offices", "office");
        requirePlaces(model, before, after, AccessLevel.REGION, RoomsProfile::regions, "regions", "region");
        boolean stored = stored(tx.handle(), orgId, after.memberId());
        if (stored && before == null) {
            throw new IllegalStateException("member " + after.memberId() + " has a Rooms profile stored, which a "
                    + "change of it must name as before");
        }
        upsert(tx.handle(), orgId, after, tx.now());
        tx.change(orgId, ObjectType.ROOMS_PROFILE, after.memberId(), stored ? Action.UPDATED : Action.CREATED,
                stored ? RoomsSnapshots.profile(before) : null, RoomsSnapshots.profile(after));
    }

    /**
     * Deletes a member's profile, if it has one stored, recording it as deleted (as it was last shown: its level as
     * {@link #LEVEL} reads it), inside the transaction removing the member, before the member's own record.
     */
    void delete(Tx tx, long orgId, long memberId) {
        tx.handle().createQuery("WITH gone AS (DELETE FROM rooms_profiles WHERE member_id = :member AND org_id = :org "
                        + "RETURNING *) SELECT p.*, " + LEVEL + " AS level FROM gone p "
                        + "LEFT JOIN members m ON m.id = p.member_id LEFT JOIN roles r ON r.id = m.role_id")
                .bind("member", memberId).bind("org", orgId).map((rs, ctx) -> profile(rs, memberId)).findOne()
                .ifPresent(gone -> tx.change(orgId, ObjectType.ROOMS_PROFILE, memberId, Action.DELETED,
                        RoomsSnapshots.profile(gone), null));
    }

    /**
     * A 400 {@code INVALID_INPUT} naming {@code field} when {@code after} would leave a user at {@code level} in no
     * place of its kind — the state the invitation refuses ("offices: is required with accessLevel Office"):
     * {@code invite_user}, or on a v5 company {@code invite_classic_manager}, the one that makes users at these levels
     * there — unless {@code before} already was so (a profile stored before this rule may still change otherwise).
     * The message says which removal would empty the list, and what to do instead.
     */
    private static void requirePlaces(PermissionModel model, RoomsProfile before, RoomsProfile after,
                                      AccessLevel level, Function<RoomsProfile, List<Integer>> places, String field,
                                      String kind) {
        if (after.accessLevel() != level || !places.apply(after).isEmpty()) {
            return;
        }
        if (before != null && before.accessLevel() == level && places.apply(before).isEmpty()) {
            return;
        }
        String rule = "user " + after.memberId() + " is at accessLevel " + level.wire() + ", which needs at least one "
                + kind + " (as " + (RoomsPermissions.classic(model.id()) ? "invite_classic_manager" : "invite_user")
                + " requires)";
        if (before == null || places.apply(before).isEmpty()) {
            throw InvalidInputException.field(field, rule + "; name one");
        }
        List<Integer> removed = places.apply(before);
        throw InvalidInputException.field(field, rule + ", and removing " + kind + " "
                + removed.stream().map(String::valueOf).collect(Collectors.joining(", ")) + " would leave it none: add "
                + "it to another " + kind + " first");
    }

    /** Whether the member has a profile stored (else it is shown the defaults). */
    static boolean stored(Handle h, long orgId, long memberId) {
        return h.createQuery("SELECT 1 FROM rooms_profiles WHERE member_id = :member AND org_id = :org")
                .bind("member", memberId).bind("org", orgId).mapTo(Integer.class).findOne().isPresent();
    }

    private void upsert(Handle h, long orgId, RoomsProfile p, Instant now) {
        h.createUpdate("INSERT INTO rooms_profiles (member_id, org_id, access_level, default_office_id, title_id, offices, "
                        + "regions, esign_permission_profile_id, lock_reason, invited_at, created_at, updated_at) VALUES "
                        + "(:member, :org, :level, :office, :title, :offices, :regions, :esign, :reason, :invited, :now, :now) "
                        + "ON CONFLICT (member_id) DO UPDATE SET access_level = :level, default_office_id = :office, "
                        + "title_id = :title, offices = :offices, regions = :regions, esign_permission_profile_id = :esign, "
                        + "lock_reason = :reason, invited_at = :invited, updated_at = :now")
                .bind("member", p.memberId()).bind("org", orgId).bind("level", p.accessLevel().wire())
                .bind("office", p.defaultOfficeId()).bind("title", p.titleId())
                .bind("offices", p.offices().toArray(new Integer[0])).bind("regions", p.regions().toArray(new Integer[0]))
                .bind("esign", p.eSignPermissionProfileId()).bind("reason", p.lockReason())
                .bind("invited", utc(p.invitedAt())).bind("now", utc(now))
                .execute();
    }

    private static RoomsUser map(ResultSet rs) throws SQLException {
        Member member = MemberStore.map(rs);
        java.sql.Array grants = rs.getArray("grants");
        return new RoomsUser(member, profile(rs, member.id()),
                grants == null ? List.of() : Arrays.asList((String[]) grants.getArray()), false);
    }

    /** A profile's columns with its {@code level} (a member without a stored profile: the defaults). */
    private static RoomsProfile profile(ResultSet rs, long memberId) throws SQLException {
        AccessLevel level = AccessLevel.parse(rs.getString("level")).orElseThrow();
        List<Integer> offices = rs.getArray("offices") == null ? new ArrayList<>() : Sql.integers(rs, "offices");
        List<Integer> regions = rs.getArray("regions") == null ? new ArrayList<>() : Sql.integers(rs, "regions");
        return new RoomsProfile(memberId, level, Sql.integer(rs, "default_office_id"), Sql.integer(rs, "title_id"),
                offices, regions, rs.getString("esign_permission_profile_id"), rs.getString("lock_reason"),
                SqlTime.instant(rs, "invited_at"));
    }
}
