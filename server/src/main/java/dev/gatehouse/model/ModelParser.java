package dev.gatehouse.model;

import dev.gatehouse.json.Fields;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;

/**
 * Reads a permission model from its JSON definition and validates it: unknown categories or scopes,
 * duplicate keys, and system roles, management entries or member grants naming unknown permissions (or roles) are
 * all reported with the field they are in, as are system roles an organization could not use as the model says
 * (an external role to seed the first admin with; in a model with record visibility, one that would see every
 * record without the "sees all" permission).
 */
public final class ModelParser {

    private static final Pattern ID = Pattern.compile("[a-z][a-z0-9_-]{1,62}");
    private static final Pattern KEY = Pattern.compile("[A-Za-z][A-Za-z0-9_.:-]{0,127}");
    private static final Set<String> TOP = Set.of("id", "name", "description", "external_roles", "categories",
            "permissions", "resource_types", "system_roles", "management", "visibility", "member_grants", "built_in");

    private ModelParser() {
    }

    /** A model read back (built in, stored, replicated): held to every rule but those newer than what was stored. */
    public static PermissionModel parse(JsonNode json, boolean builtIn) {
        return parse(json, builtIn, false);
    }

    /**
     * @param registering whether the definition is new (being registered): then the rules added after models were
     *                    first stored hold too (a permission lists at least one scope, and none twice; a
     *                    management permission's scopes include the organization; the default-for-admin system role
     *                    is internal; in a model with a visibility rule every system role holds its "sees all"
     *                    permission; member grants name no role twice; its names hold no invisible character, by
     *                    {@link Fields#name}'s rule); a stored model that breaks them still loads,
     *                    as it did
     */
    public static PermissionModel parse(JsonNode json, boolean builtIn, boolean registering) {
        Fields f = Fields.of(json).allowOnly(TOP);
        String id = f.string("id", true, 63);
        if (id != null && !ID.matcher(id).matches()) {
            f.error("id", "must match " + ID.pattern() + ", got \"" + Fields.abbreviate(id) + "\"");
        }
        String name = name(f, "name", true, registering);
        String description = description(f, registering);
        // an answer's read-only field, taken back when false so that a model's answer registers again
        if (Boolean.TRUE.equals(f.bool("built_in")) && registering) {
            f.error("built_in", "a registered model is never built in: leave built_in out or send false");
        }
        boolean externalRoles = Boolean.TRUE.equals(f.bool("external_roles"));

        List<Category> categories = new ArrayList<>();
        Set<String> categoryKeys = new HashSet<>();
        for (Fields c : f.objects("categories", true, 100)) {
            c.allowOnly(Set.of("key", "name"));
            String key = key(c, "key");
            if (key != null && !categoryKeys.add(key)) {
                c.error("key", "duplicate category \"" + key + "\"");
            }
            categories.add(new Category(key == null ? "?" : key, name(c, "name", false, registering)));
        }

        List<ResourceType> types = new ArrayList<>();
        Set<String> scopes = new HashSet<>(Set.of(PermissionModel.ORGANIZATION_SCOPE));
        List<Fields> typeFields = f.objects("resource_types", false, 50);
        // a list refused whole, or an item that is no object, leaves types unread: a scope naming one is not unknown
        JsonNode typesJson = json.get("resource_types");
        boolean everyTypeRead = typesJson == null || typesJson.isNull()
                || typesJson.isArray() && typesJson.size() == typeFields.size();
        for (Fields t : typeFields) {
            t.allowOnly(Set.of("key", "name", "inherits_company_role", "parent_type"));
            String key = key(t, "key");
            if (key != null && !scopes.add(key)) {
                t.error("key", "duplicate or reserved resource type \"" + key + "\"");
            }
            types.add(new ResourceType(key == null ? "?" : key, name(t, "name", false, registering),
                    Boolean.TRUE.equals(t.bool("inherits_company_role")), t.string("parent_type", false, 128)));
        }
        for (int i = 0; i < types.size(); i++) {
            String problem = hierarchyProblem(types, types.get(i));
            if (problem != null) {
                typeFields.get(i).error("parent_type", problem);
            }
        }

        List<Permission> permissions = new ArrayList<>();
        Set<String> permissionKeys = new HashSet<>();
        for (Fields p : f.objects("permissions", true, 4096)) {
            p.allowOnly(Set.of("key", "category", "description", "scopes"));
            String key = key(p, "key");
            if (key != null && !permissionKeys.add(key)) {
                p.error("key", "duplicate permission \"" + key + "\"");
            }
            String category = p.string("category", true, 128);
            if (category != null && !categoryKeys.contains(category)) {
                p.error("category", "unknown category \"" + Fields.abbreviate(category) + "\"");
            }
            List<String> permissionScopes = p.strings("scopes", false, 51, 128);
            if (permissionScopes == null) {
                permissionScopes = List.of(PermissionModel.ORGANIZATION_SCOPE);
            } else if (permissionScopes.isEmpty() && registering) { // a permission applying nowhere could never be asked
                p.error("scopes", "must list at least one scope (leave it out for \"" + PermissionModel.ORGANIZATION_SCOPE
                        + "\")");
            }
            for (String scope : permissionScopes) {
                if (!scopes.contains(scope) && everyTypeRead) {
                    p.error("scopes", "unknown scope \"" + Fields.abbreviate(scope) + "\"");
                }
            }
            if (registering && Set.copyOf(permissionScopes).size() != permissionScopes.size()) {
                p.error("scopes", "lists a scope twice");
            }
            permissions.add(new Permission(key == null ? "?" : key, category == null ? "?" : category,
                    description(p, registering), permissionScopes));
        }
        if (permissions.isEmpty() && !f.hasErrors()) {
            f.error("permissions", "must list at least one permission");
        }

        List<SystemRole> systemRoles = new ArrayList<>();
        Set<String> roleKeys = new HashSet<>();
        Set<String> roleNames = new HashSet<>();
        int defaults = 0;
        List<Fields> roleFields = f.objects("system_roles", false, 50);
        for (Fields r : roleFields) {
            r.allowOnly(Set.of("key", "name", "description", "permissions", "external", "default_for_admin"));
            String key = key(r, "key");
            if (key != null && !roleKeys.add(key)) {
                r.error("key", "duplicate system role \"" + key + "\"");
            }
            String roleName = name(r, "name", true, registering);
            if (roleName != null && !roleNames.add(roleName.toLowerCase(java.util.Locale.ROOT))) {
                r.error("name", "duplicate system role name \"" + roleName + "\"");
            }
            List<String> granted = r.strings("permissions", true, 4096, 128);
            if (granted != null) {
                List<String> unknown = granted.stream().filter(k -> !permissionKeys.contains(k)).toList();
                if (!unknown.isEmpty()) {
                    r.error("permissions", "unknown permissions " + unknown);
                } else if (registering && Set.copyOf(granted).size() != granted.size()) {
                    r.error("permissions", "lists a permission twice");
                }
            }
            boolean external = Boolean.TRUE.equals(r.bool("external"));
            if (external && !externalRoles) {
                r.error("external", "the model does not allow external roles (external_roles is false)");
            }
            boolean defaultForAdmin = Boolean.TRUE.equals(r.bool("default_for_admin"));
            if (defaultForAdmin) {
                defaults++;
                if (external && registering) { // an organization's first admin is an internal member
                    r.error("default_for_admin", "an external role cannot be the first admin's: the admin of a new "
                            + "organization is an internal member");
                }
            }
            systemRoles.add(new SystemRole(key == null ? "?" : key, roleName == null ? "?" : roleName,
                    description(r, registering), granted == null ? List.of() : granted,
                    external, defaultForAdmin));
        }
        if (defaults > 1) {
            f.error("system_roles", "at most one system role may be default_for_admin, got " + defaults);
        }

        Fields m = f.object("management", true);
        Management management = null;
        if (m != null) {
            m.allowOnly(Set.of("roles", "members", "assignments"));
            String roles = knownPermission(m, "roles", permissionKeys);
            String members = knownPermission(m, "members", permissionKeys);
            String assignments = knownPermission(m, "assignments", permissionKeys);
            if (registering) {
                requireOrganizationWide(m, permissions, "roles", roles);
                requireOrganizationWide(m, permissions, "members", members);
                requireOrganizationWide(m, permissions, "assignments", assignments);
            }
            if (roles != null && members != null && assignments != null) {
                management = new Management(roles, members, assignments);
            }
        }

        VisibilityRule visibility = null;
        Fields v = f.object("visibility", false);
        if (v != null) {
            v.allowOnly(Set.of("sees_all_permission", "max_fields"));
            String seesAll = knownPermission(v, "sees_all_permission", permissionKeys);
            Long max = v.integer("max_fields", false, 1, 100);
            if (seesAll != null) {
                visibility = new VisibilityRule(seesAll, max == null ? 3 : max.intValue());
            }
        }
        if (visibility != null && registering) {
            requireSeesAll(visibility, systemRoles, roleFields);
        }
        MemberGrants memberGrants = memberGrants(f, permissionKeys, systemRoles, registering);
        f.check();
        return new PermissionModel(id, name, description, builtIn, externalRoles, categories, permissions, types,
                systemRoles, management, visibility, memberGrants);
    }

    /**
     * {@code member_grants}: {@code permissions} (known, at least one, no repeats) that may be granted to members
     * of {@code roles} (keys of internal system roles — external members have no company role for grants to
     * extend; when {@code registering}, none twice). Absent: the model has no grants.
     */
    private static MemberGrants memberGrants(Fields f, Set<String> permissionKeys, List<SystemRole> systemRoles,
                                             boolean registering) {
        Fields g = f.object("member_grants", false);
        if (g == null) {
            return MemberGrants.NONE;
        }
        g.allowOnly(Set.of("permissions", "roles"));
        List<String> granted = g.strings("permissions", true, 4096, 128);
        if (granted != null) {
            List<String> unknown = granted.stream().filter(k -> !permissionKeys.contains(k)).toList();
            if (!unknown.isEmpty()) {
                g.error("permissions", "unknown permissions " + unknown);
            } else if (granted.isEmpty()) {
                g.error("permissions", "must list at least one permission");
            } else if (Set.copyOf(granted).size() != granted.size()) {
                g.error("permissions", "lists a permission twice");
            }
        }
        List<String> roles = g.strings("roles", true, 50, 128);
        if (roles != null) {
            java.util.Map<String, SystemRole> byKey = new java.util.HashMap<>();
            systemRoles.forEach(r -> byKey.put(r.key(), r));
            for (String key : roles) {
                SystemRole role = byKey.get(key);
                if (role == null) {
                    g.error("roles", "unknown system role \"" + Fields.abbreviate(key) + "\"");
                } else if (role.external()) {
                    g.error("roles", "system role \"" + key + "\" is external: external members have no company "
                            + "role for grants to extend");
                }
            }
            if (roles.isEmpty()) {
                g.error("roles", "must list at least one system role");
            } else if (registering && Set.copyOf(roles).size() != roles.size()) {
                g.error("roles", "lists a system role twice");
            }
        }
        return granted == null || roles == null ? MemberGrants.NONE : new MemberGrants(granted, roles);
    }

    /**
     * In a model with record visibility, every system role holds the "sees all" permission: a system role carries no
     * visibility settings (it cannot be edited to add them), and a role without them sees every record — so a
     * system role lacking the permission would see every record while the model says it may not.
     */
    private static void requireSeesAll(VisibilityRule visibility, List<SystemRole> systemRoles, List<Fields> fields) {
        for (int i = 0; i < systemRoles.size(); i++) {
            if (!systemRoles.get(i).permissions().contains(visibility.seesAllPermission())) {
                fields.get(i).error("permissions", "must include \"" + visibility.seesAllPermission()
                        + "\", the visibility rule's \"sees all\" permission: a system role has no visibility "
                        + "settings, so it sees every record");
            }
        }
    }

    /**
     * Why a resource type's {@code parent_type} is wrong (null when it is right): it must name another resource
     * type of the model, and following parent types must end at a type without one (no cycle). A type beneath a
     * cycle it is not part of is not blamed: the types of the cycle are.
     */
    private static String hierarchyProblem(List<ResourceType> types, ResourceType type) {
        if (type.parentType() == null) {
            return null;
        }
        java.util.Map<String, String> parents = new java.util.HashMap<>();
        types.forEach(t -> parents.putIfAbsent(t.key(), t.parentType()));
        if (!parents.containsKey(type.parentType())) {
            return "unknown resource type \"" + Fields.abbreviate(type.parentType()) + "\"";
        }
        String at = type.parentType();
        for (int depth = 0; at != null; depth++) {
            if (at.equals(type.key())) {
                return "the parent types of \"" + type.key() + "\" form a cycle";
            }
            if (depth > types.size()) {
                return null;
            }
            at = parents.get(at);
        }
        return null;
    }

    /**
     * Whether {@code key} is spelled as a model's keys are — categories, permissions, resource types, system roles:
     * a letter, then up to 127 letters, digits and {@code _ . : -} (so never a {@code /}).
     */
    public static boolean isKey(String key) {
        return KEY.matcher(key).matches();
    }

    /**
     * A name people read (the model's, a category's, a resource type's, a system role's; at most 200 characters): by
     * the name rule ({@link Fields#name}) when {@code registering}; read back, as it was read before names followed
     * that rule (a required one trimmed of Java's whitespace, an optional one verbatim), so that a stored model still
     * loads, as it did.
     */
    private static String name(Fields f, String field, boolean required, boolean registering) {
        if (registering) {
            return f.name(field, required, 200);
        }
        return required ? f.text(field, true, 200) : f.string(field, false, 200);
    }

    /**
     * A description (the model's, a permission's, a system role's; at most 2000 characters): when {@code registering},
     * an optional text that {@code ""} empties and no other blank value stands for ({@link Fields#optionalOrEmpty});
     * read back verbatim, as it was read before, so that a stored model still loads.
     */
    private static String description(Fields f, boolean registering) {
        return registering ? f.optionalOrEmpty("description", 2000) : f.string("description", false, 2000);
    }

    private static String key(Fields f, String field) {
        String key = f.string(field, true, 128);
        if (key != null && !KEY.matcher(key).matches()) {
            f.error(field, "must match " + KEY.pattern() + ", got \"" + Fields.abbreviate(key) + "\"");
            return null;
        }
        return key;
    }

    /**
     * A management permission ({@code key}, null when already refused) applies organization-wide: it is asked
     * without a resource, so one whose scopes leave out {@code organization} could never be held.
     */
    private static void requireOrganizationWide(Fields f, List<Permission> permissions, String field, String key) {
        for (Permission permission : permissions) {
            if (permission.key().equals(key)
                    && !permission.scopes().contains(PermissionModel.ORGANIZATION_SCOPE)) {
                f.error(field, "\"" + key + "\" is asked organization-wide, so its scopes must include \""
                        + PermissionModel.ORGANIZATION_SCOPE + "\"; they are " + permission.scopes());
            }
        }
    }

    private static String knownPermission(Fields f, String field, Set<String> known) {
        String key = f.string(field, true, 128);
        if (key != null && !known.contains(key)) {
            f.error(field, "unknown permission \"" + Fields.abbreviate(key) + "\"");
            return null;
        }
        return key;
    }
}
