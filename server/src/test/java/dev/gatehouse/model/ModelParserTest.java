package dev.gatehouse.model;

import dev.gatehouse.error.InvalidInputException;
import dev.gatehouse.json.Json;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

class ModelParserTest {

    /** A small valid model; each case below breaks one thing in a fresh copy. */
    static ObjectNode valid() {
        return (ObjectNode) Json.readTree("""
                {"id": "crm", "name": "CRM", "external_roles": true,
                 "categories": [{"key": "admin", "name": "Admin"}, {"key": "data"}],
                 "permissions": [
                   {"key": "manage", "category": "admin"},
                   {"key": "read", "category": "data", "scopes": ["organization", "deal"]},
                   {"key": "all_records", "category": "data"}],
                 "resource_types": [{"key": "deal", "inherits_company_role": true}],
                 "system_roles": [
                   {"key": "owner", "name": "Owner", "permissions": ["manage", "read", "all_records"], "default_for_admin": true},
                   {"key": "guest", "name": "Guest", "permissions": ["read", "all_records"], "external": true}],
                 "management": {"roles": "manage", "members": "manage", "assignments": "manage"},
                 "visibility": {"sees_all_permission": "all_records", "max_fields": 2}}""");
    }

    @Test
    void builtIns_parse() {
        PermissionModel close = ModelRegistry.builtIn("close");
        assertThat(close.builtIn()).isTrue();
        assertThat(close.permissionCount()).isEqualTo(24);
        assertThat(close.systemRoles()).extracting(SystemRole::key)
                .containsExactly("admin", "superuser", "user", "restricteduser");
        assertThat(close.management().roles()).isEqualTo("manage_organization");
        assertThat(close.visibility()).hasValueSatisfying(v -> assertThat(v.seesAllPermission()).isEqualTo("view_all_leads"));
        assertThat(close.externalRoles()).isFalse();

        PermissionModel rooms = ModelRegistry.builtIn("rooms");
        assertThat(rooms.externalRoles()).isTrue();
        assertThat(rooms.resourceType("room")).hasValueSatisfying(t -> assertThat(t.inheritsCompanyRole()).isFalse());
        assertThat(rooms.systemRoles()).filteredOn(SystemRole::defaultForAdmin).hasSize(1);
        assertThat(rooms.visibility()).isEmpty();
    }

    /**
     * A model's written definition, the form a custom model is stored in, reads back as the same model — the
     * built-in ones and one registered leaving out what has a default.
     */
    @Test
    void aWrittenDefinition_readsBackAsTheSameModel() {
        List<PermissionModel> models = new java.util.ArrayList<>(ModelRegistry.BUILT_IN.stream()
                .map(ModelRegistry::builtIn).toList());
        models.add(ModelParser.parse(valid(), false, true));
        for (PermissionModel model : models) {
            ObjectNode definition = ModelDefinition.of(model);
            assertThat(ModelDefinition.of(ModelParser.parse(definition, false))).as(model.id()).isEqualTo(definition);
        }
    }

    @Test
    void validModel_parsesWithDefaults() {
        PermissionModel m = ModelParser.parse(valid(), false);
        assertThat(m.id()).isEqualTo("crm");
        assertThat(m.builtIn()).isFalse();
        assertThat(m.categories().get(1).name()).isEqualTo("data");
        assertThat(m.permissions().get(0).scopes()).containsExactly(PermissionModel.ORGANIZATION_SCOPE);
        assertThat(m.permissions().get(1).appliesTo("deal")).isTrue();
        assertThat(m.indexOf("all_records")).isEqualTo(2);
        assertThat(m.canonical(java.util.List.of("all_records", "manage", "manage"))).containsExactly("manage", "all_records");
        assertThat(m.visibility().orElseThrow().maxFields()).isEqualTo(2);
    }

    static Stream<Arguments> invalid() {
        return Stream.of(
                breaks("unknown top-level field", "colour", m -> m.put("colour", "red")),
                breaks("missing id", "id", m -> m.remove("id")),
                breaks("id not matching the pattern", "id", m -> m.put("id", "Bad Id!")),
                breaks("blank name", "name", m -> m.put("name", "  ")),
                breaks("name of the wrong type", "name", m -> m.put("name", 7)),
                breaks("duplicate category", "categories[1].key", m -> cat(m, 1).put("key", "admin")),
                breaks("unknown field in a category", "categories[0].icon", m -> cat(m, 0).put("icon", "x")),
                breaks("unknown category", "permissions[0].category", m -> perm(m, 0).put("category", "nope")),
                breaks("duplicate permission key", "permissions[2].key", m -> perm(m, 2).put("key", "read")),
                breaks("permission key with spaces", "permissions[0].key", m -> perm(m, 0).put("key", "a b")),
                breaks("unknown scope", "permissions[1].scopes", m -> ((ArrayNode) perm(m, 1).get("scopes")).add("planet")),
                breaks("no scope at all", "permissions[1].scopes", m -> perm(m, 1).putArray("scopes")),
                breaks("a scope listed twice", "permissions[1].scopes",
                        m -> ((ArrayNode) perm(m, 1).get("scopes")).add("deal")),
                breaks("no permissions", "permissions", m -> m.putArray("permissions")),
                breaks("permissions not an array", "permissions", m -> m.put("permissions", "manage")),
                breaks("duplicate resource type", "resource_types[1].key",
                        m -> ((ArrayNode) m.get("resource_types")).addObject().put("key", "deal")),
                breaks("resource type named like the organization scope", "resource_types[0].key",
                        m -> ((ObjectNode) m.get("resource_types").get(0)).put("key", "organization")),
                breaks("parent type naming an unknown type", "resource_types[0].parent_type",
                        m -> ((ObjectNode) m.get("resource_types").get(0)).put("parent_type", "planet")),
                breaks("a type its own parent", "resource_types[0].parent_type",
                        m -> ((ObjectNode) m.get("resource_types").get(0)).put("parent_type", "deal")),
                breaks("parent types forming a cycle", "resource_types[1].parent_type",
                        m -> {
                            ((ObjectNode) m.get("resource_types").get(0)).put("parent_type", "desk");
                            ((ArrayNode) m.get("resource_types")).addObject().put("key", "desk")
                                    .put("parent_type", "deal");
                        }),
                breaks("system role naming an unknown permission", "system_roles[0].permissions",
                        m -> ((ArrayNode) role(m, 0).get("permissions")).add("fly")),
                breaks("duplicate system role key", "system_roles[1].key", m -> role(m, 1).put("key", "owner")),
                breaks("duplicate system role name ignoring case", "system_roles[1].name", m -> role(m, 1).put("name", "OWNER")),
                breaks("external system role without external roles", "system_roles[1].external",
                        m -> m.put("external_roles", false)),
                breaks("two default admin roles", "system_roles", m -> role(m, 1).put("default_for_admin", true)),
                breaks("an external default admin role", "system_roles[1].default_for_admin", m -> {
                    role(m, 0).remove("default_for_admin");
                    role(m, 1).put("default_for_admin", true);
                }),
                breaks("a system role without the sees-all permission beside a visibility rule",
                        "system_roles[1].permissions", m -> role(m, 1).putArray("permissions").add("read")),
                breaks("missing management", "management", m -> m.remove("management")),
                breaks("management naming an unknown permission", "management.members",
                        m -> ((ObjectNode) m.get("management")).put("members", "fly")),
                breaks("visibility naming an unknown permission", "visibility.sees_all_permission",
                        m -> ((ObjectNode) m.get("visibility")).put("sees_all_permission", "fly")),
                breaks("visibility max_fields out of range", "visibility.max_fields",
                        m -> ((ObjectNode) m.get("visibility")).put("max_fields", 0)),
                breaks("member grants of an unknown permission", "member_grants.permissions",
                        m -> ((ArrayNode) grants(m).get("permissions")).add("fly")),
                breaks("member grants of no permission", "member_grants.permissions",
                        m -> grants(m).putArray("permissions")),
                breaks("member grants to an unknown role", "member_grants.roles",
                        m -> ((ArrayNode) grants(m).get("roles")).add("captain")),
                breaks("member grants to an external role", "member_grants.roles",
                        m -> ((ArrayNode) grants(m).get("roles")).add("guest")),
                breaks("member grants without roles", "member_grants.roles", m -> grants(m).remove("roles")),
                breaks("member grants naming a role twice", "member_grants.roles",
                        m -> ((ArrayNode) grants(m).get("roles")).add("owner")),
                breaks("a management permission not asked organization-wide", "management.assignments",
                        m -> ((ObjectNode) m.get("management")).put("assignments", resourceOnly(m))),
                breaks("member grants with an unknown field", "member_grants.scope",
                        m -> grants(m).put("scope", "deal")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalid")
    void invalidModel_isRejectedNamingTheField(String what, String field, Consumer<ObjectNode> mutation) {
        ObjectNode model = valid();
        mutation.accept(model);
        assertThatThrownBy(() -> ModelParser.parse(model, false, true))
                .isInstanceOfSatisfying(InvalidInputException.class, e -> {
                    assertThat(e.code()).isEqualTo("invalid_input");
                    assertThat(e.fieldErrors()).containsKey(field);
                    assertThat(e.detail()).contains(field);
                });
    }

    /**
     * Only the types of a cycle are named: a type whose parent is in a cycle it is not part of was named too, as
     * forming one.
     */
    @Test
    void aCycleOfParentTypes_namesItsTypes_notOneBeneathIt() {
        ObjectNode model = valid();
        ArrayNode types = (ArrayNode) model.get("resource_types");
        types.addObject().put("key", "desk").put("parent_type", "desk");
        types.addObject().put("key", "drawer").put("parent_type", "desk");
        InvalidInputException e = (InvalidInputException) org.assertj.core.api.Assertions.catchThrowable(
                () -> ModelParser.parse(model, false, true));
        assertThat(e.fieldErrors()).containsOnlyKeys("resource_types[1].parent_type");
        assertThat(e.detail()).contains("\"desk\" form a cycle").doesNotContain("drawer");
    }

    /** A permission of no scope could never be asked: refused when registered, loaded as before once stored. */
    @Test
    void aPermissionOfNoScope_isRefusedWhenRegistered_butAStoredOneStillLoads() {
        ObjectNode model = valid();
        perm(model, 1).putArray("scopes");
        assertThatThrownBy(() -> ModelParser.parse(model, false, true)).isInstanceOf(InvalidInputException.class);
        assertThat(ModelParser.parse(model, false).permissions().get(1).scopes()).isEmpty();
    }

    /**
     * The rules added since models were first stored — no scope twice, no permission twice in a system role, an
     * internal default-for-admin role, every system role seeing all records beside a visibility rule, management
     * permissions asked organization-wide, no role twice in member grants — refuse a model being registered; one
     * stored before them still loads, as it did.
     */
    @Test
    void theNewerRules_refuseARegistration_butAStoredModelStillLoads() {
        ObjectNode model = valid();
        ((ObjectNode) model.get("management")).put("assignments", resourceOnly(model));
        ((ArrayNode) grants(model).get("roles")).add("owner");
        ((ArrayNode) perm(model, 1).get("scopes")).add("deal");
        ((ArrayNode) role(model, 0).get("permissions")).add(role(model, 0).get("permissions").get(0).stringValue());
        role(model, 0).remove("default_for_admin");
        role(model, 1).put("default_for_admin", true).putArray("permissions").add("read");
        InvalidInputException e = (InvalidInputException) org.assertj.core.api.Assertions.catchThrowable(
                () -> ModelParser.parse(model, false, true));
        assertThat(e.fieldErrors()).containsOnlyKeys("permissions[1].scopes", "system_roles[0].permissions",
                "system_roles[1].default_for_admin", "system_roles[1].permissions", "management.assignments",
                "member_grants.roles");
        PermissionModel stored = ModelParser.parse(model, false);
        assertThat(stored.systemRoles().get(1).defaultForAdmin()).isTrue();
        assertThat(stored.management().assignments()).isEqualTo("deal.manage");
        assertThat(stored.memberGrants().roles()).containsExactly("owner", "owner");
    }

    /** Adds a permission applying on deals only ({@code deal.manage}) and returns its key. */
    static String resourceOnly(ObjectNode model) {
        ObjectNode permission = ((ArrayNode) model.get("permissions")).addObject();
        permission.put("key", "deal.manage").put("category", "admin").putArray("scopes").add("deal");
        return "deal.manage";
    }

    /** Gives the model valid member grants (read, to owners) and returns them, for a case to break. */
    static ObjectNode grants(ObjectNode model) {
        ObjectNode grants = model.putObject("member_grants");
        grants.putArray("permissions").add("read");
        grants.putArray("roles").add("owner");
        return grants;
    }

    @Test
    void memberGrants_boundTheCatalogsGrants() {
        assertThat(ModelParser.parse(valid(), false).memberGrants().allowed()).isFalse();
        ObjectNode model = valid();
        ((ArrayNode) grants(model).get("permissions")).add("all_records");
        PermissionModel m = ModelParser.parse(model, false);
        assertThat(m.memberGrants().permissions()).containsExactly("read", "all_records");
        assertThat(m.memberGrants().roles()).containsExactly("owner");
        assertThat(m.catalog().grants().permissions()).containsExactlyInAnyOrder("read", "all_records");
        assertThat(m.catalog().grants().takenBy("owner")).isTrue();
        assertThat(m.catalog().grants().takenBy("guest")).isFalse();
    }

    @Test
    void parentTypes_formTheCatalogsHierarchy() {
        ObjectNode model = valid();
        ((ArrayNode) model.get("resource_types")).addObject().put("key", "desk");
        ((ObjectNode) model.get("resource_types").get(0)).put("parent_type", "desk");
        PermissionModel m = ModelParser.parse(model, false);
        assertThat(m.resourceType("deal")).hasValueSatisfying(t -> assertThat(t.parentType()).isEqualTo("desk"));
        assertThat(m.resourceType("desk")).hasValueSatisfying(t -> assertThat(t.parentType()).isNull());
        assertThat(m.catalog().resourceTypes()).extracting(dev.gatehouse.engine.Catalog.ResourceType::parentType)
                .containsExactly("desk", null);
    }

    @Test
    void everyMistake_isReportedAtOnce() {
        ObjectNode model = valid();
        model.put("id", "X");
        perm(model, 0).put("category", "nope");
        ((ArrayNode) role(model, 0).get("permissions")).add("fly").add("swim");
        InvalidInputException e = (InvalidInputException) org.assertj.core.api.Assertions.catchThrowable(
                () -> ModelParser.parse(model, false));
        assertThat(e.fieldErrors()).containsKeys("id", "permissions[0].category", "system_roles[0].permissions");
        assertThat(e.fieldErrors().get("system_roles[0].permissions")).contains("fly", "swim");
    }

    @Test
    void notAnObject_isRejected() {
        assertThatThrownBy(() -> ModelParser.parse(Json.readTree("[1, 2]"), false))
                .isInstanceOf(InvalidInputException.class);
    }

    private static Arguments breaks(String what, String field, Consumer<ObjectNode> mutation) {
        return arguments(what, field, mutation);
    }

    private static ObjectNode cat(ObjectNode m, int i) {
        return (ObjectNode) m.get("categories").get(i);
    }

    private static ObjectNode perm(ObjectNode m, int i) {
        return (ObjectNode) m.get("permissions").get(i);
    }

    private static ObjectNode role(ObjectNode m, int i) {
        return (ObjectNode) m.get("system_roles").get(i);
    }
}
