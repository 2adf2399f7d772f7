package dev.gatehouse.engine.wire;

import dev.gatehouse.engine.Catalog;
import dev.gatehouse.engine.EngineOp;
import dev.gatehouse.engine.Visibility;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * The one JSON form of {@link EngineOp}s and {@link Catalog}s, which Gatehouse's snapshot and change stream
 * ({@code GET /v1/snapshot}, {@code GET /v1/changes}) write and an in-process replica reads back into an engine of
 * its own: what the server's engine applies is exactly what a replica applies, so both answer alike.
 *
 * <p>An operation is an object with a {@code type} (the operation's name in snake case: {@code put_role},
 * {@code remove_assignment}…) and its fields in snake case ({@code org_id}, {@code role_id}, {@code resource_type}…);
 * absent optional values are {@code null}. A catalog is {@code {"id", "permissions": [{"key", "resource_types",
 * "organization_wide"}],
 * "resource_types": [{"key", "inherits_company_role", "parent_type"}], "grants": {"permissions", "roles"}}}.
 * Sets are written sorted, so equal values have equal JSON. Reading checks every field and throws
 * {@link WireFormatException} naming what is wrong; unknown fields are ignored (a newer server may add some).
 *
 * <p>Off the check path: this allocates freely. Stateless and thread-safe.
 */
public final class EngineWire {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private EngineWire() {
    }

    /** The JSON form of one operation. */
    public static ObjectNode write(EngineOp op) {
        ObjectNode n = NODES.objectNode();
        if (op instanceof EngineOp.PutOrganization o) {
            n.put("type", "put_organization").put("org_id", o.orgId()).put("catalog_id", o.catalogId());
        } else if (op instanceof EngineOp.RemoveOrganization o) {
            n.put("type", "remove_organization").put("org_id", o.orgId());
        } else if (op instanceof EngineOp.PutRole r) {
            n.put("type", "put_role").put("org_id", r.orgId()).put("role_id", r.roleId()).put("name", r.name());
            n.set("permissions", strings(r.permissions()));
            n.put("external", r.external());
            if (r.visibility() == null) {
                n.putNull("visibility");
            } else {
                ObjectNode v = n.putObject("visibility");
                v.set("user_field_ids", strings(r.visibility().userFieldIds()));
                v.put("allow_unassigned", r.visibility().allowUnassigned());
            }
            n.put("key", r.key());
        } else if (op instanceof EngineOp.RemoveRole r) {
            n.put("type", "remove_role").put("org_id", r.orgId()).put("role_id", r.roleId());
        } else if (op instanceof EngineOp.PutMember m) {
            n.put("type", "put_member").put("org_id", m.orgId()).put("member_id", m.memberId())
                    .put("user_id", m.userId()).put("role_id", m.roleId()).put("external", m.external())
                    .put("active", m.active());
        } else if (op instanceof EngineOp.RemoveMember m) {
            n.put("type", "remove_member").put("org_id", m.orgId()).put("member_id", m.memberId());
        } else if (op instanceof EngineOp.PutAssignment a) {
            n.put("type", "put_assignment").put("org_id", a.orgId()).put("resource_type", a.resourceType())
                    .put("resource_id", a.resourceId()).put("member_id", a.memberId()).put("role_id", a.roleId());
        } else if (op instanceof EngineOp.RemoveAssignment a) {
            n.put("type", "remove_assignment").put("org_id", a.orgId()).put("resource_type", a.resourceType())
                    .put("resource_id", a.resourceId()).put("member_id", a.memberId());
        } else if (op instanceof EngineOp.PutGrants g) {
            n.put("type", "put_grants").put("org_id", g.orgId()).put("member_id", g.memberId());
            n.set("permissions", strings(g.permissions()));
        } else if (op instanceof EngineOp.PutResource r) {
            n.put("type", "put_resource").put("org_id", r.orgId()).put("resource_type", r.resourceType())
                    .put("resource_id", r.resourceId()).put("parent_id", r.parentId());
        } else if (op instanceof EngineOp.RemoveResource r) {
            n.put("type", "remove_resource").put("org_id", r.orgId()).put("resource_type", r.resourceType())
                    .put("resource_id", r.resourceId());
        } else {
            throw new IllegalArgumentException("no wire form for operation " + op);
        }
        return n;
    }

    /** The operation a JSON object describes; a {@link WireFormatException} when it is not one. */
    public static EngineOp readOp(JsonNode n) {
        if (n == null || !n.isObject()) {
            throw new WireFormatException("an operation must be a JSON object, got " + n);
        }
        String type = text(n, "type");
        try {
            return switch (type) {
                case "put_organization" -> new EngineOp.PutOrganization(number(n, "org_id"), text(n, "catalog_id"));
                case "remove_organization" -> new EngineOp.RemoveOrganization(number(n, "org_id"));
                case "put_role" -> new EngineOp.PutRole(number(n, "org_id"), number(n, "role_id"), text(n, "name"),
                        stringList(n, "permissions"), flag(n, "external"), visibility(n.get("visibility")),
                        optionalText(n, "key"));
                case "remove_role" -> new EngineOp.RemoveRole(number(n, "org_id"), number(n, "role_id"));
                case "put_member" -> new EngineOp.PutMember(number(n, "org_id"), number(n, "member_id"),
                        text(n, "user_id"), number(n, "role_id"), flag(n, "external"), flag(n, "active"));
                case "remove_member" -> new EngineOp.RemoveMember(number(n, "org_id"), number(n, "member_id"));
                case "put_assignment" -> new EngineOp.PutAssignment(number(n, "org_id"), text(n, "resource_type"),
                        text(n, "resource_id"), number(n, "member_id"), number(n, "role_id"));
                case "remove_assignment" -> new EngineOp.RemoveAssignment(number(n, "org_id"),
                        text(n, "resource_type"), text(n, "resource_id"), number(n, "member_id"));
                case "put_grants" -> new EngineOp.PutGrants(number(n, "org_id"), number(n, "member_id"),
                        stringList(n, "permissions"));
                case "put_resource" -> new EngineOp.PutResource(number(n, "org_id"), text(n, "resource_type"),
                        text(n, "resource_id"), optionalText(n, "parent_id"));
                case "remove_resource" -> new EngineOp.RemoveResource(number(n, "org_id"), text(n, "resource_type"),
                        text(n, "resource_id"));
                default -> throw new WireFormatException("unknown operation type \"" + type + "\"");
            };
        } catch (IllegalArgumentException e) {
            if (e instanceof WireFormatException) {
                throw e;
            }
            throw new WireFormatException("invalid " + type + " operation: " + e.getMessage());
        }
    }

    /** The JSON form of a catalog. */
    public static ObjectNode write(Catalog catalog) {
        ObjectNode n = NODES.objectNode();
        n.put("id", catalog.id());
        ArrayNode permissions = n.putArray("permissions");
        for (Catalog.Permission p : catalog.permissions()) {
            ObjectNode permission = permissions.addObject();
            permission.put("key", p.key());
            permission.set("resource_types", strings(new TreeSet<>(p.resourceTypes())));
            permission.put("organization_wide", p.organizationWide());
        }
        ArrayNode types = n.putArray("resource_types");
        for (Catalog.ResourceType t : catalog.resourceTypes()) {
            types.addObject().put("key", t.key()).put("inherits_company_role", t.inheritsCompanyRole())
                    .put("parent_type", t.parentType());
        }
        ObjectNode grants = n.putObject("grants");
        grants.set("permissions", strings(new TreeSet<>(catalog.grants().permissions())));
        grants.set("roles", strings(new TreeSet<>(catalog.grants().roles())));
        return n;
    }

    /** The catalog a JSON object describes; a {@link WireFormatException} when it is not one. */
    public static Catalog readCatalog(JsonNode n) {
        if (n == null || !n.isObject()) {
            throw new WireFormatException("a catalog must be a JSON object, got " + n);
        }
        String id = text(n, "id");
        List<Catalog.Permission> permissions = new ArrayList<>();
        for (JsonNode p : array(n, "permissions")) {
            // absent in catalogs written before the flag existed, when every permission applied organization-wide
            JsonNode organizationWide = p.get("organization_wide");
            permissions.add(new Catalog.Permission(text(p, "key"), stringSet(p, "resource_types"),
                    organizationWide == null || organizationWide.isNull() || flag(p, "organization_wide")));
        }
        List<Catalog.ResourceType> types = new ArrayList<>();
        for (JsonNode t : array(n, "resource_types")) {
            types.add(new Catalog.ResourceType(text(t, "key"), flag(t, "inherits_company_role"),
                    optionalText(t, "parent_type")));
        }
        JsonNode grants = n.get("grants");
        Catalog.MemberGrants memberGrants = grants == null || grants.isNull() ? Catalog.MemberGrants.NONE
                : new Catalog.MemberGrants(stringSet(grants, "permissions"), stringSet(grants, "roles"));
        try {
            return new Catalog(id, permissions, types, memberGrants);
        } catch (IllegalArgumentException e) {
            throw new WireFormatException("invalid catalog " + id + ": " + e.getMessage());
        }
    }

    private static Visibility visibility(JsonNode v) {
        if (v == null || v.isNull()) {
            return null;
        }
        return new Visibility(stringList(v, "user_field_ids"), flag(v, "allow_unassigned"));
    }

    private static ArrayNode strings(Iterable<String> values) {
        ArrayNode array = NODES.arrayNode();
        values.forEach(array::add);
        return array;
    }

    private static JsonNode field(JsonNode n, String name) {
        JsonNode value = n.get(name);
        if (value == null || value.isNull()) {
            throw new WireFormatException("field \"" + name + "\" is missing in " + n);
        }
        return value;
    }

    private static String text(JsonNode n, String name) {
        JsonNode value = field(n, name);
        if (!value.isString()) {
            throw new WireFormatException("field \"" + name + "\" must be a string, got " + value);
        }
        return value.stringValue();
    }

    private static String optionalText(JsonNode n, String name) {
        JsonNode value = n.get(name);
        return value == null || value.isNull() ? null : text(n, name);
    }

    private static long number(JsonNode n, String name) {
        JsonNode value = field(n, name);
        if (!value.isIntegralNumber() || !value.canConvertToLong()) {
            throw new WireFormatException("field \"" + name + "\" must be an integer, got " + value);
        }
        return value.longValue();
    }

    private static boolean flag(JsonNode n, String name) {
        JsonNode value = field(n, name);
        if (!value.isBoolean()) {
            throw new WireFormatException("field \"" + name + "\" must be true or false, got " + value);
        }
        return value.booleanValue();
    }

    private static JsonNode array(JsonNode n, String name) {
        JsonNode value = field(n, name);
        if (!value.isArray()) {
            throw new WireFormatException("field \"" + name + "\" must be an array, got " + value);
        }
        return value;
    }

    private static List<String> stringList(JsonNode n, String name) {
        List<String> values = new ArrayList<>();
        for (JsonNode item : array(n, name)) {
            if (!item.isString()) {
                throw new WireFormatException("field \"" + name + "\" must hold strings, got " + item);
            }
            values.add(item.stringValue());
        }
        return values;
    }

    private static Set<String> stringSet(JsonNode n, String name) {
        return new LinkedHashSet<>(stringList(n, name));
    }
}
