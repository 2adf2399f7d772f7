package dev.gatehouse.http.rooms;

import dev.gatehouse.error.GatehouseException;
import dev.gatehouse.error.InvalidInputException;
import dev.gatehouse.http.Auth;
import dev.gatehouse.http.Dialect;
import dev.gatehouse.http.Route;
import dev.gatehouse.json.Json;
import dev.gatehouse.model.ModelRegistry;
import dev.gatehouse.office.OfficeService;
import dev.gatehouse.org.OrgService;
import dev.gatehouse.role.RoleService;
import dev.gatehouse.room.RoomService;
import dev.gatehouse.room.RoomsRoleService;
import dev.gatehouse.room.RoomsUserService;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.javalin.http.HandlerType;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import tools.jackson.databind.node.ObjectNode;

/**
 * The DocuSign Rooms v2 dialect under {@code /restapi} (the SDKs' base path ends there): accounts, roles,
 * users, rooms, room users and assignable roles for organizations on the {@code rooms} model, with Rooms'
 * models and its error shape {@code {errorCode, message, referenceId}}. A thin translation: every rule lives
 * in the services (the {@code room} package's for rooms, room users and Rooms' views of roles and users), which
 * the node builds once for every API. See docs/dialects/rooms.md.
 */
public final class RoomsApi implements Dialect {

    static final String PREFIX = "/restapi";
    static final String ACCOUNT = PREFIX + "/v2/accounts/{accountId}";

    private static final Set<HandlerType> MAY_CARRY_A_BODY = Set.of(HandlerType.POST, HandlerType.PUT,
            HandlerType.PATCH);

    private final List<Route> routes;

    /** What the Rooms dialect uses: the caller's key, the models, and the services its endpoints call. */
    public record Services(Auth auth, ModelRegistry models, OrgService orgs, RoleService roles,
                           RoomsRoleService roomsRoles, RoomsUserService roomsUsers, RoomService rooms,
                           OfficeService offices) {
        public Services {
            Objects.requireNonNull(auth, "auth");
            Objects.requireNonNull(models, "models");
            Objects.requireNonNull(orgs, "orgs");
            Objects.requireNonNull(roles, "roles");
            Objects.requireNonNull(roomsRoles, "roomsRoles");
            Objects.requireNonNull(roomsUsers, "roomsUsers");
            Objects.requireNonNull(rooms, "rooms");
            Objects.requireNonNull(offices, "offices");
        }
    }

    public RoomsApi(Services s) {
        Accounts accounts = new Accounts(s.auth().within(ctx -> Accounts.orgOf(ctx, s.orgs())), s.orgs(), s.models());
        List<Route> all = new ArrayList<>();
        all.addAll(new RolesEndpoints(accounts, s.roles(), s.roomsRoles()).routes());
        all.addAll(new UsersEndpoints(accounts, s.roomsUsers()).routes());
        all.addAll(new RoomsEndpoints(accounts, s.rooms(), s.roomsRoles()).routes());
        all.addAll(new OfficesEndpoints(accounts, s.offices()).routes());
        this.routes = all.stream().map(route -> MAY_CARRY_A_BODY.contains(route.method())
                ? route.withHandler(readingTheBodyFirst(accounts, route.handler())) : route).toList();
    }

    /**
     * A route that may carry a body has it read through the dialect's one body check ({@link Wire#body}) before it
     * runs, once the caller and account are known: a route taking no body ({@code unlock}, {@code reinvite},
     * {@code restore_access}) refuses a non-JSON one (415) or malformed JSON (400) as every other route does, and
     * changes nothing; an empty body (what a client sends to a route taking none) reads as {@code {}}. A body on
     * DELETE stays unread: the Java SDK sends {@code {}} there.
     */
    private static Handler readingTheBodyFirst(Accounts accounts, Handler route) {
        return ctx -> {
            accounts.resolve(ctx);
            Wire.body(ctx);
            route.handle(ctx);
        };
    }

    /**
     * Refuses a Rooms v6 call on a v5 ("classic") company: the 2021 specification makes custom roles,
     * {@code invite_user} and assignable roles v6 only and documents no answer for a v5 company, so this is a 400
     * {@code V6_COMPANY_ONLY} in Rooms' error shape, saying what to call instead.
     */
    static void requireV6(Accounts.Account account, String call, String instead) {
        if (account.classic()) {
            throw new InvalidInputException("v6_company_only", call + " is a Rooms v6 call; this account is a v5 "
                    + "(classic) company, whose roles are the fixed Admin, Manager and Agent: " + instead);
        }
    }

    @Override
    public String prefix() {
        return PREFIX;
    }

    @Override
    public List<Route> routes() {
        return routes;
    }

    /**
     * A typed failure in Rooms' words ({@link RoomsErrors}): its code as this dialect's (a parameter refused before any
     * route ran gets the code its route would give it), its fields by their Rooms names, and the organization the
     * request addressed as its account.
     */
    @Override
    public void error(Context ctx, int status, GatehouseException e) {
        String message = RoomsErrors.message(RoomsErrors.detail(e, ctx.method()), e.fieldErrors(),
                Accounts.resolved(ctx));
        error(ctx, status, RoomsErrors.code(e, ctx.pathParamMap()), message, Map.of(), e.context());
    }

    /**
     * Rooms' ApiError: the stable code in upper case, the detail (fields by their Rooms names), and a reference id
     * for this occurrence.
     */
    @Override
    public ErrorReply errorReply(int status, String code, String detail, Map<String, String> fieldErrors,
                                 Map<String, Object> context) {
        ObjectNode body = Json.object();
        body.put("errorCode", code.toUpperCase(Locale.ROOT));
        body.put("message", RoomsErrors.message(detail, fieldErrors, null));
        body.put("referenceId", UUID.randomUUID().toString());
        context.forEach((name, value) -> body.set(name, Json.MAPPER.valueToTree(value)));
        return new ErrorReply(status, "application/json", Wire.write(body));
    }
}
