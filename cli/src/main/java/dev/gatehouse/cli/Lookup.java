package dev.gatehouse.cli;

import dev.gatehouse.client.MemberRef;
import dev.gatehouse.client.OrgClient;
import dev.gatehouse.client.ResourceRef;
import dev.gatehouse.client.Roles.Role;
import java.util.List;
import java.util.Optional;

/** Names on the command line turned into what the client takes: roles by id, name or key; members; resources. */
final class Lookup {

    private static final String ID = "id:";
    private static final String NAME = "name:";

    private Lookup() {
    }

    /**
     * A role named by its id, its name (exactly, else ignoring case as the server compares names, {@link
     * RoleIds#fold}) or (system roles) its key —
     * or explicitly by {@code id:N} or {@code name:NAME}. A bare number that is one role's id and another role's
     * name is refused, naming both explicit forms, as the API refuses an ambiguous member: never a silent pick.
     */
    static Role role(OrgClient org, String name) {
        List<Role> roles = org.roles().list().toList();
        if (name.startsWith(ID)) {
            return byId(roles, name.substring(ID.length())).orElseThrow(() -> new CliException("no role with id "
                    + name.substring(ID.length()) + " in organization " + org.id()));
        }
        boolean explicitName = name.startsWith(NAME);
        String wanted = explicitName ? name.substring(NAME.length()) : name;
        List<Role> named = roles.stream().filter(r -> r.name().equals(wanted)).toList();
        if (named.isEmpty()) {
            named = roles.stream().filter(r -> RoleIds.fold(r.name()).equals(RoleIds.fold(wanted))).toList();
        }
        if (named.isEmpty()) {
            named = roles.stream().filter(r -> wanted.equals(r.key())).toList();
        }
        if (named.size() > 1) {
            throw new CliException("several roles are named \"" + wanted + "\" in organization " + org.id()
                    + ": name it by id (id:N)");
        }
        Optional<Role> byId = explicitName ? Optional.empty() : byId(roles, wanted);
        if (!named.isEmpty() && byId.isPresent() && byId.get().id() != named.get(0).id()) {
            throw new CliException("role \"" + wanted + "\" is ambiguous in organization " + org.id() + ": it is the "
                    + "id of role \"" + byId.get().name() + "\" and the name of role " + named.get(0).id()
                    + "; say id:" + wanted + " or name:" + wanted);
        }
        if (!named.isEmpty()) {
            return named.get(0);
        }
        return byId.orElseThrow(() -> new CliException("no role named \"" + wanted + "\" in organization "
                + org.id()));
    }

    private static Optional<Role> byId(List<Role> roles, String id) {
        if (id.isEmpty() || !id.chars().allMatch(Character::isDigit) || id.length() > 18) {
            return Optional.empty();
        }
        long wanted = Long.parseLong(id);
        return roles.stream().filter(r -> r.id() == wanted).findFirst();
    }

    /** A member named by {@code --user} (the product's user id) or {@code --member-id} (Gatehouse's), exactly one. */
    static MemberRef member(String userId, Long memberId) {
        if ((userId == null) == (memberId == null)) {
            throw new CliException("name the member by exactly one of --user USER_ID and --member-id ID");
        }
        if (memberId != null && memberId < 1) {
            // the server's rule, which the client applies before sending (MemberRef.id)
            throw new CliException("--member-id must be a positive id, got " + memberId);
        }
        return userId != null ? MemberRef.user(userId) : MemberRef.id(memberId);
    }

    /** A member for people: {@code user u-42} or {@code id 42}. */
    static String describe(MemberRef member) {
        return member.userId() != null ? "user " + member.userId() : "id " + member.memberId();
    }

    /** {@code TYPE:ID}, e.g. {@code room:12} (the id may contain further colons). */
    static ResourceRef resource(String text) {
        int colon = text.indexOf(':');
        if (colon <= 0 || colon == text.length() - 1) {
            throw new CliException("a resource is TYPE:ID, e.g. room:12, got \"" + text + "\"");
        }
        return ResourceRef.of(text.substring(0, colon), text.substring(colon + 1));
    }

    /** Permissions given as repeated options or comma-separated lists. */
    static List<String> permissions(List<String> given) {
        return given.stream().flatMap(p -> java.util.Arrays.stream(p.split(","))).map(String::strip)
                .filter(p -> !p.isEmpty()).toList();
    }
}
