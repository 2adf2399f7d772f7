package dev.gatehouse.engine;

import java.util.List;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The one way into the engine: typed operations, applied once, and a reloaded state taken over at once. */
class EngineWriterTest {

    static final long ORG = 1;
    static final long EDITOR = 10;

    private static EngineBuilder docs() {
        return DecisionEngine.builder(DecisionEngineTest.DOCS).organization(ORG, "docs")
                .role(ORG, EDITOR, "Editor", List.of("doc.read", "doc.write"));
    }

    @Test
    void removingAMember_dropsItsAssignments_andItsUserId() {
        EngineBuilder builder = docs().member(ORG, 100, "alice", EDITOR).member(ORG, 101, "bob", EDITOR)
                .assignment(ORG, "room", "r1", 100, EDITOR).assignment(ORG, "room", "r1", 101, EDITOR);
        DecisionEngine engine = builder.build();
        builder.writer().apply(new EngineOp.RemoveMember(ORG, 100));
        assertThat(engine.findMemberId(ORG, "alice")).isNull();
        assertThat(engine.hasMember(ORG, 100)).isFalse();
        assertThat(engine.lookupMembers(ORG, "doc.read", "room", "r1", null, 10).items()).containsExactly(101L);
        builder.writer().apply(new EngineOp.PutMember(ORG, 100, "alice", EDITOR, false, true));
        assertThat(engine.check(ORG, 100, "doc.read", "room", "r1")).as("a returning member starts afresh").isFalse();
    }

    @Test
    void aNewUserId_replacesTheOldOne() {
        EngineBuilder builder = docs().member(ORG, 100, "alice", EDITOR);
        builder.writer().apply(new EngineOp.PutMember(ORG, 100, "alice@new", EDITOR, false, true));
        assertThat(builder.build().findMemberId(ORG, "alice")).isNull();
        assertThat(builder.build().findMemberId(ORG, "alice@new")).isEqualTo(100L);
    }

    @Test
    void aRolesUnknownPermissions_grantNothing() {
        DecisionEngine engine = docs().role(ORG, 11, "Odd", List.of("doc.read", "doc.fly")).member(ORG, 100, "a", 11)
                .build();
        assertThat(engine.permissions(ORG, 100, null, null)).containsExactly("doc.read");
    }

    @Test
    void anUnknownCatalog_isRefused_andChangesNothing() {
        EngineBuilder builder = docs();
        assertThatThrownBy(() -> builder.organization(2, "nope"))
                .isInstanceOfSatisfying(EngineException.UnknownCatalog.class, e -> {
                    assertThat(e.orgId()).isEqualTo(2);
                    assertThat(e.catalogId()).isEqualTo("nope");
                });
        assertThat(builder.build().organizationCount()).isEqualTo(1);
        assertThatThrownBy(() -> builder.member(3, 100, "a", EDITOR)).isInstanceOf(EngineException.UnknownOrganization.class);
    }

    @Test
    void removingAnOrganization_dropsEverythingInIt() {
        EngineBuilder builder = docs().member(ORG, 100, "alice", EDITOR);
        builder.writer().apply(new EngineOp.RemoveOrganization(ORG));
        assertThat(builder.build().organizationCount()).isZero();
        assertThat(builder.build().isActive(ORG, 100)).isFalse();
    }

    @Test
    void aReloadedState_isTakenOverWhole() {
        EngineBuilder running = docs().member(ORG, 100, "alice", EDITOR);
        DecisionEngine engine = running.build();
        EngineWriter loaded = docs().member(ORG, 101, "bob", EDITOR).writer();
        loaded.markRevision(40);
        String expected = loaded.engine().digest();

        running.writer().replaceWith(loaded);

        assertThat(engine.revision()).isEqualTo(40);
        assertThat(engine.hasMember(ORG, 100)).isFalse();
        assertThat(engine.check(ORG, 101, "doc.write")).isTrue();
        assertThat(engine.digest()).isEqualTo(expected);
        assertThat(loaded.engine().organizationCount()).as("the loaded writer gives its state away").isZero();
    }

    @Test
    void operations_refuseIdsThatCannotExist() {
        assertThatThrownBy(() -> new EngineOp.PutMember(ORG, 0, "a", EDITOR, false, true))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("memberId must be positive: 0");
        assertThatThrownBy(() -> new EngineOp.PutAssignment(ORG, "doc", "d1", 100, -3))
                .hasMessageContaining("roleId must be positive: -3");
        assertThatThrownBy(() -> new EngineOp.PutMember(ORG, 5, "a", -1, false, true))
                .hasMessageContaining("or 0 for none: -1");
    }

    @Test
    void equalStates_haveEqualDigests_andAnyDifferenceShows() {
        String one = docs().member(ORG, 100, "alice", EDITOR).build().digest();
        assertThat(docs().member(ORG, 100, "alice", EDITOR).build().digest()).isEqualTo(one);
        assertThat(docs().apply(new EngineOp.PutMember(ORG, 100, "alice", EDITOR, false, false)).build().digest())
                .isNotEqualTo(one);
    }
}
