package dev.gatehouse.engine;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Per-member grants: permissions the catalog allows as grants, held by one member beside its company role while
 * that is a system role the catalog names, counting wherever the company role decides (organization-wide and on unassigned
 * resources of types that inherit it) and nowhere an assignment decides. Asked through every question the engine
 * answers.
 */
class MemberGrantsTest {

    static final long ORG = 1;
    static final long MANAGER = 10;
    static final long AGENT = 11;
    static final long ALICE = 100;
    static final long BOB = 101;
    static final long CAROL = 102;

    /**
     * {@code classic}: members.manage and rooms.delete may be granted, to Managers; room inherits the company role,
     * office does not.
     */
    static final Catalog CLASSIC = new Catalog("classic", List.of(
            new Catalog.Permission("rooms.view", Set.of("room", "office")),
            new Catalog.Permission("rooms.delete", Set.of("room", "office")),
            new Catalog.Permission("members.manage", Set.of()),
            new Catalog.Permission("settings.edit", Set.of())),
            List.of(new Catalog.ResourceType("office", false),
                    new Catalog.ResourceType("room", true, "office")),
            new Catalog.MemberGrants(Set.of("members.manage", "rooms.delete"), Set.of("manager")));

    EngineWriter writer;
    DecisionEngine engine;

    @BeforeEach
    void build() {
        EngineBuilder builder = DecisionEngine.builder(CLASSIC)
                .organization(ORG, "classic")
                .systemRole(ORG, MANAGER, "manager", "Manager", List.of("rooms.view"))
                .systemRole(ORG, AGENT, "agent", "Agent", List.of("rooms.view"))
                .member(ORG, ALICE, "alice", MANAGER)
                .member(ORG, BOB, "bob", AGENT)
                .member(ORG, CAROL, "carol", MANAGER)
                .grants(ORG, ALICE, List.of("members.manage", "rooms.delete"))
                .grants(ORG, BOB, List.of("members.manage"))
                .resource(ORG, "room", "r1", "east")
                .assignment(ORG, "room", "r2", ALICE, AGENT)
                .assignment(ORG, "office", "east", CAROL, MANAGER);
        writer = builder.writer();
        engine = builder.build();
    }

    @Test
    void aGrant_addsToTheCompanyRole_organizationWide_andTheExplanationSaysMemberGrant() {
        assertThat(engine.check(ORG, ALICE, "members.manage")).isTrue();
        assertThat(engine.check(ORG, CAROL, "members.manage")).isFalse();
        Decision d = engine.explain(ORG, ALICE, "members.manage", null, null);
        assertThat(d.allowed()).isTrue();
        assertThat(d.path()).isEqualTo(Decision.Path.MEMBER_GRANT);
        assertThat(d.path().wire()).isEqualTo("member_grant");
        assertThat(d.roleId()).isEqualTo(MANAGER);
        assertThat(d.reason()).contains("members.manage").contains("\"Manager\"");
        assertThat(engine.explain(ORG, ALICE, "rooms.view", null, null).path())
                .as("what the role grants itself is the company role's").isEqualTo(Decision.Path.COMPANY_ROLE);
        assertThat(engine.permissions(ORG, ALICE, null, null))
                .containsExactly("rooms.view", "rooms.delete", "members.manage");
    }

    @Test
    void effectivePermissionsOnAResource_nameOnlyThoseThatApplyThere() {
        assertThat(engine.permissions(ORG, ALICE, "room", "r1"))
                .as("members.manage is granted, but applies to the organization only, as check says")
                .containsExactly("rooms.view", "rooms.delete");
        assertThat(engine.permissions(ORG, CAROL, "office", "east")).containsExactly("rooms.view");
        assertThat(engine.permissions(ORG, ALICE, null, null))
                .containsExactly("rooms.view", "rooms.delete", "members.manage");
    }

    @Test
    void aGrant_countsOnResourcesWhereTheCompanyRoleDecides_andNotWhereAnAssignmentDecides() {
        assertThat(engine.check(ORG, ALICE, "rooms.delete", "room", "r1")).isTrue();
        assertThat(engine.explain(ORG, ALICE, "rooms.delete", "room", "r1").path())
                .isEqualTo(Decision.Path.MEMBER_GRANT);
        assertThat(engine.inheritsOnUnassigned(ORG, ALICE, "rooms.delete", "room")).isTrue();
        Decision assigned = engine.explain(ORG, ALICE, "rooms.delete", "room", "r2");
        assertThat(assigned.allowed()).isFalse();
        assertThat(assigned.path()).isEqualTo(Decision.Path.RESOURCE_ROLE);
        assertThat(engine.permissions(ORG, ALICE, "room", "r2")).containsExactly("rooms.view");
        assertThat(engine.check(ORG, ALICE, "rooms.delete", "office", "east"))
                .as("office does not inherit the company role, so neither grants").isFalse();
    }

    @Test
    void aGrant_countsOnlyWhileTheCompanyRoleIsASystemRoleTheModelNames() {
        assertThat(engine.check(ORG, BOB, "members.manage")).as("Agent takes no grants").isFalse();
        assertThat(engine.explain(ORG, BOB, "members.manage", null, null).path())
                .isEqualTo(Decision.Path.COMPANY_ROLE);
        writer.apply(new EngineOp.PutMember(ORG, BOB, "bob", MANAGER, false, true));
        assertThat(engine.check(ORG, BOB, "members.manage")).as("promoted to Manager").isTrue();
        writer.apply(new EngineOp.PutMember(ORG, ALICE, "alice", AGENT, false, true));
        assertThat(engine.check(ORG, ALICE, "members.manage")).as("moved to a role that takes none").isFalse();
        writer.apply(new EngineOp.PutRole(ORG, 12, "Manager copy", List.of("rooms.view"), false, null));
        writer.apply(new EngineOp.PutMember(ORG, ALICE, "alice", 12, false, true));
        assertThat(engine.check(ORG, ALICE, "members.manage")).as("a custom role takes none").isFalse();
        writer.apply(new EngineOp.PutMember(ORG, ALICE, "alice", MANAGER, false, true));
        assertThat(engine.check(ORG, ALICE, "members.manage")).as("back to Manager: the grants were kept").isTrue();
        writer.apply(new EngineOp.PutMember(ORG, ALICE, "alice", MANAGER, false, false));
        assertThat(engine.check(ORG, ALICE, "members.manage")).as("deactivated").isFalse();
    }

    @Test
    void grantsAreReplacedWhole_ungrantableKeysAreIgnored_andRemovingTheMemberDropsThem() {
        writer.apply(new EngineOp.PutGrants(ORG, CAROL, List.of("settings.edit", "rooms.delete", "nonsense")));
        assertThat(engine.check(ORG, CAROL, "settings.edit")).as("not grantable in the catalog").isFalse();
        assertThat(engine.check(ORG, CAROL, "rooms.delete", "room", "r3")).isTrue();
        assertThat(engine.check(ORG, CAROL, "rooms.delete", "room", "r1"))
                .as("her role on office east, r1's parent, decides there alone").isFalse();
        writer.apply(new EngineOp.PutGrants(ORG, ALICE, List.of()));
        assertThat(engine.check(ORG, ALICE, "members.manage")).isFalse();
        assertThat(engine.permissions(ORG, ALICE, null, null)).containsExactly("rooms.view");
        String before = engine.digest();
        writer.apply(new EngineOp.RemoveMember(ORG, CAROL));
        writer.apply(new EngineOp.PutMember(ORG, CAROL, "carol", MANAGER, false, true));
        assertThat(engine.check(ORG, CAROL, "rooms.delete", "room", "r3")).isFalse();
        assertThat(engine.digest()).as("the digest covers grants").isNotEqualTo(before);
    }

    @Test
    void lookups_followGrants() {
        assertThat(engine.lookupMembers(ORG, "members.manage", null, null, null, 10).items()).containsExactly(ALICE);
        assertThat(engine.lookupMembers(ORG, "rooms.delete", "room", "r1", null, 10).items()).containsExactly(ALICE);
        assertThat(engine.lookupMembers(ORG, "rooms.delete", "room", "r2", null, 10).items()).isEmpty();
        assertThat(engine.lookupResources(ORG, ALICE, "rooms.delete", "room", null, 10).items())
                .as("lookup/resources lists assignments; the company role's reach is inheritsOnUnassigned").isEmpty();
    }

    @Test
    void aWhatIf_ofAGrant_reportsTheGain() {
        Impact impact = engine.whatIf(ORG, List.of(new EngineOp.PutGrants(ORG, CAROL, List.of("members.manage"))),
                10);
        assertThat(impact.gains()).anySatisfy(e -> {
            assertThat(e.permission()).isEqualTo("members.manage");
            assertThat(e.where()).isEqualTo(Impact.Where.ORGANIZATION);
        });
        assertThat(impact.losses()).isEmpty();
    }

    @Test
    void aCatalog_refusesGrantsOfPermissionsItLacks() {
        assertThatThrownBy(() -> new Catalog("m", List.of(new Catalog.Permission("a", Set.of())), List.of(),
                new Catalog.MemberGrants(Set.of("b"), Set.of()))).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("b");
        assertThat(CLASSIC.grants().permissions()).containsExactlyInAnyOrder("members.manage", "rooms.delete");
        assertThat(CLASSIC.grants().takenBy("manager")).isTrue();
        assertThat(CLASSIC.grants().takenBy(null)).isFalse();
    }
}
