package dev.gatehouse.app;

import dev.gatehouse.testing.Await;
import dev.gatehouse.testing.Http;
import dev.gatehouse.testing.NodeProcess;
import dev.gatehouse.testing.TempTree;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A node on its own embedded PostgreSQL, killed outright (SIGKILL, as the OOM killer does): the first start
 * after it succeeds over the same data directory and has every acknowledged write, whether the database
 * went down with the node or was left running as an orphan.
 */
class EmbeddedCrashIT {

    @Test
    void sigkill_takesTheDatabaseDownWithTheNode_andTheFirstRestartSucceedsWithTheData() throws IOException {
        Path dataDir = Files.createTempDirectory("gatehouse-embedded-crash");
        long postmaster = 0;
        try {
            NodeProcess node = NodeProcess.startEmbedded(dataDir);
            long orgId;
            try {
                orgId = createOrg(node.service());
                postmaster = postmasterPid(dataDir);
                node.kill();
            } finally {
                node.close();
            }
            long killed = postmaster;
            Await.until(Duration.ofSeconds(60), "the database of the killed node has stopped", () -> !alive(killed));

            assertRestartSucceeds(dataDir, orgId, killed);
        } finally {
            stopIfAlive(postmaster);
            TempTree.delete(dataDir);
        }
    }

    @Test
    void aSignalToTheWholeProcessGroup_whileTheNodeCannotStopItself_stillTakesTheDatabaseDown() throws IOException {
        Path dataDir = Files.createTempDirectory("gatehouse-embedded-group-signal");
        long postmaster = 0;
        try {
            NodeProcess node = NodeProcess.startEmbedded(dataDir);
            try {
                createOrg(node.service());
                postmaster = postmasterPid(dataDir);
                node.signalDescendantsThenKill();
            } finally {
                node.close();
            }
            long killed = postmaster;
            Await.until(Duration.ofSeconds(60), "the database of the node has stopped (its watchdog outlived the "
                    + "signal)", () -> !alive(killed));
        } finally {
            stopIfAlive(postmaster);
            TempTree.delete(dataDir);
        }
    }

    @Test
    void sigkillOfTheNodeAndAllItsChildren_leavesAnOrphanedDatabase_whichTheFirstRestartStopsAndReplaces()
            throws IOException {
        Path dataDir = Files.createTempDirectory("gatehouse-embedded-orphan");
        long postmaster = 0;
        try {
            NodeProcess node = NodeProcess.startEmbedded(dataDir);
            long orgId;
            try {
                orgId = createOrg(node.service());
                postmaster = postmasterPid(dataDir);
                node.killWithDescendants();
            } finally {
                node.close();
            }
            assertThat(alive(postmaster)).as("the database outlived its node: an orphan holding the data directory")
                    .isTrue();

            assertRestartSucceeds(dataDir, orgId, postmaster);
            assertThat(alive(postmaster)).as("the orphan was stopped").isFalse();
        } finally {
            stopIfAlive(postmaster);
            TempTree.delete(dataDir);
        }
    }

    /** Starts a node over {@code dataDir} once: it must come up, on a new database server, with the organization. */
    private static void assertRestartSucceeds(Path dataDir, long orgId, long previousPostmaster) {
        NodeProcess restarted = NodeProcess.startEmbedded(dataDir);
        try {
            Http api = restarted.service();
            assertThat(api.get("/readyz").status()).isEqualTo(200);
            Http.Res org = api.get("/v1/orgs/" + orgId);
            assertThat(org.status()).as(org.toString()).isEqualTo(200);
            assertThat(org.get("name").stringValue()).isEqualTo("Survivor");
            long postmaster = postmasterPid(dataDir);
            assertThat(postmaster).isNotEqualTo(previousPostmaster);
            assertThat(restarted.terminate()).as("exit code after SIGTERM; stderr:\n%s", restarted.stderr()).isZero();
            assertThat(alive(postmaster)).as("a clean stop stops the database too").isFalse();
        } finally {
            restarted.close();
        }
    }

    private static long createOrg(Http api) {
        Http.Res org = api.post("/v1/orgs", Map.of("name", "Survivor", "model", "close",
                "admin", Map.of("user_id", "admin", "email", "admin@example.com")));
        assertThat(org.status()).as(org.toString()).isEqualTo(201);
        return org.json().get("id").longValue();
    }

    private static long postmasterPid(Path dataDir) {
        try {
            return Long.parseLong(Files.readAllLines(dataDir.resolve("postgres").resolve("postmaster.pid")).get(0).strip());
        } catch (IOException e) {
            throw new AssertionError("no postmaster.pid under " + dataDir, e);
        }
    }

    private static boolean alive(long pid) {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    /** Leaves no database server behind when an assertion failed half way. */
    private static void stopIfAlive(long pid) {
        if (pid > 0) {
            ProcessHandle.of(pid).filter(ProcessHandle::isAlive).ifPresent(ProcessHandle::destroy);
        }
    }
}
