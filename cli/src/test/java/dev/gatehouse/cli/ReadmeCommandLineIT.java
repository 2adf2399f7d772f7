package dev.gatehouse.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.json.Json;
import dev.gatehouse.testing.Http;
import dev.gatehouse.testing.TestNode;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's "The command line" block, line by line, against a real server holding the walkthrough's
 * organization ({@code $ORG}): each {@code ./gatehouse} line runs as written (with {@code $ORG} substituted, its
 * {@code > file} redirect and the {@code cat > … <<'EOF'} file honoured), exits as its comment says, and answers
 * what the walkthrough leads the reader to expect. {@code events --follow}, which runs until Ctrl-C, is given
 * {@code --after-revision 0 --limit 3} so that it ends.
 */
class ReadmeCommandLineIT {

    static TestNode node;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        node = TestNode.start();
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    @Test
    void everyCommandOfTheReadme_runsAsWritten() throws IOException {
        Http.Res org = node.service().post("/v1/orgs", Json.readTree("""
                {"name": "Acme", "model": "rooms", "admin": {"user_id": "u-ada", "email": "ada@acme.test"}}"""));
        assertThat(org.status()).isEqualTo(201);
        String orgId = String.valueOf(org.get("id").longValue());

        List<String> lines = readmeBlock();
        assertThat(lines.get(0)).startsWith("export GATEHOUSE_URL=http://localhost:8080 "
                + "GATEHOUSE_KEY=my-very-secret-service-key");
        Map<String, Cli.Run> runs = new LinkedHashMap<>();
        for (int i = 1; i < lines.size(); i++) {
            String line = lines.get(i);
            Matcher heredoc = Pattern.compile("^cat > (\\S+) <<'EOF'$").matcher(line);
            if (heredoc.matches()) {
                StringBuilder text = new StringBuilder();
                while (!lines.get(++i).equals("EOF")) {
                    text.append(lines.get(i)).append('\n');
                }
                Files.writeString(dir.resolve(heredoc.group(1)), text.toString(), StandardCharsets.UTF_8);
                continue;
            }
            assertThat(line).as("a command line of the README").startsWith("./gatehouse ");
            List<String> args = new ArrayList<>(Arrays.asList(withoutComment(line).replace("$ORG", orgId)
                    .substring("./gatehouse ".length()).trim().split("\\s+")));
            String redirect = null;
            if (args.size() > 2 && args.get(args.size() - 2).equals(">")) {
                redirect = args.remove(args.size() - 1);
                args.remove(args.size() - 1);
            }
            if (args.contains("--follow")) {
                args.addAll(List.of("--after-revision", "0", "--limit", "3"));
            }
            args.replaceAll(arg -> arg.endsWith(".ndjson") || arg.endsWith(".yaml") ? dir.resolve(arg).toString()
                    : arg);
            Cli.Run run = Cli.run(Cli.env(node), new ByteArrayInputStream(new byte[0]), args.toArray(String[]::new));
            if (redirect != null) {
                Files.writeString(dir.resolve(redirect), run.out(), StandardCharsets.UTF_8);
            }
            runs.put(args.get(0) + (args.get(0).equals("roles") || args.get(0).equals("members")
                    ? " " + args.get(1) : ""), run);
        }

        assertThat(runs).containsOnlyKeys("roles create", "members add", "check", "export", "import", "apply",
                "events");
        runs.forEach((command, run) -> assertThat(run.exit()).as(command + ": " + run)
                .isEqualTo(command.equals("apply") ? 1 : 0));
        assertThat(runs.get("check").json().at("/explanation/path").stringValue()).isEqualTo("company_role");
        assertThat(runs.get("import").json().at("/counts/role/unchanged").intValue()).as("Closer").isEqualTo(1);
        assertThat(runs.get("import").json().at("/counts/member/unchanged").intValue()).as("u-ada, u-dee").isEqualTo(2);
        assertThat(runs.get("apply").out()).contains("~ role \"Closer\": permissions +canAddDocuments");
        assertThat(runs.get("events").out().lines()).hasSize(3);
    }

    /** The lines of the shell block under the README's "The command line". */
    private static List<String> readmeBlock() throws IOException {
        Path readme = Path.of("..", "README.md");
        String text = Files.readString(Files.exists(readme) ? readme : Path.of("README.md"), StandardCharsets.UTF_8);
        String section = text.substring(text.indexOf("## The command line"),
                text.indexOf("## Close and DocuSign Rooms clients"));
        Matcher block = Pattern.compile("```sh\\n(.*?)```", Pattern.DOTALL).matcher(section);
        assertThat(block.find()).as("a sh block under The command line").isTrue();
        return block.group(1).lines().toList();
    }

    private static String withoutComment(String line) {
        int comment = line.indexOf(" #");
        return comment < 0 ? line : line.substring(0, comment);
    }
}
