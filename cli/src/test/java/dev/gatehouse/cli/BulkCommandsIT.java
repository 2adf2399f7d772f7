package dev.gatehouse.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.gatehouse.json.Json;
import dev.gatehouse.testing.Fixtures;
import dev.gatehouse.testing.TestNode;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.Writer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code gatehouse export} and {@code gatehouse import} against a real server: an export written by the one is
 * imported by the other into a new organization, with progress shown as chunks commit; a failing line exits 1
 * and says where to resume; a bad key or an unreadable file exits 2.
 */
class BulkCommandsIT {

    /** Removed by JUnit after the test (a test leaves nothing in /tmp). */
    @TempDir
    Path temp;

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

    @Test
    void exportThenImport_copiesAnOrganization_showingProgress() throws IOException {
        Fixtures.Org source = fx.org("close");
        long role = fx.role(source, Map.of("name", "Caller", "permissions", List.of("calling", "view_all_leads")));
        for (int i = 0; i < 5; i++) {
            fx.member(source, "m" + i, role);
        }
        Cli.Run exported = Cli.run(node, "export", "--org", String.valueOf(source.id()));
        assertThat(exported.exit()).as(exported.toString()).isZero();
        assertThat(exported.err()).contains("at revision");
        String[] lines = exported.out().split("\n");
        assertThat(Json.readTree(lines[0]).get("type").stringValue()).isEqualTo("header");
        assertThat(lines).allSatisfy(line -> assertThat(Json.readTree(line).has("type")).isTrue());
        Path file = Files.createTempFile(temp, "gatehouse-export", ".ndjson");
        Files.writeString(file, exported.out());

        Fixtures.Org copy = fx.org("close");
        Cli.Run imported = Cli.run(node, "import", "--org", String.valueOf(copy.id()), "--chunk-lines", "2",
                file.toString());

        assertThat(imported.exit()).as(imported.toString()).isZero();
        assertThat(imported.err()).contains("lines committed");
        assertThat(Json.readTree(imported.out().strip()).get("counts").get("member").get("created").longValue())
                .isEqualTo(6);
        assertThat(node.service().get(copy.path() + "/members/m4").status()).isEqualTo(200);

        Cli.Run again = Cli.run(node, "import", "--org", String.valueOf(copy.id()), file.toString());
        assertThat(again.exit()).as(again.toString()).isZero();
        assertThat(Json.readTree(again.out().strip()).get("counts").get("member").get("created").longValue())
                .isZero();
    }

    @Test
    void aFailingLine_exitsOne_andSaysWhereToResume() throws IOException {
        Fixtures.Org org = fx.org("close");
        Path file = Files.createTempFile(temp, "gatehouse-import", ".ndjson");
        Files.writeString(file, String.join("\n",
                Json.writeString(Map.of("type", "member", "user_id", "a", "email", "a@example.com", "role", "User")),
                Json.writeString(Map.of("type", "member", "user_id", "b", "email", "b@example.com", "role", "Nope")))
                + "\n");
        Cli.Run run = Cli.run(node, "import", "--org", String.valueOf(org.id()), "--chunk-lines", "1",
                file.toString());
        assertThat(run.exit()).as(run.toString()).isEqualTo(1);
        assertThat(run.err()).contains("line 2: ").contains("--from-line 2");
        assertThat(node.service().get(org.path() + "/members/a").status()).isEqualTo(200);
        Cli.Run again = Cli.run(node, "import", "--org", String.valueOf(org.id()), "--from-line", "2",
                file.toString());
        assertThat(again.exit()).as(again.toString()).isEqualTo(1);
        assertThat(again.err()).as("the line skipped is not said to be committed by this run")
                .contains("nothing committed by this run, which skipped lines 1..1").doesNotContain("are committed");
    }

    @Test
    void aFailingFirstLine_exitsOne_withNothingCommitted() throws IOException {
        Fixtures.Org org = fx.org("close");
        Path file = Files.createTempFile(temp, "gatehouse-import", ".ndjson");
        Files.writeString(file, "{\"type\": \"member\", \"user_id\": \"a\", \"colour\": \"red\"}\n");
        Cli.Run run = Cli.run(node, "import", "--org", String.valueOf(org.id()), file.toString());
        assertThat(run.exit()).as(run.toString()).isEqualTo(1);
        assertThat(run.err()).contains("line 1: ").contains("nothing is committed");
        assertThat(node.service().get(org.path() + "/members/a").status()).isEqualTo(404);
    }

    /**
     * The result's counts are printed as the server answers them: the kinds in its order, and {@code grants} with
     * {@code kept} (a set stored for a member whose company role takes no grants: a {@code rooms_v5} Agent's Manager
     * flags). The command printed four counts per kind, in hash order.
     */
    @Test
    void theCounts_arePrintedAsTheServerAnswersThem_kindsInOrder_andTheGrantsKept() {
        String lines = Json.writeString(Map.of("type", "member", "user_id", "ann", "email", "ann@example.com",
                "role", "Agent")) + "\n" + Json.writeString(Map.of("type", "grants", "user_id", "ann",
                "permissions", List.of("canDeleteCompanyRooms"))) + "\n";
        Fixtures.Org org = fx.org("rooms_v5");
        Cli.Run run = Cli.runWithInput(node, lines, "import", "--org", String.valueOf(org.id()), "-");
        assertThat(run.exit()).as(run.toString()).isZero();

        Fixtures.Org direct = fx.org("rooms_v5");
        String answered = node.service().raw("POST", direct.path() + "/import", lines, "application/x-ndjson")
                .json().get("counts").toString();
        assertThat(answered).contains("\"grants\":{\"created\":1,\"updated\":0,\"deleted\":0,\"unchanged\":0,"
                + "\"kept\":1}");
        assertThat(Json.readTree(run.out().strip()).get("counts").toString()).isEqualTo(answered);
    }

    @Test
    void standardInput_isImported() {
        Fixtures.Org org = fx.org("close");
        Cli.Run run = Cli.runWithInput(node, Json.writeString(Map.of("type", "member", "user_id", "s",
                "email", "s@example.com", "role", "User")), "import", "--org", String.valueOf(org.id()), "-");
        assertThat(run.exit()).as(run.toString()).isZero();
        assertThat(node.service().get(org.path() + "/members/s").status()).isEqualTo(200);
    }

    @Test
    @Timeout(120)
    void aBadKey_exitsTwo() throws IOException {
        Map<String, String> env = Cli.env(node);
        env.put("GATEHOUSE_KEY", "not-a-key");
        Cli.Run export = Cli.run(env, System.in, "export", "--org", "1");
        assertThat(export.exit()).isEqualTo(2);
        assertThat(export.err()).contains("401");

        // large enough (15 MB) that the refusal comes while the body would still be on its way
        Path file = Files.createTempFile(temp, "gatehouse-import", ".ndjson");
        Files.writeString(file, "{\"type\": \"group\", \"name\": \"G\"}\n".repeat(500_000));
        Cli.Run imported = Cli.run(env, System.in, "import", "--org", "1", file.toString());
        assertThat(imported.exit()).as(imported.toString()).isEqualTo(2);
        assertThat(imported.err()).contains("401");
    }

    @Test
    void aMissingFile_exitsTwo_withoutCallingTheServer() {
        Map<String, String> env = Cli.env(node);
        env.put("GATEHOUSE_URL", "http://127.0.0.1:1");
        Cli.Run run = Cli.run(env, System.in, "import", "--org", "1", "/nonexistent/gatehouse.ndjson");
        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.err()).contains("cannot read /nonexistent/gatehouse.ndjson: no such file");
    }

    @Test
    void fromLinePastTheEnd_saysNothingWasCommitted() throws IOException {
        Fixtures.Org org = fx.org("close");
        Path file = Files.createTempFile(temp, "gatehouse-import", ".ndjson");
        Files.writeString(file, Json.writeString(Map.of("type", "member", "user_id", "a", "email", "a@example.com",
                "role", "User")) + "\n");
        Cli.Run run = Cli.run(node, "import", "--org", String.valueOf(org.id()), "--from-line", "50",
                file.toString());
        assertThat(run.exit()).as(run.toString()).isZero();
        assertThat(run.err()).contains("nothing committed: --from-line 50 is past the last line (1 line read, "
                + "every one skipped)").doesNotContain("1 of 1 line committed");
        assertThat(node.service().get(org.path() + "/members/a").status()).isEqualTo(404);

        Cli.Run whole = Cli.run(node, "import", "--org", String.valueOf(org.id()), file.toString());
        assertThat(whole.exit()).as(whole.toString()).isZero();
        assertThat(whole.err()).contains("1 of 1 line committed in 1 chunk, revision");
    }

    /**
     * Every summary counts one in the singular and any other number in the plural: an export of an organization with
     * nothing in it but its header once said "1 lines at revision".
     */
    @Test
    void summaries_sayOneLine_andTwoLines() throws IOException {
        long empty = node.service().post("/v1/orgs", Map.of("name", "Empty " + System.nanoTime(), "model", "close"))
                .json().get("id").longValue();
        Cli.Run exported = Cli.run(node, "export", "--org", String.valueOf(empty));
        assertThat(exported.exit()).as(exported.toString()).isZero();
        assertThat(exported.out().lines()).as(exported.toString()).hasSize(1);
        assertThat(exported.err()).as(exported.toString()).containsPattern("organization " + empty
                + ": 1 line at revision \\d+");

        Fixtures.Org org = fx.org("close");
        Path file = Files.createTempFile(temp, "gatehouse-import", ".ndjson");
        Files.writeString(file, Json.writeString(Map.of("type", "member", "user_id", "a", "email", "a@example.com",
                "role", "User")) + "\n" + Json.writeString(Map.of("type", "member", "user_id", "b", "email",
                "b@example.com", "role", "User")) + "\n");
        Cli.Run two = Cli.run(node, "import", "--org", String.valueOf(org.id()), file.toString());
        assertThat(two.exit()).as(two.toString()).isZero();
        assertThat(two.err()).contains("2 of 2 lines committed in 1 chunk, revision");
        Cli.Run skipped = Cli.run(node, "import", "--org", String.valueOf(org.id()), "--from-line", "9",
                file.toString());
        assertThat(skipped.err()).contains("past the last line (2 lines read, every one skipped)");
    }

    @Test
    void export_stops_whenStandardOutputCloses() throws IOException {
        Fixtures.Org org = withMembers("p", 2_500);
        StringBuilder received = new StringBuilder();
        Writer closingEarly = new Writer() {
            @Override
            public void write(char[] chars, int offset, int length) throws IOException {
                if (received.length() > 10_000) {
                    throw new IOException("Broken pipe");
                }
                received.append(chars, offset, length);
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Cli.Run run = Cli.run(Cli.env(node), System.in, closingEarly, "export", "--org", String.valueOf(org.id()));
        assertThat(run.exit()).as(run.toString()).isEqualTo(2);
        assertThat(run.err()).contains("the export is incomplete; stopped reading it at line 1000");
    }

    /**
     * A full disk or a file size limit met within the export's first 1,000 lines: it once said "standard output closed
     * after 1000 lines", when none of them (or some, the last cut) had been written.
     */
    @Test
    void anOutputFullBeforeItsThousandthLine_saysTheExportIsIncomplete_notThatLinesWereWritten() {
        Fixtures.Org org = withMembers("f", 1_100);
        for (int room : new int[] {0, 50_000}) {
            Cli.Run run = Cli.run(Cli.env(node), System.in, Cli.full(room), "export", "--org",
                    String.valueOf(org.id()));
            assertThat(run.exit()).as(run.toString()).isEqualTo(2);
            assertThat(run.err()).as(run.toString()).isEqualTo("gatehouse export: standard output could not be "
                    + "written whole (closed early, a full disk, a file size limit): the export is incomplete; "
                    + "stopped reading it at line 1000\n");
        }
    }

    @Test
    void anOutputThatCannotBeWrittenWhole_exitsTwo_neverCallingTheExportComplete() throws IOException {
        // a full disk or a file size limit cut the file mid-line, and the export said "10 lines" and exited 0
        Fixtures.Org org = fx.org("close");
        long role = fx.role(org, Map.of("name", "Caller", "permissions", List.of("calling", "view_all_leads")));
        for (int i = 0; i < 5; i++) {
            fx.member(org, "m" + i, role);
        }
        Cli.Run export = Cli.run(Cli.env(node), System.in, Cli.full(300), "export", "--org",
                String.valueOf(org.id()));
        assertThat(export.exit()).as(export.toString()).isEqualTo(2);
        assertThat(export.err()).contains("standard output could not be written whole").contains("the export is "
                + "incomplete").doesNotContain("at revision");

        Fixtures.Org target = fx.org("close");
        Path file = Files.createTempFile(temp, "gatehouse-import", ".ndjson");
        Files.writeString(file, Json.writeString(Map.of("type", "member", "user_id", "a", "email", "a@example.com",
                "role", "User")) + "\n");
        Cli.Run imported = Cli.run(Cli.env(node), System.in, Cli.full(0), "import", "--org",
                String.valueOf(target.id()), file.toString());
        assertThat(imported.exit()).as(imported.toString()).isEqualTo(2);
        assertThat(imported.err()).contains("gatehouse import: standard output could not be written");
    }

    @Test
    void aNamedPipe_isImported_asAStream() throws Exception {
        // import --org 8 <(zcat x.gz) was refused: "not a regular file"
        Fixtures.Org org = fx.org("close");
        Path pipe = Cli.pipe(temp, Json.writeString(Map.of("type", "member", "user_id", "piped", "email",
                "piped@example.com", "role", "User")) + "\n");
        Cli.Run run = Cli.run(node, "import", "--org", String.valueOf(org.id()), pipe.toString());
        assertThat(run.exit()).as(run.toString()).isZero();
        assertThat(node.service().get(org.path() + "/members/piped").status()).isEqualTo(200);
    }

    /** A close organization with {@code count} members ({@code prefix}0, {@code prefix}1, …), imported by the CLI. */
    private static Fixtures.Org withMembers(String prefix, int count) {
        Fixtures.Org org = fx.org("close");
        StringBuilder members = new StringBuilder();
        for (int i = 0; i < count; i++) {
            members.append(Json.writeString(Map.of("type", "member", "user_id", prefix + i, "email", prefix + i
                    + "@example.com", "role", "User"))).append('\n');
        }
        assertThat(Cli.runWithInput(node, members.toString(), "import", "--org", String.valueOf(org.id()), "-")
                .exit()).isZero();
        return org;
    }

    /**
     * A 200 that is no export — a proxy's HTML page, a JSON object — exits 2 and writes nothing (docs/cli.md: the
     * first line, a header, names the export): it once exited 0, the page written out as if it were the export.
     */
    @Test
    void export_ofAnAnswerThatIsNoExport_exits2_writingNothing() throws IOException {
        record NotAnExport(String contentType, String body, String says) {
        }
        List<NotAnExport> answers = List.of(
                new NotAnExport("text/html", "<html>hi</html>", "Content-Type is text/html"),
                new NotAnExport("application/json", "{\"items\": []}", "Content-Type is application/json"),
                new NotAnExport("application/x-ndjson", "{\"items\": []}\n", "its first line is not"),
                new NotAnExport("application/x-ndjson", "<html>hi</html>\n", "its first line is not"));
        for (NotAnExport answer : answers) {
            HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            server.createContext("/", exchange -> {
                byte[] bytes = answer.body().getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().add("Content-Type", answer.contentType());
                exchange.sendResponseHeaders(200, bytes.length);
                exchange.getResponseBody().write(bytes);
                exchange.close();
            });
            server.start();
            try {
                Map<String, String> env = new HashMap<>(Cli.env(node));
                env.put("GATEHOUSE_URL", "http://127.0.0.1:" + server.getAddress().getPort());
                for (List<String> scope : List.of(List.of("--org", "7"), List.of("--deployment"))) {
                    List<String> args = new ArrayList<>(List.of("export"));
                    args.addAll(scope);
                    Cli.Run run = Cli.run(env, new ByteArrayInputStream(new byte[0]),
                            args.toArray(String[]::new));
                    assertThat(run.exit()).as(answer + " " + scope + "\n" + run).isEqualTo(2);
                    assertThat(run.out()).as(answer + " " + scope).isEmpty();
                    assertThat(run.err()).as(answer + " " + scope).contains(answer.says());
                }
            } finally {
                server.stop(0);
            }
        }
    }
}
