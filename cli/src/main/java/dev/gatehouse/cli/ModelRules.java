package dev.gatehouse.cli;

import dev.gatehouse.client.OrgClient;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/**
 * What an organization's permission model says about the roles a command may write, read once from the server
 * ({@code GET …/model}) so that commands check files and options against the rules the server will apply. Immutable.
 *
 * @param permissions   the model's permission keys
 * @param resourceTypes the keys of the model's resource types, the only types on which a member can hold a role, in
 *                      the model's order
 * @param externalRoles whether the model has external roles (and members)
 * @param visibility    its record-visibility rule, or null when the model has none
 * @param manageRoles   the permission that lets a member manage roles ({@code management.roles}), or null when the
 *                      model names none
 * @param manageRolesGrantedTo the system role keys whose members may be granted {@code manageRoles}
 *                      ({@code member_grants}); empty when the model lets nobody be granted it
 */
record ModelRules(Set<String> permissions, Set<String> resourceTypes, boolean externalRoles,
                  VisibilityRule visibility, String manageRoles, Set<String> manageRolesGrantedTo) {

    ModelRules {
        permissions = Set.copyOf(permissions);
        resourceTypes = Collections.unmodifiableSet(new LinkedHashSet<>(resourceTypes));
        manageRolesGrantedTo = Set.copyOf(manageRolesGrantedTo);
    }

    /** The rules of {@code org}'s model, as the server defines it. */
    static ModelRules of(OrgClient org) {
        return of(org.model().definition());
    }

    static ModelRules of(JsonNode model) {
        Set<String> keys = keysOf(model.path("permissions"));
        Set<String> types = keysOf(model.path("resource_types"));
        String manageRoles = model.path("management").path("roles").isString()
                ? model.path("management").path("roles").stringValue() : null;
        Set<String> grantedTo = new LinkedHashSet<>();
        JsonNode grants = model.path("member_grants");
        boolean grantable = false;
        for (JsonNode permission : grants.path("permissions")) {
            grantable |= permission.isString() && permission.stringValue().equals(manageRoles);
        }
        if (grantable) {
            grants.path("roles").forEach(role -> grantedTo.add(role.asString()));
        }
        return new ModelRules(keys, types, model.path("external_roles").asBoolean(false),
                VisibilityRule.of(model).orElse(null), manageRoles, grantedTo);
    }

    /** The {@code key} of each object in {@code items}, in their order. */
    private static Set<String> keysOf(JsonNode items) {
        Set<String> keys = new LinkedHashSet<>();
        for (JsonNode item : items) {
            if (item.path("key").isString()) {
                keys.add(item.get("key").stringValue());
            }
        }
        return keys;
    }
}
