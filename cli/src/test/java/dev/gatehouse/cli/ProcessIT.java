package dev.gatehouse.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.json.Json;
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
 * {@link GatehouseCli#main} in a process of its own against a real server: the exit status scripts see, the data
 * alone on standard output and the messages on standard error, the URL and key from the environment.
 */
class ProcessIT {

    static TestNode node;
    static Fixtures fx;

    @BeforeAll
    static void start() {
        node = TestNode.start();
        fx = new Fixtures(node);
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    static Cli.Run gatehouse(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-cp", System.getProperty("java.class.path"), GatehouseCli.class.getName()));
        command.addAll(List.of(args));
        return Processes.run(command, Map.of("GATEHOUSE_URL", node.baseUrl(), "GATEHOUSE_KEY", TestNode.SERVICE_KEY,
                "HOME", "/nonexistent/gatehouse-test-home"), Path.of("."));
    }

    @Test
    void check_exitStatus_andExport_toStandardOutput() throws Exception {
        Fixtures.Org org = fx.org("rooms");
        fx.member(org, "u-pat", fx.role(org, "Agent", List.of("canCreateRooms")));
        String id = String.valueOf(org.id());

        assertThat(gatehouse("check", "--org", id, "--user", "u-pat", "--permission", "canCreateRooms", "-q").exit())
                .isZero();
        Cli.Run denied = gatehouse("check", "--org", id, "--user", "u-pat", "--permission", "canCloseRooms");
        assertThat(denied.exit()).isEqualTo(1);
        assertThat(Json.readTree(denied.out()).get("allowed").booleanValue()).isFalse();
        Cli.Run error = gatehouse("check", "--org", id, "--user", "u-nobody", "--permission", "canCreateRooms");
        assertThat(error.exit()).isEqualTo(2);
        assertThat(error.out()).isEmpty();
        assertThat(error.err()).contains("404");

        Cli.Run export = gatehouse("export", "--org", id);
        assertThat(export.exit()).as(export.toString()).isZero();
        assertThat(export.out().lines()).allSatisfy(line -> assertThat(Json.readTree(line).has("type")).isTrue());
        assertThat(export.out()).contains("\"u-pat\"");
        assertThat(export.err()).contains("at revision").doesNotContain("\r");
    }
}
