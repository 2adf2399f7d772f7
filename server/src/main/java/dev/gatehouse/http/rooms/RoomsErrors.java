package dev.gatehouse.http.rooms;

import dev.gatehouse.error.GatehouseException;
import dev.gatehouse.member.Member;
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
     * A failure's detail in Rooms' words: the services' own, except where a typed fact words it better. A taken
     * email names the user holding it, as Rooms knows it (its {@code userId} and email), not the native
     * {@code user_id} field, which a Rooms client never sends (Rooms makes it the email); held by an outsider, whom
     * the Users API does not show, it names no {@code userId} ({@link #heldByOutsider}).
     */
    static String detail(GatehouseException e) {
        if ("member_exists".equals(e.code())) {
            return e.subject(Member.class).map(RoomsErrors::emailTaken).orElse(e.detail());
        }
        return e.detail();
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
