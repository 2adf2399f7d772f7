package dev.gatehouse.cli;

import dev.gatehouse.client.Roles.Unassigned;
import dev.gatehouse.client.Roles.Visibility;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/**
 * A model's record-visibility rule (docs/api.md, "Roles"; close: {@code view_all_leads}) as the server states it
 * in the model's definition, and the server's check of a role's {@code visibility} against it, made here so that a
 * command can refuse what the server would before writing: a role holding {@code seesAllPermission} has no
 * visibility; any other role lists 1 to {@code maxFields} distinct, non-blank user field ids. Problems are found in
 * the server's order, so the first one named is the one the server would name. Immutable.
 */
record VisibilityRule(String seesAllPermission, int maxFields) {

    /** The rule of a model's definition ({@code GET …/model}), empty when the model has none. */
    static Optional<VisibilityRule> of(JsonNode model) {
        JsonNode rule = model == null ? null : model.get("visibility");
        if (rule == null || !rule.isObject() || !rule.path("sees_all_permission").isString()) {
            return Optional.empty();
        }
        return Optional.of(new VisibilityRule(rule.get("sees_all_permission").stringValue(),
                rule.path("max_fields").asInt(3)));
    }

    /** How {@code visibility} (null: none) breaks this rule for a role granting {@code permissions}, if it does. */
    Optional<String> problem(List<String> permissions, Visibility visibility) {
        if (permissions.contains(seesAllPermission)) {
            return visibility == null ? Optional.empty() : Optional.of("it has " + seesAllPermission + ", so it sees "
                    + "all records and takes no visibility");
        }
        if (visibility == null || visibility.userFieldIds().isEmpty()) {
            return Optional.of("without " + seesAllPermission + " it needs a visibility: the user fields through "
                    + "which its holders see records, and whether unassigned records are visible");
        }
        List<String> fields = visibility.userFieldIds();
        if (fields.size() > maxFields) {
            return Optional.of("visibility lists " + fields.size() + " user fields; the model allows at most "
                    + maxFields);
        }
        Set<String> seen = new HashSet<>();
        for (String field : fields) {
            if (!seen.add(field)) {
                return Optional.of("visibility lists user field \"" + field + "\" twice");
            }
        }
        if (fields.stream().anyMatch(String::isBlank)) {
            return Optional.of("visibility lists an empty user field id");
        }
        return Optional.empty();
    }

    /**
     * {@code unassigned} as a command line or file writes it: the API's {@code require_assignment} and
     * {@code allow_unassigned}, or short {@code require} and {@code allow}.
     */
    static Unassigned unassigned(String text, String where) {
        return switch (text.strip().toLowerCase(Locale.ROOT)) {
            case "require", "require_assignment" -> Unassigned.REQUIRE_ASSIGNMENT;
            case "allow", "allow_unassigned" -> Unassigned.ALLOW_UNASSIGNED;
            default -> throw new CliException(where + " must be require_assignment or allow_unassigned (or require, "
                    + "allow), got \"" + text + "\"");
        };
    }

    /** A visibility for people: {@code owner_id, rep_id (require_assignment)}, or {@code (none)}. */
    static String describe(Visibility visibility) {
        return visibility == null ? "(none)" : String.join(", ", visibility.userFieldIds()) + " ("
                + visibility.unassigned().name().toLowerCase(Locale.ROOT) + ")";
    }
}
