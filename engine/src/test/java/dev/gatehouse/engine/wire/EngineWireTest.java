package dev.gatehouse.engine.wire;

import dev.gatehouse.engine.Catalog;
import dev.gatehouse.engine.DecisionEngine;
import dev.gatehouse.engine.EngineOp;
import dev.gatehouse.engine.EngineWriter;
import dev.gatehouse.engine.Visibility;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Every operation and a catalog with a hierarchy and grants survive the wire: read back as equal values, and an
 * engine fed the read-back operations answers exactly as one fed the originals (equal digests). Malformed JSON is
 * refused with a message naming the field.
 */
class EngineWireTest {

    static final JsonMapper MAPPER = JsonMapper.builder().build();

    static final Catalog SITES = new Catalog("sites", List.of(
            new Catalog.Permission("room.view", Set.of("room", "office")),
            new Catalog.Permission("room.delete", Set.of("room")),
            new Catalog.Permission("members.manage", Set.of()),
            new Catalog.Permission("room.share", Set.of("room"), false)),
            List.of(new Catalog.ResourceType("office", false), new Catalog.ResourceType("room", true, "office")),
            new Catalog.MemberGrants(Set.of("members.manage"), Set.of("manager")));

    static final List<EngineOp> OPS = List.of(
            new EngineOp.PutOrganization(1, "sites"),
            new EngineOp.PutRole(1, 10, "Manager", List.of("room.view", "room.delete"), false, null, "manager"),
            new EngineOp.PutRole(1, 11, "Guest", List.of("room.view"), true, new Visibility(List.of("owner_id"), true)),
            new EngineOp.PutRole(1, 12, "Gone", List.of(), false, null),
            new EngineOp.RemoveRole(1, 12),
            new EngineOp.PutMember(1, 100, "ann", 10, false, true),
            new EngineOp.PutMember(1, 101, "eve", 0, true, true),
            new EngineOp.PutMember(1, 102, "max", 10, false, false),
            new EngineOp.RemoveMember(1, 102),
            new EngineOp.PutGrants(1, 100, List.of("members.manage")),
            new EngineOp.PutResource(1, "office", "east", null),
            new EngineOp.PutResource(1, "room", "r1", "east"),
            new EngineOp.PutResource(1, "room", "r2", "east"),
            new EngineOp.RemoveResource(1, "room", "r2"),
            new EngineOp.PutAssignment(1, "room", "r1", 101, 11),
            new EngineOp.PutAssignment(1, "room", "r1", 100, 11),
            new EngineOp.RemoveAssignment(1, "room", "r1", 100),
            new EngineOp.PutOrganization(2, "sites"),
            new EngineOp.RemoveOrganization(2));

    @Test
    void everyOperation_roundTrips_asAnEqualValue() {
        for (EngineOp op : OPS) {
            JsonNode json = MAPPER.readTree(MAPPER.writeValueAsString(EngineWire.write(op)));
            assertThat(EngineWire.readOp(json)).as(json.toString()).isEqualTo(op);
        }
        assertThat(OPS.stream().map(Object::getClass).distinct()).as("every operation type")
                .hasSize(EngineOp.class.getPermittedSubclasses().length);
    }

    @Test
    void aCatalogWrittenBeforeTheOrganizationWideFlag_readsEveryPermissionAsOrganizationWide() {
        Catalog read = EngineWire.readCatalog(MAPPER.readTree("{\"id\": \"old\", \"permissions\": [{\"key\": \"a\", "
                + "\"resource_types\": []}], \"resource_types\": [], \"grants\": null}"));
        assertThat(read.permissions()).containsExactly(new Catalog.Permission("a", Set.of(), true));
    }

    @Test
    void catalog_roundTrips_andDecidesAlike() {
        Catalog read = EngineWire.readCatalog(MAPPER.readTree(EngineWire.write(SITES).toString()));
        assertThat(EngineWire.write(read)).isEqualTo(EngineWire.write(SITES));
        assertThat(read.grants()).isEqualTo(SITES.grants());
        assertThat(read.permissions()).isEqualTo(SITES.permissions());

        EngineWriter original = EngineWriter.create(Map.of("sites", SITES)::get);
        EngineWriter copy = EngineWriter.create(Map.of("sites", read)::get);
        for (EngineOp op : OPS) {
            original.apply(op);
            copy.apply(EngineWire.readOp(EngineWire.write(op)));
        }
        DecisionEngine engine = copy.engine();
        assertThat(engine.digest()).isEqualTo(original.engine().digest());
        assertThat(engine.check(1, 101, "room.view", "room", "r1")).isTrue();
        assertThat(engine.check(1, 100, "members.manage")).as("by grant").isTrue();
    }

    @Test
    void malformedOperations_areRefused_namingTheField() {
        assertThatThrownBy(() -> EngineWire.readOp(MAPPER.readTree("{\"type\":\"put_member\",\"org_id\":1}")))
                .isInstanceOf(WireFormatException.class).hasMessageContaining("member_id");
        assertThatThrownBy(() -> EngineWire.readOp(MAPPER.readTree("{\"type\":\"fly\"}")))
                .isInstanceOf(WireFormatException.class).hasMessageContaining("fly");
        assertThatThrownBy(() -> EngineWire.readOp(MAPPER.readTree(
                "{\"type\":\"remove_role\",\"org_id\":\"1\",\"role_id\":2}")))
                .isInstanceOf(WireFormatException.class).hasMessageContaining("org_id");
        assertThatThrownBy(() -> EngineWire.readOp(MAPPER.readTree("{\"type\":\"remove_role\",\"org_id\":-1,"
                + "\"role_id\":2}"))).isInstanceOf(WireFormatException.class).hasMessageContaining("orgId");
        assertThatThrownBy(() -> EngineWire.readOp(MAPPER.readTree("[]"))).isInstanceOf(WireFormatException.class);
        assertThatThrownBy(() -> EngineWire.readCatalog(MAPPER.readTree("{\"id\":\"x\",\"permissions\":[],"
                + "\"resource_types\":[{\"key\":\"a\",\"inherits_company_role\":true,\"parent_type\":\"b\"}]}")))
                .isInstanceOf(WireFormatException.class).hasMessageContaining("parent type b");
    }
}
