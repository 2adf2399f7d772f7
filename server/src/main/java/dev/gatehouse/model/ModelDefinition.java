package dev.gatehouse.model;

import dev.gatehouse.json.Json;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A model written back to the JSON definition {@link ModelParser} reads: every field spelled out, defaults included
 * (a permission's scopes, a category's or resource type's name, the visibility rule's {@code max_fields}), names as
 * the parser took them. Reading the written definition gives the model again, so a custom model is stored in this
 * form: what every node learns is what registration checked. Stateless.
 */
public final class ModelDefinition {

    private ModelDefinition() {
    }

    /** The definition of {@code model}, without the answers' read-only {@code built_in}. */
    public static ObjectNode of(PermissionModel model) {
        ObjectNode definition = Json.object();
        definition.put("id", model.id());
        definition.put("name", model.name());
        definition.put("description", model.description());
        definition.put("external_roles", model.externalRoles());
        ArrayNode categories = definition.putArray("categories");
        model.categories().forEach(c -> categories.addObject().put("key", c.key()).put("name", c.name()));
        ArrayNode permissions = definition.putArray("permissions");
        model.permissions().forEach(p -> {
            ObjectNode permission = permissions.addObject().put("key", p.key()).put("category", p.category())
                    .put("description", p.description());
            ArrayNode scopes = permission.putArray("scopes");
            p.scopes().forEach(scopes::add);
        });
        ArrayNode types = definition.putArray("resource_types");
        model.resourceTypes().forEach(t -> types.addObject().put("key", t.key()).put("name", t.name())
                .put("inherits_company_role", t.inheritsCompanyRole()).put("parent_type", t.parentType()));
        ArrayNode roles = definition.putArray("system_roles");
        model.systemRoles().forEach(r -> {
            ObjectNode role = roles.addObject().put("key", r.key()).put("name", r.name())
                    .put("description", r.description()).put("external", r.external())
                    .put("default_for_admin", r.defaultForAdmin());
            ArrayNode granted = role.putArray("permissions");
            r.permissions().forEach(granted::add);
        });
        Management management = model.management();
        definition.putObject("management").put("roles", management.roles()).put("members", management.members())
                .put("assignments", management.assignments());
        model.visibility().ifPresentOrElse(v -> definition.putObject("visibility")
                .put("sees_all_permission", v.seesAllPermission()).put("max_fields", v.maxFields()),
                () -> definition.putNull("visibility"));
        if (model.memberGrants().allowed()) {
            ObjectNode grants = definition.putObject("member_grants");
            ArrayNode grantable = grants.putArray("permissions");
            model.memberGrants().permissions().forEach(grantable::add);
            ArrayNode takers = grants.putArray("roles");
            model.memberGrants().roles().forEach(takers::add);
        } else {
            definition.putNull("member_grants");
        }
        return definition;
    }
}
