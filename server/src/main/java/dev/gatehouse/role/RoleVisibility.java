package dev.gatehouse.role;

import dev.gatehouse.json.Fields;
import dev.gatehouse.model.VisibilityRule;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Record-visibility settings of a role that does not see all records: the user-reference fields that
 * make a record visible to a member named in them, and what happens to records naming nobody.
 * {@link #problem} states the model's rule for them, once, for every API.
 */
public record RoleVisibility(List<String> userFieldIds, String unassigned) {

    public static final String REQUIRE_ASSIGNMENT = "require_assignment";
    public static final String ALLOW_UNASSIGNED = "allow_unassigned";
    public static final Set<String> BEHAVIOURS = Set.of(REQUIRE_ASSIGNMENT, ALLOW_UNASSIGNED);

    /** How a role's visibility settings break its model's {@link VisibilityRule}, in the order they are checked. */
    public enum Problem {
        /** The role sees all records (it holds the rule's permission), so it must have no settings. */
        SEES_ALL_WITH_FIELDS,
        /** The role does not see all records, so it must have settings listing user fields: it has none. */
        FIELDS_REQUIRED,
        /** The role does not see all records, and its settings list no user field. */
        NO_FIELDS,
        /** More user fields than the rule's {@code maxFields}. */
        TOO_MANY_FIELDS,
        /** A user field listed twice. */
        REPEATED_FIELD,
        /** A user field id that is empty or only spaces: no record has such a field. */
        BLANK_FIELD
    }

    /**
     * The first way {@code visibility} (null: none) breaks {@code rule} for a role with {@code permissions}; empty
     * when it holds. A role holding the rule's "sees all" permission has no settings; any other role lists 1 to
     * {@code maxFields} distinct user fields.
     */
    public static Optional<Problem> problem(VisibilityRule rule, List<String> permissions, RoleVisibility visibility) {
        if (permissions.contains(rule.seesAllPermission())) {
            return visibility == null ? Optional.empty() : Optional.of(Problem.SEES_ALL_WITH_FIELDS);
        }
        if (visibility == null) {
            return Optional.of(Problem.FIELDS_REQUIRED);
        }
        if (visibility.userFieldIds().isEmpty()) {
            return Optional.of(Problem.NO_FIELDS);
        }
        if (visibility.userFieldIds().size() > rule.maxFields()) {
            return Optional.of(Problem.TOO_MANY_FIELDS);
        }
        if (visibility.userFieldIds().stream().distinct().count() != visibility.userFieldIds().size()) {
            return Optional.of(Problem.REPEATED_FIELD);
        }
        if (visibility.userFieldIds().stream().anyMatch(String::isBlank)) {
            return Optional.of(Problem.BLANK_FIELD);
        }
        return Optional.empty();
    }

    /**
     * Why the user field ids a request sends name no field, ready to follow "a field id" or the dialect's name for
     * one, or null when each is an identifier ({@link Fields#identifierProblem}): one with whitespace or an invisible
     * character at an end, or an invisible one inside ({@code " cf_owner"}, {@code cf_owner} followed by a no-break
     * space), names no field, so a role requiring assignment would see no record. Judged on what is sent, by every API
     * that sets them, but for the ids the role holds already ({@code stored}, null for a new role): a role stored
     * before the rule keeps its ids through changes of its other fields, those of its visibility included, whether
     * the request leaves the ids out or sends them back.
     */
    public static String fieldIdProblem(List<String> userFieldIds, RoleVisibility stored) {
        Set<String> kept = stored == null ? Set.of() : Set.copyOf(stored.userFieldIds());
        return userFieldIds.stream().filter(id -> !kept.contains(id)).map(Fields::identifierProblem)
                .filter(Objects::nonNull).findFirst().orElse(null);
    }

    public RoleVisibility {
        userFieldIds = List.copyOf(userFieldIds);
        Objects.requireNonNull(unassigned, "unassigned");
        if (!BEHAVIOURS.contains(unassigned)) {
            throw new IllegalArgumentException("unassigned must be one of " + BEHAVIOURS + ": " + unassigned);
        }
    }
}
