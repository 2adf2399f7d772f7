package dev.gatehouse.enginefeed;

import dev.gatehouse.testing.Asker;
import dev.gatehouse.testing.Http;
import dev.gatehouse.testing.TestNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The decision-semantics suite asked of two engines holding the same state: the node that made every write (its
 * engine updated incrementally from change records) and a second node started afterwards on the same database (its
 * engine rebuilt from the tables), so the two can never disagree; and the rules of the writes around decisions
 * (batch bounds, {@code min_revision}, removals, assignments, grants, the hierarchy's resources), asked of the
 * writing node.
 */
class DecisionSemanticsIT extends DecisionSemanticsSuite {

    static TestNode rebuilt;

    @Override
    protected void startDeciders() {
        rebuilt = TestNode.startOn(writer.databaseUrl());
    }

    @Override
    protected void stopDeciders() {
        rebuilt.close();
    }

    @Override
    protected Stream<String> engines() {
        return Stream.of("incremental", "rebuilt");
    }

    @Override
    protected Asker asker(String engine) {
        return Asker.of(engine.equals("incremental") ? writer.service() : rebuilt.service());
    }

    @Test
    void memberGrants_areBoundedByTheModel_gated_andNeverEscalate() {
        Http dora = fx.keyFor(granting, grantIds.get("dora"));
        Http.Res escalating = putGrants(dora, "max", List.of("room.delete"));
        assertThat(escalating.status()).as(escalating.toString()).isEqualTo(403);
        assertThat(escalating.get("code").stringValue()).isEqualTo("privilege_escalation");
        Http.Res notGrantable = putGrants(writer.service(), "mia", List.of("settings.edit"));
        assertThat(notGrantable.status()).as(notGrantable.toString()).isEqualTo(400);
        Http.Res agent = putGrants(writer.service(), "abe", List.of("members.manage"));
        assertThat(agent.status()).as(agent.toString()).isEqualTo(409);
        assertThat(agent.get("code").stringValue()).isEqualTo("grants_not_taken");
        Http mia = fx.keyFor(granting, grantIds.get("mia"));
        assertThat(putGrants(mia, "max", List.of("members.manage")).status())
                .as("her grant of the management permission counts for her own calls too").isEqualTo(200);
        Http.Res beyondHers = putGrants(mia, "max", List.of("members.manage", "room.delete"));
        assertThat(beyondHers.status()).as("room.delete is hers by grant: she may pass it on").isEqualTo(200);
        assertThat(putGrants(mia, "max", List.of()).status()).isEqualTo(200);
        Http abe = fx.keyFor(granting, grantIds.get("abe"));
        assertThat(putGrants(abe, "max", List.of("members.manage")).status()).isEqualTo(403);
        Http.Res read = writer.service().get(granting.path() + "/members/mia/grants");
        assertThat(read.status()).isEqualTo(200);
        assertThat(read.get("permissions").toString()).isEqualTo("[\"members.manage\",\"room.delete\"]");
        Http.Res none = writer.service().get(org.path() + "/members/alice/grants");
        assertThat(none.status()).isEqualTo(200);
        assertThat(none.get("permissions").size()).isZero();
        Http.Res docs = writer.service().put(org.path() + "/members/alice/grants",
                Map.of("permissions", List.of("doc.read")));
        assertThat(docs.status()).isEqualTo(400);
        assertThat(docs.get("code").stringValue()).isEqualTo("grants_not_allowed");
    }

    /**
     * An unknown resource type is named by the field the request carried it in — a lookup's {@code type}, the
     * permissions' query {@code resource_type}, a body's {@code resource.type} — not always {@code resource.type}.
     */
    @Test
    void anUnknownResourceType_isNamedByTheFieldThatCarriedIt() {
        Http api = writer.service();
        Map<String, Http.Res> refusals = Map.of(
                "type", api.post(org.path() + "/lookup/resources", Map.of("user_id", "alice", "permission",
                        "doc.read", "type", "spaceship")),
                "resource_type", api.get(org.path() + "/members/alice/permissions?resource_type=spaceship"
                        + "&resource_id=x"),
                "resource.type", api.post(org.path() + "/check", Map.of("user_id", "alice", "permission", "doc.read",
                        "resource", Map.of("type", "spaceship", "id", "x"))));
        refusals.forEach((field, refused) -> {
            assertThat(refused.status()).as("%s: %s", field, refused).isEqualTo(400);
            assertThat(refused.get("code").stringValue()).isEqualTo("unknown_resource_type");
            assertThat(refused.get("errors").propertyNames()).as("%s", refused).containsExactly(field);
            assertThat(refused.get("detail").stringValue()).contains("spaceship");
        });
    }

    @Test
    void batch_refusesMoreThanOneThousandChecks() {
        List<Map<String, Object>> checks = new ArrayList<>();
        for (int i = 0; i < 1001; i++) {
            checks.add(Map.of("user_id", "alice", "permission", "doc.read"));
        }
        assertThat(writer.service().post(org.path() + "/check/batch", Map.of("checks", checks)).status()).isEqualTo(400);
        assertThat(writer.service().post(org.path() + "/check/batch", Map.of("checks", checks.subList(0, 1000)))
                .status()).isEqualTo(200);
    }

    @Test
    void minRevision_readsYourWrites_andRefusesToAnswerFromTheFuture() {
        var other = fx.org("docs");
        long editor = fx.role(other, "Editor", List.of("doc.read", "doc.write", "records.all"));
        Http.Res created = writer.service().post(other.path() + "/members", Map.of("user_id", "zed",
                "email", "zed@example.com", "role_id", editor));
        long revision = created.revision();
        Http.Res check = writer.service().post(other.path() + "/check", Map.of("user_id", "zed",
                "permission", "doc.write", "min_revision", revision));
        assertThat(check.get("allowed").booleanValue()).isTrue();
        assertThat(check.get("revision").longValue()).isGreaterThanOrEqualTo(revision);
        Http.Res future = writer.service().post(other.path() + "/check", Map.of("user_id", "zed",
                "permission", "doc.write", "min_revision", revision + 1_000_000));
        assertThat(future.status()).as("a revision no answer gave: %s", future).isEqualTo(400);
        assertThat(future.get("errors").has("min_revision")).isTrue();

        // a batch is answered from the newest state any of it asks for; an item's own was once read by nothing
        Http.Res item = writer.service().post(other.path() + "/check/batch", Map.of("checks", List.of(Map.of(
                "user_id", "zed", "permission", "doc.write", "min_revision", revision + 1_000_000))));
        assertThat(item.status()).as("an item's revision no answer gave: %s", item).isEqualTo(400);
        Http.Res batch = writer.service().post(other.path() + "/check/batch", Map.of("min_revision", revision,
                "checks", List.of(Map.of("user_id", "zed", "permission", "doc.write"))));
        assertThat(batch.status()).as("%s", batch).isEqualTo(200);
    }

    @Test
    void removingAMember_orAResource_removesTheirAssignments() {
        var other = fx.org("docs");
        long editor = fx.role(other, "Editor", List.of("doc.read", "doc.write", "records.all"));
        long guest = fx.role(other, Map.of("name", "Guest", "permissions", List.of("doc.read"), "external", true, "visibility", GUEST_VISIBILITY));
        fx.member(other, "m1", editor);
        fx.external(other, "x1");
        writer.service().put(other.path() + "/resources/room/r1/assignments/x1", Map.of("role_id", guest));
        writer.service().put(other.path() + "/resources/room/r1/assignments/m1", Map.of("role_id", editor));
        writer.service().put(other.path() + "/resources/room/r2/assignments/m1", Map.of("role_id", editor));
        assertThat(writer.service().delete(other.path() + "/resources/room/r1/assignments").get("removed").intValue())
                .isEqualTo(2);
        assertThat(writer.service().post(other.path() + "/check", Map.of("user_id", "x1", "permission", "doc.read",
                "resource", Map.of("type", "room", "id", "r1"))).get("allowed").booleanValue()).isFalse();
        assertThat(writer.service().delete(other.path() + "/members/m1/assignments").get("removed").intValue()).isEqualTo(1);
        assertThat(writer.service().post(other.path() + "/check", Map.of("user_id", "m1", "permission", "doc.read",
                "resource", Map.of("type", "room", "id", "r2"))).get("allowed").booleanValue()).isFalse();
        assertThat(writer.service().delete(other.path() + "/roles/" + guest).status()).as("no longer held").isEqualTo(204);
    }

    @Test
    void assignments_followTheRules() {
        var other = fx.org("docs");
        long editor = fx.role(other, "Editor", List.of("doc.read", "doc.write", "records.all"));
        long viewer = fx.role(other, "Viewer", List.of("doc.read", "records.all"));
        long guest = fx.role(other, Map.of("name", "Guest", "permissions", List.of("doc.read"), "external", true, "visibility", GUEST_VISIBILITY));
        fx.external(other, "x1");
        Http.Res internalToExternal = writer.service().put(other.path() + "/resources/room/r1/assignments/x1",
                Map.of("role_id", editor));
        assertThat(internalToExternal.status()).isEqualTo(400);
        assertThat(writer.service().put(other.path() + "/resources/planet/p1/assignments/x1", Map.of("role_id", guest))
                .status()).isEqualTo(400);
        Http viewerKey = fx.keyFor(other, fx.member(other, "v1", viewer));
        assertThat(viewerKey.put(other.path() + "/resources/room/r1/assignments/x1", Map.of("role_id", guest)).status())
                .as("viewer lacks members.manage").isEqualTo(403);
        long manager = fx.role(other, "Manager", List.of("members.manage", "doc.read", "records.all"));
        Http managerKey = fx.keyFor(other, fx.member(other, "mgr", manager));
        assertThat(managerKey.put(other.path() + "/resources/room/r1/assignments/v1", Map.of("role_id", editor))
                .get("code").stringValue()).isEqualTo("privilege_escalation");
        assertThat(managerKey.put(other.path() + "/resources/room/r1/assignments/v1", Map.of("role_id", viewer))
                .status()).isEqualTo(200);
        Http.Res held = writer.service().delete(other.path() + "/roles/" + viewer);
        assertThat(held.status()).isEqualTo(409);
        assertThat(held.get("detail").stringValue()).contains("1 resource assignment;");
    }

    @Test
    void hierarchy_resourcesAreRead_listedAndGuarded() {
        Http api = writer.service();
        JsonNode r3 = api.get(site.path() + "/resources/room/r3").json();
        assertThat(r3.get("parent").get("type").stringValue()).isEqualTo("office");
        assertThat(r3.get("parent").get("id").stringValue()).isEqualTo("west");
        assertThat(api.get(site.path() + "/resources/room/r6").status()).isEqualTo(404);
        JsonNode first = api.get(site.path() + "/resources/office/east/children?limit=1").json();
        assertThat(first.get("items").get(0).get("id").stringValue()).isEqualTo("r1");
        JsonNode second = api.get(site.path() + "/resources/office/east/children?limit=1&cursor="
                + first.get("next_cursor").stringValue()).json();
        assertThat(second.get("items").get(0).get("id").stringValue()).isEqualTo("r2");

        Http.Res topWithParent = api.put(site.path() + "/resources/region/asia", Map.of("parent",
                Map.of("type", "region", "id", "europe")));
        assertThat(topWithParent.status()).as(topWithParent.toString()).isEqualTo(400);
        assertThat(topWithParent.body()).contains("parent");
        Http.Res wrongType = api.put(site.path() + "/resources/room/r9", Map.of("parent",
                Map.of("type", "region", "id", "europe")));
        assertThat(wrongType.status()).as(wrongType.toString()).isEqualTo(400);
        Http.Res unrecorded = api.put(site.path() + "/resources/room/r9", Map.of("parent",
                Map.of("type", "office", "id", "nowhere")));
        assertThat(unrecorded.status()).as(unrecorded.toString()).isEqualTo(400);
        assertThat(api.put(site.path() + "/resources/planet/p1", Map.of()).status()).isEqualTo(400);
        assertThat(api.put(site.path() + "/resources/room/r9", Map.of("parent", "east")).status()).isEqualTo(400);
        assertThat(api.put(site.path() + "/resources/room/r9", Map.of("mother", Map.of())).status()).isEqualTo(400);
        assertThat(api.get(site.path() + "/resources/room/r9").status()).as("nothing was recorded").isEqualTo(404);
        Http alice = fx.keyFor(site, siteIds.get("alice"));
        Http.Res forbidden = alice.put(site.path() + "/resources/room/r1", Map.of("parent",
                Map.of("type", "office", "id", "west")));
        assertThat(forbidden.status()).as("moving needs management.assignments: " + forbidden).isEqualTo(403);
        assertThat(api.get(site.path() + "/resources/room/r1").json().get("parent").get("id").stringValue())
                .isEqualTo("east");
        assertThat(alice.get(site.path() + "/resources/room/r1").status()).as("internal members read it")
                .isEqualTo(200);
        Http.Res inUse = api.delete(site.path() + "/resources/office/east");
        assertThat(inUse.status()).as(inUse.toString()).isEqualTo(409);
        assertThat(inUse.body()).contains("resource_has_children");
        assertThat(api.get(site.path() + "/resources/office/east").status()).isEqualTo(200);
    }
}
