package dev.gatehouse.changelog;

import dev.gatehouse.error.UnavailableException;
import dev.gatehouse.testing.TestClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The feed's bookkeeping when a listener fails, driven through {@link ChangeFeed#publish} (records this node
 * committed, delivered without reading the log): the failed revision is never counted as applied, the node is
 * out of sync until a reload reaching that revision succeeds.
 */
class ChangeFeedTest {

    private final TestClock clock = new TestClock().freeze();
    private final ChangeFeed feed = new ChangeFeed(null, null, clock);
    private final List<Long> seen = new ArrayList<>();
    private final AtomicInteger reloadCalls = new AtomicInteger();

    ChangeFeedTest() {
        feed.startAt(0);
        feed.addListener(record -> {
            if ("poison".equals(record.objectId())) {
                throw new IllegalStateException("cannot apply " + record.revision());
            }
            seen.add(record.revision());
        });
    }

    @Test
    void listenerFailure_isNotCountedAsApplied_andTakesTheFeedOutOfSync() {
        feed.resyncWith(() -> {
            reloadCalls.incrementAndGet();
            throw new IllegalStateException("database unreachable");
        });

        feed.publish(List.of(record(1, "a"), record(2, "poison"), record(3, "b")));

        assertThat(feed.applied()).isEqualTo(1);
        assertThat(seen).containsExactly(1L);
        assertThat(feed.inSync()).isFalse();
        assertThat(reloadCalls).as("a reload is tried at once").hasValue(1);
        assertThatThrownBy(feed::requireInSync).isInstanceOf(UnavailableException.class)
                .satisfies(e -> assertThat(((UnavailableException) e).code()).isEqualTo("node_resyncing"))
                .hasMessageContaining("revision 2");
        assertThatThrownBy(() -> feed.awaitRevision(1, 10)).as("even for a revision already applied")
                .isInstanceOf(UnavailableException.class);
        assertThat(feed.reloads()).isZero();
    }

    @Test
    void lag_isTheTimeSinceTheFeedLastKnewItHadEveryRevision() {
        clock.advance(Duration.ofSeconds(5));
        assertThat(feed.lagSeconds()).as("since the start").isEqualTo(5.0);
        feed.publish(List.of(record(1, "a")));
        feed.seen(1); // the notification of this node's own commit
        assertThat(feed.head()).isEqualTo(1);
        assertThat(feed.lagSeconds()).isZero();

        feed.seen(3); // another node committed up to 3; this one has not read it yet
        assertThat(feed.head()).isEqualTo(3);
        clock.advance(Duration.ofSeconds(30));
        assertThat(feed.lagSeconds()).isEqualTo(30.0);

        feed.publish(List.of(record(2, "b"), record(3, "c")));
        assertThat(feed.applied()).isEqualTo(3);
        feed.seen(2);
        assertThat(feed.head()).as("an older notification moves nothing").isEqualTo(3);
        assertThat(feed.lagSeconds()).as("a notification of an applied revision: current again").isZero();
    }

    @Test
    void listenerFailure_isCounted_andTheFeedStaysBehindWhileOutOfSync() {
        feed.resyncWith(() -> {
            throw new IllegalStateException("database unreachable");
        });

        feed.publish(List.of(record(1, "a"), record(2, "poison")));
        clock.advance(Duration.ofSeconds(10));
        feed.seen(1);

        assertThat(feed.listenerFailures()).isEqualTo(1);
        assertThat(feed.gaps()).isZero();
        assertThat(feed.head()).isEqualTo(2);
        assertThat(feed.applied()).isEqualTo(1);
        assertThat(feed.lagSeconds()).as("no notification makes a node out of sync current").isEqualTo(10.0);
    }

    @Test
    void successfulReload_bringsTheFeedBackInSync_atTheSnapshotRevision() {
        feed.resyncWith(() -> {
            reloadCalls.incrementAndGet();
            return 3;
        });

        feed.publish(List.of(record(1, "a"), record(2, "poison"), record(3, "b")));

        assertThat(feed.inSync()).isTrue();
        assertThat(feed.applied()).isEqualTo(3);
        assertThat(seen).as("records up to the snapshot come from the reload, not the listeners").containsExactly(1L);
        assertThat(feed.reloads()).isEqualTo(1);
        feed.requireInSync();
        feed.awaitRevision(3, 10);

        feed.publish(List.of(record(4, "c")));
        assertThat(seen).containsExactly(1L, 4L);
        assertThat(feed.applied()).isEqualTo(4);
    }

    @Test
    void reloadThatStopsBeforeTheFailedRevision_doesNotCount() {
        feed.resyncWith(() -> {
            reloadCalls.incrementAndGet();
            return 1;
        });

        feed.publish(List.of(record(1, "a"), record(2, "poison")));

        assertThat(reloadCalls).hasValue(1);
        assertThat(feed.inSync()).isFalse();
        assertThat(feed.applied()).isEqualTo(1);
        assertThat(feed.reloads()).isZero();
    }

    @Test
    void withoutAWayToReload_theFeedStaysOutOfSync() {
        feed.publish(List.of(record(1, "poison")));

        assertThat(feed.inSync()).isFalse();
        assertThat(feed.applied()).isZero();
    }

    @Test
    void theRecordsOfOneCommit_reachEachListenerTogether_andAreAppliedTogether() {
        List<List<Long>> commits = new ArrayList<>();
        feed.addListener(new ChangeListener() {
            @Override
            public void onChange(ChangeRecord record) {
                throw new AssertionError("a commit's records are handed over together");
            }

            @Override
            public void onCommit(List<ChangeRecord> records) {
                commits.add(records.stream().map(ChangeRecord::revision).toList());
                assertThat(feed.applied()).as("nothing of a commit counts as applied before all of it is")
                        .isEqualTo(records.get(0).revision() - 1);
            }
        });

        feed.publish(List.of(record(1, "a"), inCommit(2, 4, "b"), inCommit(3, 4, "c"), inCommit(4, 4, "d"),
                record(5, "e")));

        assertThat(commits).containsExactly(List.of(1L), List.of(2L, 3L, 4L), List.of(5L));
        assertThat(seen).as("a listener of single records still gets each").containsExactly(1L, 2L, 3L, 4L, 5L);
        assertThat(feed.applied()).isEqualTo(5);
    }

    @Test
    void aListenerFailingInsideACommit_leavesTheWholeCommitUnapplied() {
        feed.publish(List.of(record(1, "a"), inCommit(2, 3, "b"), inCommit(3, 3, "poison")));

        assertThat(feed.applied()).isEqualTo(1);
        assertThat(feed.inSync()).isFalse();
        assertThatThrownBy(feed::requireInSync).hasMessageContaining("revision 3");
    }

    private static ChangeRecord inCommit(long revision, long commitLast, String objectId) {
        return new ChangeRecord(revision, 1L, Instant.EPOCH, Actor.SYSTEM, ObjectType.ROLE, objectId, Action.UPDATED,
                List.of(), null, null, null, null, commitLast);
    }

    private static ChangeRecord record(long revision, String objectId) {
        return new ChangeRecord(revision, 1L, Instant.EPOCH, Actor.SYSTEM, ObjectType.ROLE, objectId, Action.UPDATED, List.of(),
                null, null);
    }
}
