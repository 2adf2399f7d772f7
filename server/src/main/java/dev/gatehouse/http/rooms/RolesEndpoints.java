package dev.gatehouse.http.rooms;

import dev.gatehouse.error.InvalidInputException;
import dev.gatehouse.http.Route;
import dev.gatehouse.json.Fields;
import dev.gatehouse.json.Json;
import dev.gatehouse.role.Role;
import dev.gatehouse.role.RoleInput;
import dev.gatehouse.role.RoleService;
import dev.gatehouse.room.RoomsRoleService;
import dev.gatehouse.room.Slice;
import io.javalin.http.Context;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code /v2/accounts/{accountId}} (AccountSummary) and {@code …/roles}: Rooms' roles over
 * {@link RoleService} and {@link RoomsRoleService}, which keep every rule (management needs the model's
 * {@code canManageAccount}, system roles are immutable, unique names, no escalation, a held role cannot be
 * deleted).
 */
final class RolesEndpoints {

    static final String ROLES = RoomsApi.ACCOUNT + "/roles";
    private static final int MAX_NAME = 100;

    private final Accounts accounts;
    private final RoleService roles;
    private final RoomsRoleService roomsRoles;

    RolesEndpoints(Accounts accounts, RoleService roles, RoomsRoleService roomsRoles) {
        this.accounts = accounts;
        this.roles = roles;
        this.roomsRoles = roomsRoles;
    }

    List<Route> routes() {
        return List.of(
                Route.get(RoomsApi.ACCOUNT, this::account),
                Route.get(ROLES, this::list),
                Route.post(ROLES, this::create),
                Route.get(ROLES + "/{roleId}", this::get),
                Route.put(ROLES + "/{roleId}", this::update),
                Route.delete(ROLES + "/{roleId}", this::delete));
    }

    /** Rooms' AccountSummary of the organization: {@code companyVersion} v5 on the {@code rooms_v5} model, else v6. */
    private void account(Context ctx) {
        Accounts.Account a = accounts.resolve(ctx);
        ObjectNode n = Json.object();
        n.put("companyId", Wire.int32(a.orgId(), "organization"));
        n.put("name", a.org().name());
        n.put("companyVersion", a.classic() ? "v5" : "v6");
        n.put("docuSignAccountGuid", a.org().accountId().toString());
        n.put("defaultFieldSetId", UUID.nameUUIDFromBytes(("fieldset:" + a.org().accountId())
                .getBytes(java.nio.charset.StandardCharsets.UTF_8)).toString());
        n.put("requireOfficeLibraryAssignments", false);
        Wire.json(ctx, 200, n);
    }

    private void list(Context ctx) {
        Accounts.Account a = accounts.resolve(ctx);
        RoomsRoleService.Context context = context(ctx);
        int start = Wire.start(ctx);
        int count = Wire.count(ctx);
        List<Role> all = roomsRoles.list(a.principal(), a.orgId(), context, Wire.searched(ctx, "filter"));
        Slice<Role> page = new Slice<>(all.subList(Math.min(start, all.size()), Math.min(start + count, all.size())),
                all.size());
        Wire.json(ctx, 200, Wire.page(ctx, "roles", page, start, count, RoomsJson::roleSummary));
    }

    /** {@code filterContext} when given, else the deprecated {@code onlyAssignable}. */
    private static RoomsRoleService.Context context(Context ctx) {
        String raw = Wire.query(ctx, "filterContext");
        boolean onlyAssignable = Wire.queryBool(ctx, "onlyAssignable", false);
        if (raw == null) {
            return onlyAssignable ? RoomsRoleService.Context.ASSIGNABLE_BY_COMPANY_PERMISSIONS
                    : RoomsRoleService.Context.ALL_ROLES;
        }
        switch (raw.toLowerCase(java.util.Locale.ROOT)) {
            case "allroles":
                return RoomsRoleService.Context.ALL_ROLES;
            case "assignablerolesbasedoncompanypermissions":
                return RoomsRoleService.Context.ASSIGNABLE_BY_COMPANY_PERMISSIONS;
            case "assignablerolesbasedonallpermissions":
                return RoomsRoleService.Context.ASSIGNABLE_BY_ALL_PERMISSIONS;
            default:
                throw new InvalidInputException("invalid_request_parameter", "filterContext must be AllRoles, "
                        + "AssignableRolesBasedOnCompanyPermissions or AssignableRolesBasedOnAllPermissions, got \""
                        + Fields.abbreviate(raw) + "\"", Map.of("filterContext", "unknown value"));
        }
    }

    private void get(Context ctx) {
        Accounts.Account a = accounts.resolve(ctx);
        int roleId = Wire.pathId(ctx, "roleId");
        boolean includeIsAssigned = Wire.queryBool(ctx, "includeIsAssigned", false);
        Role role = roles.get(a.principal(), a.orgId(), roleId);
        Boolean assigned = includeIsAssigned ? roomsRoles.isAssigned(a.principal(), a.orgId(), roleId) : null;
        Wire.json(ctx, 200, RoomsJson.role(role, a.model(), assigned));
    }

    private void create(Context ctx) {
        Accounts.Account a = accounts.resolve(ctx);
        RoomsApi.requireV6(a, "POST …/roles (custom roles)", "its roles cannot be created, changed or deleted");
        Fields f = Wire.body(ctx);
        String name = f.name("name", true, MAX_NAME);
        Boolean external = f.bool("isExternal");
        List<String> permissions = PermissionsJson.read(f, a.model());
        f.check();
        var written = roles.create(a.principal(), a.orgId(), new RoleInput(name, null,
                permissions == null ? List.of() : permissions, external, null, false));
        Wire.written(ctx, 201, written, RoomsJson.role(written.value(), a.model(), null));
    }

    /** PUT: fields that are absent stay as they are; {@code permissions}, when given, is the whole set. */
    private void update(Context ctx) {
        Accounts.Account a = accounts.resolve(ctx);
        RoomsApi.requireV6(a, "PUT …/roles/{roleId} (custom roles)", "its roles cannot be created, changed or deleted");
        int roleId = Wire.pathId(ctx, "roleId");
        Fields f = Wire.body(ctx);
        String name = f.name("name", false, MAX_NAME);
        Boolean external = f.bool("isExternal");
        List<String> permissions = PermissionsJson.read(f, a.model());
        f.check();
        var written = roles.update(a.principal(), a.orgId(), roleId, new RoleInput(name, null, permissions, external,
                null, false), null);
        Wire.written(ctx, 200, written, RoomsJson.role(written.value(), a.model(), null));
    }

    private void delete(Context ctx) {
        Accounts.Account a = accounts.resolve(ctx);
        RoomsApi.requireV6(a, "DELETE …/roles/{roleId} (custom roles)", "its roles cannot be created, changed or deleted");
        int roleId = Wire.pathId(ctx, "roleId");
        Wire.written(ctx, 204, roles.delete(a.principal(), a.orgId(), roleId, null), null);
    }
}
