package dev.gatehouse.cli;

import dev.gatehouse.client.OrgClient;
import java.util.HashSet;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/**
 * What an organization's permission model says about the roles a command may write, read once from the server
 * ({@code GET …/model}) so that commands check files and options against the rules the server will apply. Immutable.
 *
 * @param permissions   the model's permission keys
 * @param externalRoles whether the model has external roles (and members)
 * @param visibility    its record-visibility rule, or null when the model has none
 */
record ModelRules(Set<String> permissions, boolean externalRoles, VisibilityRule visibility) {

    ModelRules {
        permissions = Set.copyOf(permissions);
    }

    /** The rules of {@code org}'s model, as the server defines it. */
    static ModelRules of(OrgClient org) {
        return of(org.model().definition());
    }

    static ModelRules of(JsonNode model) {
        Set<String> keys = new HashSet<>();
        for (JsonNode permission : model.path("permissions")) {
            if (permission.path("key").isString()) {
                keys.add(permission.get("key").stringValue());
            }
        }
        return new ModelRules(keys, model.path("external_roles").asBoolean(false),
                VisibilityRule.of(model).orElse(null));
    }
}
