package dev.gatehouse.changelog;

import dev.gatehouse.testing.Await;
import dev.gatehouse.testing.Fixtures;
import dev.gatehouse.testing.Http;
import dev.gatehouse.testing.Scrape;
import dev.gatehouse.testing.TestDatabase;
import dev.gatehouse.testing.TestNode;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A node applies its own writes as it commits them, without reading the change log for them, although each commit
 * also notifies its tailer; another node's writes it still reads at once. Counted by
 * {@code gatehouse_feed_log_reads_total}, over two nodes on one database that poll once a second (the default).
 */
class OwnCommitsIT {

    private static final long POLL_MILLIS = 1000;

    static TestNode first;
    static TestNode second;
    static Fixtures fx;

    @BeforeAll
    static void start() {
        String url = TestDatabase.freshDatabaseUrl();
        first = TestNode.startOn(url);
        second = TestNode.startOn(url);
        fx = new Fixtures(first);
    }

    @AfterAll
    static void stop() {
        second.close();
        first.close();
    }

    @Test
    void aNodesOwnWrites_costItNoReadOfTheLog_whileAnotherNodesWritesAreReadAtOnce() {
        var org = fx.org("close");
        double before = reads(first);
        long start = System.nanoTime();
        long last = 0;
        for (int i = 0; i < 40; i++) {
            last = role(first, org, "Own " + i);
        }
        long elapsed = (System.nanoTime() - start) / 1_000_000L;
        assertThat(reads(first) - before).as("reads of the log during %d ms of the node's own writes", elapsed)
                .isLessThanOrEqualTo(elapsed / POLL_MILLIS + 2);

        long written = last;
        Await.until(Duration.ofSeconds(10), "the second node applies the first's writes",
                () -> second.appliedRevision() >= written);
        double secondBefore = reads(second);
        long other = role(second, org, "Other");
        Await.until(Duration.ofSeconds(5), "the first node applies the second's write",
                () -> first.appliedRevision() >= other);
        assertThat(reads(second) - secondBefore).as("the second node's own write").isLessThanOrEqualTo(2);
    }

    private static long role(TestNode node, Fixtures.Org org, String name) {
        Http.Res res = node.service().post(org.path() + "/roles", Map.of("name", name, "permissions",
                List.of("view_all_leads")));
        assertThat(res.status()).as(res.toString()).isEqualTo(201);
        return res.revision();
    }

    private static double reads(TestNode node) {
        return Scrape.of(node).value("gatehouse_feed_log_reads_total");
    }
}
