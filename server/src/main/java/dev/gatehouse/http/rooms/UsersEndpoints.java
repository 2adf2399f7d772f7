package dev.gatehouse.http.rooms;

import dev.gatehouse.error.InvalidInputException;
import dev.gatehouse.http.Route;
import dev.gatehouse.json.Fields;
import dev.gatehouse.room.AccessLevel;
import dev.gatehouse.room.RoomsPermissions;
import dev.gatehouse.room.RoomsUserService;
import dev.gatehouse.room.RoomsUserService.ClassicKind;
import dev.gatehouse.room.UserQuery;
import dev.gatehouse.room.UserSort;
import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** {@code …/users}: Rooms' company users over {@link RoomsUserService}. */
final class UsersEndpoints {

    static final String USERS = RoomsApi.ACCOUNT + "/users";
    private static final int MAX_NAME = 200;

    private final Accounts accounts;
    private final RoomsUserService users;

    UsersEndpoints(Accounts accounts, RoomsUserService users) {
        this.accounts = accounts;
        this.users = users;
    }

    List<Route> routes() {
        return List.of(
                Route.get(USERS, this::list),
                Route.post(USERS + "/invite_user", this::invite),
                Route.post(USERS + "/invite_classic_admin", ctx -> inviteClassic(ctx, ClassicKind.ADMIN)),
                Route.post(USERS + "/invite_classic_manager", ctx -> inviteClassic(ctx, ClassicKind.MANAGER)),
                Route.post(USERS + "/invite_classic_agent", ctx -> inviteClassic(ctx, ClassicKind.AGENT)),
                Route.get(USERS + "/{userId}", this::get),
                Route.put(USERS + "/{userId}", this::update),
                Route.delete(USERS + "/{userId}", this::remove),
                Route.post(USERS + "/{userId}/lock", this::lock),
                Route.post(USERS + "/{userId}/unlock", this::unlock),
                Route.post(USERS + "/{userId}/reinvite", this::reinvite),
                Route.post(USERS + "/{userId}/add_to_office", ctx -> office(ctx, true)),
                Route.post(USERS + "/{userId}/remove_from_office", ctx -> office(ctx, false)),
                Route.post(USERS + "/{userId}/add_to_region", ctx -> region(ctx, true)),
                Route.post(USERS + "/{userId}/remove_from_region", ctx -> region(ctx, false)));
    }

    private void list(Context ctx) {
        Accounts.Account a = accounts.resolve(ctx);
        int start = Wire.start(ctx);
        int count = Wire.count(ctx);
        UserQuery query = new UserQuery(Wire.searched(ctx, "filter"), sort(ctx), Wire.queryId(ctx, "defaultOfficeId"),
                accessLevel(ctx), Wire.queryId(ctx, "titleId"),
                idOrNull(Wire.queryId(ctx, "roleId")), pending(ctx), Wire.queryBool(ctx, "lockedOnly", false), start, count);
        Wire.json(ctx, 200, Wire.page(ctx, "userSummaries", users.list(a.principal(), a.orgId(), query), start, count,
                RoomsJson::userSummary));
    }

    private static Long idOrNull(Integer id) {
        return id == null ? null : id.longValue();
    }

    private static UserSort sort(Context ctx) {
        String raw = Wire.query(ctx, "sort");
        if (raw == null) {
            return UserSort.ID;
        }
        return UserSort.parse(raw).orElseThrow(() -> new InvalidInputException("invalid_request_parameter",
                "sort must be one of " + UserSort.names() + ", got \"" + Fields.abbreviate(raw) + "\"",
                Map.of("sort", "unknown value")));
    }

    private static AccessLevel accessLevel(Context ctx) {
        String raw = Wire.query(ctx, "accessLevel");
        if (raw == null) {
            return null;
        }
        return AccessLevel.parse(raw).orElseThrow(() -> new InvalidInputException("invalid_request_parameter",
                "accessLevel must be one of " + AccessLevel.names() + ", got \"" + Fields.abbreviate(raw) + "\"",
                Map.of("accessLevel", "unknown value")));
    }

    /** {@code status}: {@code Active} (accepted their invitation), {@code Pending} (not yet), or absent (both). */
    private static Boolean pending(Context ctx) {
        String raw = Wire.query(ctx, "status");
        if (raw == null) {
            return null;
        }
        if (raw.equalsIgnoreCase("Active")) {
            return false;
        }
        if (raw.equalsIgnoreCase("Pending")) {
            return true;
        }
        throw new InvalidInputException("invalid_request_parameter", "status must be Active or Pending, got \""
                + Fields.abbreviate(raw) + "\"", Map.of("status", "unknown value"));
    }

    private void get(Context ctx) {
        Accounts.Account a = accounts.resolve(ctx);
        Wire.json(ctx, 200, RoomsJson.user(users.get(a.principal(), a.orgId(), Wire.pathId(ctx, "userId")), a.classic()));
    }

    private void invite(Context ctx) {
        Accounts.Account a = accounts.resolve(ctx);
        RoomsApi.requireV6(a, "POST …/users/invite_user", "invite with …/users/invite_classic_admin, "
                + "invite_classic_manager or invite_classic_agent");
        Fields f = Wire.body(ctx);
        String firstName = f.name("firstName", true, MAX_NAME);
        String lastName = f.name("lastName", true, MAX_NAME);
        String email = f.email("email", true);
        Integer roleId = Wire.id(f, "roleId", true);
        String levelName = f.text("accessLevel", true, 32);
        AccessLevel level = null;
        if (levelName != null) {
            level = AccessLevel.parse(levelName).orElse(null);
            if (level == null) {
                f.error("accessLevel", "must be one of " + AccessLevel.names() + ", got \""
                        + Fields.abbreviate(levelName) + "\"");
            }
        }
        Integer defaultOfficeId = Wire.id(f, "defaultOfficeId", false);
        List<Integer> offices = Wire.ids(f, "offices");
        List<Integer> regions = Wire.ids(f, "regions");
        String eSign = f.optional("eSignPermissionProfileId", 100);
        f.bool("subscribeToRoomsActivityNotifications");
        f.optional("redirectUrl", 2000);
        f.optional("companyTypeId", 100);
        if (level == AccessLevel.REGION && regions.isEmpty()) {
            f.error("regions", "is required with accessLevel Region");
        }
        if (level == AccessLevel.OFFICE && offices.isEmpty()) {
            f.error("offices", "is required with accessLevel Office");
        }
        f.check();
        var written = users.invite(a.principal(), a.orgId(), new RoomsUserService.Invite(firstName, lastName, email,
                roleId, level, defaultOfficeId, offices, regions, eSign));
        Wire.written(ctx, 201, written, RoomsJson.user(written.value(), a.classic()));
    }

    /**
     * The v5 ("classic") invitations, each answering 201 User: ClassicAdminToInvite {@code {firstName*, lastName*,
     * email*}}; ClassicManagerToInvite {@code {firstName*, lastName*, email*, defaultOfficeId*, titleId*,
     * accessLevel* (Company|Region|Office), permissions* (ClassicManagerPermissions), offices, regions,
     * eSignPermissionProfileId}}; ClassicAgentToInvite {@code {firstName*, lastName*, email*, officeId*,
     * companyTypeId, eSignPermissionProfileId}}. On a v6 company they are refused (400), as the 2021 specification
     * makes them v5 calls.
     */
    private void inviteClassic(Context ctx, ClassicKind kind) {
        Accounts.Account a = accounts.resolve(ctx);
        String verb = ctx.path().substring(ctx.path().lastIndexOf('/') + 1);
        if (!a.classic()) {
            throw new InvalidInputException("classic_company_only", "POST …/users/" + verb + " invites into a "
                    + "Rooms v5 (classic) company; this account is a v6 company: invite with POST …/users/invite_user "
                    + "and a roleId");
        }
        Fields f = Wire.body(ctx);
        String firstName = f.name("firstName", true, MAX_NAME);
        String lastName = f.name("lastName", true, MAX_NAME);
        String email = f.email("email", true);
        String eSign = kind == ClassicKind.ADMIN ? null : f.optional("eSignPermissionProfileId", 100);
        AccessLevel level = switch (kind) {
            case ADMIN -> AccessLevel.ADMIN;
            case AGENT -> AccessLevel.CONTRIBUTOR;
            case MANAGER -> managerLevel(f);
        };
        Integer defaultOfficeId = null;
        Integer titleId = null;
        List<Integer> offices = List.of();
        List<Integer> regions = List.of();
        List<String> flags = List.of();
        if (kind == ClassicKind.MANAGER) {
            defaultOfficeId = Wire.id(f, "defaultOfficeId", true);
            titleId = Wire.id(f, "titleId", true);
            offices = Wire.ids(f, "offices");
            regions = Wire.ids(f, "regions");
            flags = flags(f);
            if (level == AccessLevel.REGION && regions.isEmpty()) {
                f.error("regions", "is required with accessLevel Region: the regions whose rooms the manager manages");
            }
            if (level == AccessLevel.OFFICE && offices.isEmpty()) {
                f.error("offices", "is required with accessLevel Office: the offices whose rooms the manager manages");
            }
        } else if (kind == ClassicKind.AGENT) {
            defaultOfficeId = Wire.id(f, "officeId", true);
            f.optional("companyTypeId", 100);
        }
        f.check();
        var written = users.inviteClassic(a.principal(), a.orgId(), new RoomsUserService.ClassicInvite(kind, firstName,
                lastName, email, level, defaultOfficeId, titleId, offices, regions, flags, eSign));
        Wire.written(ctx, 201, written, RoomsJson.user(written.value(), true));
    }

    /**
     * A manager's {@code accessLevel} (required): Company, Region or Office — the levels a Manager can be at
     * ({@link AccessLevel#classicFor}) that reach rooms beyond its own (a Manager at Contributor is one added through
     * {@code /v1}).
     */
    private static AccessLevel managerLevel(Fields f) {
        String name = f.text("accessLevel", true, 32);
        if (name == null) {
            return null;
        }
        AccessLevel level = AccessLevel.parse(name).orElse(null);
        if (level != AccessLevel.COMPANY && level != AccessLevel.REGION && level != AccessLevel.OFFICE) {
            f.error("accessLevel", "must be Company, Region or Office for a manager, got \""
                    + Fields.abbreviate(name) + "\"");
            return null;
        }
        return level;
    }

    /**
     * ClassicManagerPermissions (required): its 13 booleans, a missing one false; unknown names are ignored. A flag
     * sent with null is not a boolean, and is refused as any other value that is not (null does not say false).
     */
    private static List<String> flags(Fields f) {
        Fields permissions = f.object("permissions", true);
        if (permissions == null) {
            return List.of();
        }
        List<String> on = new ArrayList<>();
        for (String flag : RoomsPermissions.CLASSIC_MANAGER_FLAGS) {
            if (permissions.isNull(flag)) {
                permissions.error(flag, "must be true or false");
            } else if (Boolean.TRUE.equals(permissions.bool(flag))) {
                on.add(flag);
            }
        }
        return on;
    }

    /** Rooms' UserForUpdate has one field, {@code defaultOfficeId}: the company role cannot change here. */
    private void update(Context ctx) {
        Accounts.Account a = accounts.resolve(ctx);
        int userId = Wire.pathId(ctx, "userId");
        Fields f = Wire.body(ctx);
        Integer office = Wire.id(f, "defaultOfficeId", true);
        f.check();
        var written = users.updateDefaultOffice(a.principal(), a.orgId(), userId, office);
        Wire.written(ctx, 200, written, RoomsJson.user(written.value(), a.classic()));
    }

    private void remove(Context ctx) {
        Accounts.Account a = accounts.resolve(ctx);
        Wire.written(ctx, 204, users.remove(a.principal(), a.orgId(), Wire.pathId(ctx, "userId")), null);
    }

    /**
     * LockedOutDetails {@code {reason}} is optional, as both SDKs send it (the Java SDK's {@code lockUser(…, null)}
     * sends no body): no body, {@code {}} or a null {@code reason} lock without one. A blank reason is a 400 naming
     * it, as every blank optional string of the dialect is ({@link Fields#optional}); a reason is kept without the
     * spaces at its ends.
     */
    private void lock(Context ctx) {
        Accounts.Account a = accounts.resolve(ctx);
        int userId = Wire.pathId(ctx, "userId");
        Fields f = Wire.body(ctx);
        String reason = f.optional("reason", 1000);
        f.check();
        Wire.written(ctx, 204, users.lock(a.principal(), a.orgId(), userId,
                reason == null ? null : reason.strip()), null);
    }

    /** Gatehouse sends no e-mail: the invitation time is recorded for the product to act on; 204. */
    private void reinvite(Context ctx) {
        Accounts.Account a = accounts.resolve(ctx);
        Wire.written(ctx, 204, users.reinvite(a.principal(), a.orgId(), Wire.pathId(ctx, "userId")), null);
    }

    /** DesignatedOffice {@code {officeId}}: adds the user to the office or removes it; 204. */
    private void office(Context ctx, boolean add) {
        Accounts.Account a = accounts.resolve(ctx);
        int userId = Wire.pathId(ctx, "userId");
        Fields f = Wire.body(ctx);
        Integer officeId = Wire.id(f, "officeId", true);
        f.check();
        Wire.written(ctx, 204, users.setOffice(a.principal(), a.orgId(), userId, officeId, add), null);
    }

    /** DesignatedRegion {@code {regionId}}: adds the user to the region or removes it; 204. */
    private void region(Context ctx, boolean add) {
        Accounts.Account a = accounts.resolve(ctx);
        int userId = Wire.pathId(ctx, "userId");
        Fields f = Wire.body(ctx);
        Integer regionId = Wire.id(f, "regionId", true);
        f.check();
        Wire.written(ctx, 204, users.setRegion(a.principal(), a.orgId(), userId, regionId, add), null);
    }

    private void unlock(Context ctx) {
        Accounts.Account a = accounts.resolve(ctx);
        Wire.written(ctx, 204, users.unlock(a.principal(), a.orgId(), Wire.pathId(ctx, "userId")), null);
    }
}
