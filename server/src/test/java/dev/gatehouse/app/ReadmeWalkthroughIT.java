package dev.gatehouse.app;

import dev.gatehouse.json.Json;
import dev.gatehouse.testing.TestNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The README's "Five minutes with curl", step by step against a real server on a fresh database: the same requests
 * (the same bodies, the service or admin key as the HTTP Basic user name with an empty password), and every answer
 * the README prints in a {@code # …} line after a command, read from the README itself and compared as JSON (a
 * line with {@code …} elided fields: those it shows). The walkthrough's {@code jq} projections are done here in
 * Java, since CI guarantees neither curl nor jq. A change to the walkthrough's answers or to the README's printed
 * ones fails here until both agree again.
 */
class ReadmeWalkthroughIT {

    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    static TestNode node;

    @BeforeAll
    static void start() {
        node = TestNode.start();
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    @Test
    void fiveMinutesWithCurl_answersWhatTheReadmePrints() throws Exception {
        String section = section("## Five minutes with curl", "## The admin console");
        List<String> printed = printedAnswers(section);
        assertThat(printed).as("the answers the README prints").hasSize(7);
        String sk = TestNode.SERVICE_KEY;

        assertThat(ids(call(sk, "GET", "/v1/models", null).json().get("items")))
                .containsExactly("close", "rooms", "rooms_v5");
        assertThat(section).contains("`close`, `rooms` and `rooms_v5`");

        JsonNode org = call(sk, "POST", "/v1/orgs", singleQuotedBody(section, "\"name\": \"Acme\"")).json();
        long orgId = org.get("id").longValue();
        String admin = org.at("/admin_key/key").stringValue();
        String orgPath = "/v1/orgs/" + orgId;
        List<JsonNode> roles = list(call(admin, "GET", orgPath + "/roles", null).json().get("items"));
        assertThat(roles).extracting(role -> role.get("default_for_admin").booleanValue()).contains(true);

        long agent = call(admin, "POST", orgPath + "/roles", singleQuotedBody(section, "\"name\": \"Agent\""))
                .json().get("id").longValue();
        long buyer = call(admin, "POST", orgPath + "/roles", singleQuotedBody(section, "\"name\": \"Buyer\""))
                .json().get("id").longValue();
        assertThat(call(admin, "POST", orgPath + "/members", "{\"user_id\": \"u-bob\", \"email\": \"bob@acme.test\", "
                + "\"role_id\": " + agent + "}").status()).isEqualTo(201);
        assertThat(call(admin, "POST", orgPath + "/members", singleQuotedBody(section, "\"user_id\": \"u-carl\""))
                .status()).isEqualTo(201);

        long adminRole = roles.stream().filter(role -> role.get("default_for_admin").booleanValue())
                .findFirst().orElseThrow().get("id").longValue();
        Answer room = call(admin, "POST", "/restapi/v2/accounts/" + org.get("account_id").stringValue() + "/rooms",
                "{\"name\": \"12 Elm Street\", \"roleId\": " + adminRole + "}");
        assertThat(room.status()).as(room.body()).isEqualTo(201);
        String roomId = room.json().get("roomId").asString();
        Answer assigned = call(admin, "PUT", orgPath + "/resources/room/" + roomId + "/assignments/u-carl",
                "{\"role_id\": " + buyer + "}");
        assertThat(assigned.status()).isEqualTo(200);
        assertThat(assigned.response().headers().firstValue("Gatehouse-Revision")).as("a write's revision")
                .hasValue("13");

        String inRoom = "\"resource\": {\"type\": \"room\", \"id\": \"" + roomId + "\"}";
        assertPrinted(printed.get(0), call(sk, "POST", orgPath + "/check",
                singleQuotedBody(section, "\"permission\": \"canCreateRooms\"")));
        assertPrinted(printed.get(1), call(sk, "POST", orgPath + "/check", "{\"user_id\": \"u-carl\", "
                + "\"permission\": \"canViewRoomDetails\", " + inRoom + ", \"explain\": true, \"min_revision\": 11}"));
        assertPrinted(printed.get(2), call(sk, "POST", orgPath + "/check/batch", "{\"checks\": ["
                + "{\"user_id\": \"u-carl\", \"permission\": \"canAddDocuments\", " + inRoom + "},"
                + "{\"user_id\": \"u-bob\", \"permission\": \"canViewRoomDetails\", " + inRoom + "}]}"));
        assertPrinted(printed.get(3), call(sk, "POST", orgPath + "/lookup/resources",
                singleQuotedBody(section, "\"type\": \"room\"")));
        Answer permissions = call(sk, "GET", orgPath + "/members/user:u-carl/permissions?resource_type=room"
                + "&resource_id=" + roomId, null);
        assertThat(ids(permissions.json().get("permissions"))).containsExactly("canViewRoomDetails");
        assertPrinted(printed.get(4), call(sk, "POST", orgPath + "/check",
                singleQuotedBody(section, "\"permission\": \"canFly\"")));

        JsonNode rolePreview = call(admin, "POST", orgPath + "/preview", "{\"role\": {\"id\": " + agent
                + ", \"permissions\": [\"canCreateRooms\", \"canAddDocuments\", \"canDeleteRooms\"]}}").json();
        ObjectNode gainsAndLosses = Json.object();
        var gains = gainsAndLosses.putArray("gains");
        for (JsonNode gain : rolePreview.get("gains")) {
            ObjectNode shown = gains.addObject();
            shown.set("permission", gain.get("permission"));
            shown.set("where", gain.get("where"));
            var members = shown.putArray("members");
            gain.at("/members/items").forEach(member -> members.add(member.get("user_id")));
        }
        var losses = gainsAndLosses.putArray("losses");
        rolePreview.get("losses").forEach(loss -> losses.add(loss.get("permission")));
        assertThat(gainsAndLosses).isEqualTo(Json.readTree(printed.get(5)));

        JsonNode removalPreview = call(admin, "POST", orgPath + "/preview", "{\"assignment\": {" + inRoom
                + ", \"user_id\": \"u-carl\", \"role_id\": null}}").json();
        List<JsonNode> removalLosses = new ArrayList<>();
        for (JsonNode loss : removalPreview.get("losses")) {
            ObjectNode shown = Json.object();
            shown.set("permission", loss.get("permission"));
            shown.set("where", loss.get("where"));
            shown.set("count", loss.at("/members/count"));
            removalLosses.add(shown);
        }
        assertThat(removalLosses).isEqualTo(list(Json.readTree(printed.get(6))));
    }

    /** The README's text from {@code start} to {@code end}. */
    private static String section(String start, String end) throws IOException {
        Path readme = Path.of("..", "README.md");
        String text = Files.readString(Files.exists(readme) ? readme : Path.of("README.md"), StandardCharsets.UTF_8);
        return text.substring(text.indexOf(start), text.indexOf(end));
    }

    /** Each {@code # {…}} or {@code # […]} line inside the section's shell blocks, in order. */
    private static List<String> printedAnswers(String section) {
        List<String> printed = new ArrayList<>();
        Matcher block = Pattern.compile("```sh\\n(.*?)```", Pattern.DOTALL).matcher(section);
        while (block.find()) {
            for (String line : block.group(1).split("\n")) {
                if (line.startsWith("# {") || line.startsWith("# [")) {
                    printed.add(line.substring(2));
                }
            }
        }
        return printed;
    }

    /** The README's single-quoted {@code -d '…'} body that contains {@code marker}. */
    private static String singleQuotedBody(String section, String marker) {
        Matcher body = Pattern.compile("-d '([^']*)'").matcher(section);
        while (body.find()) {
            if (body.group(1).contains(marker)) {
                return body.group(1);
            }
        }
        throw new AssertionError("no -d '…' body with " + marker + " in the README's walkthrough");
    }

    /**
     * The answer is the printed JSON; where the README elides fields ({@code "type":…}, a trailing {@code ,…}), the
     * answer holds every field it does show.
     */
    private static void assertPrinted(String printed, Answer answer) {
        if (!printed.contains("…")) {
            assertThat(answer.json()).as(answer.body()).isEqualTo(Json.readTree(printed));
            return;
        }
        JsonNode shown = Json.readTree(printed.replaceAll("\"\\w+\":…,", "").replace(",…}", "}"));
        assertThat(answer.status()).isEqualTo(shown.get("status").intValue());
        for (Map.Entry<String, JsonNode> field : shown.properties()) {
            assertThat(answer.json().get(field.getKey())).as(field.getKey() + " in " + answer.body())
                    .isEqualTo(field.getValue());
        }
    }

    private static List<JsonNode> list(JsonNode array) {
        return StreamSupport.stream(array.spliterator(), false).toList();
    }

    private static List<String> ids(JsonNode array) {
        return list(array).stream().map(item -> item.isString() ? item.stringValue() : item.get("id").stringValue())
                .toList();
    }

    /** One request as {@code curl -s -u "$KEY:"} sends it: the key as the Basic user name, an empty password. */
    private static Answer call(String key, String method, String path, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(node.baseUrl() + path))
                .timeout(Duration.ofSeconds(30))
                .header("Authorization", "Basic " + Base64.getEncoder()
                        .encodeToString((key + ":").getBytes(StandardCharsets.UTF_8)));
        if (body == null) {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            request.header("Content-Type", "application/json")
                    .method(method, HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        }
        HttpResponse<String> response = CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
        return new Answer(response);
    }

    private record Answer(HttpResponse<String> response) {

        int status() {
            return response.statusCode();
        }

        String body() {
            return response.body();
        }

        JsonNode json() {
            return Json.readTree(response.body());
        }
    }
}
