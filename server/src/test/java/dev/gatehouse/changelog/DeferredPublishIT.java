package dev.gatehouse.changelog;

import dev.gatehouse.access.Principal;
import dev.gatehouse.app.Gatehouse;
import dev.gatehouse.role.Role;
import dev.gatehouse.role.RoleInput;
import dev.gatehouse.store.Store;
import dev.gatehouse.testing.Await;
import dev.gatehouse.testing.Fixtures;
import dev.gatehouse.testing.TestClock;
import dev.gatehouse.testing.TestDatabase;
import dev.gatehouse.testing.TestNode;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A write whose committer applies it later on this node ({@link Store#commitAlone}, as a bulk import's chunks are) is
 * not read back from the change log meanwhile, by the tailer its commit notifies or by anyone else catching up:
 * the committer holds its records already. Revisions of other nodes before it are still read; a committer that has
 * not published after ten seconds of the node's clock counts as failed, and its revisions are read from the log.
 */
class DeferredPublishIT {

    private static final Principal SERVICE = new Principal.Service("test");

    static final TestClock clock = new TestClock();
    static TestNode node;
    static TestNode other;
    static Fixtures.Org org;

    @BeforeAll
    static void start() {
        String url = TestDatabase.freshDatabaseUrl();
        node = TestNode.startOn(url, c -> c, clock);
        other = TestNode.startOn(url);
        org = new Fixtures(other).org("close");
        long created = other.appliedRevision();
        Await.until(Duration.ofSeconds(10), "the node applied the organization",
                () -> node.appliedRevision() >= created);
    }

    @AfterAll
    static void stop() {
        other.close();
        node.close();
    }

    @Test
    void aCommitPublishedLater_isNotReadBackFromTheLog_whileOtherNodesWritesBeforeItAre() {
        ChangeFeed feed = node.node().core().feed();
        long before = other.node().directory().roles().create(SERVICE, org.id(), role("Other's")).revision();
        Store.Committed<Role> committed = commitRole("Published later");
        long own = committed.written().revision();
        assertThat(own).isGreaterThan(before);

        feed.catchUp(); // as the tailer does when the commit's notification arrives
        assertThat(feed.applied()).as("the other node's revision is read, this node's own is left to it")
                .isEqualTo(before);

        long after = other.node().directory().roles().create(SERVICE, org.id(), role("Other's later")).revision();
        Await.until(Duration.ofSeconds(10), "the node heard of the other node's later write",
                () -> feed.head() >= after);
        feed.catchUp();
        assertThat(feed.applied()).as("a revision after the reserved ones waits for them").isEqualTo(before);

        committed.publish();
        assertThat(feed.applied()).as("the deferred commit, then what waited for it").isEqualTo(after);
        Await.until(Duration.ofSeconds(10), "the other node applied it", () -> other.appliedRevision() >= own);
        assertThat(node.node().engine().digest()).isEqualTo(other.node().engine().digest());
    }

    @Test
    void aCommitterThatDoesNotPublish_isReadFromTheLogAfterTenSeconds() {
        ChangeFeed feed = node.node().core().feed();
        long reads = feed.reads();
        Store.Committed<Role> committed = commitRole("Never published");
        long own = committed.written().revision();

        feed.catchUp();
        assertThat(feed.applied()).isLessThan(own);
        assertThat(feed.reads()).as("nothing read for a revision its committer holds").isEqualTo(reads);

        clock.advance(Duration.ofSeconds(11));
        feed.catchUp();
        assertThat(feed.applied()).isEqualTo(own);
        committed.publish(); // late: nothing left to apply
        assertThat(feed.applied()).isEqualTo(own);
    }

    private static Store.Committed<Role> commitRole(String name) {
        Gatehouse gatehouse = node.node();
        return gatehouse.core().access().commitAlone(SERVICE, org.id(), (tx, caller) -> gatehouse.directory().roles()
                .create(tx, caller, gatehouse.core().orgModels().model(tx.handle(), org.id()), org.id(), role(name)));
    }

    private static RoleInput role(String name) {
        return new RoleInput(name, null, List.of("view_all_leads"), false, null, false);
    }
}
