package dev.gatehouse.role;

import dev.gatehouse.model.VisibilityRule;
import java.util.List;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The record-visibility rule, stated once ({@link RoleVisibility#problem}) for the services and every dialect. */
class RoleVisibilityTest {

    private static final VisibilityRule RULE = new VisibilityRule("sees_all", 2);
    private static final RoleVisibility ONE = new RoleVisibility(List.of("owner"), RoleVisibility.REQUIRE_ASSIGNMENT);

    @Test
    void aRoleSeeingAllRecords_hasNoSettings() {
        assertThat(RoleVisibility.problem(RULE, List.of("sees_all"), null)).isEmpty();
        assertThat(RoleVisibility.problem(RULE, List.of("sees_all", "x"), ONE))
                .contains(RoleVisibility.Problem.SEES_ALL_WITH_FIELDS);
    }

    @Test
    void anyOtherRole_listsOneToMaxDistinctFields() {
        assertThat(RoleVisibility.problem(RULE, List.of("x"), ONE)).isEmpty();
        assertThat(RoleVisibility.problem(RULE, List.of("x"), null)).contains(RoleVisibility.Problem.FIELDS_REQUIRED);
        assertThat(RoleVisibility.problem(RULE, List.of("x"), new RoleVisibility(List.of(),
                RoleVisibility.ALLOW_UNASSIGNED))).contains(RoleVisibility.Problem.NO_FIELDS);
        assertThat(RoleVisibility.problem(RULE, List.of(), new RoleVisibility(List.of("a", "b", "c"),
                RoleVisibility.ALLOW_UNASSIGNED))).contains(RoleVisibility.Problem.TOO_MANY_FIELDS);
        assertThat(RoleVisibility.problem(RULE, List.of(), new RoleVisibility(List.of("a", "a"),
                RoleVisibility.ALLOW_UNASSIGNED))).contains(RoleVisibility.Problem.REPEATED_FIELD);
        assertThat(RoleVisibility.problem(RULE, List.of(), new RoleVisibility(List.of("a", " "),
                RoleVisibility.ALLOW_UNASSIGNED))).contains(RoleVisibility.Problem.BLANK_FIELD);
    }

    @Test
    void theLimitsComeFromTheModel() {
        VisibilityRule wider = new VisibilityRule("everything", 3);
        RoleVisibility three = new RoleVisibility(List.of("a", "b", "c"), RoleVisibility.ALLOW_UNASSIGNED);
        assertThat(RoleVisibility.problem(wider, List.of("sees_all"), three)).isEmpty();
        assertThat(RoleVisibility.problem(wider, List.of("everything"), three))
                .contains(RoleVisibility.Problem.SEES_ALL_WITH_FIELDS);
    }
}
