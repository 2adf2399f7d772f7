package dev.gatehouse.cli;

import dev.gatehouse.json.Json;
import dev.gatehouse.testing.Fixtures;
import dev.gatehouse.testing.TestNode;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import picocli.CommandLine;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code gatehouse export} and {@code gatehouse import} against a real server: an export written by the one is
 * imported by the other into a new organization, with progress shown as chunks commit; a failing line exits 1
 * and says where to resume; a bad key or an unreadable file exits 2.
 */
class BulkCommandsIT {

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

    /** What a command printed and how it exited. */
    record Run(int exit, String out, String err) {
    }

    static synchronized Run run(Object command, String... args) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream outBytes = new ByteArrayOutputStream();
        ByteArrayOutputStream errBytes = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(outBytes, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(errBytes, true, StandardCharsets.UTF_8));
            int exit = new CommandLine(command).execute(args);
            return new Run(exit, outBytes.toString(StandardCharsets.UTF_8), errBytes.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
    }

    @Test
    void exportThenImport_copiesAnOrganization_showingProgress() throws IOException {
        Fixtures.Org source = fx.org("close");
        long role = fx.role(source, Map.of("name", "Caller", "permissions", List.of("calling", "view_all_leads")));
        for (int i = 0; i < 5; i++) {
            fx.member(source, "m" + i, role);
        }
        Run exported = run(new ExportCommand(), "--org", String.valueOf(source.id()), "--url", node.baseUrl(),
                "--key", TestNode.SERVICE_KEY);
        assertThat(exported.exit()).as(exported.err()).isZero();
        assertThat(exported.err()).contains("at revision");
        Path file = Files.createTempFile("gatehouse-export", ".ndjson");
        Files.writeString(file, exported.out());

        Fixtures.Org copy = fx.org("close");
        Run imported = run(new ImportCommand(), "--org", String.valueOf(copy.id()), "--url", node.baseUrl(),
                "--key", TestNode.SERVICE_KEY, "--chunk-lines", "2", file.toString());

        assertThat(imported.exit()).as(imported.err()).isZero();
        assertThat(imported.err()).contains("lines committed");
        assertThat(Json.readTree(imported.out().strip()).get("counts").get("member").get("created").longValue())
                .isEqualTo(6);
        assertThat(node.service().get(copy.path() + "/members/m4").status()).isEqualTo(200);
    }

    @Test
    void aFailingLine_exitsOne_andSaysWhereToResume() throws IOException {
        Fixtures.Org org = fx.org("close");
        Path file = Files.createTempFile("gatehouse-import", ".ndjson");
        Files.writeString(file, String.join("\n",
                Json.writeString(Map.of("type", "member", "user_id", "a", "email", "a@example.com", "role", "User")),
                Json.writeString(Map.of("type", "member", "user_id", "b", "email", "b@example.com", "role", "Nope")))
                + "\n");
        Run run = run(new ImportCommand(), "--org", String.valueOf(org.id()), "--url", node.baseUrl(), "--key",
                TestNode.SERVICE_KEY, "--chunk-lines", "1", file.toString());
        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.err()).contains("line 2: ").contains("--from-line 2");
    }

    @Test
    void aFailingFirstLine_exitsOne_withNothingCommitted() throws IOException {
        Fixtures.Org org = fx.org("close");
        Path file = Files.createTempFile("gatehouse-import", ".ndjson");
        Files.writeString(file, "{\"type\": \"member\", \"user_id\": \"a\", \"colour\": \"red\"}\n");
        Run run = run(new ImportCommand(), "--org", String.valueOf(org.id()), "--url", node.baseUrl(), "--key",
                TestNode.SERVICE_KEY, file.toString());
        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.err()).contains("line 1: ").contains("nothing is committed");
        assertThat(node.service().get(org.path() + "/members/a").status()).isEqualTo(404);
    }

    @Test
    void standardInput_isImported() {
        Fixtures.Org org = fx.org("close");
        InputStream in = System.in;
        try {
            System.setIn(new ByteArrayInputStream(Json.writeString(Map.of("type", "member", "user_id", "s",
                    "email", "s@example.com", "role", "User")).getBytes(StandardCharsets.UTF_8)));
            Run run = run(new ImportCommand(), "--org", String.valueOf(org.id()), "--url", node.baseUrl(), "--key",
                    TestNode.SERVICE_KEY, "-");
            assertThat(run.exit()).as(run.err()).isZero();
        } finally {
            System.setIn(in);
        }
        assertThat(node.service().get(org.path() + "/members/s").status()).isEqualTo(200);
    }

    @Test
    @Timeout(120) // before the refusal was asked for first, the import could wait forever for its answer
    void aBadKey_exitsTwo() throws IOException {
        Run export = run(new ExportCommand(), "--org", "1", "--url", node.baseUrl(), "--key", "not-a-key");
        assertThat(export.exit()).isEqualTo(2);
        assertThat(export.err()).contains("401");

        // large enough that the refusal comes while the body would still be on its way
        Path file = Files.createTempFile("gatehouse-import", ".ndjson");
        Files.writeString(file, "{\"type\": \"group\", \"name\": \"G\"}\n".repeat(500_000));
        Run imported = run(new ImportCommand(), "--org", "1", "--url", node.baseUrl(), "--key", "not-a-key",
                file.toString());
        assertThat(imported.exit()).isEqualTo(2);
        assertThat(imported.err()).contains("401");
    }

    @Test
    void aMissingFile_exitsTwo_withoutCallingTheServer() {
        Run run = run(new ImportCommand(), "--org", "1", "--url", "http://127.0.0.1:1", "--key", "k",
                "/nonexistent/gatehouse.ndjson");
        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.err()).contains("cannot read /nonexistent/gatehouse.ndjson");
    }
}
