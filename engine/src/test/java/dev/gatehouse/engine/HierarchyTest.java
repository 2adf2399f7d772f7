package dev.gatehouse.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The resource hierarchy: a member's role on a parent applies on the children where that member holds no
 * assignment of its own; the nearest assignment decides alone; where nothing is assigned along the way, the
 * asked type's own setting says whether the company role applies. Asked through every question the engine
 * answers.
 */
class HierarchyTest {

    static final long ORG = 1;
    static final long MANAGER = 10;
    static final long VIEWER = 11;
    static final long NOTHING = 12;
    static final long ALICE = 100;
    static final long BOB = 101;
    static final long CAROL = 102;
    static final long DAVE = 103;

    /**
     * {@code sites}: region ⊃ office ⊃ room, none of which inherits the company role; folder ⊃ doc, both of which
     * do.
     */
    static final Catalog SITES = new Catalog("sites", List.of(
            new Catalog.Permission("room.view", Set.of("region", "office", "room")),
            new Catalog.Permission("room.edit", Set.of("region", "office", "room")),
            new Catalog.Permission("doc.read", Set.of("folder", "doc")),
            new Catalog.Permission("admin", Set.of())),
            List.of(new Catalog.ResourceType("room", false, "office"),
                    new Catalog.ResourceType("office", false, "region"),
                    new Catalog.ResourceType("region", false),
                    new Catalog.ResourceType("folder", true),
                    new Catalog.ResourceType("doc", true, "folder")));

    EngineWriter writer;
    DecisionEngine engine;

    @BeforeEach
    void build() {
        EngineBuilder builder = DecisionEngine.builder(SITES)
                .organization(ORG, "sites")
                .role(ORG, MANAGER, "Manager", List.of("room.view", "room.edit", "doc.read", "admin"))
                .role(ORG, VIEWER, "Viewer", List.of("room.view", "doc.read"))
                .role(ORG, NOTHING, "Nothing", List.of())
                .member(ORG, ALICE, "alice", VIEWER)
                .member(ORG, BOB, "bob", VIEWER)
                .member(ORG, CAROL, "carol", MANAGER)
                .externalMember(ORG, DAVE, "dave")
                .resource(ORG, "office", "east", "europe")
                .resource(ORG, "office", "west", "europe")
                .resource(ORG, "office", "ny", "america")
                .resource(ORG, "room", "r1", "east")
                .resource(ORG, "room", "r2", "east")
                .resource(ORG, "room", "r3", "west")
                .resource(ORG, "room", "r4", "ny")
                .resource(ORG, "room", "r5", null)
                .resource(ORG, "doc", "d1", "f1")
                .assignment(ORG, "region", "europe", ALICE, MANAGER)
                .assignment(ORG, "office", "west", ALICE, VIEWER)
                .assignment(ORG, "room", "r2", ALICE, NOTHING)
                .assignment(ORG, "room", "r4", BOB, MANAGER)
                .assignment(ORG, "office", "ny", DAVE, VIEWER)
                .assignment(ORG, "folder", "f1", CAROL, NOTHING);
        writer = builder.writer();
        engine = builder.build();
    }

    @Test
    void aRoleOnARegion_appliesOnItsOfficesAndTheirRooms_andTheExplanationNamesTheAncestor() {
        assertThat(engine.check(ORG, ALICE, "room.edit", "office", "east")).isTrue();
        Decision inRoom = engine.explain(ORG, ALICE, "room.edit", "room", "r1");
        assertThat(inRoom).extracting(Decision::allowed, Decision::path, Decision::roleId, Decision::ancestor)
                .containsExactly(true, Decision.Path.PARENT_RESOURCE_ROLE, MANAGER,
                        new Decision.Resource("region", "europe"));
        assertThat(inRoom.reason())
                .isEqualTo("the member's role on region europe, an ancestor of room r1, \"Manager\", grants room.edit");
        assertThat(Decision.Path.PARENT_RESOURCE_ROLE.wire()).isEqualTo("parent_resource_role");
        assertThat(engine.permissions(ORG, ALICE, "room", "r1")).as("the Manager role's permissions that apply on rooms")
                .containsExactly("room.view", "room.edit");
        assertThat(engine.check(ORG, ALICE, "room.view", "room", "r4")).as("another region").isFalse();
        assertThat(engine.check(ORG, ALICE, "room.view", "room", "r5")).as("a room without an office").isFalse();
    }

    @Test
    void theNearestAssignment_decidesAlone_weakerOrStronger() {
        Decision inWest = engine.explain(ORG, ALICE, "room.edit", "room", "r3");
        assertThat(inWest).extracting(Decision::allowed, Decision::path, Decision::roleId, Decision::ancestor)
                .containsExactly(false, Decision.Path.PARENT_RESOURCE_ROLE, VIEWER,
                        new Decision.Resource("office", "west"));
        assertThat(engine.check(ORG, ALICE, "room.view", "room", "r3")).isTrue();
        Decision own = engine.explain(ORG, ALICE, "room.view", "room", "r2");
        assertThat(own).extracting(Decision::allowed, Decision::path, Decision::roleId, Decision::ancestor)
                .containsExactly(false, Decision.Path.RESOURCE_ROLE, NOTHING, null);
        assertThat(engine.check(ORG, BOB, "room.edit", "room", "r4")).as("stronger than the company role").isTrue();
        assertThat(engine.check(ORG, DAVE, "room.view", "room", "r4")).as("external, through the office").isTrue();
        assertThat(engine.explain(ORG, DAVE, "room.view", "room", "r1").reason())
                .isEqualTo("external member with no role on room r1 or its ancestors");
    }

    @Test
    void theCompanyRole_appliesBeneath_onlyWhereTheAskedTypeInheritsIt() {
        assertThat(engine.explain(ORG, BOB, "room.view", "room", "r1").reason())
                .isEqualTo("no role on room r1 or its ancestors, and room does not inherit company roles");
        assertThat(engine.explain(ORG, ALICE, "doc.read", "doc", "d1").path()).isEqualTo(Decision.Path.COMPANY_ROLE);
        Decision underFolder = engine.explain(ORG, CAROL, "doc.read", "doc", "d1");
        assertThat(underFolder).extracting(Decision::allowed, Decision::path, Decision::ancestor)
                .containsExactly(false, Decision.Path.PARENT_RESOURCE_ROLE, new Decision.Resource("folder", "f1"));
        assertThat(engine.check(ORG, CAROL, "doc.read", "doc", "d2")).as("another folder's doc").isTrue();
        assertThat(engine.inheritsOnUnassigned(ORG, CAROL, "doc.read", "doc")).isTrue();
    }

    @Test
    void movingAResource_isOneWrite_thatEveryQuestionFollows() {
        assertThat(engine.check(ORG, ALICE, "room.edit", "room", "r4")).isFalse();
        assertThat(engine.lookupMembers(ORG, "room.edit", "room", "r4", null, 10).items()).containsExactly(BOB);
        writer.apply(new EngineOp.PutResource(ORG, "office", "ny", "europe"));
        assertThat(engine.check(ORG, ALICE, "room.edit", "room", "r4")).isTrue();
        assertThat(engine.explain(ORG, ALICE, "room.edit", "room", "r4").ancestor())
                .isEqualTo(new Decision.Resource("region", "europe"));
        assertThat(engine.lookupMembers(ORG, "room.edit", "room", "r4", null, 10).items()).containsExactly(ALICE, BOB);
        assertThat(allResources(ALICE, "room.view", "room", 1)).contains("r4");
        writer.apply(new EngineOp.PutResource(ORG, "room", "r4", null));
        assertThat(engine.check(ORG, ALICE, "room.edit", "room", "r4")).isFalse();
        writer.apply(new EngineOp.PutResource(ORG, "room", "r4", "ny"));
        writer.apply(new EngineOp.RemoveResource(ORG, "office", "ny"));
        assertThat(engine.check(ORG, ALICE, "room.edit", "room", "r4")).as("a removed office has no parent").isFalse();
        assertThat(engine.check(ORG, DAVE, "room.view", "room", "r4")).as("the room keeps its office").isTrue();
    }

    @Test
    void lookupResources_isCompleteAcrossTheHierarchy_atAnyPageSize() {
        for (int limit = 1; limit <= 4; limit++) {
            assertThat(allResources(ALICE, "room.view", "room", limit)).as("limit " + limit)
                    .containsExactly("r1", "r3");
            assertThat(allResources(ALICE, "room.edit", "room", limit)).containsExactly("r1");
            assertThat(allResources(ALICE, "room.view", "office", limit)).containsExactly("east", "west");
            assertThat(allResources(DAVE, "room.view", "room", limit)).containsExactly("r4");
        }
        assertThat(allResources(CAROL, "doc.read", "doc", 1)).as("the company role is not listed").isEmpty();
    }

    @Test
    void lookupMembers_onAChild_includesThoseWhoHoldItsAncestors() {
        assertThat(engine.lookupMembers(ORG, "room.view", "room", "r1", null, 10).items()).containsExactly(ALICE);
        assertThat(engine.lookupMembers(ORG, "room.view", "room", "r2", null, 10).items()).isEmpty();
        assertThat(engine.lookupMembers(ORG, "room.view", "room", "r4", null, 10).items()).containsExactly(BOB, DAVE);
        Page<Long> first = engine.lookupMembers(ORG, "room.view", "room", "r4", null, 1);
        assertThat(first.items()).containsExactly(BOB);
        assertThat(engine.lookupMembers(ORG, "room.view", "room", "r4", Long.valueOf(first.nextCursor()), 1).items())
                .containsExactly(DAVE);
        assertThat(engine.lookupMembers(ORG, "doc.read", "doc", "d1", null, 10).items()).containsExactly(ALICE, BOB);
    }

    @Test
    void aWhatIf_ofAMove_showsWhoGainsAndLosesBeneathIt() {
        Impact impact = engine.whatIf(ORG, List.of(new EngineOp.PutResource(ORG, "room", "r4", "east")), 10);
        assertThat(impact.gains()).extracting(e -> e.permission() + "@" + e.where().resourceId() + ":"
                + e.members().ids()).containsExactly("room.view@r4:[100]", "room.edit@r4:[100]");
        assertThat(impact.losses()).extracting(e -> e.permission() + "@" + e.where().resourceId() + ":"
                + e.members().ids()).containsExactly("room.view@r4:[103]");
        Impact assignment = engine.whatIf(ORG, List.of(new EngineOp.PutAssignment(ORG, "office", "east", BOB,
                MANAGER)), 10);
        assertThat(assignment.gains()).extracting(e -> e.permission() + "@" + e.where().resourceId())
                .contains("room.edit@east", "room.edit@r1", "room.view@r2");
    }

    @Test
    void theDigest_coversParents() {
        String before = engine.digest();
        writer.apply(new EngineOp.PutResource(ORG, "room", "r5", "west"));
        assertThat(engine.digest()).isNotEqualTo(before);
        writer.apply(new EngineOp.PutResource(ORG, "room", "r5", null));
        assertThat(engine.digest()).isEqualTo(before);
    }

    @Test
    void theHierarchy_isCheckedWhereItIsDeclared() {
        assertThatThrownBy(() -> new Catalog("loop", List.of(), List.of(new Catalog.ResourceType("a", false, "b"),
                new Catalog.ResourceType("b", false, "a"))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cycle");
        assertThatThrownBy(() -> new Catalog("lost", List.of(), List.of(new Catalog.ResourceType("a", false, "z"))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unknown parent type z");
        assertThatThrownBy(() -> writer.apply(new EngineOp.PutResource(ORG, "region", "europe", "world")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("region has no parent type");
        assertThatThrownBy(() -> writer.apply(new EngineOp.PutResource(ORG, "planet", "p", null)))
                .isInstanceOf(EngineException.UnknownResourceType.class);
    }

    private List<String> allResources(long member, String permission, String type, int limit) {
        List<String> all = new ArrayList<>();
        String cursor = null;
        do {
            Page<String> page = engine.lookupResources(ORG, member, permission, type, cursor, limit);
            assertThat(page.items().size()).isLessThanOrEqualTo(limit);
            all.addAll(page.items());
            cursor = page.nextCursor();
        } while (cursor != null);
        assertThat(all).isSorted().doesNotHaveDuplicates();
        return all;
    }
}
