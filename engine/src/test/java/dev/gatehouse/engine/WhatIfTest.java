package dev.gatehouse.engine;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static dev.gatehouse.engine.DecisionRulesTest.ALICE;
import static dev.gatehouse.engine.DecisionRulesTest.BOB;
import static dev.gatehouse.engine.DecisionRulesTest.CAROL;
import static dev.gatehouse.engine.DecisionRulesTest.EDITOR;
import static dev.gatehouse.engine.DecisionRulesTest.EVE;
import static dev.gatehouse.engine.DecisionRulesTest.FRANK;
import static dev.gatehouse.engine.DecisionRulesTest.LIMITED;
import static dev.gatehouse.engine.DecisionRulesTest.ORG;
import static dev.gatehouse.engine.DecisionRulesTest.VIEWER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@link DecisionEngine#whatIf}: exact gains and losses of each kind of change on the fixture of
 * {@link DecisionRulesTest} (documents inherit the company role, rooms do not; Alice is an Editor who is only a
 * Viewer on d1, Bob a Viewer who is an Editor on d2 and r1, Eve an external Guest on r1, Frank a deactivated
 * Editor holding d9, Carol a Limited member with record visibility), and that the live engine is never changed.
 */
class WhatIfTest {

    DecisionEngine engine;

    @BeforeEach
    void build() {
        DecisionRulesTest rules = new DecisionRulesTest();
        rules.build();
        engine = rules.engine;
    }

    /** "permission @ where: member ids", one line per effect, for exact comparisons. */
    static List<String> lines(List<Impact.Effect> effects) {
        List<String> out = new ArrayList<>();
        for (Impact.Effect e : effects) {
            Impact.Where w = e.where();
            String where = w.organizationWide() ? "org" : w.resourceId() == null ? w.resourceType() + "/*"
                    : w.resourceType() + "/" + w.resourceId();
            out.add(e.permission() + " @ " + where + ": " + e.members().ids()
                    + (e.members().complete() ? "" : " of " + e.members().count()));
        }
        return out;
    }

    @Test
    void roleEdit_reachesCompanyHoldersAndAssignments_butNotWhereAnotherRoleDecides() {
        Impact impact = engine.whatIf(ORG, List.of(new EngineOp.PutRole(ORG, VIEWER, "Viewer",
                List.of("doc.read", "doc.delete", "records.all"), false, null)), 10);

        // Bob holds Viewer as company role: organization-wide and on documents without a role of his own (documents
        // inherit); not in room r1, where his Editor room role decides. Alice holds Viewer on d1 only.
        assertThat(lines(impact.gains())).containsExactly(
                "doc.delete @ org: [" + BOB + "]",
                "doc.delete @ doc/*: [" + BOB + "]",
                "doc.delete @ doc/d1: [" + ALICE + "]");
        assertThat(impact.losses()).isEmpty();
        assertThat(impact.membersGaining()).isEqualTo(2);
        assertThat(impact.membersLosing()).isZero();
        assertThat(impact.visibilityChanged().count()).isZero();
    }

    @Test
    void roleEdit_losses_skipDeactivatedHolders_andReachRoomsWhereTheRoleIsAssigned() {
        Impact impact = engine.whatIf(ORG, List.of(new EngineOp.PutRole(ORG, EDITOR, "Editor",
                List.of("doc.read", "records.all"), false, null)), 10);

        // Frank (deactivated) holds Editor as company role and on d9, but has nothing to lose.
        assertThat(lines(impact.losses())).containsExactly(
                "doc.write @ org: [" + ALICE + "]",
                "doc.write @ doc/*: [" + ALICE + "]",
                "doc.write @ doc/d2: [" + BOB + "]",
                "doc.write @ room/r1: [" + BOB + "]");
        assertThat(impact.gains()).isEmpty();
        assertThat(impact.membersLosing()).isEqualTo(2);
    }

    @Test
    void companyRoleChange_changesOnlyPlacesTheCompanyRoleDecides() {
        Impact impact = engine.whatIf(ORG, List.of(new EngineOp.PutMember(ORG, BOB, "bob", EDITOR, false, true)), 10);

        // d2 and r1 are decided by Bob's Editor room roles, before and after.
        assertThat(lines(impact.gains())).containsExactly(
                "doc.write @ org: [" + BOB + "]",
                "doc.write @ doc/*: [" + BOB + "]");
        assertThat(impact.losses()).isEmpty();
    }

    @Test
    void deactivation_losesEverythingEverywhere_andReactivationGainsItBack() {
        Impact off = engine.whatIf(ORG, List.of(new EngineOp.PutMember(ORG, ALICE, "alice", EDITOR, false, false)), 10);

        assertThat(lines(off.losses())).containsExactly(
                "doc.read @ org: [" + ALICE + "]",
                "doc.write @ org: [" + ALICE + "]",
                "records.all @ org: [" + ALICE + "]",
                "doc.read @ doc/*: [" + ALICE + "]",
                "doc.write @ doc/*: [" + ALICE + "]",
                "doc.read @ doc/d1: [" + ALICE + "]");
        assertThat(off.gains()).isEmpty();
        assertThat(off.visibilityChanged().ids()).containsExactly(ALICE);

        Impact on = engine.whatIf(ORG, List.of(new EngineOp.PutMember(ORG, FRANK, "frank", EDITOR, false, true)), 10);
        assertThat(lines(on.gains())).containsExactly(
                "doc.read @ org: [" + FRANK + "]",
                "doc.write @ org: [" + FRANK + "]",
                "records.all @ org: [" + FRANK + "]",
                "doc.read @ doc/*: [" + FRANK + "]",
                "doc.write @ doc/*: [" + FRANK + "]",
                "doc.read @ doc/d9: [" + FRANK + "]",
                "doc.write @ doc/d9: [" + FRANK + "]");
    }

    @Test
    void assignment_onARoomThatDoesNotInherit_gainsTheRolesPermissionsThere() {
        Impact impact = engine.whatIf(ORG, List.of(new EngineOp.PutAssignment(ORG, "room", "r2", EVE,
                DecisionRulesTest.GUEST)), 10);

        assertThat(lines(impact.gains())).containsExactly("doc.read @ room/r2: [" + EVE + "]");
        assertThat(impact.losses()).isEmpty();
    }

    @Test
    void assignment_onAnInheritingDocument_overridesTheCompanyRole_bothWays() {
        // Alice is an Editor: on d5 she inherits doc.write; a Viewer role there takes it away.
        Impact weaker = engine.whatIf(ORG, List.of(new EngineOp.PutAssignment(ORG, "doc", "d5", ALICE, VIEWER)), 10);
        assertThat(lines(weaker.losses())).containsExactly("doc.write @ doc/d5: [" + ALICE + "]");
        assertThat(weaker.gains()).isEmpty();

        // Removing her Viewer role on d1 gives the Editor company role back there.
        Impact removed = engine.whatIf(ORG, List.of(new EngineOp.RemoveAssignment(ORG, "doc", "d1", ALICE)), 10);
        assertThat(lines(removed.gains())).containsExactly("doc.write @ doc/d1: [" + ALICE + "]");
        assertThat(removed.losses()).isEmpty();
    }

    @Test
    void removingAMember_losesItsAssignmentsToo() {
        Impact impact = engine.whatIf(ORG, List.of(new EngineOp.RemoveMember(ORG, EVE)), 10);

        assertThat(lines(impact.losses())).containsExactly("doc.read @ room/r1: [" + EVE + "]");
    }

    @Test
    void visibilityChange_isReported_withoutGainsOrLosses() {
        Impact impact = engine.whatIf(ORG, List.of(new EngineOp.PutRole(ORG, LIMITED, "Limited", List.of("doc.read"),
                false, new Visibility(List.of("owner_id"), false))), 10);

        assertThat(impact.gains()).isEmpty();
        assertThat(impact.losses()).isEmpty();
        assertThat(impact.visibilityChanged().ids()).containsExactly(CAROL);
        assertThat(impact.none()).isFalse();
    }

    @Test
    void aChangeThatChangesNothing_hasNoImpact() {
        Impact impact = engine.whatIf(ORG, List.of(new EngineOp.PutMember(ORG, BOB, "bob", VIEWER, false, true)), 10);

        assertThat(impact.none()).isTrue();
        assertThat(impact.revision()).isEqualTo(engine.revision());
    }

    @Test
    void limit_listsTheFirstMembersById_andCountsThemAll() {
        EngineWriter writer = DecisionEngine.builder(DecisionEngineTest.DOCS).organization(ORG, "docs")
                .role(ORG, VIEWER, "Viewer", List.of("doc.read")).writer();
        for (long id = 200; id < 230; id++) {
            writer.apply(new EngineOp.PutMember(ORG, id, "u" + id, VIEWER, false, true));
        }
        List<EngineOp> change = List.of(new EngineOp.PutRole(ORG, VIEWER, "Viewer", List.of("doc.read", "doc.write"),
                false, null));

        Impact limited = writer.engine().whatIf(ORG, change, 3);
        Impact.Members organizationWide = limited.gains().get(0).members();
        assertThat(organizationWide.count()).isEqualTo(30);
        assertThat(organizationWide.ids()).containsExactly(200L, 201L, 202L);
        assertThat(organizationWide.complete()).isFalse();

        Impact all = writer.engine().whatIf(ORG, change, Integer.MAX_VALUE);
        assertThat(all.gains().get(0).members().ids()).hasSize(30).isSorted();
        assertThat(all.gains().get(0).members().complete()).isTrue();
    }

    @Test
    void theLiveEngine_isUnchanged() {
        String digest = engine.digest();
        long revision = engine.revision();

        engine.whatIf(ORG, List.of(new EngineOp.PutRole(ORG, VIEWER, "Viewer", List.of(), false, null),
                new EngineOp.RemoveMember(ORG, ALICE), new EngineOp.PutAssignment(ORG, "room", "r2", EVE, VIEWER)), 5);

        assertThat(engine.digest()).isEqualTo(digest);
        assertThat(engine.revision()).isEqualTo(revision);
        assertThat(engine.check(ORG, BOB, "doc.read")).isTrue();
        assertThat(engine.check(ORG, ALICE, "doc.write")).isTrue();
        assertThat(engine.check(ORG, EVE, "doc.read", "room", "r2")).isFalse();
    }

    @Test
    void refuses_otherOrganizations_removingTheOrganization_unknownNames_andNegativeLimits() {
        assertThatThrownBy(() -> engine.whatIf(ORG, List.of(new EngineOp.RemoveMember(2, ALICE)), 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("organization 2");
        assertThatThrownBy(() -> engine.whatIf(ORG, List.of(new EngineOp.RemoveOrganization(ORG)), 1))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> engine.whatIf(ORG, List.of(), -1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> engine.whatIf(9, List.of(), 1))
                .isInstanceOf(EngineException.UnknownOrganization.class);
        assertThatThrownBy(() -> engine.whatIf(ORG, List.of(new EngineOp.PutAssignment(ORG, "desk", "1", ALICE,
                VIEWER)), 1)).isInstanceOf(EngineException.UnknownResourceType.class);
    }
}
