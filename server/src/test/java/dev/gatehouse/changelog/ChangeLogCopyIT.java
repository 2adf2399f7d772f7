package dev.gatehouse.changelog;

import dev.gatehouse.json.Json;
import dev.gatehouse.testing.TestDatabase;
import dev.gatehouse.testing.TestNode;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.ObjectNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A transaction's many change records are written by a binary {@code COPY}, a few by a batch of inserts
 * ({@link ChangeLogStore#COPY_FROM}): both store every column alike — times, actors with and without ids, empty and
 * filled field lists, null and non-ASCII JSON, an import's object list, the stored size — and read back as the
 * records appended.
 */
class ChangeLogCopyIT {

    /** Three kinds of record: a member created by a member's key, a role changed by the system, an import's run. */
    static List<PendingChange> kinds(int i) {
        ObjectNode member = Json.object().put("id", i).put("user_id", "zoë-" + i).put("email", "zoë+✓😀@example.test");
        member.putNull("first_name");
        // nested arrays and objects, a long, booleans and nulls: COPY writes the JSON from the tree itself
        member.put("long", 1234567890123L);
        member.putArray("nested").add(1).add(true).addNull().addObject().putArray("deeper").add("x");
        ObjectNode before = Json.object().put("name", "Reader").put("external", false);
        before.putArray("permissions").add("read");
        ObjectNode after = before.deepCopy().put("name", "Lecteur « é »");
        ObjectNode delta = Json.object().put("name", "Lecteur « é »");
        ObjectNode run = Json.object().put("object_type", "assignment").put("objects", 2);
        return List.of(
                new PendingChange(7L, ObjectType.MEMBER, String.valueOf(i), Action.CREATED, List.of(), null, member,
                        null),
                new PendingChange(null, ObjectType.ROLE, "r" + i, Action.UPDATED, List.of("name", "naïve"), before,
                        after, delta),
                new PendingChange(7L, ObjectType.BULK_IMPORT, "1-2", Action.IMPORTED, List.of(), null, run, null,
                        "[{\"résumé\": \"✓\"}]"));
    }

    @Test
    void recordsWrittenByCopy_areStoredAsThoseWrittenByInserts() {
        TestNode setUp = TestNode.startOn(TestDatabase.freshDatabaseUrl());
        String url = setUp.databaseUrl();
        setUp.close(); // the schema only: no node reads these records meanwhile
        Jdbi db = TestDatabase.jdbi(url);
        ChangeLogStore store = new ChangeLogStore();
        Instant at = Instant.parse("2026-12-03T23:59:58.123456Z");
        List<PendingChange> few = kinds(1);
        List<PendingChange> many = new ArrayList<>();
        while (many.size() < ChangeLogStore.COPY_FROM) {
            many.addAll(few);
        }
        Actor key = Actor.member(5, "key-1");
        List<ChangeRecord> appended = new ArrayList<>();
        db.useTransaction(h -> appended.addAll(store.append(h, Actor.SYSTEM, at.truncatedTo(ChronoUnit.SECONDS), few)));
        db.useTransaction(h -> appended.addAll(store.append(h, key, at, many)));
        db.useTransaction(h -> appended.addAll(store.append(h, key, at, few)));

        List<ChangeRecord> read = db.withHandle(h -> store.readAfter(h, 0, 1_000));
        assertThat(read).containsExactlyElementsOf(appended);

        List<Map<String, Object>> rows = db.withHandle(h -> h.createQuery("SELECT org_id, occurred_at::text AS at, "
                + "actor_type, actor_id, key_id, object_type, object_id, action, changed_fields::text AS fields, "
                + "before::text AS before, after::text AS after, delta::text AS delta, objects, size_bytes "
                + "FROM change_log ORDER BY revision").mapToMap().list());
        int inserted = few.size();
        List<Map<String, Object>> byInserts = rows.subList(rows.size() - inserted, rows.size());
        for (int i = 0; i < many.size(); i++) {
            assertThat(rows.get(inserted + i)).as("record %d written by COPY", i)
                    .isEqualTo(byInserts.get(i % few.size()));
        }
        assertThat(rows.get(0).get("at")).isEqualTo("2026-12-03 23:59:58+00");
        assertThat(rows.get(inserted).get("at")).isEqualTo("2026-12-03 23:59:58.123456+00");
        assertThat(rows.get(inserted).get("actor_id")).isEqualTo(5L);
        assertThat((Integer) rows.get(inserted + 2).get("size_bytes")).isGreaterThan(30);
    }
}
