package dev.gatehouse.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The engine used as a plain Java library: no server, no database. */
class DecisionEngineTest {

    static final long ORG = 1;
    static final long EDITOR = 10;
    static final long VIEWER = 11;
    static final long GUEST = 12;
    static final long ALICE = 100;
    static final long EVE = 101;

    /** The test model {@code docs}: documents inherit company roles, rooms do not. */
    static final Catalog DOCS = new Catalog("docs", List.of(
            new Catalog.Permission("doc.read", Set.of("doc", "room")),
            new Catalog.Permission("doc.write", Set.of("doc", "room")),
            new Catalog.Permission("doc.delete", Set.of("doc", "room")),
            new Catalog.Permission("members.manage", Set.of()),
            new Catalog.Permission("records.all", Set.of())),
            List.of(new Catalog.ResourceType("doc", true), new Catalog.ResourceType("room", false)));

    EngineWriter writer;
    DecisionEngine engine;

    @BeforeEach
    void build() {
        EngineBuilder builder = DecisionEngine.builder(DOCS)
                .organization(ORG, "docs")
                .role(ORG, EDITOR, "Editor", List.of("doc.read", "doc.write", "records.all"))
                .role(ORG, VIEWER, "Viewer", List.of("doc.read", "records.all"))
                .role(ORG, GUEST, "Guest", List.of("doc.read"), true, new Visibility(List.of("owner_id"), false))
                .member(ORG, ALICE, "alice", EDITOR)
                .externalMember(ORG, EVE, "eve")
                .assignment(ORG, "doc", "d1", ALICE, VIEWER)
                .assignment(ORG, "room", "r1", EVE, GUEST);
        engine = builder.build();
        writer = builder.writer();
    }

    @Test
    void checks_followCompanyAndResourceRoles() {
        assertThat(engine.check(ORG, ALICE, "doc.write")).isTrue();
        assertThat(engine.check(ORG, ALICE, "doc.write", "doc", "d1")).isFalse();
        assertThat(engine.check(ORG, ALICE, "doc.write", "doc", "d2")).isTrue();
        assertThat(engine.check(ORG, ALICE, "doc.read", "room", "r2")).isFalse();
        assertThat(engine.check(ORG, EVE, "doc.read")).isFalse();
        assertThat(engine.check(ORG, EVE, "doc.read", "room", "r1")).isTrue();
        assertThat(engine.findMemberId(ORG, "eve")).isEqualTo(EVE);
    }

    @Test
    void writes_areVisibleToTheNextCheck() {
        writer.apply(new EngineOp.PutRole(ORG, VIEWER, "Viewer", List.of("doc.read", "doc.write", "records.all"), false,
                null));
        assertThat(engine.check(ORG, ALICE, "doc.write", "doc", "d1")).as("viewer gained doc.write").isTrue();
        writer.apply(new EngineOp.RemoveAssignment(ORG, "doc", "d1", ALICE));
        writer.apply(new EngineOp.PutMember(ORG, ALICE, "alice", EDITOR, false, false));
        assertThat(engine.check(ORG, ALICE, "doc.read")).as("deactivated").isFalse();
        writer.apply(new EngineOp.RemoveMember(ORG, EVE));
        assertThatThrownBy(() -> engine.check(ORG, EVE, "doc.read", "room", "r1"))
                .isInstanceOf(EngineException.UnknownMember.class);
        assertThat(engine.lookupMembers(ORG, "doc.read", "room", "r1", null, 10).items()).isEmpty();
    }

    @Test
    void unknownThings_areErrors_notDenials() {
        assertThatThrownBy(() -> engine.check(ORG, ALICE, "doc.fly")).isInstanceOf(EngineException.UnknownPermission.class);
        assertThatThrownBy(() -> engine.check(ORG, ALICE, "doc.read", "planet", "p"))
                .isInstanceOf(EngineException.UnknownResourceType.class);
        assertThatThrownBy(() -> engine.check(ORG, ALICE, "members.manage", "doc", "d1"))
                .as("permission not applicable to doc").isInstanceOf(EngineException.PermissionNotApplicable.class);
        assertThatThrownBy(() -> engine.check(2, ALICE, "doc.read")).isInstanceOf(EngineException.UnknownOrganization.class);
        assertThatThrownBy(() -> engine.check(ORG, 999, "doc.read")).isInstanceOf(EngineException.UnknownMember.class);
    }

    @Test
    void changes_applyInOrder_andOnlyOnce() {
        List<EngineOp> demote = List.of(new EngineOp.PutMember(ORG, ALICE, "alice", VIEWER, false, true));
        writer.markRevision(5);
        assertThat(writer.apply(5, demote)).isFalse();
        assertThat(engine.check(ORG, ALICE, "doc.write")).as("revision 5 already applied: skipped").isTrue();
        assertThat(writer.apply(6, demote)).isTrue();
        assertThat(engine.check(ORG, ALICE, "doc.write")).isFalse();
        assertThat(engine.revision()).isEqualTo(6);
    }

    @Test
    void lookups_pageThroughEverything() {
        for (int i = 0; i < 25; i++) {
            writer.apply(new EngineOp.PutAssignment(ORG, "room", "room-" + (100 + i), ALICE, i % 2 == 0 ? EDITOR : VIEWER));
        }
        List<String> all = new ArrayList<>();
        String cursor = null;
        do {
            Page<String> page = engine.lookupResources(ORG, ALICE, "doc.write", "room", cursor, 4);
            all.addAll(page.items());
            cursor = page.nextCursor();
        } while (cursor != null);
        assertThat(all).hasSize(13).isSorted().allMatch(id -> engine.check(ORG, ALICE, "doc.write", "room", id));
    }
}
