package dev.gatehouse.role;

import dev.gatehouse.error.InvalidInputException;
import dev.gatehouse.json.Fields;
import dev.gatehouse.model.PermissionModel;
import dev.gatehouse.model.VisibilityRule;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The content rules of a role against its model, checked for every create and update. */
final class RoleRules {

    static final int MAX_NAME = 100;

    private RoleRules() {
    }

    /**
     * Checks a role's final state: permissions from the model only (the error lists the unknown ones),
     * external only where the model allows it, and the record-visibility rule both ways.
     */
    static void check(PermissionModel model, List<String> permissions, boolean external, RoleVisibility visibility) {
        Map<String, String> errors = new LinkedHashMap<>();
        List<String> unknown = permissions.stream().filter(p -> !model.hasPermission(p)).distinct().toList();
        if (!unknown.isEmpty()) {
            errors.put("permissions", "unknown permissions " + unknown + " (model " + model.id() + ")");
        }
        if (external && !model.externalRoles()) {
            errors.put("external", "model " + model.id() + " has no external roles");
        }
        VisibilityRule rule = model.visibility().orElse(null);
        if (rule == null) {
            if (visibility != null) {
                errors.put("visibility", "model " + model.id() + " has no record visibility; must be null");
            }
        } else {
            RoleVisibility.problem(rule, permissions, visibility).ifPresent(problem -> {
                switch (problem) {
                    case SEES_ALL_WITH_FIELDS -> errors.put("visibility", "must be null when the role has "
                            + rule.seesAllPermission() + " (it sees all records): send \"visibility\": null along "
                            + "with the permissions");
                    case FIELDS_REQUIRED -> errors.put("visibility", "is required without " + rule.seesAllPermission()
                            + ": list 1 to " + rule.maxFields() + " user field ids and an unassigned behaviour");
                    case NO_FIELDS -> errors.put("visibility.user_field_ids", "at least 1 field (at most "
                            + rule.maxFields() + ") without " + rule.seesAllPermission() + ", got none");
                    case TOO_MANY_FIELDS -> errors.put("visibility.user_field_ids", "at most " + rule.maxFields()
                            + " fields, got " + visibility.userFieldIds().size());
                    case REPEATED_FIELD -> errors.put("visibility.user_field_ids", "must not repeat a field");
                    case BLANK_FIELD -> errors.put("visibility.user_field_ids", "must not hold an empty field id");
                }
            });
        }
        if (!errors.isEmpty()) {
            String detail = Fields.detail(errors);
            throw new InvalidInputException(unknown.isEmpty() ? "invalid_role" : "unknown_permission", detail, errors);
        }
    }
}
