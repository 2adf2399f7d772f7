package dev.gatehouse.http.rooms;

import dev.gatehouse.http.Route;
import dev.gatehouse.json.Fields;
import dev.gatehouse.json.Json;
import dev.gatehouse.office.Office;
import dev.gatehouse.office.OfficeFields;
import dev.gatehouse.office.OfficePage;
import dev.gatehouse.office.OfficeQuery;
import dev.gatehouse.office.OfficeService;
import dev.gatehouse.office.Region;
import dev.gatehouse.office.RegionQuery;
import dev.gatehouse.room.ESignPermissionProfile;
import dev.gatehouse.room.Slice;
import io.javalin.http.Context;
import java.util.List;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import static dev.gatehouse.http.rooms.Wire.put;

/**
 * {@code …/offices}, {@code …/regions} and {@code …/esign_permission_profiles}: what a client looks up before it
 * invites a user or creates a room, over {@link OfficeService}.
 */
final class OfficesEndpoints {

    static final String OFFICES = RoomsApi.ACCOUNT + "/offices";
    static final String REGIONS = RoomsApi.ACCOUNT + "/regions";
    private static final int MAX_TEXT = 200;

    private final Accounts accounts;
    private final OfficeService offices;

    OfficesEndpoints(Accounts accounts, OfficeService offices) {
        this.accounts = accounts;
        this.offices = offices;
    }

    List<Route> routes() {
        return List.of(
                Route.get(OFFICES, this::offices),
                Route.post(OFFICES, this::createOffice),
                Route.get(OFFICES + "/{officeId}", this::office),
                Route.delete(OFFICES + "/{officeId}", this::deleteOffice),
                Route.get(REGIONS, this::regions),
                Route.post(REGIONS, this::createRegion),
                Route.get(REGIONS + "/{regionId}", this::region),
                Route.delete(REGIONS + "/{regionId}", this::deleteRegion),
                Route.get(RoomsApi.ACCOUNT + "/esign_permission_profiles", this::eSignPermissionProfiles));
    }

    /** OfficeSummaryList; {@code search}: a text the name contains; {@code onlyAccessible}: the caller's offices. */
    private void offices(Context ctx) {
        Accounts.Account a = accounts.resolve(ctx);
        int start = Wire.start(ctx);
        int count = Wire.count(ctx);
        OfficeQuery query = new OfficeQuery(Wire.searched(ctx, "search"), Wire.queryBool(ctx, "onlyAccessible", false), 0,
                start, count);
        Wire.json(ctx, 200, Wire.page(ctx, "officeSummaries", slice(offices.offices(a.principal(), a.orgId(), query)),
                start, count, OfficesEndpoints::office));
    }

    private void office(Context ctx) {
        Accounts.Account a = accounts.resolve(ctx);
        Wire.json(ctx, 200, office(offices.office(a.principal(), a.orgId(), Wire.pathId(ctx, "officeId"))));
    }

    /** OfficeForCreate: {@code name} (required), {@code regionId}, the address; answers 201 Office. */
    private void createOffice(Context ctx) {
        Accounts.Account a = accounts.resolve(ctx);
        Fields f = Wire.body(ctx);
        OfficeFields fields = new OfficeFields(f.name("name", true, MAX_TEXT), Wire.id(f, "regionId", false),
                f.optional("address1", MAX_TEXT), f.optional("address2", MAX_TEXT),
                f.optional("city", MAX_TEXT), f.optional("stateId", MAX_TEXT),
                f.optional("postalCode", MAX_TEXT), f.optional("countryId", MAX_TEXT),
                f.optional("timeZoneId", MAX_TEXT), f.optional("phone", MAX_TEXT));
        f.check();
        var written = offices.createOffice(a.principal(), a.orgId(), fields, "regionId");
        Wire.written(ctx, 201, written, office(written.value()));
    }

    private void deleteOffice(Context ctx) {
        Accounts.Account a = accounts.resolve(ctx);
        Wire.written(ctx, 204, offices.deleteOffice(a.principal(), a.orgId(), Wire.pathId(ctx, "officeId"), null), null);
    }

    /** RegionSummaryList; {@code managedOnly}: the regions the caller manages ({@link RegionQuery}). */
    private void regions(Context ctx) {
        Accounts.Account a = accounts.resolve(ctx);
        int start = Wire.start(ctx);
        int count = Wire.count(ctx);
        RegionQuery query = new RegionQuery(Wire.queryBool(ctx, "managedOnly", false), 0, start, count);
        Wire.json(ctx, 200, Wire.page(ctx, "regionSummaries", slice(offices.regions(a.principal(), a.orgId(), query)),
                start, count, OfficesEndpoints::region));
    }

    private void region(Context ctx) {
        Accounts.Account a = accounts.resolve(ctx);
        Wire.json(ctx, 200, region(offices.region(a.principal(), a.orgId(), Wire.pathId(ctx, "regionId"))));
    }

    /** A Region with its {@code name} (required); answers 201 Region. */
    private void createRegion(Context ctx) {
        Accounts.Account a = accounts.resolve(ctx);
        Fields f = Wire.body(ctx);
        String name = f.name("name", true, MAX_TEXT);
        f.check();
        var written = offices.createRegion(a.principal(), a.orgId(), name);
        Wire.written(ctx, 201, written, region(written.value()));
    }

    private void deleteRegion(Context ctx) {
        Accounts.Account a = accounts.resolve(ctx);
        Wire.written(ctx, 204, offices.deleteRegion(a.principal(), a.orgId(), Wire.pathId(ctx, "regionId"), null), null);
    }

    /** ESignPermissionProfileList: eSignature's standard profiles ({@link ESignPermissionProfile#STANDARD}). */
    private void eSignPermissionProfiles(Context ctx) {
        accounts.resolve(ctx);
        ObjectNode body = Json.object();
        ArrayNode profiles = body.putArray("permissionProfiles");
        for (ESignPermissionProfile p : ESignPermissionProfile.STANDARD) {
            profiles.addObject().put("eSignPermissionProfileId", p.id()).put("name", p.name());
        }
        Wire.json(ctx, 200, body);
    }

    private static <T> Slice<T> slice(OfficePage<T> page) {
        return new Slice<>(page.items(), page.total());
    }

    /** Rooms' Office (and OfficeSummary, the same fields). */
    static ObjectNode office(Office o) {
        OfficeFields f = o.fields();
        ObjectNode n = Json.object();
        n.put("officeId", o.id());
        n.put("name", f.name());
        put(n, "regionId", f.regionId());
        put(n, "address1", f.address1());
        put(n, "address2", f.address2());
        put(n, "city", f.city());
        put(n, "stateId", f.stateId());
        put(n, "postalCode", f.postalCode());
        put(n, "countryId", f.countryId());
        put(n, "timeZoneId", f.timeZoneId());
        put(n, "phone", f.phone());
        n.put("createdDate", Wire.date(o.createdAt()));
        return n;
    }

    /** Rooms' Region (and RegionSummary). */
    static ObjectNode region(Region r) {
        ObjectNode n = Json.object();
        n.put("regionId", r.id());
        n.put("name", r.name());
        n.put("createdDate", Wire.date(r.createdAt()));
        return n;
    }
}
