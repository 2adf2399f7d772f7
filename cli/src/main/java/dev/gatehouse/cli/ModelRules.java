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
 * @param manageRoles   the permission that lets a member manage roles ({@code management.roles}), or null when the
 *                      model names none
 * @param manageRolesGrantedTo the system role keys whose members may be granted {@code manageRoles}
 *                      ({@code member_grants}); empty when the model lets nobody be granted it
 */
record ModelRules(Set<String> permissions, boolean externalRoles, VisibilityRule visibility, String manageRoles,
                  Set<String> manageRolesGrantedTo) {

    ModelRules {
        permissions = Set.copyOf(permissions);
        manageRolesGrantedTo = Set.copyOf(manageRolesGrantedTo);
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
        String manageRoles = model.path("management").path("roles").isString()
                ? model.path("management").path("roles").stringValue() : null;
        Set<String> grantedTo = new HashSet<>();
        JsonNode grants = model.path("member_grants");
        boolean grantable = false;
        for (JsonNode permission : grants.path("permissions")) {
            grantable |= permission.isString() && permission.stringValue().equals(manageRoles);
        }
        if (grantable) {
            grants.path("roles").forEach(role -> grantedTo.add(role.asString()));
        }
        return new ModelRules(keys, model.path("external_roles").asBoolean(false),
                VisibilityRule.of(model).orElse(null), manageRoles, grantedTo);
    }
}
