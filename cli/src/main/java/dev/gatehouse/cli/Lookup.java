package dev.gatehouse.cli;

import dev.gatehouse.client.MemberRef;
import dev.gatehouse.client.OrgClient;
import dev.gatehouse.client.ResourceRef;
import dev.gatehouse.client.Roles.Role;
import java.util.List;

/** Names on the command line turned into what the client takes: roles by id, name or key; members; resources. */
final class Lookup {

    private Lookup() {
    }

    /** A role named by its id, its name or (system roles) its key. */
    static Role role(OrgClient org, String name) {
        if (name.chars().allMatch(Character::isDigit) && !name.isEmpty()) {
            return org.roles().get(Long.parseLong(name));
        }
        List<Role> roles = org.roles().list().toList();
        List<Role> named = roles.stream().filter(r -> r.name().equals(name)).toList();
        if (named.isEmpty()) {
            named = roles.stream().filter(r -> name.equals(r.key())).toList();
        }
        if (named.size() != 1) {
            throw new CliException(named.isEmpty() ? "no role named \"" + name + "\" in organization " + org.id()
                    : "several roles are named \"" + name + "\" in organization " + org.id() + ": name it by id");
        }
        return named.get(0);
    }

    /** A member named by {@code --user} (the product's user id) or {@code --member-id} (Gatehouse's), exactly one. */
    static MemberRef member(String userId, Long memberId) {
        if ((userId == null) == (memberId == null)) {
            throw new CliException("name the member by exactly one of --user USER_ID and --member-id ID");
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
