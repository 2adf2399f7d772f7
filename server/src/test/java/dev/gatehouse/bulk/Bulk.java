package dev.gatehouse.bulk;

import dev.gatehouse.json.Json;
import dev.gatehouse.testing.Http;
import dev.gatehouse.testing.TestNode;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/** Helpers of the bulk tests: NDJSON bodies, imports and exports over HTTP, the docs test model. */
final class Bulk {

    private Bulk() {
    }

    /** Registers the docs test model (custom: resources of any id, generic rules) on the node. */
    static void registerDocsModel(TestNode node) {
        registerModel(node, "docs");
    }

    /** Registers the test model {@code /models/{id}.json} on the node, unless it is there already. */
    static void registerModel(TestNode node, String id) {
        try (InputStream in = Bulk.class.getResourceAsStream("/models/" + id + ".json")) {
            Http.Res res = node.service().post("/v1/models", Json.MAPPER.readTree(in));
            if (res.status() != 201 && res.status() != 409) {
                throw new AssertionError("registering the " + id + " model: " + res);
            }
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    /** One NDJSON line from alternating keys and values. */
    static String line(Object... keysAndValues) {
        Map<String, Object> fields = new java.util.LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            fields.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return Json.writeString(fields);
    }

    static String role(String name, List<String> permissions) {
        return line("type", "role", "name", name, "permissions", permissions);
    }

    static String member(String userId, String role) {
        return line("type", "member", "user_id", userId, "email", userId + "@example.com", "role", role);
    }

    static String assignment(String type, String id, String userId, String role) {
        return line("type", "assignment", "resource", Map.of("type", type, "id", id), "user_id", userId, "role", role);
    }

    static String body(List<String> lines) {
        return String.join("\n", lines) + "\n";
    }

    /** POSTs an import ({@code query} without the '?', or empty). */
    static Http.Res importLines(Http as, long orgId, String query, List<String> lines) {
        return importBody(as, orgId, query, body(lines));
    }

    static Http.Res importBody(Http as, long orgId, String query, String body) {
        return as.raw("POST", "/v1/orgs/" + orgId + "/import" + (query.isEmpty() ? "" : "?" + query), body,
                "application/x-ndjson");
    }

    /** The export's lines, parsed. */
    static List<JsonNode> export(Http as, long orgId) {
        Http.Res res = as.get("/v1/orgs/" + orgId + "/export");
        if (res.status() != 200) {
            throw new AssertionError("export: " + res);
        }
        List<JsonNode> lines = new ArrayList<>();
        for (String line : res.body().split("\n")) {
            if (!line.isEmpty()) {
                lines.add(Json.readTree(line));
            }
        }
        return lines;
    }

    /**
     * The lines of the organization named {@code name} in the deployment's export, as a copy of it: its
     * {@code organization} line replaced by one creating {@code copyName} of {@code model}, the others as exported.
     */
    static List<String> deploymentCopyOf(Http as, String name, String copyName, String model) {
        List<String> ours = new ArrayList<>();
        boolean keep = false;
        for (String l : as.get("/v1/export").body().split("\n")) {
            JsonNode n = Json.readTree(l);
            if (n.get("type").stringValue().equals("organization")) {
                keep = n.get("name").stringValue().equals(name);
                if (keep) {
                    ours.add(line("type", "organization", "name", copyName, "model", model));
                    continue;
                }
            }
            if (keep) {
                ours.add(l);
            }
        }
        return ours;
    }
}
