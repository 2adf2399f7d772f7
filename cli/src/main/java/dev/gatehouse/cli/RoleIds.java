package dev.gatehouse.cli;

import dev.gatehouse.client.Roles.Role;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The role ids an apply file's role references stand for. A reference is a role's name — compared ignoring case,
 * as the server compares role names, so {@code SELLER} is the role {@code Seller} — else a system role's key, else
 * (all digits) the id of a role the organization has. A name wins over an id: the file {@code role: 25} means the
 * role named "25" when there is one. Grows as the plan's created roles get their ids. Not thread-safe.
 */
final class RoleIds {

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

    /** A role's name folded as the server folds it to compare names (and emails): lower case, locale-neutral. */
    static String fold(String name) {
        return name.toLowerCase(Locale.ROOT);
    }

    /**
     * Records that the file declares a role {@code name} the organization does not have yet: until it is created,
     * the name stands for no id (and not for the id of a role that happens to be a number).
     */
    void declare(String name) {
        byName.putIfAbsent(fold(name), null);
    }

    /** Records that {@code name} is the role {@code id} (a role just created). */
    void name(String name, long id) {
        byName.put(fold(name), id);
        ids.add(id);
    }

    /** The id {@code reference} stands for, or null when it names no role. */
    Long find(String reference) {
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
        copy.byName.putAll(byName);
        copy.byKey.putAll(byKey);
        copy.ids.addAll(ids);
        return copy;
    }
}
