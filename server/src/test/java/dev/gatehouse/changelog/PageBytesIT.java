package dev.gatehouse.changelog;

import dev.gatehouse.json.Json;
import dev.gatehouse.testing.Fixtures;
import dev.gatehouse.testing.Http;
import dev.gatehouse.testing.TestNode;
import java.nio.charset.StandardCharsets;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Reads of the change log are bounded by bytes as well as by count, and paging over large rows still returns every
 * row exactly once: the events API, Close's event log, and the feed's catch-up (the tailer's read). The large rows
 * are group records as the change log stored them before deltas, whole member lists in both snapshots (about
 * 1.5 MB each), as an upgraded database still holds them.
 */
class PageBytesIT {

    private static final int ROWS = 6;
    static TestNode node;
    static Fixtures.Org org;
    static List<Long> revisions = new ArrayList<>();
    static long before;

    @BeforeAll
    static void start() {
        node = TestNode.start();
        org = new Fixtures(node).org("close");
        before = node.appliedRevision();
        for (int i = 0; i < ROWS; i++) {
            long id = 900_000 + i;
            revisions.add(node.node().core().store().write(Actor.SYSTEM, org.id(), tx -> {
                tx.change(org.id(), ObjectType.GROUP, id, Action.UPDATED, legacyGroup(id, "before"), legacyGroup(id, "after"));
                return null;
            }).revision());
        }
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    /** About 750 KB: a group snapshot listing 200 members with long user ids. */
    private static ObjectNode legacyGroup(long id, String label) {
        ObjectNode n = Json.object().put("id", id).put("org_id", org.id()).put("name", "Legacy " + id);
        ArrayNode members = n.putArray("members");
        for (int m = 0; m < 200; m++) {
            members.addObject().put("member_id", m + 1).put("user_id", label + "-" + m + "-" + "u".repeat(3700));
        }
        return n;
    }

    @Test
    void nativeEventPages_stayUnderTheBudget_andReturnEveryEventOnce_inBothOrders() {
        for (String order : List.of("desc", "asc")) {
            List<Long> seen = new ArrayList<>();
            String cursor = null;
            int pages = 0;
            do {
                Http.Res page = node.service().get(org.path() + "/events?object_type=group&limit=100&order=" + order
                        + (cursor == null ? "" : "&cursor=" + cursor));
                assertThat(page.status()).isEqualTo(200);
                assertThat(page.body().getBytes(StandardCharsets.UTF_8).length).isLessThan((int) EventQuery.MAX_PAGE_BYTES);
                assertThat(page.get("items").size()).isBetween(1, 2);
                page.get("items").forEach(e -> seen.add(e.get("revision").longValue()));
                JsonNode next = page.get("next_cursor");
                cursor = next.isNull() ? null : next.stringValue();
                pages++;
            } while (cursor != null && pages < 20);
            List<Long> expected = new ArrayList<>(revisions);
            if (order.equals("desc")) {
                java.util.Collections.reverse(expected);
            }
            assertThat(seen).as(order).containsExactlyElementsOf(expected);
        }
    }

    @Test
    void closeEventPages_stopAtTheBudget_andTheirCursorsReachEveryEventOnce() {
        String key = org.adminKey();
        Http close = new Http(node.baseUrl() + "/api/v1", null).header("Authorization",
                "Basic " + Base64.getEncoder().encodeToString((key + ":").getBytes(StandardCharsets.UTF_8)));
        List<String> seen = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            Http.Res page = close.get("/event/?object_type=group&_limit=50" + (cursor == null ? "" : "&_cursor=" + cursor));
            assertThat(page.status()).isEqualTo(200);
            assertThat(page.get("data").size()).isBetween(1, 2);
            page.get("data").forEach(e -> seen.add(e.get("object_id").stringValue()));
            JsonNode next = page.get("cursor_next");
            cursor = next.isNull() ? null : next.stringValue();
            pages++;
        } while (cursor != null && pages < 20);
        assertThat(seen).hasSize(ROWS).doesNotHaveDuplicates();
    }

    @Test
    void logReads_stopAtTheBudget_withAtLeastOneRow_andSayMoreFollow() {
        ChangeLogStore log = node.node().core().feed().log();
        var first = node.node().core().store().read(h -> log.readAfter(h, before, 1000, EventQuery.MAX_PAGE_BYTES));
        assertThat(first.records()).extracting(ChangeRecord::revision).containsExactlyElementsOf(revisions.subList(0, 2));
        assertThat(first.more()).isTrue();
        var tiny = node.node().core().store().read(h -> log.readAfter(h, before, 1000, 1));
        assertThat(tiny.records()).extracting(ChangeRecord::revision).containsExactly(revisions.get(0));
        assertThat(tiny.more()).isTrue();
        var last = node.node().core().store().read(h -> log.readAfter(h, revisions.get(ROWS - 2), 1000,
                EventQuery.MAX_PAGE_BYTES));
        assertThat(last.records()).extracting(ChangeRecord::revision).containsExactly(revisions.get(ROWS - 1));
        assertThat(last.more()).isFalse();
    }

    @Test
    void feedCatchUp_readsPastAReadCutByBytes_deliveringEveryRecordOnce() {
        ChangeFeed feed = new ChangeFeed(node.node().core().store().jdbi(), new ChangeLogStore(),
                InstantSource.system());
        List<Long> delivered = new ArrayList<>();
        feed.addListener(r -> delivered.add(r.revision()));
        feed.startAt(before);
        feed.catchUp();
        assertThat(delivered).startsWith(revisions.toArray(Long[]::new)).doesNotHaveDuplicates();
        assertThat(feed.applied()).isGreaterThanOrEqualTo(revisions.get(ROWS - 1));
    }
}
