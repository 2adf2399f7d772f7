package dev.gatehouse.http.rooms;

import dev.gatehouse.error.GatehouseException;
import dev.gatehouse.json.Text;
import dev.gatehouse.member.Member;
import dev.gatehouse.member.RevivedRole;
import dev.gatehouse.role.RoleHolders;
import dev.gatehouse.room.Room;
import io.javalin.http.HandlerType;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How a failure is worded in Rooms' terms. The services name fields by their native names ({@code role_id},
 * {@code first_name}) and an organization by its Gatehouse id; a Rooms client knows {@code roleId},
 * {@code firstName} and its account's GUID. Both are rephrased from typed facts — the failure's field errors and
 * the account the request resolved — never guessed from the text. Stateless.
 */
final class RoomsErrors {

    /** Native field names whose Rooms name is not their camel case: a member is a Rooms user, its user id its email. */
    private static final Map<String, String> RENAMED = Map.of("member_id", "userId", "user_id", "email",
            "resource_id", "roomId");

    /** A member named by its id in a service's message ("which member 4 does not have"); Rooms calls it user 4. */
    private static final Pattern MEMBER_ID = Pattern.compile("\\bmember (\\d+)\\b");

    private RoomsErrors() {
    }

    /** Rooms' name of a field a service names: {@code role_id} is {@code roleId}; Rooms' own names stay. */
    static String field(String name) {
        String renamed = RENAMED.get(name);
        if (renamed != null) {
            return renamed;
        }
        StringBuilder out = new StringBuilder(name.length());
        boolean upper = false;
        for (char c : name.toCharArray()) {
            if (c == '_') {
                upper = out.length() > 0;
            } else {
                out.append(upper ? Character.toUpperCase(c) : c);
                upper = false;
            }
        }
        return out.toString();
    }

    /**
     * A failure's errorCode, before it is written in upper case: its own, but for a parameter the server refused for
     * every dialect before any route read it ({@code invalid_parameter}: a control character, broken UTF-8), which
     * gets the code this dialect's routes give a bad value of that parameter, so a client meets one code per kind of
     * parameter whoever refused it: {@code invalid_account_id} for the {@code accountId}, {@code invalid_id} for any
     * other path parameter (each an integer id, {@link Wire#pathId}), {@code invalid_request_parameter} for a query
     * parameter. The parameter refused is the one its field error names; it is a path parameter when the path has
     * one of that name holding a value so refused (a query parameter may share a path parameter's name).
     */
    static String code(GatehouseException e, Map<String, String> pathParameters) {
        if (!e.code().equals("invalid_parameter")) {
            return e.code();
        }
        boolean inPath = e.fieldErrors().keySet().stream().anyMatch(name -> pathParameters.containsKey(name)
                && Text.problem(pathParameters.get(name), false) != null);
        if (!inPath) {
            return "invalid_request_parameter";
        }
        return e.fieldErrors().containsKey("accountId") ? "invalid_account_id" : "invalid_id";
    }

    /**
     * A failure's detail in Rooms' words: the services' own, except where a typed fact words it better. A taken
     * email names the user holding it, as Rooms knows it (its {@code userId} and email), not the native
     * {@code user_id} field, which a Rooms client never sends (Rooms makes it the email); held by an outsider, whom
     * the Users API does not show, it names no {@code userId} ({@link #heldByOutsider}). A role still held names its
     * holders as users and room users ({@link #roleInUse}); {@code method} is the request's, which tells a role's
     * deletion ({@code DELETE …/roles/{roleId}}) from its change ({@code PUT}, the one other call a held role refuses).
     * The last user able to manage roles is refused a lock in Rooms' word for it ({@link #lastManagerLocked}): the
     * services call it deactivating, and of the calls on a company user only its lock ({@code POST …/lock}) does so.
     * An unlock (or an acceptance) refused for a role the user holds where the caller sees it names that place as
     * Rooms does ({@link #revived}).
     */
    static String detail(GatehouseException e, HandlerType method) {
        return switch (e.code()) {
            case "member_exists" -> e.subject(Member.class).map(RoomsErrors::emailTaken).orElse(e.detail());
            case "role_in_use" -> e.subject(RoleHolders.class)
                    .map(held -> roleInUse(held, method == HandlerType.DELETE)).orElse(e.detail());
            case "last_role_manager" -> e.subject(Member.class).filter(last -> method == HandlerType.POST)
                    .map(RoomsErrors::lastManagerLocked).orElse(e.detail());
            case "privilege_escalation" -> e.subject(RevivedRole.class).map(RoomsErrors::revived).orElse(e.detail());
            default -> e.detail();
        };
    }

    /**
     * A role that cannot be deleted, or switch between internal and external, while held ({@link RoleHolders}), in
     * Rooms' terms: a company role is held by users, a room role by room users (Gatehouse's resource assignments, on
     * rooms, the one resource of a v6 company, where alone roles change through this API), and a room user whose
     * access is revoked keeps its room role for a restore. A deletion says what to do first, by this API's calls.
     */
    private static String roleInUse(RoleHolders held, boolean deleting) {
        List<String> holders = new ArrayList<>();
        List<String> first = new ArrayList<>();
        if (held.members() > 0) {
            holders.add(RoleHolders.counted(held.members(), "user") + (held.members() == 1 ? " as its" : " as their")
                    + " company role");
            first.add("give " + (held.members() == 1 ? "that user" : "those users")
                    + " another company role (native API: PATCH /v1/orgs/{org}/members/{member})");
        }
        if (held.assignments() > 0) {
            holders.add(RoleHolders.counted(held.assignments(), "room user"));
            first.add("give " + (held.assignments() == 1 ? "that room user" : "those room users")
                    + " another room role (PUT …/rooms/{roomId}/users/{userId})");
        }
        if (held.revoked() > 0) {
            holders.add(RoleHolders.counted(held.revoked(), "room user")
                    + " whose access is revoked (it comes back on restore)");
            boolean one = held.revoked() == 1;
            first.add("restore the access of " + (one ? "the room user" : "the room users") + " whose access is "
                    + "revoked (POST …/rooms/{roomId}/users/{userId}/restore_access) and give " + (one ? "it" : "them")
                    + " another room role, or remove " + (one ? "that user" : "those users") + " (native API: DELETE "
                    + "/v1/orgs/{org}/members/{member}, which also takes " + (one ? "it out of its" : "them out of their")
                    + " rooms)");
        }
        if (!deleting) {
            return "role " + held.roleId() + " cannot change between internal and external while held by "
                    + and(holders);
        }
        return "role " + held.roleId() + " is held by " + and(holders) + "; " + and(first) + " first";
    }

    /**
     * A lock refused because {@code last} is the last active user able to manage roles: Rooms locks a user where the
     * services deactivate a member, and a locked admin could leave the account with nobody to manage its roles.
     */
    private static String lastManagerLocked(Member last) {
        return "user " + last.id() + " is the last active user of organization " + last.orgId() + " able to manage "
                + "roles; it cannot be locked: give another active user a company role that manages roles first";
    }

    /**
     * A user's role that unlocking it (or accepting its invitation) would have count again, which the caller may not
     * give: a room role in a room, named by its room id (the resource id of a room), or a v5 company's role on its
     * company, a region or an office, named by that place's id.
     */
    private static String revived(RevivedRole revived) {
        String where = revived.type().equals(Room.RESOURCE_TYPE)
                ? "room role \"" + revived.role() + "\" in room " + revived.resourceId()
                : "role \"" + revived.role() + "\" on " + revived.type() + " " + revived.resourceId();
        return "user " + revived.memberId() + "'s " + where + " " + revived.effect() + ": " + revived.reason();
    }

    /** "a", "a and b", "a, b and c". */
    private static String and(List<String> items) {
        return items.size() <= 1 ? String.join("", items)
                : String.join(", ", items.subList(0, items.size() - 1)) + " and " + items.get(items.size() - 1);
    }

    private static String emailTaken(Member holder) {
        if (holder.external()) {
            return heldByOutsider(holder);
        }
        String user = "organization " + holder.orgId() + " already has user " + holder.id();
        return holder.email().equalsIgnoreCase(holder.userId())
                ? user + " with email \"" + holder.email() + "\""
                : user + " (email \"" + holder.email() + "\"), whose Gatehouse user id is \"" + holder.userId() + "\"";
    }

    /**
     * An email held by an external member: someone from outside the company invited into a room, who is no company
     * user ({@code GET …/users/{userId}} answers 404), so its member id is not named as a user. A member never
     * changes between external and internal, so the caller is told what it can do instead: invite the person with
     * another email, or remove the outsider through the native API (by its user id: an outsider a room invited has
     * its email as user id) and invite again.
     */
    private static String heldByOutsider(Member holder) {
        return "email \"" + holder.email() + "\" belongs to an external user of organization " + holder.orgId()
                + ": someone from outside the company invited into its rooms with an external role, who is not a "
                + "company user and cannot become one; invite the person with another email, or remove the external "
                + "user first (native API: DELETE /v1/orgs/{org}/members/user:" + holder.userId() + ", which also "
                + "takes it out of its rooms) and invite again";
    }

    /**
     * The detail with each field a field error names ({@code "role_id: …"}, as field errors are written) under its
     * Rooms name, a member named by its id as the user it is (its {@code userId} is the member id), and the
     * organization the request addressed named as its account.
     */
    static String message(String detail, Map<String, String> fieldErrors, Accounts.Account account) {
        String out = detail;
        for (String name : fieldErrors.keySet()) {
            String rooms = field(name);
            if (!rooms.equals(name)) {
                out = out.replaceAll("(^|; )" + Pattern.quote(name) + ": ",
                        "$1" + Matcher.quoteReplacement(rooms) + ": ");
            }
        }
        out = MEMBER_ID.matcher(out).replaceAll("user $1");
        if (account != null) {
            out = out.replaceAll("\\b(?:account of )?organization " + account.orgId() + "\\b",
                    Matcher.quoteReplacement("account " + account.org().accountId().toString().toLowerCase(Locale.ROOT)));
        }
        return out;
    }
}
