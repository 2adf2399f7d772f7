package dev.gatehouse.cli;

import dev.gatehouse.client.Roles.Role;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The role ids an apply file's role references stand for. A reference is a role's name — exactly, else compared
 * as the server compares role names ({@link #fold}), so {@code SELLER} is the role {@code Seller} — else a system
 * role's key, else (all digits) the id of a role the organization has. A name wins over an id: the file {@code role:
 * 25} means the role named "25" when there is one. Grows as the plan's created roles get their ids. Not thread-safe.
 */
final class RoleIds {

    /** By exact name, then by folded name: names the server holds apart never fold together, but see {@link #fold}. */
    private final Map<String, Long> byExactName = new HashMap<>();
    private final Map<String, Long> byName = new HashMap<>();
    private final Map<String, Long> byKey = new HashMap<>();
    private final Set<Long> ids = new HashSet<>();

    private RoleIds() {
    }

    /** The organization's roles, as read before planning. */
    static RoleIds of(List<Role> roles) {
        RoleIds index = new RoleIds();
        for (Role role : roles) {
            index.name(role.name(), role.id());
            if (role.system() && role.key() != null) {
                index.byKey.putIfAbsent(role.key(), role.id());
            }
        }
        return index;
    }

    /**
     * A role's name (or an email) folded as the server folds it to compare them: with PostgreSQL's {@code lower()},
     * which the unique indexes of role names and of members' emails apply ({@code roles_org_name},
     * {@code members_org_email}; the server asks the database for it, sql/Folds). Under the UTF-8 character type a
     * deployment's database is created with, {@code lower()} maps each character on its own to its lower case — as
     * {@link Character#toLowerCase(int)} does, and not as {@link String#toLowerCase}, which lowers a final Σ to ς and
     * İ to "i̇" (two characters): that joined {@code ΣΊΣΥΦΟΣ} and {@code σίσυφος}, which the server holds apart, and
     * parted {@code σίσυφοσ} from {@code ΣΊΣΥΦΟΣ}, which it joins. A database made with the C character type lowers
     * ASCII letters only; there two names this joins may both exist, and an exact name is looked up first.
     */
    static String fold(String name) {
        StringBuilder folded = new StringBuilder(name.length());
        name.codePoints().forEach(c -> folded.appendCodePoint(Character.toLowerCase(c)));
        return folded.toString();
    }

    /**
     * Records that the file declares a role {@code name} the organization does not have yet: until it is created,
     * the name stands for no id (and not for the id of a role that happens to be a number).
     */
    void declare(String name) {
        byExactName.putIfAbsent(name, null);
        byName.putIfAbsent(fold(name), null);
    }

    /** Records that {@code name} is the role {@code id} (a role just created). */
    void name(String name, long id) {
        byExactName.put(name, id);
        byName.put(fold(name), id);
        ids.add(id);
    }

    /** The id {@code reference} stands for, or null when it names no role. */
    Long find(String reference) {
        if (byExactName.containsKey(reference)) {
            return byExactName.get(reference);
        }
        String folded = fold(reference);
        if (byName.containsKey(folded)) {
            return byName.get(folded);
        }
        Long id = byKey.get(reference);
        if (id == null && !reference.isEmpty() && reference.chars().allMatch(Character::isDigit)) {
            try {
                long number = Long.parseLong(reference);
                id = ids.contains(number) ? number : null;
            } catch (NumberFormatException tooLong) {
                id = null;
            }
        }
        return id;
    }

    /** Whether {@code reference} stands for a role by its id: it is no role's name and no system role's key. */
    boolean byId(String reference) {
        return !byExactName.containsKey(reference) && !byName.containsKey(fold(reference))
                && !byKey.containsKey(reference) && find(reference) != null;
    }

    /** The id {@code reference} stands for; a reference the plan checked always resolves. */
    long get(String reference) {
        Long id = find(reference);
        if (id == null) {
            throw new CliException("no role \"" + reference + "\" in the organization");
        }
        return id;
    }

    /** A copy to apply a plan with (so that a plan applied twice starts from the same roles). */
    RoleIds copy() {
        RoleIds copy = new RoleIds();
        copy.byExactName.putAll(byExactName);
        copy.byName.putAll(byName);
        copy.byKey.putAll(byKey);
        copy.ids.addAll(ids);
        return copy;
    }
}
