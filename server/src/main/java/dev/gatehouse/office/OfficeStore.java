package dev.gatehouse.office;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.Query;
import org.jdbi.v3.core.statement.SqlStatement;

import static dev.gatehouse.store.SqlTime.instant;
import static dev.gatehouse.store.SqlTime.utc;

/** SQL for offices and regions, and for what refers to them (rooms, Rooms profiles, offices). Stateless. */
final class OfficeStore {

    private static final String OFFICE_COLUMNS = "o.id, o.org_id, o.name, o.region_id, o.address1, o.address2, o.city, "
            + "o.state_id, o.postal_code, o.country_id, o.time_zone_id, o.phone, o.version, o.created_at, o.updated_at";
    private static final String REGION_COLUMNS = "id, org_id, name, version, created_at, updated_at";
    /**
     * The member {@code :viewer} as the lists narrowed to it read it: its default office, offices and regions, and its
     * access level as its User shows it — Admin while it holds the default admin role (a member promoted to it keeps
     * the profile it had), else its profile's, else Contributor.
     */
    private static final String VIEWER = "(SELECT p.default_office_id, p.offices, p.regions, CASE WHEN "
            + "r.default_for_admin THEN 'Admin' ELSE coalesce(p.access_level, 'Contributor') END AS level "
            + "FROM members m JOIN roles r ON r.id = m.role_id LEFT JOIN rooms_profiles p ON p.member_id = m.id "
            + "WHERE m.id = :viewer) v";
    /**
     * Offices matching a search; {@code :viewer} (a member id, or null for everyone) narrows them to those it works
     * in — its default office, and the offices its access level works through: its offices at Office, the offices of
     * its regions at Region, both at Contributor — unless its access level ({@link #VIEWER}) is Company or Admin. A
     * list its level does not work through (an Office-level user's regions) is data: in a v5 company it gives no
     * reach (a Manager's roles follow its level's list alone), so it adds no office here either.
     */
    private static final String OFFICES = " FROM offices o WHERE o.org_id = :org AND o.id > :after "
            + "AND (CAST(:search AS text) IS NULL OR strpos(lower(o.name), lower(CAST(:search AS text))) > 0) "
            + "AND (CAST(:viewer AS bigint) IS NULL OR EXISTS (SELECT 1 FROM " + VIEWER + " "
            + "WHERE v.level IN ('Company', 'Admin') OR o.id = v.default_office_id "
            + "OR v.level <> 'Region' AND o.id = ANY (v.offices) "
            + "OR v.level <> 'Office' AND o.region_id = ANY (v.regions)))";
    /**
     * Regions after {@code :after}; {@code :viewer} (a member id, or null for every region) narrows them to those a
     * v5 company's member manages through its access level ({@link #VIEWER}): every region at Company and Admin, its
     * regions at Region, none at another level (an Office-level Manager's regions are data: they give no reach).
     */
    private static final String REGIONS = " FROM regions g WHERE g.org_id = :org AND g.id > :after "
            + "AND (CAST(:viewer AS bigint) IS NULL OR EXISTS (SELECT 1 FROM " + VIEWER + " "
            + "WHERE v.level IN ('Company', 'Admin') OR v.level = 'Region' AND g.id = ANY (v.regions)))";

    // ---------------------------------------------------------------- regions

    /** A new region, created at {@code createdAt} (an import's, else {@code now}) and updated {@code now}. */
    Region insertRegion(Handle h, long orgId, String name, Instant createdAt, Instant now) {
        return h.createQuery("INSERT INTO regions (org_id, name, version, created_at, updated_at) VALUES "
                        + "(:org, :name, 1, :created, :now) RETURNING " + REGION_COLUMNS)
                .bind("org", orgId).bind("name", name).bind("created", utc(createdAt)).bind("now", utc(now))
                .map((rs, ctx) -> region(rs)).one();
    }

    Optional<Region> findRegion(Handle h, long orgId, int id) {
        return h.createQuery("SELECT " + REGION_COLUMNS + " FROM regions WHERE org_id = :org AND id = :id")
                .bind("org", orgId).bind("id", id).map((rs, ctx) -> region(rs)).findOne();
    }

    /** Regions as {@code q} asks; {@code viewer} narrows them to those it manages in a v5 company ({@link #REGIONS}). */
    OfficePage<Region> regions(Handle h, long orgId, RegionQuery q, Long viewer) {
        int total = h.createQuery("SELECT count(*)" + REGIONS).bind("org", orgId).bind("after", q.afterId())
                .bind("viewer", viewer).mapTo(Integer.class).one();
        List<Region> items = h.createQuery("SELECT " + REGION_COLUMNS + REGIONS + " ORDER BY g.id OFFSET :offset "
                        + "LIMIT :limit")
                .bind("org", orgId).bind("after", q.afterId()).bind("viewer", viewer).bind("offset", q.offset())
                .bind("limit", q.limit()).map((rs, ctx) -> region(rs)).list();
        return new OfficePage<>(items, total);
    }

    Region renameRegion(Handle h, int id, String name, Instant now) {
        return h.createQuery("UPDATE regions SET name = :name, version = version + 1, updated_at = :now WHERE id = :id "
                        + "RETURNING " + REGION_COLUMNS)
                .bind("id", id).bind("name", name).bind("now", utc(now)).map((rs, ctx) -> region(rs)).one();
    }

    void deleteRegion(Handle h, int id) {
        h.createUpdate("DELETE FROM regions WHERE id = :id").bind("id", id).execute();
    }

    /** How many offices lie in the region, and how many users have it among their regions. */
    References regionReferences(Handle h, long orgId, int id) {
        return h.createQuery("SELECT (SELECT count(*) FROM offices WHERE org_id = :org AND region_id = :id) AS offices, "
                        + "(SELECT count(*) FROM rooms_profiles WHERE org_id = :org AND :id = ANY (regions)) AS users, "
                        + "0 AS rooms")
                .bind("org", orgId).bind("id", id).map((rs, ctx) -> references(rs)).one();
    }

    // ---------------------------------------------------------------- offices

    /** A new office, created at {@code createdAt} (an import's, else {@code now}) and updated {@code now}. */
    Office insertOffice(Handle h, long orgId, OfficeFields f, Instant createdAt, Instant now) {
        return bindFields(h.createQuery("INSERT INTO offices AS o (org_id, name, region_id, address1, address2, city, "
                        + "state_id, postal_code, country_id, time_zone_id, phone, version, created_at, updated_at) VALUES "
                        + "(:org, :name, :region, :address1, :address2, :city, :state, :postal, :country, :zone, :phone, "
                        + "1, :created, :now) RETURNING " + OFFICE_COLUMNS), f)
                .bind("org", orgId).bind("created", utc(createdAt)).bind("now", utc(now))
                .map((rs, ctx) -> office(rs)).one();
    }

    Optional<Office> findOffice(Handle h, long orgId, int id) {
        return h.createQuery("SELECT " + OFFICE_COLUMNS + " FROM offices o WHERE o.org_id = :org AND o.id = :id")
                .bind("org", orgId).bind("id", id).map((rs, ctx) -> office(rs)).findOne();
    }

    /** Offices matching {@code q}; {@code viewer} narrows them to those it works in (see {@link #OFFICES}). */
    OfficePage<Office> offices(Handle h, long orgId, OfficeQuery q, Long viewer) {
        int total = bindSearch(h.createQuery("SELECT count(*)" + OFFICES), orgId, q, viewer).mapTo(Integer.class).one();
        List<Office> items = bindSearch(h.createQuery("SELECT " + OFFICE_COLUMNS + OFFICES
                        + " ORDER BY o.id OFFSET :offset LIMIT :limit"), orgId, q, viewer)
                .bind("offset", q.offset()).bind("limit", q.limit()).map((rs, ctx) -> office(rs)).list();
        return new OfficePage<>(items, total);
    }

    Office updateOffice(Handle h, int id, OfficeFields f, Instant now) {
        return bindFields(h.createQuery("UPDATE offices AS o SET name = :name, region_id = :region, address1 = :address1, "
                        + "address2 = :address2, city = :city, state_id = :state, postal_code = :postal, "
                        + "country_id = :country, time_zone_id = :zone, phone = :phone, version = version + 1, "
                        + "updated_at = :now WHERE o.id = :id RETURNING " + OFFICE_COLUMNS), f)
                .bind("id", id).bind("now", utc(now)).map((rs, ctx) -> office(rs)).one();
    }

    void deleteOffice(Handle h, int id) {
        h.createUpdate("DELETE FROM offices WHERE id = :id").bind("id", id).execute();
    }

    /** How many rooms are held in the office, and how many users have it as default office or among theirs. */
    References officeReferences(Handle h, long orgId, int id) {
        return h.createQuery("SELECT 0 AS offices, (SELECT count(*) FROM rooms_profiles WHERE org_id = :org "
                        + "AND (default_office_id = :id OR :id = ANY (offices))) AS users, "
                        + "(SELECT count(*) FROM rooms WHERE org_id = :org AND office_id = :id) AS rooms")
                .bind("org", orgId).bind("id", id).map((rs, ctx) -> references(rs)).one();
    }

    /** The office a room lies in (empty inside: none); empty when the organization has no such room. */
    Optional<Optional<Integer>> roomOffice(Handle h, long orgId, int roomId) {
        return h.createQuery("SELECT office_id FROM rooms WHERE org_id = :org AND id = :id")
                .bind("org", orgId).bind("id", roomId).map((rs, ctx) -> {
                    int office = rs.getInt("office_id");
                    return rs.wasNull() ? Optional.<Integer>empty() : Optional.of(office);
                }).findOne();
    }

    // ---------------------------------------------------------------- existence

    /** The ids among {@code ids} that name no office of the organization, in ascending order. */
    List<Integer> missingOffices(Handle h, long orgId, Collection<Integer> ids) {
        return missing(h, "offices", orgId, ids);
    }

    List<Integer> missingRegions(Handle h, long orgId, Collection<Integer> ids) {
        return missing(h, "regions", orgId, ids);
    }

    private static List<Integer> missing(Handle h, String table, long orgId, Collection<Integer> ids) {
        if (ids.isEmpty()) {
            return List.of();
        }
        Integer[] wanted = new TreeSet<>(ids).toArray(new Integer[0]);
        return h.createQuery("SELECT w FROM unnest(CAST(:ids AS integer[])) AS w WHERE NOT EXISTS (SELECT 1 FROM " + table
                        + " t WHERE t.org_id = :org AND t.id = w) ORDER BY w")
                .bind("ids", wanted).bind("org", orgId).mapTo(Integer.class).list();
    }

    /** What refers to an office or a region: offices (in a region), users, rooms. */
    record References(int offices, int users, int rooms) {
        boolean any() {
            return offices + users + rooms > 0;
        }
    }

    private static Query bindSearch(Query q, long orgId, OfficeQuery query, Long viewer) {
        return q.bind("org", orgId).bind("after", query.afterId()).bind("search", query.search()).bind("viewer", viewer);
    }

    private static <S extends SqlStatement<S>> S bindFields(S s, OfficeFields f) {
        return s.bind("name", f.name()).bind("region", f.regionId()).bind("address1", f.address1())
                .bind("address2", f.address2()).bind("city", f.city()).bind("state", f.stateId())
                .bind("postal", f.postalCode()).bind("country", f.countryId()).bind("zone", f.timeZoneId())
                .bind("phone", f.phone());
    }

    private static References references(ResultSet rs) throws SQLException {
        return new References(rs.getInt("offices"), rs.getInt("users"), rs.getInt("rooms"));
    }

    private static Region region(ResultSet rs) throws SQLException {
        return new Region(rs.getInt("id"), rs.getLong("org_id"), rs.getString("name"), rs.getInt("version"),
                instant(rs, "created_at"), instant(rs, "updated_at"));
    }

    private static Office office(ResultSet rs) throws SQLException {
        int region = rs.getInt("region_id");
        Integer regionId = rs.wasNull() ? null : region;
        return new Office(rs.getInt("id"), rs.getLong("org_id"), new OfficeFields(rs.getString("name"), regionId,
                rs.getString("address1"), rs.getString("address2"), rs.getString("city"), rs.getString("state_id"),
                rs.getString("postal_code"), rs.getString("country_id"), rs.getString("time_zone_id"),
                rs.getString("phone")), rs.getInt("version"), instant(rs, "created_at"), instant(rs, "updated_at"));
    }
}
