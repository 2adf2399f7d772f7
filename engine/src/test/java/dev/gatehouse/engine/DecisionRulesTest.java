package dev.gatehouse.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Which role decides (DESIGN §3), asked through every question the engine answers: check, explain, effective
 * permissions, visibility and both lookups must agree everywhere, because they all ask the same rule.
 */
class DecisionRulesTest {

    static final long ORG = 1;
    static final long EDITOR = 10;
    static final long VIEWER = 11;
    static final long GUEST = 12;
    static final long LIMITED = 13;
    static final long ALICE = 100;
    static final long BOB = 101;
    static final long EVE = 102;
    static final long FRANK = 103;
    static final long CAROL = 104;
    static final List<Long> MEMBERS = List.of(ALICE, BOB, EVE, FRANK, CAROL);
    static final List<String> PERMISSIONS = List.of("doc.read", "doc.write", "doc.delete");
    static final List<String[]> RESOURCES = List.of(new String[] {"doc", "d1"}, new String[] {"doc", "d2"},
            new String[] {"doc", "d3"}, new String[] {"doc", "d9"}, new String[] {"room", "r1"},
            new String[] {"room", "r2"});

    DecisionEngine engine;

    @BeforeEach
    void build() {
        engine = DecisionEngine.builder(DecisionEngineTest.DOCS)
                .organization(ORG, "docs")
                .role(ORG, EDITOR, "Editor", List.of("doc.read", "doc.write", "records.all"))
                .role(ORG, VIEWER, "Viewer", List.of("doc.read", "records.all"))
                .role(ORG, GUEST, "Guest", List.of("doc.read"), true, new Visibility(List.of("owner_id"), false))
                .role(ORG, LIMITED, "Limited", List.of("doc.read"), false,
                        new Visibility(List.of("owner_id", "rep_id"), true))
                .member(ORG, ALICE, "alice", EDITOR)
                .member(ORG, BOB, "bob", VIEWER)
                .externalMember(ORG, EVE, "eve")
                .apply(new EngineOp.PutMember(ORG, FRANK, "frank", EDITOR, false, false))
                .member(ORG, CAROL, "carol", LIMITED)
                .assignment(ORG, "doc", "d1", ALICE, VIEWER)
                .assignment(ORG, "doc", "d2", BOB, EDITOR)
                .assignment(ORG, "room", "r1", BOB, EDITOR)
                .assignment(ORG, "room", "r1", EVE, GUEST)
                .assignment(ORG, "doc", "d9", FRANK, EDITOR)
                .build();
    }

    @Test
    void explanation_namesTheDecidingRole_andHowItWasFound() {
        Decision onD1 = engine.explain(ORG, ALICE, "doc.write", "doc", "d1");
        assertThat(onD1).extracting(Decision::allowed, Decision::path, Decision::roleId)
                .containsExactly(false, Decision.Path.RESOURCE_ROLE, VIEWER);
        assertThat(onD1.reason()).isEqualTo("the member's role on doc d1, \"Viewer\", lacks doc.write");
        assertThat(engine.explain(ORG, ALICE, "doc.write", "doc", "d3"))
                .extracting(Decision::allowed, Decision::path, Decision::roleId)
                .containsExactly(true, Decision.Path.COMPANY_ROLE, EDITOR);
        assertThat(engine.explain(ORG, ALICE, "doc.read", "room", "r2").reason())
                .isEqualTo("no role on room r2, and room does not inherit company roles");
        assertThat(engine.explain(ORG, EVE, "doc.read", null, null).reason())
                .isEqualTo("external member: no company role applies outside resources");
        assertThat(engine.explain(ORG, EVE, "doc.read", "doc", "d3").reason())
                .isEqualTo("external member with no role on doc d3");
        Decision deactivated = engine.explain(ORG, FRANK, "doc.read", "doc", "d9");
        assertThat(deactivated).extracting(Decision::allowed, Decision::path, Decision::roleId)
                .containsExactly(false, Decision.Path.NONE, null);
        assertThat(deactivated.reason()).isEqualTo("member " + FRANK
                + " is not active (deactivated, or invited and not yet accepted)");
    }

    @Test
    void everyQuestion_agreesWithCheck_everywhere() {
        for (String permission : PERMISSIONS) {
            List<Long> orgWide = allMembers(permission, null, null);
            for (long member : MEMBERS) {
                boolean allowed = engine.check(ORG, member, permission);
                String what = member + " " + permission;
                assertThat(engine.explain(ORG, member, permission, null, null).allowed()).as(what).isEqualTo(allowed);
                assertThat(engine.permissions(ORG, member, null, null).contains(permission)).as(what).isEqualTo(allowed);
                assertThat(orgWide.contains(member)).as(what).isEqualTo(allowed);
            }
            for (String[] r : RESOURCES) {
                List<Long> here = allMembers(permission, r[0], r[1]);
                for (long member : MEMBERS) {
                    boolean allowed = engine.check(ORG, member, permission, r[0], r[1]);
                    String what = member + " " + permission + " on " + r[0] + " " + r[1];
                    assertThat(engine.explain(ORG, member, permission, r[0], r[1]).allowed()).as(what)
                            .isEqualTo(allowed);
                    assertThat(engine.permissions(ORG, member, r[0], r[1]).contains(permission)).as(what)
                            .isEqualTo(allowed);
                    assertThat(here.contains(member)).as(what).isEqualTo(allowed);
                    boolean listed = engine.lookupResources(ORG, member, permission, r[0], null, 100).items()
                            .contains(r[1]);
                    boolean assigned = engine.explain(ORG, member, permission, r[0], r[1]).path()
                            == Decision.Path.RESOURCE_ROLE;
                    assertThat(assigned ? listed : engine.inheritsOnUnassigned(ORG, member, permission, r[0]))
                            .as(what).isEqualTo(allowed);
                }
            }
        }
    }

    private List<Long> allMembers(String permission, String type, String id) {
        List<Long> all = new ArrayList<>();
        Long cursor = null;
        do {
            Page<Long> page = engine.lookupMembers(ORG, permission, type, id, cursor, 2);
            all.addAll(page.items());
            cursor = page.nextCursor() == null ? null : Long.valueOf(page.nextCursor());
        } while (cursor != null);
        assertThat(all).isSorted().doesNotHaveDuplicates();
        return all;
    }

    @Test
    void visibility_comesFromTheCompanyRole() {
        Map<String, List<String>> carols = Map.of("owner_id", List.of("carol"));
        Map<String, List<String>> someoneElses = Map.of("rep_id", List.of("dave"));
        Map<String, List<String>> nobodys = Map.of("owner_id", List.of());
        assertThat(engine.visible(ORG, CAROL, carols)).isTrue();
        assertThat(engine.visible(ORG, CAROL, someoneElses)).isFalse();
        assertThat(engine.visible(ORG, CAROL, nobodys)).as("allow_unassigned").isTrue();
        assertThat(engine.visibilityFilter(ORG, CAROL)).isEqualTo(new VisibilityFilter(false, false, "carol",
                List.of("owner_id", "rep_id"), true, LIMITED));
        assertThat(engine.visible(ORG, ALICE, someoneElses)).as("sees all").isTrue();
        assertThat(engine.visibilityFilter(ORG, EVE).seesNone()).as("external: no company role").isTrue();
        assertThat(engine.visibilityFilter(ORG, FRANK).seesNone()).as("deactivated").isTrue();
        assertThat(engine.visible(ORG, FRANK, carols)).isFalse();
    }

    @Test
    void unknownNames_areRefused_organizationFirst_thenMember_permission_resourceType() {
        assertThatThrownBy(() -> engine.check(2, 999, "doc.fly", "planet", "p"))
                .isInstanceOfSatisfying(EngineException.UnknownOrganization.class, e -> assertThat(e.orgId()).isEqualTo(2));
        assertThatThrownBy(() -> engine.check(ORG, 999, "doc.fly", "planet", "p"))
                .isInstanceOfSatisfying(EngineException.UnknownMember.class, e -> assertThat(e.memberId()).isEqualTo(999));
        assertThatThrownBy(() -> engine.check(ORG, ALICE, "doc.fly", "planet", "p"))
                .isInstanceOfSatisfying(EngineException.UnknownPermission.class,
                        e -> assertThat(e.permission()).isEqualTo("doc.fly"))
                .hasMessage("unknown permission \"doc.fly\" in model docs");
        assertThatThrownBy(() -> engine.permissions(ORG, FRANK, "planet", "p"))
                .as("even for a member no role decides for")
                .isInstanceOfSatisfying(EngineException.UnknownResourceType.class,
                        e -> assertThat(e.resourceType()).isEqualTo("planet"));
        assertThatThrownBy(() -> engine.lookupMembers(ORG, "records.all", "room", "r1", null, 10))
                .isInstanceOfSatisfying(EngineException.PermissionNotApplicable.class,
                        e -> assertThat(e.resourceType()).isEqualTo("room"));
    }
}
