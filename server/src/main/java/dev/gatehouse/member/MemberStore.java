package dev.gatehouse.member;

import dev.gatehouse.sql.CopyRows;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Handle;

import static dev.gatehouse.store.SqlTime.instant;
import static dev.gatehouse.store.SqlTime.micros;
import static dev.gatehouse.store.SqlTime.utc;

/** SQL for members. Stateless. */
public final class MemberStore {

    /** The columns {@link #map} reads. */
    public static final String COLUMNS = "id, org_id, user_id, email, first_name, last_name, role_id, external, "
            + "status, version, created_at, updated_at";

    public Member insert(Handle h, long orgId, MemberInput in, Instant now) {
        return h.createQuery("INSERT INTO members (org_id, user_id, email, first_name, last_name, role_id, external, "
                        + "status, version, created_at, updated_at) VALUES (:org, :user, :email, :first, :last, :role, "
                        + ":external, :status, 1, :now, :now) RETURNING " + COLUMNS)
                .bind("org", orgId).bind("user", in.userId()).bind("email", in.email()).bind("first", in.firstName())
                .bind("status", in.status() == null ? Member.ACTIVE : in.status())
                .bind("last", in.lastName()).bind("role", in.roleId()).bind("external", Boolean.TRUE.equals(in.external()))
                .bind("now", utc(now)).map((rs, ctx) -> map(rs)).one();
    }

    /**
     * Inserts many new members of one organization, all at {@code now}; returns them in the order given, their ids
     * ascending in that order. The user ids and emails must be free (a duplicate fails the whole statement, as an
     * insert would). One statement whatever their number: the rows by {@code COPY}, with {@code ids} taken from the
     * table's sequence ({@link dev.gatehouse.sql.NewIds}), one per member — cheaper for both sides than one
     * {@code INSERT} of arrays that returns the rows.
     */
    public List<Member> insertAll(Handle h, List<Long> ids, long orgId, List<MemberInput> in, Instant now) {
        Instant at = micros(now);
        CopyRows copy = new CopyRows("members (" + COLUMNS + ")", 12, in.size());
        List<Member> members = new ArrayList<>(in.size());
        for (int i = 0; i < in.size(); i++) {
            MemberInput m = in.get(i);
            Member member = new Member(ids.get(i), orgId, m.userId(), m.email(), m.firstName(), m.lastName(),
                    m.roleId(), Boolean.TRUE.equals(m.external()), m.status() == null ? Member.ACTIVE : m.status(), 1,
                    at, at);
            copy.row().bigint(member.id()).bigint(orgId).text(member.userId()).text(member.email())
                    .text(member.firstName()).text(member.lastName()).bigint(member.roleId()).bool(member.external())
                    .text(member.status()).integer(member.version()).time(at).time(at);
            members.add(member);
        }
        copy.copyInto(h);
        return members;
    }

    public Member update(Handle h, Member m, Instant now) {
        return h.createQuery("UPDATE members SET email = :email, first_name = :first, last_name = :last, role_id = :role, "
                        + "status = :status, version = version + 1, updated_at = :now WHERE id = :id RETURNING " + COLUMNS)
                .bind("id", m.id()).bind("email", m.email()).bind("first", m.firstName()).bind("last", m.lastName())
                .bind("role", m.roleId()).bind("status", m.status()).bind("now", utc(now))
                .map((rs, ctx) -> map(rs)).one();
    }

    public Optional<Member> find(Handle h, long orgId, long id) {
        return h.createQuery("SELECT " + COLUMNS + " FROM members WHERE org_id = :org AND id = :id")
                .bind("org", orgId).bind("id", id).map((rs, ctx) -> map(rs)).findOne();
    }

    /** The members with the given ids, in ascending id order. */
    /*
     * Many members by keys: one index lookup per distinct key (a lateral subquery), whatever the planner believes of
     * the organization's size. Filtering the organization's members by "key = ANY (list)" instead tests every member
     * against the whole list once the planner takes the organization for small — as it does while the table's
     * statistics predate the organization's members, through a first import's chunks: 5,000 × 5,000 comparisons.
     */
    static final String BY_IDS = "SELECT m.* FROM (SELECT DISTINCT unnest(CAST(:ids AS bigint[]))) AS k(id) "
            + "CROSS JOIN LATERAL (SELECT " + COLUMNS + " FROM members WHERE id = k.id AND org_id = :org) m ORDER BY m.id";
    static final String BY_USER_IDS = "SELECT m.* FROM (SELECT DISTINCT unnest(CAST(:users AS text[]))) AS k(user_id) "
            + "CROSS JOIN LATERAL (SELECT " + COLUMNS + " FROM members WHERE org_id = :org AND user_id = k.user_id) m";
    static final String BY_EMAILS = "SELECT m.* FROM (SELECT DISTINCT lower(unnest(CAST(:emails AS text[])))) "
            + "AS k(folded) CROSS JOIN LATERAL (SELECT " + COLUMNS + ", lower(email) AS folded FROM members "
            + "WHERE org_id = :org AND lower(email) = k.folded) m";

    public List<Member> findAll(Handle h, long orgId, List<Long> ids) {
        return h.createQuery(BY_IDS)
                .bind("org", orgId).bind("ids", ids.toArray(new Long[0])).map((rs, ctx) -> map(rs)).list();
    }

    public Optional<Member> findByUserId(Handle h, long orgId, String userId) {
        return h.createQuery("SELECT " + COLUMNS + " FROM members WHERE org_id = :org AND user_id = :user")
                .bind("org", orgId).bind("user", userId).map((rs, ctx) -> map(rs)).findOne();
    }

    /** The members with the given user ids (those that exist). */
    public List<Member> findAllByUserId(Handle h, long orgId, List<String> userIds) {
        return h.createQuery(BY_USER_IDS)
                .bind("org", orgId).bind("users", userIds.toArray(new String[0])).map((rs, ctx) -> map(rs)).list();
    }

    /**
     * The members (at most two) a {@link MemberRef} may name — the one with member id {@code id}, the one with
     * user id {@code userId} — in one query; -1 and null name nobody.
     */
    public List<Member> findNamed(Handle h, long orgId, long id, String userId) {
        return h.createQuery("SELECT " + COLUMNS + " FROM members WHERE org_id = :org AND (id = :id OR user_id = :user)")
                .bind("org", orgId).bind("id", id).bind("user", userId).map((rs, ctx) -> map(rs)).list();
    }

    /**
     * {@link #findNamed} for many names at once, of one organization or several: the members of organization
     * {@code orgIds[i]} whose id is {@code ids[i]} or whose user id is {@code userIds[i]}, in no particular order
     * (one lookup per name, as {@link #findNamed}'s, whatever the planner knows of the names).
     */
    public List<Member> findNamedAll(Handle h, List<Long> orgIds, List<Long> ids, List<String> userIds) {
        return h.createQuery("SELECT m.* FROM unnest(CAST(:orgs AS bigint[]), CAST(:ids AS bigint[]), "
                        + "CAST(:users AS text[])) AS k(org_id, id, user_id) CROSS JOIN LATERAL (SELECT " + COLUMNS
                        + " FROM members WHERE org_id = k.org_id AND (id = k.id OR user_id = k.user_id)) m")
                .bind("orgs", orgIds.toArray(new Long[0])).bind("ids", ids.toArray(new Long[0]))
                .bind("users", userIds.toArray(new String[0])).map((rs, ctx) -> map(rs)).list();
    }

    /**
     * The members holding any of these emails, by their email folded as the database folds it ({@code lower}, as
     * the unique index of members' emails applies it: {@link dev.gatehouse.sql.Folds}).
     */
    public Map<String, Member> findAllByEmail(Handle h, long orgId, List<String> emails) {
        Map<String, Member> found = new HashMap<>();
        h.createQuery(BY_EMAILS)
                .bind("org", orgId).bind("emails", emails.toArray(new String[0]))
                .map((rs, ctx) -> Map.entry(rs.getString("folded"), map(rs)))
                .forEach(e -> found.put(e.getKey(), e.getValue()));
        return found;
    }

    public Optional<Member> findByEmail(Handle h, long orgId, String email) {
        return h.createQuery("SELECT " + COLUMNS + " FROM members WHERE org_id = :org AND lower(email) = lower(:email)")
                .bind("org", orgId).bind("email", email).map((rs, ctx) -> map(rs)).findOne();
    }

    /**
     * Members with id greater than {@code after}, ascending, optionally only one status or role, only those whose
     * user id, email or name contains {@code search} (ignoring case; taken literally, no wildcards), and only the
     * member {@code only} when it is not null.
     */
    public List<Member> list(Handle h, long orgId, long after, int limit, String status, Long roleId, String search,
                             Long only) {
        return h.createQuery("SELECT " + COLUMNS + " FROM members WHERE org_id = :org AND id > :after "
                        + "AND (CAST(:status AS text) IS NULL OR status = :status) "
                        + "AND (CAST(:role AS bigint) IS NULL OR role_id = :role) "
                        + "AND (CAST(:search AS text) IS NULL OR strpos(lower(user_id), lower(:search)) > 0 "
                        + "OR strpos(lower(email), lower(:search)) > 0 "
                        + "OR strpos(lower(concat_ws(' ', first_name, last_name)), lower(:search)) > 0) "
                        + "AND (CAST(:only AS bigint) IS NULL OR id = :only) ORDER BY id LIMIT :limit")
                .bind("org", orgId).bind("after", after).bind("status", status).bind("role", roleId)
                .bind("search", search).bind("only", only).bind("limit", limit).map((rs, ctx) -> map(rs)).list();
    }

    /** Active members in {@code order}, skipping {@code offset}, and only the member {@code only} when it is not null. */
    public List<Member> listActive(Handle h, long orgId, MemberOrder order, int offset, int limit, Long only) {
        return h.createQuery("SELECT " + COLUMNS + " FROM members WHERE org_id = :org AND status = 'active' "
                        + "AND (CAST(:only AS bigint) IS NULL OR id = :only) ORDER BY " + order.sql()
                        + " OFFSET :offset LIMIT :limit")
                .bind("org", orgId).bind("only", only).bind("offset", offset).bind("limit", limit)
                .map((rs, ctx) -> map(rs)).list();
    }

    public void delete(Handle h, long id) {
        h.createUpdate("DELETE FROM members WHERE id = :id").bind("id", id).execute();
    }

    /** A resource a member holds a role on: its type and id. */
    record Place(String type, String resourceId) {
    }

    /** The resources member {@code memberId} holds role {@code roleId} on, by type and id. */
    List<Place> placesHolding(Handle h, long orgId, long memberId, long roleId) {
        return h.createQuery("SELECT resource_type, resource_id FROM assignments WHERE org_id = :org "
                        + "AND member_id = :member AND role_id = :role ORDER BY resource_type, resource_id")
                .bind("org", orgId).bind("member", memberId).bind("role", roleId)
                .map((rs, ctx) -> new Place(rs.getString("resource_type"), rs.getString("resource_id"))).list();
    }

    /** A member from a row with the member columns (also a join's, such as the room package's). */
    public static Member map(ResultSet rs) throws SQLException {
        long role = rs.getLong("role_id");
        Long roleId = rs.wasNull() ? null : role;
        return new Member(rs.getLong("id"), rs.getLong("org_id"), rs.getString("user_id"), rs.getString("email"),
                rs.getString("first_name"), rs.getString("last_name"), roleId, rs.getBoolean("external"),
                rs.getString("status"), rs.getInt("version"), instant(rs, "created_at"), instant(rs, "updated_at"));
    }
}
