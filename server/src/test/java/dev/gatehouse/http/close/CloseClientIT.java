package dev.gatehouse.http.close;

import dev.gatehouse.json.Json;
import dev.gatehouse.testing.TestNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Close's own npm client ({@code close.io} 1.3.0, unchanged except for the base URL) against a real node:
 * server/src/test/node/close/script.js runs a sequence of calls and prints each outcome. The client resolves
 * only on HTTP 200, so Close's 201s arrive as rejections carrying the body and its 204s as rejections
 * carrying the number 204; the assertions expect exactly that.
 */
class CloseClientIT {

    private static final Path PROJECT = Path.of("src/test/node/close");

    static TestNode node;

    @BeforeAll
    static void start() {
        node = TestNode.start();
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    /** A step's outcome as the script printed it. */
    private record Outcome(boolean resolved, JsonNode value) {
    }

    @Test
    void closesNpmClient_managesRolesMembershipsGroupsWebhooksAndReadsEvents() throws Exception {
        CloseFixtures close = new CloseFixtures(node);
        var org = close.org();
        String adminUserId = org.org().json().get("admin_member").get("user_id").stringValue();
        Map<String, Outcome> steps = run(org.org().adminKey());

        assertThat(resolved(steps, "me").get("id").stringValue()).isEqualTo(adminUserId);
        assertThat(resolved(steps, "organization.read").get("id").stringValue()).isEqualTo(org.closeId());
        assertThat(resolved(steps, "user.read").get("id").stringValue()).isEqualTo(adminUserId);
        assertThat(resolved(steps, "role.list").get("data")).hasSize(4);

        JsonNode role = rejected(steps, "role.create");
        assertThat(role.get("id").stringValue()).matches("role_[0-9A-Za-z]{43}");
        assertThat(resolved(steps, "role.read").get("name").stringValue()).isEqualTo("Account Manager");
        assertThat(resolved(steps, "role.update").get("name").stringValue()).isEqualTo("Key Account Manager");
        assertThat(rejected(steps, "role.invalid").get("field-errors").has("name")).isTrue();
        assertThat(rejected(steps, "role.invalid.item").get("field-errors").propertyNames())
                .containsExactly("permissions");
        assertThat(rejected(steps, "role.duplicate").get("error").stringValue()).contains(role.get("id").stringValue())
                .doesNotContainPattern("(organization|id) \\d");

        JsonNode membership = resolved(steps, "membership.create");
        assertThat(membership.get("role_id").stringValue()).isEqualTo(role.get("id").stringValue());
        assertThat(membership.get("user_id").stringValue()).matches("user_[0-9A-Za-z]{43}");
        assertThat(rejected(steps, "role.delete.held").get("error").stringValue()).contains("role_id");
        JsonNode updated = resolved(steps, "membership.update");
        assertThat(updated.get("role_id").stringValue()).isEqualTo("user");
        assertThat(updated.get("auto_record_calls").stringValue()).isEqualTo("enabled");
        assertThat(resolved(steps, "membership.bulk").get("count").intValue()).isEqualTo(1);
        assertThat(resolved(steps, "role.delete").isEmpty()).isTrue();
        assertThat(rejected(steps, "role.read.deleted").get("error").stringValue()).contains("not found");
        assertThat(resolved(steps, "pinned_views.update").get("saved_view_ids")).hasSize(2);

        JsonNode group = rejected(steps, "group.create");
        assertThat(group.get("id").stringValue()).matches("group_[0-9A-Za-z]{22}");
        assertThat(group.get("members")).isEmpty();
        assertThat(rejected(steps, "group.member.add").get("user_id").stringValue())
                .isEqualTo(membership.get("user_id").stringValue());
        assertThat(resolved(steps, "group.read").get("members")).hasSize(1);
        assertThat(rejected(steps, "group.member.remove").intValue()).isEqualTo(204);
        assertThat(rejected(steps, "group.delete").intValue()).isEqualTo(204);

        JsonNode events = resolved(steps, "event.search");
        assertThat(events.get("data")).isNotEmpty().allSatisfy(e ->
                assertThat(e.get("object_type").stringValue()).isEqualTo("membership"));
        JsonNode event = resolved(steps, "event.read");
        assertThat(event.get("id").stringValue()).isEqualTo(events.get("data").get(0).get("id").stringValue());
        assertThat(event.get("data").get("id").stringValue()).isEqualTo(membership.get("id").stringValue());
        assertThat(event.get("data").propertyNames()).containsAll(membership.propertyNames());
        assertThat(resolved(steps, "event.search.capped").get("data")).isNotEmpty().hasSizeLessThanOrEqualTo(50);
        assertThat(resolved(steps, "organization.update").get("name").stringValue()).isEqualTo("Renamed by npm");

        JsonNode hook = rejected(steps, "webhook.create");
        assertThat(hook.get("id").stringValue()).matches("whsub_[0-9A-Za-z]{22}");
        assertThat(hook.get("signature_key").stringValue()).matches("[0-9a-f]{64}");
        assertThat(resolved(steps, "webhook.list").get("data")).extracting(h -> h.get("id").stringValue())
                .containsExactly(hook.get("id").stringValue());
        assertThat(resolved(steps, "webhook.pause").get("status").stringValue()).isEqualTo("paused");
        assertThat(resolved(steps, "webhook.read").get("pause_reason").stringValue()).isEqualTo("api");
        assertThat(rejected(steps, "webhook.invalid").get("field-errors").has("events")).isTrue();
        assertThat(resolved(steps, "webhook.delete").isEmpty()).isTrue();
        assertThat(rejected(steps, "webhook.read.deleted").get("error").stringValue()).contains("not found");
        assertThat(resolved(steps, "membership.delete").isEmpty()).isTrue();

        assertThat(node.service().get(org.path()).json().get("name").stringValue()).isEqualTo("Renamed by npm");
        assertThat(node.service().get(org.path() + "/members/" + membership.get("user_id").stringValue()).json()
                .get("status").stringValue()).isEqualTo("deactivated");
    }

    private static JsonNode resolved(Map<String, Outcome> steps, String step) {
        Outcome o = steps.get(step);
        assertThat(o).as("step " + step).isNotNull();
        assertThat(o.resolved()).as(step + " resolved: " + o.value()).isTrue();
        return o.value();
    }

    private static JsonNode rejected(Map<String, Outcome> steps, String step) {
        Outcome o = steps.get(step);
        assertThat(o).as("step " + step).isNotNull();
        assertThat(o.resolved()).as(step + " rejected: " + o.value()).isFalse();
        return o.value();
    }

    private static Map<String, Outcome> run(String key) throws IOException, InterruptedException {
        if (!Files.isDirectory(PROJECT.resolve("node_modules"))) {
            exec(List.of("npm", "ci", "--no-audit", "--no-fund"), 300);
        }
        String out = exec(List.of("node", "script.js", node.baseUrl(), key), 120);
        Map<String, Outcome> steps = new LinkedHashMap<>();
        for (String line : out.split("\n")) {
            if (line.startsWith("{")) {
                JsonNode step = Json.readTree(line);
                steps.put(step.get("step").stringValue(), new Outcome("resolved".equals(step.get("outcome").stringValue()),
                        step.get("value")));
            }
        }
        assertThat(out).as(out).contains("DONE");
        return steps;
    }

    private static String exec(List<String> command, int timeoutSeconds) throws IOException, InterruptedException {
        Path log = Files.createTempFile("close-client", ".log");
        Process process = new ProcessBuilder(command).directory(PROJECT.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        boolean finished = process.waitFor(timeoutSeconds, TimeUnit.SECONDS);
        if (!finished) {
            process.destroyForcibly();
        }
        String output = Files.readString(log, StandardCharsets.UTF_8);
        Files.deleteIfExists(log);
        assertThat(finished).as(command + " timed out:\n" + output).isTrue();
        assertThat(process.exitValue()).as(command + " failed:\n" + output).isZero();
        return output;
    }
}
