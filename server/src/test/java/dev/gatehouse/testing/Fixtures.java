package dev.gatehouse.testing;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/** Builds organizations, roles and members through the real API. */
public final class Fixtures {

    /** A created organization with its first admin. */
    public record Org(long id, String accountId, long adminId, String adminKey, Http admin, JsonNode json) {
        public String path() {
            return "/v1/orgs/" + id;
        }
    }

    /**
     * A {@code rooms} organization holding one of everything a native route can address: a custom internal
     * and a custom external role, an internal member with a key of its own and an external member, both holding
     * a role on a room (the internal member owns it; {@code params} names it {@code id}), and a group holding the
     * internal member, and a region with an office in it. {@code params} names them as path parameters.
     */
    public record Populated(Org org, long internalRole, long externalRole, long member, long external, String keyId,
                            Http memberKey, Map<String, String> params) {
    }

    private final TestNode node;
    private int counter;

    public Fixtures(TestNode node) {
        this.node = node;
    }

    public Org org(String model) {
        int n = ++counter;
        Http.Res res = node.service().post("/v1/orgs", Map.of("name", "Org " + n + " " + System.nanoTime(), "model", model,
                "admin", Map.of("user_id", "admin-" + n, "email", "admin" + n + "@example.com", "first_name", "Ada",
                        "last_name", "Admin")));
        if (res.status() != 201) {
            throw new AssertionError("creating an organization: " + res);
        }
        JsonNode json = res.json();
        String key = json.get("admin_key").get("key").stringValue();
        return new Org(json.get("id").longValue(), json.get("account_id").stringValue(),
                json.get("admin_member").get("id").longValue(), key, node.as(key), json);
    }

    /** The id of a role by name (system or custom). */
    public long roleId(Org org, String name) {
        for (JsonNode role : node.service().get(org.path() + "/roles?limit=1000").json().get("items")) {
            if (role.get("name").stringValue().equalsIgnoreCase(name)) {
                return role.get("id").longValue();
            }
        }
        throw new AssertionError("no role " + name + " in org " + org.id());
    }

    public long role(Org org, String name, List<String> permissions) {
        return role(org, Map.of("name", name, "permissions", permissions));
    }

    public long role(Org org, Map<String, Object> body) {
        Http.Res res = node.service().post(org.path() + "/roles", body);
        if (res.status() != 201) {
            throw new AssertionError("creating a role: " + res);
        }
        return res.json().get("id").longValue();
    }

    public long member(Org org, String userId, long roleId) {
        Http.Res res = node.service().post(org.path() + "/members", Map.of("user_id", userId,
                "email", userId + "@example.com", "role_id", roleId));
        if (res.status() != 201) {
            throw new AssertionError("creating a member: " + res);
        }
        return res.json().get("id").longValue();
    }

    public long external(Org org, String userId) {
        Http.Res res = node.service().post(org.path() + "/members", Map.of("user_id", userId,
                "email", userId + "@example.com", "external", true));
        if (res.status() != 201) {
            throw new AssertionError("creating an external member: " + res);
        }
        return res.json().get("id").longValue();
    }

    public Populated populated() {
        Org org = org("rooms");
        long internal = role(org, "Agent " + org.id(), List.of("canCreateRooms", "canAddUsersToRooms", "canViewRoomDetails"));
        long externalRole = role(org, Map.of("name", "Guest " + org.id(), "permissions", List.of("canViewRoomDetails"),
                "external", true));
        long member = member(org, "agent-" + org.id(), internal);
        long external = external(org, "guest-" + org.id());
        Http.Res key = node.service().post(org.path() + "/members/" + member + "/keys", Map.of("name", "own"));
        if (key.status() != 201) {
            throw new AssertionError("creating a key: " + key);
        }
        String room = room(org, "Room " + org.id(), member, internal);
        // the external member's role in the room comes through an import, so the organization has a bulk_import
        // event (the {revision} of the routes that list an event's objects)
        Http.Res imported = node.service().raw("POST", org.path() + "/import", "{\"type\": \"assignment\", "
                + "\"resource\": {\"type\": \"room\", \"id\": \"" + room + "\"}, \"user_id\": \"guest-" + org.id()
                + "\", \"role\": \"Guest " + org.id() + "\"}\n", "application/x-ndjson");
        if (imported.status() != 200) {
            throw new AssertionError("importing the external member's room role: " + imported);
        }
        Http.Res recorded = node.service().put(org.path() + "/resources/room/" + room, Map.of());
        if (recorded.status() != 201) {
            throw new AssertionError("recording the room in the resource hierarchy: " + recorded);
        }
        Http.Res group = node.service().post(org.path() + "/groups", Map.of("name", "Team " + org.id()));
        if (group.status() != 201) {
            throw new AssertionError("creating a group: " + group);
        }
        String groupId = String.valueOf(group.json().get("id").longValue());
        Http.Res joined = node.service().post(org.path() + "/groups/" + groupId + "/members", Map.of("member_id", member));
        if (joined.status() != 201) {
            throw new AssertionError("adding a group member: " + joined);
        }
        // A subscription whose host never resolves (.invalid, RFC 6761): its deliveries just keep failing.
        Http.Res webhook = node.service().post(org.path() + "/webhooks", Map.of("url", "https://fixture.invalid/hook",
                "object_types", List.of("group")));
        if (webhook.status() != 201) {
            throw new AssertionError("creating a webhook: " + webhook);
        }
        Http.Res region = node.service().post(org.path() + "/regions", Map.of("name", "Region " + org.id()));
        Http.Res office = node.service().post(org.path() + "/offices", Map.of("name", "Office " + org.id(),
                "region_id", region.json().get("id").intValue()));
        if (office.status() != 201) {
            throw new AssertionError("creating an office: " + office);
        }
        Map<String, String> params = new HashMap<>(Map.of("org", String.valueOf(org.id()),
                "role", String.valueOf(internal), "member", String.valueOf(member),
                "key", key.json().get("id").stringValue(), "type", "room", "id", room, "model", "rooms",
                "group", groupId));
        params.put("webhook", String.valueOf(webhook.json().get("id").longValue()));
        params.put("revision", String.valueOf(imported.json().get("revision").longValue()));
        params.put("region", String.valueOf(region.json().get("id").intValue()));
        params.put("office", String.valueOf(office.json().get("id").intValue()));
        params = Map.copyOf(params);
        return new Populated(org, internal, externalRole, member, external, key.json().get("id").stringValue(),
                node.as(key.json().get("key").stringValue()), params);
    }

    /**
     * A room of a {@code rooms} organization, created through the Rooms dialect by the service key, whose owner
     * gets {@code roleId} in it; returns its resource id. (Room roles can be held only in rooms that exist.)
     */
    public String room(Org org, String name, long ownerId, long roleId) {
        Http.Res res = node.service().post("/restapi/v2/accounts/" + org.accountId() + "/rooms", Map.of("name", name,
                "roleId", roleId, "ownerId", ownerId));
        if (res.status() != 201) {
            throw new AssertionError("creating a room: " + res);
        }
        return String.valueOf(res.json().get("roomId").longValue());
    }

    /** A room owned by the organization's first admin, with the model's default admin role in it. */
    public String room(Org org) {
        return room(org, "Room " + (++counter), org.adminId(), roleId(org, "Default Admin"));
    }

    /** Gives a member a role on a room. */
    public void assign(Org org, String room, long member, long role) {
        Http.Res assigned = node.service().put(org.path() + "/resources/room/" + room + "/assignments/" + member,
                Map.of("role_id", role));
        if (assigned.status() / 100 != 2) {
            throw new AssertionError("assigning a room role: " + assigned);
        }
    }

    /** A fresh key for a member. */
    public Http keyFor(Org org, long memberId) {
        Http.Res res = node.service().post(org.path() + "/members/" + memberId + "/keys", Map.of("name", "test"));
        if (res.status() != 201) {
            throw new AssertionError("creating a key: " + res);
        }
        return node.as(res.json().get("key").stringValue());
    }
}
