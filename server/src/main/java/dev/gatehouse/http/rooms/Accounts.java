package dev.gatehouse.http.rooms;

import dev.gatehouse.access.Principal;
import dev.gatehouse.error.InvalidInputException;
import dev.gatehouse.http.Auth;
import dev.gatehouse.http.LogContext;
import dev.gatehouse.json.Fields;
import dev.gatehouse.model.ModelRegistry;
import dev.gatehouse.model.PermissionModel;
import dev.gatehouse.org.OrgService;
import dev.gatehouse.org.Organization;
import dev.gatehouse.room.RoomsPermissions;
import io.javalin.http.Context;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Resolves a request's caller and the account it addresses: an organization by its GUID {@code account_id},
 * visible to the caller, on the {@code rooms} model (a v6 company) or the {@code rooms_v5} model (a v5 "classic"
 * company); any other model is refused with a message naming it.
 */
final class Accounts {

    /** The caller, and the account (organization) a request addresses. */
    record Account(Principal principal, Organization org, PermissionModel model) {
        long orgId() {
            return org.id();
        }

        /** A v5 ("classic") company: an organization on the {@code rooms_v5} model. */
        boolean classic() {
            return RoomsPermissions.classic(model.id());
        }
    }

    private static final String ATTRIBUTE = "gatehouse.rooms.account";
    private static final Pattern GUID = Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

    private final Auth auth;
    private final OrgService orgs;
    private final ModelRegistry models;

    Accounts(Auth auth, OrgService orgs, ModelRegistry models) {
        this.auth = auth;
        this.orgs = orgs;
        this.models = models;
    }

    /**
     * The organization of a path's {@code accountId}, for access tokens: null when the path has none,
     * {@link Auth.OrgLocator#NO_SUCH_ORG} for an account that does not exist, and for an {@code accountId} that is
     * no GUID the 400 {@code INVALID_ACCOUNT_ID} a key gets there (it was read as no account named, and a token got
     * a 401).
     */
    static Long orgOf(Context ctx, OrgService orgs) {
        String raw = ctx.pathParamMap().get("accountId");
        return raw == null ? null : orgs.idOfAccount(accountId(raw)).orElse(Auth.OrgLocator.NO_SUCH_ORG);
    }

    /** The account GUID of a path; a 400 {@code invalid_account_id} for anything else. */
    private static UUID accountId(String raw) {
        if (!GUID.matcher(raw).matches()) {
            throw new InvalidInputException("invalid_account_id", "accountId must be a GUID such as "
                    + "3fa85f64-5717-4562-b3fc-2c963f66afa6, got \"" + Fields.abbreviate(raw) + "\"",
                    Map.of("accountId", "must be a GUID"));
        }
        return UUID.fromString(raw);
    }

    /** The request's caller and account, resolved once per request (later calls answer the first one's). */
    Account resolve(Context ctx) {
        Account known = resolved(ctx);
        if (known != null) {
            return known;
        }
        Principal principal = auth.principal(ctx);
        String raw = ctx.pathParam("accountId");
        Organization org = orgs.getByAccount(principal, accountId(raw));
        LogContext.org(org.id());
        if (!RoomsPermissions.servedByRooms(org.modelId())) {
            throw new InvalidInputException("not_a_rooms_account", "account " + raw
                    + " uses the model \"" + org.modelId() + "\"; the Rooms API serves only organizations on the \""
                    + RoomsPermissions.MODEL + "\" (v6) and \"" + RoomsPermissions.MODEL_V5 + "\" (v5) models");
        }
        Account account = new Account(principal, org, models.require(org.modelId()));
        ctx.attribute(ATTRIBUTE, account);
        return account;
    }

    /** The account a request resolved to, for wording its failures; null when it failed before. */
    static Account resolved(Context ctx) {
        return ctx.attribute(ATTRIBUTE);
    }
}
