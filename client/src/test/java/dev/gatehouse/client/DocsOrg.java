package dev.gatehouse.client;

import dev.gatehouse.app.Config;
import dev.gatehouse.client.Organizations.NewOrganization;
import dev.gatehouse.client.Roles.RoleInput;
import dev.gatehouse.testing.TestNode;
import dev.gatehouse.webhook.IpNetwork;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import tools.jackson.databind.JsonNode;

/**
 * Test organizations on the {@code docs} test model (server/src/test/resources/models/docs.json: company roles,
 * per-document roles that inherit them, per-room roles that do not, external guests, record visibility), made
 * through the client itself. The model is registered once per node.
 */
final class DocsOrg {

    private static final AtomicInteger COUNTER = new AtomicInteger();

    private DocsOrg() {
    }

    /** A service-key client of {@code node} with {@code pageSize} items per page. */
    static GatehouseClient serviceClient(TestNode node, int pageSize) {
        return GatehouseClient.builder().url(node.baseUrl()).key(TestNode.SERVICE_KEY).pageSize(pageSize).build();
    }

    /** A node whose webhooks may reach loopback (the tests' receivers and refused ports). */
    static Config reachingLoopback(Config c) {
        return c.withWebhooks(c.webhooks().withAllowedNetworks(IpNetwork.parseList("--webhook-allowed-networks",
                "127.0.0.0/8")));
    }

    /** Registers the docs model unless the deployment has it. */
    static void registerModel(GatehouseClient gatehouse) {
        if (gatehouse.models().list().anyMatch(m -> m.id().equals("docs"))) {
            return;
        }
        try (InputStream in = DocsOrg.class.getResourceAsStream("/models/docs.json")) {
            JsonNode definition = Wire.MAPPER.readTree(in);
            gatehouse.models().register(definition);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A new docs organization whose first admin is {@code admin} (role Owner). */
    static Organizations.CreatedOrganization create(GatehouseClient gatehouse) {
        registerModel(gatehouse);
        return gatehouse.organizations().create(NewOrganization.of("Docs " + COUNTER.incrementAndGet() + " "
                + System.nanoTime(), "docs").withAdmin("admin", "admin@example.com"));
    }

    static RoleInput editor() {
        return RoleInput.of("Editor", List.of("doc.read", "doc.write", "records.all"));
    }

    static RoleInput viewer() {
        return RoleInput.of("Viewer", List.of("doc.read", "records.all"));
    }

    /** Sees only records whose owner_id or rep_id holds its user id. */
    static RoleInput limited() {
        return RoleInput.of("Limited", List.of("doc.read")).withVisibility(new Roles.Visibility(
                List.of("owner_id", "rep_id"), Roles.Unassigned.REQUIRE_ASSIGNMENT));
    }
}
