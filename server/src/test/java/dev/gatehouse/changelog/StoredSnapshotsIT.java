package dev.gatehouse.changelog;

import dev.gatehouse.enginefeed.ChangeDecoder;
import dev.gatehouse.json.Json;
import dev.gatehouse.testing.Await;
import dev.gatehouse.testing.Fixtures;
import dev.gatehouse.testing.Golden;
import dev.gatehouse.testing.Http;
import dev.gatehouse.testing.TestDatabase;
import dev.gatehouse.testing.TestNode;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The stored shape of every object type's change-log snapshots, pinned: one scenario writes every object type with
 * every action it has through the public APIs (native, Close, Rooms), then, per object type, the field paths of
 * everything stored in {@code before}, {@code after}, {@code delta} and {@code objects}, each with the JSON kinds
 * seen there, are
 * compared with {@code src/test/resources/golden/changelog/<object_type>.json}.
 *
 * <p>These shapes are a storage format, shown as stored by the events API and webhooks and read back by the engine's
 * decoder: they are written by the change-log codecs, not by the native API's renderers, so an API change cannot
 * move them — and a codec change that would shows here. Every record read back decodes.
 */
class StoredSnapshotsIT {

    @Test
    void everyObjectType_storesItsPinnedShape_andEveryRecordDecodes() throws IOException {
        try (TestNode node = TestNode.start()) {
            writeEveryObjectType(node);

            List<ChangeRecord> records = TestDatabase.jdbi(node.databaseUrl())
                    .withHandle(h -> new ChangeLogStore().readAfter(h, 0, 10_000));
            Map<ObjectType, Map<String, Set<String>>> shapes = new HashMap<>();
            Map<ObjectType, Set<Action>> actions = new HashMap<>();
            for (ChangeRecord record : records) {
                Map<String, Set<String>> shape = shapes.computeIfAbsent(record.objectType(), t -> new TreeMap<>());
                collect(shape, "before", record.before());
                collect(shape, "after", record.after());
                collect(shape, "delta", record.delta());
                if (record.objects() != null) {
                    collect(shape, "objects", Json.readTree(record.objects()));
                }
                actions.computeIfAbsent(record.objectType(), t -> new HashSet<>()).add(record.action());
                ChangeDecoder.decode(record);
            }

            assertThat(shapes.keySet()).as("a record of every object type")
                    .containsExactlyInAnyOrderElementsOf(ObjectType.values());
            Golden golden = new Golden("changelog");
            for (ObjectType type : ObjectType.values()) {
                ObjectNode pinned = Json.object();
                ArrayNode stored = pinned.putArray("actions");
                Action.values().stream().filter(actions.get(type)::contains).forEach(action -> stored.add(action.wire()));
                ObjectNode fields = pinned.putObject("fields");
                shapes.get(type).forEach((path, kinds) -> fields.put(path, String.join(" | ", kinds)));
                golden.assertMatches(type.wire(), pinned);
            }
        }
    }

    /** Adds the kind of every value under {@code node} by its path ({@code a.b}, {@code a[]} for array items). */
    private static void collect(Map<String, Set<String>> shape, String path, JsonNode node) {
        if (node == null) {
            return;
        }
        if (node.isObject()) {
            shape.computeIfAbsent(path, p -> new TreeSet<>()).add("object");
            node.properties().forEach(field -> collect(shape, path + "." + field.getKey(), field.getValue()));
        } else if (node.isArray()) {
            shape.computeIfAbsent(path, p -> new TreeSet<>()).add("array");
            node.forEach(item -> collect(shape, path + "[]", item));
        } else {
            shape.computeIfAbsent(path, p -> new TreeSet<>()).add(node.isNull() ? "null" : node.isString() ? "string"
                    : node.isBoolean() ? "boolean" : node.isIntegralNumber() ? "integer" : "number");
        }
    }

    private static void writeEveryObjectType(TestNode node) throws IOException {
        Http service = node.service();
        try (InputStream in = StoredSnapshotsIT.class.getResourceAsStream("/models/docs.json")) {
            ok(service.post("/v1/models", Json.MAPPER.readTree(in)), 201);
        }
        Fixtures fx = new Fixtures(node);
        Fixtures.Org org = fx.org("docs");
        String path = org.path();
        ok(service.patch(path, Map.of("name", "Renamed")), 200);
        ok(service.delete(fx.org("docs").path()), 204);

        long editor = fx.role(org, "Editor", List.of("doc.read", "doc.write", "records.all"));
        long limited = fx.role(org, Map.of("name", "Limited", "permissions", List.of("doc.read"),
                "visibility", Map.of("user_field_ids", List.of("owner_id"), "unassigned", "allow_unassigned")));
        ok(service.patch(path + "/roles/" + limited, Map.of("description", "reads its own")), 200);
        ok(service.delete(path + "/roles/" + fx.role(org, "Short-lived", List.of("doc.read", "records.all"))), 204);

        long alice = fx.member(org, "alice", editor);
        long guest = fx.external(org, "guest");
        ok(service.patch(path + "/members/" + alice, Map.of("status", "deactivated")), 200);
        ok(service.patch(path + "/members/" + alice, Map.of("status", "active")), 200);
        ok(service.patch(path + "/members/" + alice, Map.of("first_name", "Alice")), 200);
        ok(service.delete(path + "/members/" + fx.member(org, "bob", editor)), 204);

        String assignment = path + "/resources/doc/d1/assignments/" + alice;
        ok(service.put(assignment, Map.of("role_id", editor)), 200);
        ok(service.put(assignment, Map.of("role_id", limited)), 200);
        ok(service.delete(assignment), 204);
        ok(service.put(path + "/resources/doc/d2/assignments/" + alice, Map.of("role_id", editor, "expires_at",
                java.time.Instant.now().plusSeconds(1).toString())), 200);
        ok(service.put(path + "/resources/room/r1/assignments/" + guest,
                Map.of("role_id", fx.role(org, Map.of("name", "Guest", "permissions", List.of("doc.read"), "external",
                        true, "visibility", Map.of("user_field_ids", List.of("owner_id"), "unassigned",
                                "require_assignment"))))), 200);

        String alicesDocs = String.join("\n",
                Json.writeString(Map.of("type", "assignment", "resource", Map.of("type", "doc", "id", "d3"),
                        "user_id", "alice", "role_id", editor)),
                Json.writeString(Map.of("type", "assignment", "resource", Map.of("type", "doc", "id", "d4"),
                        "user_id", "alice", "role_id", editor, "expires_at", "2031-01-01T00:00:00Z"))) + "\n";
        ok(service.raw("POST", path + "/import", alicesDocs, "application/x-ndjson"), 200);
        ok(service.raw("POST", path + "/import", Json.writeString(Map.of("type", "assignment", "resource",
                Map.of("type", "doc", "id", "d4"), "user_id", "alice", "role_id", limited)) + "\n",
                "application/x-ndjson"), 200);

        try (InputStream in = StoredSnapshotsIT.class.getResourceAsStream("/models/sites.json")) {
            ok(service.post("/v1/models", Json.MAPPER.readTree(in)), 201);
        }
        String sites = fx.org("sites").path();
        ok(service.put(sites + "/resources/region/eu", Map.of()), 201);
        ok(service.put(sites + "/resources/region/us", Map.of()), 201);
        ok(service.put(sites + "/resources/office/o1", Map.of("parent", Map.of("type", "region", "id", "eu"))), 201);
        ok(service.put(sites + "/resources/office/o1", Map.of("parent", Map.of("type", "region", "id", "us"))), 200);
        ok(service.delete(sites + "/resources/office/o1"), 204);

        try (InputStream in = StoredSnapshotsIT.class.getResourceAsStream("/models/grants.json")) {
            ok(service.post("/v1/models", Json.MAPPER.readTree(in)), 201);
        }
        Fixtures.Org granting = fx.org("grants");
        fx.member(granting, "mia", fx.roleId(granting, "Manager"));
        ok(service.put(granting.path() + "/members/mia/grants", Map.of("permissions", List.of("room.delete"))), 200);
        ok(service.put(granting.path() + "/members/mia/grants",
                Map.of("permissions", List.of("room.delete", "members.manage"))), 200);
        ok(service.put(granting.path() + "/members/mia/grants", Map.of("permissions", List.of())), 200);

        long group = ok(service.post(path + "/groups", Map.of("name", "Reps")), 201).get("id").longValue();
        ok(service.patch(path + "/groups/" + group, Map.of("name", "Sales reps")), 200);
        ok(service.post(path + "/groups/" + group + "/members", Map.of("member_id", alice)), 200, 201);
        ok(service.delete(path + "/groups/" + group), 204);

        String key = ok(service.post(path + "/members/" + alice + "/keys", Map.of("name", "laptop")), 201)
                .get("id").stringValue();
        ok(service.delete(path + "/members/" + alice + "/keys/" + key), 204);

        long webhook = ok(service.post(path + "/webhooks", Map.of("url", "https://example.com/hook",
                "status", "paused")), 201).get("id").longValue();
        ok(service.patch(path + "/webhooks/" + webhook, Map.of("description", "audit")), 200);
        ok(service.delete(path + "/webhooks/" + webhook), 204);

        Fixtures.Org rooms = fx.org("rooms");
        String base = "/restapi/v2/accounts/" + rooms.accountId();
        int adminRole = ok(rooms.admin().get(base + "/roles"), 200).get("roles").get(0).get("roleId").intValue();
        String roomsPath = rooms.path();
        int region = ok(service.post(roomsPath + "/regions", Map.of("name", "North")), 201).get("id").intValue();
        ok(service.patch(roomsPath + "/regions/" + region, Map.of("name", "North East")), 200);
        ok(service.delete(roomsPath + "/regions/" + ok(service.post(roomsPath + "/regions", Map.of("name", "Gone")), 201)
                .get("id").intValue()), 204);
        int office = ok(service.post(roomsPath + "/offices", Map.of("name", "Main", "region_id", region, "city", "Boston")),
                201).get("id").intValue();
        ok(service.patch(roomsPath + "/offices/" + office, Map.of("phone", "+1 617 555 0100")), 200);
        ok(service.delete(roomsPath + "/offices/" + ok(service.post(roomsPath + "/offices", Map.of("name", "Gone")), 201)
                .get("id").intValue()), 204);
        int bob = ok(rooms.admin().post(base + "/users/invite_user", Map.of("firstName", "Bob", "lastName", "Broker",
                "email", "bob@acme.test", "roleId", adminRole, "accessLevel", "Admin", "offices", List.of(office),
                "defaultOfficeId", office)), 201).get("userId").intValue();
        ok(rooms.admin().post(base + "/users/" + bob + "/add_to_region", Map.of("regionId", region)), 204);
        int room = ok(rooms.admin().post(base + "/rooms", Map.of("name", "12 Elm Street", "roleId", adminRole,
                "officeId", office)), 201).get("roomId").intValue();
        ok(rooms.admin().put(base + "/rooms/" + room + "/field_data", Map.of("data", Map.of("city", "Boston"))), 200);
        ok(rooms.admin().post(base + "/rooms/" + room + "/users", Map.of("email", "bob@acme.test", "firstName", "Bob",
                "lastName", "Broker", "roleId", adminRole)), 201);

        Fixtures.Org close = fx.org("close");
        Http closeApi = new Http(node.baseUrl() + "/api/v1", close.adminKey());
        String membership = ok(closeApi.post("/membership/", Map.of("email", "rep@example.com", "role_id", "user")), 200)
                .get("id").stringValue();
        ok(closeApi.put("/membership/" + membership + "/", Map.of("auto_record_calls", "enabled")), 200);
        ok(closeApi.put("/membership/" + membership + "/pinned_views/", Map.of("saved_view_ids",
                List.of("save_0123456789abcdefghijkl"))), 200);
        Await.until(java.time.Duration.ofSeconds(30), "the time-bound assignment has expired", () -> !service.get(path
                + "/events?object_type=assignment&action=expired").json().get("items").isEmpty());
    }

    private static JsonNode ok(Http.Res res, int... expected) {
        assertThat(res.status()).as(res.toString()).isIn(Arrays.stream(expected).boxed().toList());
        return res.body().isEmpty() ? Json.object() : res.json();
    }
}
