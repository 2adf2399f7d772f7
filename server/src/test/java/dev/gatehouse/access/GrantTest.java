package dev.gatehouse.access;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** When a role sees more records than another: the visibility half of "no escalation". */
class GrantTest {

    static Grant sees(List<String> fields, boolean allowUnassigned) {
        return new Grant(Set.of(), fields, allowUnassigned);
    }

    static final Grant ALL = sees(null, false);
    static final Grant OWNER = sees(List.of("owner"), false);

    @Test
    void narrowerOrEqualVisibility_isWithinReach() {
        assertThat(OWNER.visibilityBeyond(OWNER)).isNull();
        assertThat(sees(List.of("owner"), false).visibilityBeyond(sees(List.of("owner", "rep"), true))).isNull();
        assertThat(OWNER.visibilityBeyond(ALL)).isNull();
        assertThat(ALL.visibilityBeyond(ALL)).isNull();
    }

    @Test
    void moreFields_unassignedRecords_orAllRecords_areBeyondReach() {
        assertThat(sees(List.of("owner", "rep"), false).visibilityBeyond(OWNER)).contains("[rep]");
        assertThat(sees(List.of("owner"), true).visibilityBeyond(OWNER)).contains("allow_unassigned");
        assertThat(ALL.visibilityBeyond(OWNER)).contains("all records");
        assertThat(OWNER.visibilityBeyond(Grant.NONE)).as("an external member's role sees nothing").isNotNull();
        assertThat(sees(List.of("owner"), true).visibilityBeyond(sees(List.of("owner", "rep"), true)))
                .as("a record naming nobody as owner and someone else as rep").contains("[rep]");
        assertThat(sees(List.of("owner", "rep"), true).visibilityBeyond(sees(List.of("rep", "owner"), true))).isNull();
    }
}
