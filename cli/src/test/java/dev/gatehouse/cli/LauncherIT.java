package dev.gatehouse.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.gatehouse.testing.Fixtures;
import dev.gatehouse.testing.TestNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The repository's {@code ./gatehouse} launcher running the packaged jar: it runs in the build's integration-test
 * phase (cli/pom.xml), after the jar is made, so the launcher finds it up to date; the build passes the launcher's
 * path as {@code gatehouse.launcher} (in the test phase, where no jar exists yet, the class is skipped).
 */
class LauncherIT {

    static TestNode node;
    static Fixtures fx;
    static Path launcher;

    @BeforeAll
    static void start() {
        String path = System.getProperty("gatehouse.launcher");
        assumeTrue(path != null, "runs in the integration-test phase, after packaging");
        launcher = Path.of(path).toAbsolutePath().normalize();
        node = TestNode.start();
        fx = new Fixtures(node);
    }

    @AfterAll
    static void stop() {
        if (node != null) {
            node.close();
        }
    }

    static Cli.Run gatehouse(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(launcher.toString()));
        command.addAll(List.of(args));
        return Processes.run(command, Map.of("GATEHOUSE_URL", node.baseUrl(), "GATEHOUSE_KEY", TestNode.SERVICE_KEY,
                "HOME", "/nonexistent/gatehouse-test-home"), launcher.getParent());
    }

    @Test
    void theLauncher_runsEveryCommand_fromTheOneJar() throws Exception {
        Cli.Run help = gatehouse("--help");
        assertThat(help.exit()).as(help.toString()).isZero();
        assertThat(help.err()).as("an up-to-date jar is not rebuilt").doesNotContain("building");
        assertThat(help.out()).contains("serve").contains("check").contains("apply");
        Cli.Run serveHelp = gatehouse("serve", "--help");
        assertThat(serveHelp.exit()).isZero();
        assertThat(serveHelp.out()).contains("--data-dir").contains("--database-url");

        Fixtures.Org org = fx.org("rooms");
        fx.member(org, "u-lee", fx.role(org, "Agent", List.of("canCreateRooms")));
        String id = String.valueOf(org.id());
        assertThat(gatehouse("check", "--org", id, "--user", "u-lee", "--permission", "canCreateRooms").exit())
                .isZero();
        assertThat(gatehouse("check", "--org", id, "--user", "u-lee", "--permission", "canCloseRooms").exit())
                .isEqualTo(1);
        Cli.Run members = gatehouse("members", "list", "--org", id);
        assertThat(members.exit()).isZero();
        assertThat(members.json().findValuesAsString("user_id")).contains("u-lee");
    }
}
