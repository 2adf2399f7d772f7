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
 * went down with the node or was left running as an orphan. And the embedded PostgreSQL killed under a node that
 * keeps running: the node starts it again by itself, or, while it cannot, fails its liveness check.
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

    @Test
    void killedDatabase_isStartedAgainByTheRunningNode_andWritesSucceedWithoutARestartOfTheNode() throws IOException {
        Path dataDir = Files.createTempDirectory("gatehouse-embedded-database-killed");
        long killed = 0;
        long restarted = 0;
        try (NodeProcess node = NodeProcess.startEmbedded(dataDir)) {
            Http api = node.service();
            long orgId = createOrg(api);
            killed = postmasterPid(dataDir);
            ProcessHandle.of(killed).orElseThrow().destroyForcibly(); // SIGKILL, the Java process stays up
            long gone = killed;
            Await.until(Duration.ofSeconds(30), "the killed database server has exited", () -> !alive(gone));

            Await.until(Duration.ofSeconds(90), "a write succeeds again on the same node", () -> created(api));
            restarted = postmasterPid(dataDir);
            assertThat(restarted).as("a new database server").isNotEqualTo(killed);
            assertThat(alive(restarted)).isTrue();
            Http.Res org = api.get("/v1/orgs/" + orgId);
            assertThat(org.status()).as(org.toString()).isEqualTo(200);
            assertThat(api.get("/healthz").status()).isEqualTo(200);
            Await.until(Duration.ofSeconds(30), "the node is ready for writes again",
                    () -> api.get("/readyz/writes").status() == 200);
            // the keeper logs the restart once the new server is up, which a write can beat by a moment
            Await.until(Duration.ofSeconds(30), "the node has logged the database's restart", () -> {
                String log = node.stdout() + node.stderr();
                return log.contains("exited while Gatehouse was running") && log.contains("is running again");
            });

            assertThat(node.terminate()).as("exit code after SIGTERM; stderr:\n%s", node.stderr()).isZero();
            assertThat(alive(restarted)).as("a clean stop stops the database started again").isFalse();
        } finally {
            stopIfAlive(restarted);
            TempTree.delete(dataDir);
        }
    }

    @Test
    void databaseThatCannotStartAgain_failsTheLivenessCheck_untilItStarts() throws IOException {
        Path dataDir = Files.createTempDirectory("gatehouse-embedded-database-broken");
        long restarted = 0;
        try (NodeProcess node = NodeProcess.startEmbedded(dataDir)) {
            Http api = node.service();
            createOrg(api);
            long killed = postmasterPid(dataDir);
            Path version = dataDir.resolve("postgres").resolve("PG_VERSION");
            Path aside = dataDir.resolve("PG_VERSION.aside");
            Files.move(version, aside); // the running server does not look; a server starting refuses the directory
            ProcessHandle.of(killed).orElseThrow().destroyForcibly();

            Await.until(Duration.ofSeconds(120), "the node fails its liveness check",
                    () -> api.get("/healthz").status() == 503);
            assertThat(api.get("/readyz/writes").status()).isEqualTo(503);
            Http.Res ready = api.get("/readyz");
            assertThat(ready.status()).as("decisions are still answered from memory: %s", ready).isEqualTo(200);
            assertThat(ready.get("database").booleanValue()).isFalse();
            assertThat(created(api)).isFalse();

            Files.move(aside, version);
            Await.until(Duration.ofSeconds(120), "the database started again and the node is live",
                    () -> api.get("/healthz").status() == 200);
            Await.until(Duration.ofSeconds(60), "a write succeeds again", () -> created(api));
            restarted = postmasterPid(dataDir);
            assertThat(node.terminate()).as("exit code after SIGTERM; stderr:\n%s", node.stderr()).isZero();
        } finally {
            stopIfAlive(restarted);
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

    /** Whether a write (an organization created) succeeds now. */
    private static boolean created(Http api) {
        return api.post("/v1/orgs", Map.of("name", "After", "model", "close",
                "admin", Map.of("user_id", "admin", "email", "admin@example.com"))).status() == 201;
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
