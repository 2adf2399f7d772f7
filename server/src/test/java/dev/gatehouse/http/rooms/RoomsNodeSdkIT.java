package dev.gatehouse.http.rooms;

import dev.gatehouse.json.Json;
import dev.gatehouse.testing.Fixtures;
import dev.gatehouse.testing.Http;
import dev.gatehouse.testing.TestNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * DocuSign's Node SDKs for Rooms, unchanged — {@code docusign-rooms} 3.0.0 and 2.0.0 (the version DocuSign's
 * official code examples pin), installed from npm under server/src/test/node/rooms — against a real node:
 * script.js creates roles, users, rooms and room users through the SDK, pages through every list the usual way
 * ({@code while (page.nextUri)}) and prints each step's outcome, which the assertions read.
 */
class RoomsNodeSdkIT {

    private static final Path PROJECT = Path.of("src/test/node/rooms");

    static TestNode node;
    static Fixtures fx;

    @BeforeAll
    static void start() throws IOException, InterruptedException {
        node = TestNode.start();
        fx = new Fixtures(node);
        if (!Files.isDirectory(PROJECT.resolve("node_modules"))) {
            exec(List.of("npm", "ci", "--no-audit", "--no-fund"), 300);
        }
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    /** A step's outcome as the script printed it. */
    record Outcome(boolean resolved, JsonNode value) {
    }

    @ParameterizedTest
    @ValueSource(strings = {"docusign-rooms-3", "docusign-rooms-2"})
    void nodeSdk_drivesTheRoomsDialect_andPagesThroughEveryList(String sdk) throws Exception {
        Fixtures.Org org = fx.org("rooms");
        Map<String, Outcome> steps = run(sdk, org);

        assertPaged(steps, "page.roles", 5, 3);
        assertPaged(steps, "page.users", 5, 3);
        assertPaged(steps, "page.offices", 3, 2);
        assertPaged(steps, "page.regions", 3, 2);
        assertPaged(steps, "page.rooms", 3, 2);
        assertPaged(steps, "page.room.users", 5, 3);
        assertPaged(steps, "page.assignable.roles", 3, 2);
        JsonNode office = resolved(steps, "office.create");
        assertThat(resolved(steps, "office.get").get("city").stringValue()).isEqualTo("Nodeville");
        assertThat(resolved(steps, "region.get").get("name").stringValue()).isEqualTo("North");
        assertThat(resolved(steps, "esign.profiles").get("permissionProfiles")).hasSize(3);
        assertThat(resolved(steps, "user.invite.withOffice").get("defaultOfficeId").intValue())
                .isEqualTo(office.get("officeId").intValue());
        JsonNode placed = resolved(steps, "user.placed");
        assertThat(placed.get("offices")).isEmpty();
        assertThat(ints(placed.get("regions"))).containsExactly(office.get("regionId").intValue());
        resolved(steps, "user.reinvite");
        assertThat(placed.get("status").stringValue()).as("invited, not yet accepted").isEqualTo("Pending");
        assertThat(rejected(steps, "user.addToOffice.missing").get("status").intValue()).isEqualTo(400);
        JsonNode inUse = rejected(steps, "office.delete.inUse");
        assertThat(inUse.get("status").intValue()).isEqualTo(409);
        assertThat(inUse.at("/body/errorCode").stringValue()).isEqualTo("OFFICE_IN_USE");
        assertThat(resolved(steps, "users.pending").get("userSummaries").valueStream()
                .map(u -> u.get("email").stringValue()).toList())
                .containsExactlyInAnyOrder("ola@node.test", "ann@node.test", "ben@node.test", "cid@node.test");
        assertThat(resolved(steps, "users.active").get("userSummaries").valueStream()
                .map(u -> u.get("status").stringValue()).toList()).isNotEmpty().containsOnly("Active");

        JsonNode dee = resolved(steps, "room.user.invite.Dee");
        assertThat(resolved(steps, "room.user.invite.again").get("userId").intValue())
                .isEqualTo(dee.get("userId").intValue());
        JsonNode badSide = rejected(steps, "room.user.invite.badSide");
        assertThat(badSide.get("status").intValue()).isEqualTo(400);
        assertThat(badSide.at("/body/message").stringValue()).contains("transactionSideId");
        JsonNode room = resolved(steps, "room.create");
        resolved(steps, "room.user.revoke.later");
        JsonNode fay = resolved(steps, "room.user.invite.Fay");
        assertThat(node.service().post(org.path() + "/check", Map.of("member_id", fay.get("userId").intValue(),
                "permission", "canViewRoomDetails", "resource", Map.of("type", "room", "id",
                        String.valueOf(room.get("roomId").intValue())))).get("allowed").booleanValue())
                .as("a revocation dated tomorrow keeps access until then").isTrue();
        resolved(steps, "room.user.restore.cancels");
        JsonNode gus = resolved(steps, "room.user.invite.Gus");
        Http.Res gusRole = node.service().get(org.path() + "/resources/room/" + room.get("roomId").intValue()
                + "/assignments/" + gus.get("userId").intValue());
        assertThat(gusRole.status()).as(gusRole.toString()).isEqualTo(200);
        assertThat(gusRole.json().get("expires_at").isNull()).as("restoring cancelled the scheduled end").isTrue();
        assertThat(resolved(steps, "room.fieldData.get").at("/data/address1").stringValue()).isEqualTo("1 Node Street");
        JsonNode updated = resolved(steps, "room.fieldData.update").get("data");
        assertThat(updated.get("address1").stringValue()).isEqualTo("1 Node Street");
        assertThat(updated.get("city").stringValue()).isEqualTo("Nodeville");
        assertThat(resolved(steps, "rooms.changedSince.past").get("rooms")).hasSize(3);
        assertThat(resolved(steps, "rooms.changedSince.future").get("rooms")).isEmpty();
        assertThat(room.get("roomId").intValue()).isPositive();

        List<Integer> roleIds = new ArrayList<>();
        node.service().get(org.path() + "/roles").json().get("items").forEach(r -> roleIds.add(r.get("id").intValue()));
        assertThat(ints(resolved(steps, "page.roles").get("ids"))).containsExactlyElementsOf(roleIds);
    }

    /** The loop ended by itself after {@code pages} pages, having seen each of the {@code total} items once. */
    private static void assertPaged(Map<String, Outcome> steps, String step, int total, int pages) {
        JsonNode paged = resolved(steps, step);
        assertThat(paged.get("ended").booleanValue()).as(step + ": " + paged).isTrue();
        assertThat(paged.get("lastNextUri").stringValue()).as(step).isEqualTo("absent");
        assertThat(paged.get("pages").intValue()).as(step + ": " + paged).isEqualTo(pages);
        assertThat(paged.get("total").intValue()).as(step).isEqualTo(total);
        assertThat(ints(paged.get("ids"))).as(step).hasSize(total).doesNotHaveDuplicates();
    }

    static List<Integer> ints(JsonNode array) {
        List<Integer> out = new ArrayList<>();
        array.forEach(n -> out.add(n.intValue()));
        return out;
    }

    static JsonNode resolved(Map<String, Outcome> steps, String step) {
        Outcome o = steps.get(step);
        assertThat(o).as("step " + step).isNotNull();
        assertThat(o.resolved()).as(step + " resolved: " + o.value()).isTrue();
        return o.value();
    }

    /** A step that failed: its {@code {status, body}} (the ApiError). */
    static JsonNode rejected(Map<String, Outcome> steps, String step) {
        Outcome o = steps.get(step);
        assertThat(o).as("step " + step).isNotNull();
        assertThat(o.resolved()).as(step + " rejected: " + o.value()).isFalse();
        return o.value();
    }

    /** Runs script.js with one SDK as the organization's admin; the last outcome of each step name is kept. */
    private static Map<String, Outcome> run(String sdk, Fixtures.Org org) throws IOException, InterruptedException {
        String out = exec(List.of("node", "script.js", sdk, node.baseUrl(), org.adminKey(), org.accountId()), 180);
        Map<String, Outcome> steps = new LinkedHashMap<>();
        for (String line : out.split("\n")) {
            if (line.startsWith("{")) {
                JsonNode step = Json.readTree(line);
                steps.put(step.get("step").stringValue(),
                        new Outcome("resolved".equals(step.get("outcome").stringValue()), step.get("value")));
            }
        }
        assertThat(out).as(out).contains("DONE");
        return steps;
    }

    private static String exec(List<String> command, int timeoutSeconds) throws IOException, InterruptedException {
        Path log = Files.createTempFile("rooms-node-sdk", ".log");
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
