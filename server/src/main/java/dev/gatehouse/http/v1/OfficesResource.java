package dev.gatehouse.http.v1;

import dev.gatehouse.error.InvalidInputException;
import dev.gatehouse.http.Auth;
import dev.gatehouse.http.Route;
import dev.gatehouse.json.Fields;
import dev.gatehouse.office.Office;
import dev.gatehouse.office.OfficeFields;
import dev.gatehouse.office.OfficeQuery;
import dev.gatehouse.office.OfficeService;
import dev.gatehouse.office.OfficeSnapshot;
import dev.gatehouse.office.Region;
import io.javalin.http.Context;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** {@code /v1/orgs/{org}/offices} and {@code …/regions}: the offices and regions of a {@code rooms} organization. */
final class OfficesResource {

    private static final int MAX_TEXT = 200;
    /** The office's text fields, by their native names. */
    private static final Map<String, OfficeFields.Field> TEXT_FIELDS = textFields();

    private final OfficeService offices;
    private final Auth auth;

    OfficesResource(OfficeService offices, Auth auth) {
        this.offices = offices;
        this.auth = auth;
    }

    List<Route> routes() {
        return List.of(
                Route.get("/v1/orgs/{org}/regions", this::regions).reading(V1.PAGE),
                Route.post("/v1/orgs/{org}/regions", this::createRegion),
                Route.get("/v1/orgs/{org}/regions/{region}", this::region),
                Route.patch("/v1/orgs/{org}/regions/{region}", this::renameRegion).readingIfMatch(),
                Route.delete("/v1/orgs/{org}/regions/{region}", this::deleteRegion).readingIfMatch(),
                Route.get("/v1/orgs/{org}/offices", this::offices).reading(V1.PAGE.and("q")),
                Route.post("/v1/orgs/{org}/offices", this::createOffice),
                Route.get("/v1/orgs/{org}/offices/{office}", this::office),
                Route.patch("/v1/orgs/{org}/offices/{office}", this::updateOffice).readingIfMatch(),
                Route.delete("/v1/orgs/{org}/offices/{office}", this::deleteOffice).readingIfMatch());
    }

    private void regions(Context ctx) {
        var principal = auth.principal(ctx);
        int limit = V1.limit(ctx);
        V1.page(ctx, offices.regions(principal, V1.id(ctx, "org"), after(ctx, ""), 0, limit).items(), limit, Region::id,
                OfficeSnapshot::region);
    }

    private void region(Context ctx) {
        var principal = auth.principal(ctx);
        V1.object(ctx, 200, OfficeSnapshot.region(offices.region(principal, V1.id(ctx, "org"), id(ctx, "region"))));
    }

    private void createRegion(Context ctx) {
        var principal = auth.principal(ctx);
        long orgId = V1.id(ctx, "org");
        Fields f = V1.body(ctx).allowOnly(Set.of("name"));
        String name = f.name("name", true, MAX_TEXT);
        f.check();
        var written = offices.createRegion(principal, orgId, name);
        V1.written(ctx, 201, written, OfficeSnapshot.region(written.value()));
    }

    private void renameRegion(Context ctx) {
        var principal = auth.principal(ctx);
        long orgId = V1.id(ctx, "org");
        int regionId = id(ctx, "region");
        Fields f = V1.body(ctx).allowOnly(Set.of("name"));
        String name = f.name("name", true, MAX_TEXT);
        f.check();
        var written = offices.renameRegion(principal, orgId, regionId, name, V1.ifMatch(ctx));
        V1.written(ctx, 200, written, OfficeSnapshot.region(written.value()));
    }

    private void deleteRegion(Context ctx) {
        var principal = auth.principal(ctx);
        V1.written(ctx, 204, offices.deleteRegion(principal, V1.id(ctx, "org"), id(ctx, "region"), V1.ifMatch(ctx)),
                null);
    }

    /** Offices by id; {@code q} is a text the name must contain, ignoring case. */
    private void offices(Context ctx) {
        var principal = auth.principal(ctx);
        int limit = V1.limit(ctx);
        String q = ctx.queryParam("q");
        if (q != null && (q.isEmpty() || q.length() > MAX_TEXT)) {
            throw new InvalidInputException("invalid_parameter", "q must be 1 to " + MAX_TEXT
                    + " characters", Map.of("q", "must be 1.." + MAX_TEXT + " characters"));
        }
        q = q == null ? null : Fields.composed(q); // as names are stored
        // the text searched for is the list's variant: a position among one search's offices would start another's
        String variant = V1.variant("q", q);
        V1.page(ctx, variant, offices.offices(principal, V1.id(ctx, "org"), new OfficeQuery(q, false,
                after(ctx, variant), 0, limit)).items(), limit, false, Office::id, OfficeSnapshot::office);
    }

    private void office(Context ctx) {
        var principal = auth.principal(ctx);
        V1.object(ctx, 200, OfficeSnapshot.office(offices.office(principal, V1.id(ctx, "org"), id(ctx, "office"))));
    }

    private void createOffice(Context ctx) {
        var principal = auth.principal(ctx);
        long orgId = V1.id(ctx, "org");
        Fields f = body(ctx);
        Set<OfficeFields.Field> given = EnumSet.noneOf(OfficeFields.Field.class);
        OfficeFields fields = fields(f, true, given);
        f.check();
        var written = offices.createOffice(principal, orgId, fields, "region_id");
        V1.written(ctx, 201, written, OfficeSnapshot.office(written.value()));
    }

    /**
     * Changes the fields sent; {@code null} clears one (but {@code name}, which an office always has). A part not sent
     * keeps its value, one stored blank before the rule included.
     */
    private void updateOffice(Context ctx) {
        var principal = auth.principal(ctx);
        long orgId = V1.id(ctx, "org");
        int officeId = id(ctx, "office");
        Fields f = body(ctx);
        Set<OfficeFields.Field> given = EnumSet.noneOf(OfficeFields.Field.class);
        OfficeFields change = fields(f, false, given);
        if (f.isNull("name")) {
            f.error("name", "cannot be cleared: an office has a name");
        }
        f.check();
        var written = offices.updateOffice(principal, orgId, officeId, change, given, V1.ifMatch(ctx),
                "region_id");
        V1.written(ctx, 200, written, OfficeSnapshot.office(written.value()));
    }

    private void deleteOffice(Context ctx) {
        var principal = auth.principal(ctx);
        V1.written(ctx, 204, offices.deleteOffice(principal, V1.id(ctx, "org"), id(ctx, "office"), V1.ifMatch(ctx)),
                null);
    }

    private static Fields body(Context ctx) {
        Set<String> allowed = new HashSet<>(TEXT_FIELDS.keySet());
        allowed.add("region_id");
        return V1.body(ctx).allowOnly(allowed);
    }

    /**
     * The office fields of a body; {@code given} collects those present (null included). An address part is an
     * optional text ({@link Fields#optional}): null clears it, a blank one is refused, as the Rooms dialect and an
     * import's office line refuse it, since every API reads the same office.
     */
    private static OfficeFields fields(Fields f, boolean create, Set<OfficeFields.Field> given) {
        Map<OfficeFields.Field, String> text = new EnumMap<>(OfficeFields.Field.class);
        TEXT_FIELDS.forEach((name, field) -> {
            if (f.has(name)) {
                given.add(field);
                text.put(field, field == OfficeFields.Field.NAME ? f.name(name, create, MAX_TEXT)
                        : f.optional(name, MAX_TEXT));
            } else if (create && field == OfficeFields.Field.NAME) {
                f.error(name, "is required");
            }
        });
        Long region = f.integer("region_id", false, 1, Integer.MAX_VALUE);
        if (f.has("region_id")) {
            given.add(OfficeFields.Field.REGION);
        }
        return new OfficeFields(text.get(OfficeFields.Field.NAME), region == null ? null : region.intValue(),
                text.get(OfficeFields.Field.ADDRESS1), text.get(OfficeFields.Field.ADDRESS2),
                text.get(OfficeFields.Field.CITY), text.get(OfficeFields.Field.STATE),
                text.get(OfficeFields.Field.POSTAL_CODE), text.get(OfficeFields.Field.COUNTRY),
                text.get(OfficeFields.Field.TIME_ZONE), text.get(OfficeFields.Field.PHONE));
    }

    /** Office and region ids are 32-bit: a larger one is no such id (400 {@code invalid_id}, as openapi.yaml says). */
    private static int id(Context ctx, String param) {
        long id = V1.id(ctx, param);
        if (id > Integer.MAX_VALUE) {
            throw new InvalidInputException("invalid_id", param + " must be a positive integer id of at most "
                    + Integer.MAX_VALUE + ", got " + id, Map.of(param, "must be at most " + Integer.MAX_VALUE));
        }
        return (int) id;
    }

    private static int after(Context ctx, String variant) {
        return (int) Math.min(V1.after(ctx, variant), Integer.MAX_VALUE);
    }

    private static Map<String, OfficeFields.Field> textFields() {
        Map<String, OfficeFields.Field> m = new LinkedHashMap<>();
        m.put("name", OfficeFields.Field.NAME);
        m.put("address1", OfficeFields.Field.ADDRESS1);
        m.put("address2", OfficeFields.Field.ADDRESS2);
        m.put("city", OfficeFields.Field.CITY);
        m.put("state_id", OfficeFields.Field.STATE);
        m.put("postal_code", OfficeFields.Field.POSTAL_CODE);
        m.put("country_id", OfficeFields.Field.COUNTRY);
        m.put("time_zone_id", OfficeFields.Field.TIME_ZONE);
        m.put("phone", OfficeFields.Field.PHONE);
        return m;
    }
}
