package dev.gatehouse.engine;

import dev.gatehouse.changelog.Actor;
import dev.gatehouse.changelog.ChangeRecord;
import dev.gatehouse.error.InvalidInputException;
import dev.gatehouse.error.NotFoundException;
import dev.gatehouse.json.Json;
import dev.gatehouse.model.ModelParser;
import dev.gatehouse.model.PermissionModel;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.List;
import java.util.Map;
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

    DecisionEngine engine;

    @BeforeEach
    void build() throws IOException {
        PermissionModel docs;
        try (InputStream in = getClass().getResourceAsStream("/models/docs.json")) {
            docs = ModelParser.parse(Json.MAPPER.readTree(in), false);
        }
        engine = new DecisionEngine(Map.of("docs", docs)::get);
        engine.putOrganization(ORG, "docs");
        engine.putRole(ORG, EDITOR, "Editor", List.of("doc.read", "doc.write", "records.all"), false, null, false);
        engine.putRole(ORG, VIEWER, "Viewer", List.of("doc.read", "records.all"), false, null, false);
        engine.putRole(ORG, GUEST, "Guest", List.of("doc.read"), true, List.of("owner_id"), false);
        engine.putMember(ORG, ALICE, "alice", EDITOR, false, true);
        engine.putMember(ORG, EVE, "eve", 0, true, true);
        engine.putAssignment(ORG, "doc", "d1", ALICE, VIEWER);
        engine.putAssignment(ORG, "room", "r1", EVE, GUEST);
    }

    @Test
    void checks_followCompanyAndResourceRoles() {
        assertThat(engine.check(ORG, ALICE, "doc.write")).isTrue();
        assertThat(engine.check(ORG, ALICE, "doc.write", "doc", "d1")).isFalse();
        assertThat(engine.check(ORG, ALICE, "doc.write", "doc", "d2")).isTrue();
        assertThat(engine.check(ORG, ALICE, "doc.read", "room", "r2")).isFalse();
        assertThat(engine.check(ORG, EVE, "doc.read")).isFalse();
        assertThat(engine.check(ORG, EVE, "doc.read", "room", "r1")).isTrue();
        assertThat(engine.memberIdOf(ORG, "eve")).isEqualTo(EVE);
    }

    @Test
    void writes_areVisibleToTheNextCheck() {
        engine.putRole(ORG, VIEWER, "Viewer", List.of("doc.read", "doc.write", "records.all"), false, null, false);
        assertThat(engine.check(ORG, ALICE, "doc.write", "doc", "d1")).as("viewer gained doc.write").isTrue();
        engine.removeAssignment(ORG, "doc", "d1", ALICE);
        engine.putMember(ORG, ALICE, "alice", EDITOR, false, false);
        assertThat(engine.check(ORG, ALICE, "doc.read")).as("deactivated").isFalse();
        engine.removeMember(ORG, EVE);
        assertThatThrownBy(() -> engine.check(ORG, EVE, "doc.read", "room", "r1")).isInstanceOf(NotFoundException.class);
        assertThat(engine.lookupMembers(ORG, "doc.read", "room", "r1", null, 10).items()).isEmpty();
    }

    @Test
    void unknownThings_areErrors_notDenials() {
        assertThatThrownBy(() -> engine.check(ORG, ALICE, "doc.fly")).isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> engine.check(ORG, ALICE, "doc.read", "planet", "p")).isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> engine.check(ORG, ALICE, "members.manage", "doc", "d1"))
                .as("permission not applicable to doc").isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> engine.check(2, ALICE, "doc.read")).isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() -> engine.check(ORG, 999, "doc.read")).isInstanceOf(NotFoundException.class);
    }

    @Test
    void changeRecords_applyInOrder_andOnlyOnce() {
        var after = Json.object().put("id", ALICE).put("user_id", "alice").put("role_id", VIEWER).put("external", false)
                .put("status", "active");
        engine.markRevision(5);
        engine.onChange(record(5, "member", ALICE, after));
        assertThat(engine.check(ORG, ALICE, "doc.write")).as("revision 5 already applied: skipped").isTrue();
        engine.onChange(record(6, "member", ALICE, after));
        assertThat(engine.check(ORG, ALICE, "doc.write")).isFalse();
        assertThat(engine.revision()).isEqualTo(6);
    }

    @Test
    void lookups_pageThroughEverything() {
        for (int i = 0; i < 25; i++) {
            engine.putAssignment(ORG, "room", "room-" + (100 + i), ALICE, i % 2 == 0 ? EDITOR : VIEWER);
        }
        List<String> all = new java.util.ArrayList<>();
        String cursor = null;
        do {
            Page<String> page = engine.lookupResources(ORG, ALICE, "doc.write", "room", cursor, 4);
            all.addAll(page.items());
            cursor = page.nextCursor();
        } while (cursor != null);
        assertThat(all).hasSize(13).isSorted().allMatch(id -> engine.check(ORG, ALICE, "doc.write", "room", id));
    }

    private static ChangeRecord record(long revision, String type, long id, tools.jackson.databind.JsonNode after) {
        return new ChangeRecord(revision, ORG, Instant.now(), Actor.SYSTEM, type, String.valueOf(id), "updated",
                List.of(), null, after);
    }
}
