package dev.gatehouse.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatehouse.client.Decisions.Check;
import dev.gatehouse.client.Organizations.NewOrganization;
import dev.gatehouse.client.Resources.Resource;
import dev.gatehouse.client.Roles.RoleInput;
import dev.gatehouse.testing.TestNode;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The resource hierarchy and per-member grants through the client against the real server (the {@code sites} test model: regions hold
 * offices, offices hold rooms): record, read, list children across pages, move, refuse deleting a parent, delete;
 * a region's role decides in its rooms and stops deciding once a room moves out.
 */
class ClientResourcesIT {

    private static TestNode node;
    private static GatehouseClient gatehouse;

    @BeforeAll
    static void start() throws IOException {
        node = TestNode.start();
        gatehouse = DocsOrg.serviceClient(node, 2);
        try (InputStream in = ClientResourcesIT.class.getResourceAsStream("/models/sites.json")) {
            gatehouse.models().register(Wire.MAPPER.readTree(in));
        }
    }

    @AfterAll
    static void stop() {
        gatehouse.close();
        node.close();
    }

    @Test
    void hierarchy_recordReadListMoveDelete_andDecisionsFollowIt() {
        OrgClient org = gatehouse.org(gatehouse.organizations().create(NewOrganization.of("Sites " + System.nanoTime(),
                "sites").withAdmin("admin", "admin@example.com")).organization().id());
        long manager = org.roles().create(RoleInput.of("Manager", List.of("room.view", "room.edit"))).id();
        long nothing = org.roles().create(RoleInput.of("Nothing", List.of())).id();
        org.members().add(Members.NewMember.internal("mia", "mia@example.com", nothing));
        ResourceRef eu = ResourceRef.of("region", "eu");
        ResourceRef us = ResourceRef.of("region", "us");
        ResourceRef paris = ResourceRef.of("office", "paris");
        ResourceRef boston = ResourceRef.of("office", "boston");
        org.resources().put(eu, null);
        org.resources().put(us, null);
        Resource recorded = org.resources().put(paris, eu);
        org.resources().put(boston, us);
        for (String room : List.of("r1", "r2", "r3")) {
            org.resources().put(ResourceRef.of("room", room), paris);
        }
        org.assignments().assign(eu, MemberRef.user("mia"), manager);

        assertThat(recorded.parent()).isEqualTo(eu);
        assertThat(org.resources().get(paris).parent()).isEqualTo(eu);
        assertThat(org.resources().children(paris).map(r -> r.resource().id())).containsExactly("r1", "r2", "r3");
        Check edit = Check.of(MemberRef.user("mia"), "room.edit").on("room", "r2");
        assertThat(org.decisions().check(edit).allowed()).as("the region's role reaches the room").isTrue();

        org.resources().put(ResourceRef.of("room", "r2"), boston);

        assertThat(org.decisions().check(edit).allowed()).as("moved to another region: no longer").isFalse();
        assertThatThrownBy(() -> org.resources().delete(paris)).isInstanceOf(ConflictException.class)
                .extracting(e -> ((ConflictException) e).code()).isEqualTo("resource_has_children");
        org.resources().delete(ResourceRef.of("room", "r2"));
        assertThatThrownBy(() -> org.resources().get(ResourceRef.of("room", "r2")))
                .isInstanceOf(NotFoundException.class);
    }

    @Test
    void memberGrants_setReadAndDecide() throws IOException {
        try (InputStream in = ClientResourcesIT.class.getResourceAsStream("/models/grants.json")) {
            gatehouse.models().register(Wire.MAPPER.readTree(in));
        }
        OrgClient org = gatehouse.org(gatehouse.organizations().create(NewOrganization.of("Grants " + System.nanoTime(),
                "grants").withAdmin("admin", "admin@example.com")).organization().id());
        long manager = org.roles().list().filter(r -> r.name().equals("Manager")).findFirst().orElseThrow().id();
        org.members().add(Members.NewMember.internal("mia", "mia@example.com", manager));
        MemberRef mia = MemberRef.user("mia");
        Check delete = Check.of(mia, "room.delete");
        assertThat(org.decisions().check(delete).allowed()).isFalse();

        assertThat(org.members().setGrants(mia, List.of("room.delete"))).containsExactly("room.delete");

        assertThat(org.members().grants(mia)).containsExactly("room.delete");
        assertThat(org.decisions().check(delete).allowed()).as("read-your-writes: the grant decides").isTrue();
        assertThatThrownBy(() -> org.members().setGrants(mia, List.of("settings.edit")))
                .isInstanceOf(InvalidInputException.class);
        assertThat(org.members().setGrants(mia, List.of())).isEmpty();
        assertThat(org.decisions().check(delete).allowed()).isFalse();
    }
}
