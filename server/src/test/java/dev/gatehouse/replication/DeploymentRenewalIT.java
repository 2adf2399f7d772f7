package dev.gatehouse.replication;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.gatehouse.app.Gatehouse;
import dev.gatehouse.testing.Fixtures;
import dev.gatehouse.testing.Http;
import dev.gatehouse.testing.TestDatabase;
import dev.gatehouse.testing.TestNode;
import java.sql.Connection;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@code --new-deployment-id} on a restored copy of a database (docs/deployment.md, "Backing up"): the copy keeps the
 * original's {@code Gatehouse-Deployment} until a start with the option gives it a new one, which every answer of the
 * snapshot and the change stream then names — so a follower of the original's history, whose revision the copy has
 * since run past, finds another deployment and loads a snapshot, as for another database
 * ({@code ReplicationIT.snapshotAndChanges_nameTheDeploymentsHistory_oneIdPerDatabase}). Later starts without the
 * option keep the new id; a start with it while another node runs on the database is refused, the id unchanged.
 */
class DeploymentRenewalIT {

    private static final String HEADER = "Gatehouse-Deployment";

    @Test
    void aStartWithNewDeploymentId_givesARestoredCopyItsOwnId_whichLaterStartsKeep() throws Exception {
        String original = TestDatabase.freshDatabaseUrl();
        try (TestNode node = TestNode.startOn(original)) {
            new Fixtures(node).org("close");
        }
        String restored = copyOf(original); // a cold copy: taken with no node running, restored elsewhere

        String oldId;
        long followerAt;
        try (TestNode node = TestNode.startOn(original)) {
            Fixtures fx = new Fixtures(node);
            fx.org("close");
            fx.org("close");
            Http.Res snapshot = node.service().get("/v1/snapshot");
            oldId = snapshot.header(HEADER);
            followerAt = snapshot.revision(); // a follower of the original, past the copy's end
        }

        try (TestNode running = TestNode.startOn(restored)) {
            assertThat(running.service().get("/v1/snapshot").header(HEADER)).as("a restored copy keeps the id")
                    .isEqualTo(oldId);
            assertThatThrownBy(() -> TestNode.startOn(restored, c -> c.withNewDeploymentId(true)))
                    .as("refused beside a running node, which would go on serving the old id")
                    .hasMessageStartingWith("--new-deployment-id is refused while other nodes run on this database")
                    .hasMessageContaining(running.node().nodes().nodeId());
            assertThat(running.service().get("/v1/snapshot").header(HEADER)).isEqualTo(oldId);
        }

        ListAppender<ILoggingEvent> log = new ListAppender<>();
        Logger nodeLog = (Logger) LoggerFactory.getLogger(Gatehouse.class);
        log.start();
        nodeLog.addAppender(log);
        String newId;
        try (TestNode node = TestNode.startOn(restored, c -> c.withNewDeploymentId(true))) {
            newId = node.service().get("/v1/snapshot").header(HEADER);
            assertThat(newId).matches("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
                    .isNotEqualTo(oldId);
            Fixtures fx = new Fixtures(node);
            while (node.appliedRevision() <= followerAt) {
                fx.org("close");
            }
            Http.Res changes = node.service().get("/v1/changes?after=" + followerAt + "&wait=0");
            assertThat(changes.status()).as("the copy's log runs past the follower's revision").isEqualTo(200);
            assertThat(changes.header(HEADER)).as("what tells the follower to load a snapshot").isEqualTo(newId);
            Http.Res beyond = node.service().get("/v1/changes?after=" + (node.appliedRevision() + 1000) + "&wait=0");
            assertThat(beyond.status()).isEqualTo(410);
            assertThat(beyond.header(HEADER)).isEqualTo(newId);
        } finally {
            nodeLog.detachAppender(log);
        }
        assertThat(log.list).extracting(ILoggingEvent::getFormattedMessage).as("the old and new ids logged")
                .anyMatch(line -> line.startsWith("the deployment's id is now " + newId + " (it was " + oldId + ")"));

        try (TestNode node = TestNode.startOn(restored)) {
            assertThat(node.service().get("/v1/changes?after=0&wait=0").header(HEADER)).as("a start without it")
                    .isEqualTo(newId);
            node.restart();
            assertThat(node.service().get("/v1/snapshot").header(HEADER)).isEqualTo(newId);
        }
        try (TestNode node = TestNode.startOn(original)) {
            assertThat(node.service().get("/v1/snapshot").header(HEADER)).as("the original keeps its id")
                    .isEqualTo(oldId);
        }
    }

    /** A copy of the database at {@code url}, on which no connection may be open, as a restore makes one. */
    private static String copyOf(String url) throws Exception {
        String source = url.substring(url.lastIndexOf('/') + 1);
        String copy = source + "_restored";
        try (Connection c = TestDatabase.connect(TestDatabase.server().jdbcUrl());
             Statement st = c.createStatement()) {
            st.execute("CREATE DATABASE " + copy + " TEMPLATE " + source);
        }
        return TestDatabase.server().jdbcUrl(copy);
    }
}
