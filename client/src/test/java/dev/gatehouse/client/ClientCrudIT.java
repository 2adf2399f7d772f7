package dev.gatehouse.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatehouse.client.Assignments.Assignment;
import dev.gatehouse.client.Events.Event;
import dev.gatehouse.client.Events.EventQuery;
import dev.gatehouse.client.Groups.Group;
import dev.gatehouse.client.Keys.IssuedKey;
import dev.gatehouse.client.Members.Member;
import dev.gatehouse.client.Members.MemberQuery;
import dev.gatehouse.client.Members.MemberUpdate;
import dev.gatehouse.client.Members.NewMember;
import dev.gatehouse.client.Members.Status;
import dev.gatehouse.client.Organizations.CreatedOrganization;
import dev.gatehouse.client.Organizations.Organization;
import dev.gatehouse.client.Roles.Role;
import dev.gatehouse.client.Roles.RoleInput;
import dev.gatehouse.client.Webhooks.Webhook;
import dev.gatehouse.client.Webhooks.WebhookInput;
import dev.gatehouse.testing.TestNode;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every object kind through the client against the real server: create, read, list (pages of two, so every list
 * crosses pages), change, delete; the answers read back as typed records, the session's revision rising with each
 * write.
 */
class ClientCrudIT {

    private static TestNode node;
    private static GatehouseClient gatehouse;

    @BeforeAll
    static void start() {
        node = TestNode.start(DocsOrg::reachingLoopback);
        gatehouse = DocsOrg.serviceClient(node, 2);
    }

    @AfterAll
    static void stop() {
        gatehouse.close();
        node.close();
    }

    @Test
    void models_listAcrossPagesAndReadOne() {
        DocsOrg.registerModel(gatehouse);
        assertThat(gatehouse.models().list().map(Models.Model::id)).contains("close", "rooms", "docs");
        Models.Model docs = gatehouse.models().get("docs");
        assertThat(docs.name()).isEqualTo("Documents test model");
        assertThat(docs.definition().get("resource_types")).hasSize(2);
    }

    @Test
    void organizations_createReadRenameListDelete() {
        CreatedOrganization created = DocsOrg.create(gatehouse);
        Organization org = created.organization();
        assertThat(org.model()).isEqualTo("docs");
        assertThat(created.adminMember().userId()).isEqualTo("admin");
        assertThat(created.adminMember().status()).isEqualTo(Status.ACTIVE);
        assertThat(created.adminKey().key()).isNotBlank();
        assertThat(created.adminKey().toString()).doesNotContain(created.adminKey().key());
        long before = gatehouse.revision();

        Organization renamed = gatehouse.organizations().rename(org.id(), "Renamed " + org.id(), org.version());
        assertThat(renamed.name()).isEqualTo("Renamed " + org.id());
        assertThat(renamed.version()).isGreaterThan(org.version());
        assertThat(gatehouse.revision()).isGreaterThan(before);
        assertThatThrownBy(() -> gatehouse.organizations().rename(org.id(), "Stale", org.version()))
                .isInstanceOf(PreconditionFailedException.class);
        assertThat(gatehouse.org(org.id()).get().name()).isEqualTo("Renamed " + org.id());
        assertThat(gatehouse.org(org.id()).model().id()).isEqualTo("docs");

        DocsOrg.create(gatehouse);
        DocsOrg.create(gatehouse);
        assertThat(gatehouse.organizations().list().map(Organization::id)).contains(org.id()).hasSizeGreaterThan(2);

        gatehouse.organizations().delete(org.id());
        assertThatThrownBy(() -> gatehouse.organizations().get(org.id())).isInstanceOf(NotFoundException.class);
    }

    @Test
    void roles_createReadUpdateListDelete() {
        OrgClient org = gatehouse.org(DocsOrg.create(gatehouse).organization().id());
        Role editor = org.roles().create(DocsOrg.editor().withDescription("writes documents"));
        Role limited = org.roles().create(DocsOrg.limited());
        assertThat(editor.permissions()).containsExactly("doc.read", "doc.write", "records.all");
        assertThat(editor.system()).isFalse();
        assertThat(limited.visibility().userFieldIds()).containsExactly("owner_id", "rep_id");
        assertThat(limited.visibility().unassigned()).isEqualTo(Roles.Unassigned.REQUIRE_ASSIGNMENT);

        Role changed = org.roles().update(editor.id(), RoleInput.permissions(List.of("doc.read", "records.all")),
                editor.version());
        assertThat(changed.permissions()).containsExactly("doc.read", "records.all");
        assertThat(org.roles().get(editor.id()).description()).isEqualTo("writes documents");

        List<Role> roles = org.roles().list().toList();
        assertThat(roles.get(0).system()).isTrue();
        assertThat(roles).extracting(Role::name).containsExactly("Owner", "Editor", "Limited");

        org.roles().delete(limited.id());
        assertThatThrownBy(() -> org.roles().get(limited.id())).isInstanceOf(NotFoundException.class);
    }

    @Test
    void members_addListAcrossPagesQueryUpdateAcceptRemove() {
        OrgClient org = gatehouse.org(DocsOrg.create(gatehouse).organization().id());
        long viewer = org.roles().create(DocsOrg.viewer()).id();
        long editor = org.roles().create(DocsOrg.editor()).id();
        IntStream.rangeClosed(1, 4).forEach(i -> org.members().add(NewMember.internal("u-" + i, "u" + i
                + "@example.com", viewer).withName("User", "Number " + i)));
        Member invited = org.members().add(NewMember.internal("u-invited", "inv@example.com", viewer).invited());
        Member guest = org.members().add(NewMember.external("g-1", "guest@example.com"));
        assertThat(invited.status()).isEqualTo(Status.INVITED);
        assertThat(guest.external()).isTrue();
        assertThat(guest.roleId()).isNull();

        assertThat(org.members().list().map(Member::userId))
                .containsExactly("admin", "u-1", "u-2", "u-3", "u-4", "u-invited", "g-1");
        assertThat(org.members().list(MemberQuery.all().withStatus(Status.INVITED)).map(Member::userId))
                .containsExactly("u-invited");
        assertThat(org.members().list(MemberQuery.all().containing("NUMBER 3")).map(Member::userId))
                .containsExactly("u-3");

        Member accepted = org.members().accept(MemberRef.user("u-invited"));
        assertThat(accepted.status()).isEqualTo(Status.ACTIVE);
        Member promoted = org.members().update(MemberRef.user("u-1"), MemberUpdate.role(editor)
                .withEmail("one@example.com"));
        assertThat(promoted.roleId()).isEqualTo(editor);
        assertThat(org.members().get(promoted.ref()).email()).isEqualTo("one@example.com");
        assertThat(org.members().list(MemberQuery.all().withRole(editor)).map(Member::userId)).containsExactly("u-1");

        Member deactivated = org.members().update(MemberRef.id(promoted.id()),
                MemberUpdate.status(Status.DEACTIVATED), promoted.version());
        assertThat(deactivated.status()).isEqualTo(Status.DEACTIVATED);
        org.members().remove(MemberRef.user("u-2"));
        assertThatThrownBy(() -> org.members().get(MemberRef.user("u-2"))).isInstanceOf(NotFoundException.class);
    }

    @Test
    void keys_issuedKeyActsAsItsMemberUntilRevoked() {
        OrgClient org = gatehouse.org(DocsOrg.create(gatehouse).organization().id());
        Member bob = org.members().add(NewMember.internal("bob", "bob@example.com",
                org.roles().create(DocsOrg.viewer()).id()));
        IssuedKey key = org.keys().issue(bob.ref(), "laptop");
        assertThat(org.keys().list(bob.ref()).map(Keys.ApiKey::id)).containsExactly(key.id());
        assertThat(org.keys().list(bob.ref()).findFirst().orElseThrow().name()).isEqualTo("laptop");

        try (GatehouseClient asBob = GatehouseClient.builder().url(node.baseUrl()).key(key.key()).build()) {
            assertThat(asBob.org(org.id()).decisions().check(Decisions.Check.of(bob.ref(), "doc.read")).allowed())
                    .isTrue();
            org.keys().revoke(bob.ref(), key.id());
            assertThatThrownBy(() -> asBob.org(org.id()).decisions().check(Decisions.Check.of(bob.ref(), "doc.read")))
                    .isInstanceOf(UnauthenticatedException.class);
        }
        assertThat(org.keys().list(bob.ref())).allSatisfy(k -> assertThat(k.revokedAt()).isNotNull());
    }

    @Test
    void assignments_putReadListRemove() {
        OrgClient org = gatehouse.org(DocsOrg.create(gatehouse).organization().id());
        long viewer = org.roles().create(DocsOrg.viewer()).id();
        long editor = org.roles().create(DocsOrg.editor()).id();
        Member bob = org.members().add(NewMember.internal("bob", "bob@example.com", viewer));
        Member carl = org.members().add(NewMember.internal("carl", "carl@example.com", viewer));
        ResourceRef d1 = ResourceRef.of("doc", "d1");
        Instant end = Instant.now().plus(1, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS);

        Assignment given = org.assignments().assign(d1, bob.ref(), editor);
        assertThat(given.resource()).isEqualTo(d1);
        assertThat(given.roleId()).isEqualTo(editor);
        assertThat(given.expiresAt()).isNull();
        assertThat(org.assignments().assign(d1, MemberRef.user("carl"), editor, end).expiresAt()).isEqualTo(end);
        org.assignments().assign(ResourceRef.of("doc", "d2"), bob.ref(), editor);
        org.assignments().assign(ResourceRef.of("doc", "d3"), bob.ref(), viewer);

        assertThat(org.assignments().get(d1, MemberRef.user("bob")).memberId()).isEqualTo(bob.id());
        assertThat(org.assignments().onResource(d1).map(Assignment::memberId)).containsExactlyInAnyOrder(bob.id(),
                carl.id());
        assertThat(org.assignments().ofMember(bob.ref()).map(a -> a.resource().id())).containsExactly("d1", "d2", "d3");

        org.assignments().remove(d1, carl.ref());
        assertThatThrownBy(() -> org.assignments().get(d1, carl.ref())).isInstanceOf(NotFoundException.class);
        assertThat(org.assignments().removeAllOf(bob.ref())).isEqualTo(3);
        assertThat(org.assignments().ofMember(bob.ref())).isEmpty();
        org.assignments().assign(d1, carl.ref(), viewer);
        assertThat(org.assignments().removeAllOn(d1)).isEqualTo(1);
    }

    @Test
    void groups_createRenameAddMembersAcrossPagesRemoveDelete() {
        OrgClient org = gatehouse.org(DocsOrg.create(gatehouse).organization().id());
        long viewer = org.roles().create(DocsOrg.viewer()).id();
        IntStream.rangeClosed(1, 3).forEach(i -> org.members().add(NewMember.internal("u-" + i, "u" + i
                + "@example.com", viewer)));
        Group sales = org.groups().create("Sales");
        org.groups().create("Support");
        org.groups().create("Legal");

        assertThat(org.groups().addMember(sales.id(), MemberRef.user("u-1")).added()).isTrue();
        assertThat(org.groups().addMember(sales.id(), MemberRef.user("u-1")).added()).isFalse();
        org.groups().addMember(sales.id(), MemberRef.user("u-2"));
        org.groups().addMember(sales.id(), MemberRef.user("u-3"));
        assertThat(org.groups().members(sales.id()).map(Groups.GroupMember::userId)).containsExactly("u-1", "u-2",
                "u-3");
        org.groups().removeMember(sales.id(), MemberRef.user("u-2"));
        assertThatThrownBy(() -> org.groups().removeMember(sales.id(), MemberRef.user("u-2")))
                .isInstanceOf(NotFoundException.class);

        Group renamed = org.groups().rename(sales.id(), "Field sales", org.groups().get(sales.id()).version());
        assertThat(renamed.name()).isEqualTo("Field sales");
        assertThat(org.groups().get(sales.id()).members()).extracting(Groups.GroupMember::userId).containsExactly("u-1", "u-3");
        assertThat(org.groups().list().map(Group::name)).containsExactlyInAnyOrder("Field sales", "Support", "Legal");
        org.groups().delete(sales.id());
        assertThatThrownBy(() -> org.groups().get(sales.id())).isInstanceOf(NotFoundException.class);
    }

    @Test
    void webhooks_createPauseListDelete() {
        OrgClient org = gatehouse.org(DocsOrg.create(gatehouse).organization().id());
        Webhook created = org.webhooks().create(WebhookInput.to("http://127.0.0.1:9/hook")
                .withFilter(List.of("role"), List.of()).withDescription("roles"));
        assertThat(created.secret()).isNotBlank();
        assertThat(created.toString()).doesNotContain(created.secret());
        assertThat(created.objectTypes()).containsExactly("role");
        assertThat(org.webhooks().get(created.id()).secret()).isNull();

        Webhook paused = org.webhooks().update(created.id(), WebhookInput.changes().withStatus("paused"),
                created.version());
        assertThat(paused.status()).isEqualTo("paused");
        Webhook rotated = org.webhooks().update(created.id(), WebhookInput.changes().rotatingSecret());
        assertThat(rotated.secret()).isNotBlank().isNotEqualTo(created.secret());
        org.webhooks().create(WebhookInput.to("http://127.0.0.1:9/other"));
        org.webhooks().create(WebhookInput.to("http://127.0.0.1:9/third"));
        assertThat(org.webhooks().list()).hasSize(3);
        assertThat(org.webhooks().deliveries(created.id())).allSatisfy(d -> assertThat(d.webhookId())
                .isEqualTo(created.id()));

        org.webhooks().delete(created.id());
        assertThatThrownBy(() -> org.webhooks().get(created.id())).isInstanceOf(NotFoundException.class);
    }

    @Test
    void events_listFilteredInBothOrdersAcrossPagesAndReadOne() {
        OrgClient org = gatehouse.org(DocsOrg.create(gatehouse).organization().id());
        long start = gatehouse.revision();
        Role first = org.roles().create(DocsOrg.viewer());
        org.roles().create(DocsOrg.editor());
        org.roles().create(DocsOrg.limited());
        org.roles().update(first.id(), RoleInput.permissions(List.of("doc.read", "doc.write", "records.all")));

        List<Event> oldestFirst = org.events().list(EventQuery.oldestFirst().objectTypes("role")
                .afterRevision(start)).toList();
        assertThat(oldestFirst).extracting(Event::action).containsExactly("created", "created", "created", "updated");
        assertThat(oldestFirst).extracting(Event::revision).isSorted();
        assertThat(oldestFirst.get(0).before()).isNull();
        assertThat(oldestFirst.get(0).after().get("name").stringValue()).isEqualTo("Viewer");
        assertThat(oldestFirst.get(3).changedFields()).contains("permissions");
        assertThat(oldestFirst.get(0).actor().type()).isEqualTo("service");

        List<Event> newestFirst = org.events().list(EventQuery.newestFirst().objectTypes("role").actions("created")
                .afterRevision(start)).toList();
        assertThat(newestFirst).extracting(Event::revision).containsExactly(oldestFirst.get(2).revision(),
                oldestFirst.get(1).revision(), oldestFirst.get(0).revision());
        assertThat(org.events().list(EventQuery.oldestFirst().objectTypes("role")
                .afterRevision(oldestFirst.get(2).revision()))).extracting(Event::action).containsExactly("updated");
        assertThat(org.events().get(oldestFirst.get(3).revision()).objectId()).isEqualTo(String.valueOf(first.id()));
    }

    @Test
    void officesAndRegions_onARoomsOrganizationOnly() {
        OrgClient rooms = gatehouse.org(gatehouse.organizations().create(Organizations.NewOrganization.of(
                "Rooms " + System.nanoTime(), "rooms").withAdmin("admin", "admin@example.com")).organization().id());
        Offices.Region west = rooms.offices().createRegion("West");
        Offices.Office office = rooms.offices().create(Offices.OfficeInput.named("Seattle").inRegion(west.id())
                .withAddress("1 Pike St", null, "Seattle", "WA", "98101", "US").withPhone("+1 206 555 0100"));
        rooms.offices().create(Offices.OfficeInput.named("Portland"));
        rooms.offices().create(Offices.OfficeInput.named("Boise"));
        assertThat(office.regionId()).isEqualTo(west.id());
        assertThat(rooms.offices().get(office.id()).city()).isEqualTo("Seattle");
        assertThat(rooms.offices().list().map(Offices.Office::name)).containsExactly("Seattle", "Portland", "Boise");
        assertThat(rooms.offices().list("port").map(Offices.Office::name)).containsExactly("Portland");
        assertThat(rooms.offices().update(office.id(), Offices.OfficeInput.named("Seattle HQ")).name())
                .isEqualTo("Seattle HQ");
        assertThat(rooms.offices().renameRegion(west.id(), "Pacific").name()).isEqualTo("Pacific");
        assertThat(rooms.offices().regions().map(Offices.Region::name)).containsExactly("Pacific");
        assertThatThrownBy(() -> rooms.offices().deleteRegion(west.id())).isInstanceOf(ConflictException.class);
        rooms.offices().delete(office.id());
        rooms.offices().deleteRegion(west.id());
        assertThatThrownBy(() -> rooms.offices().region(west.id())).isInstanceOf(NotFoundException.class);

        OrgClient docs = gatehouse.org(DocsOrg.create(gatehouse).organization().id());
        assertThatThrownBy(() -> docs.offices().list().toList()).isInstanceOf(InvalidInputException.class);
    }

    @Test
    void officesAndRegions_conditionalWritesRefusedWhenStale() {
        OrgClient rooms = gatehouse.org(gatehouse.organizations().create(Organizations.NewOrganization.of(
                "Rooms " + System.nanoTime(), "rooms").withAdmin("admin", "admin@example.com")).organization().id());
        Offices.Region east = rooms.offices().createRegion("East");
        Offices.Office office = rooms.offices().create(Offices.OfficeInput.named("Boston"));

        Offices.Region renamed = rooms.offices().renameRegion(east.id(), "Atlantic", east.version());
        assertThat(renamed.version()).isGreaterThan(east.version());
        assertThatThrownBy(() -> rooms.offices().renameRegion(east.id(), "Stale", east.version()))
                .isInstanceOf(PreconditionFailedException.class);
        assertThatThrownBy(() -> rooms.offices().deleteRegion(east.id(), east.version()))
                .isInstanceOf(PreconditionFailedException.class);
        assertThat(rooms.offices().region(east.id()).name()).isEqualTo("Atlantic");

        Offices.Office moved = rooms.offices().update(office.id(), Offices.OfficeInput.named("Boston HQ"),
                office.version());
        assertThat(moved.version()).isGreaterThan(office.version());
        assertThatThrownBy(() -> rooms.offices().update(office.id(), Offices.OfficeInput.named("Stale"),
                office.version())).isInstanceOf(PreconditionFailedException.class);
        assertThatThrownBy(() -> rooms.offices().delete(office.id(), office.version()))
                .isInstanceOf(PreconditionFailedException.class);
        assertThat(rooms.offices().get(office.id()).name()).isEqualTo("Boston HQ");

        rooms.offices().delete(office.id(), moved.version());
        rooms.offices().deleteRegion(east.id(), renamed.version());
        assertThatThrownBy(() -> rooms.offices().get(office.id())).isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() -> rooms.offices().region(east.id())).isInstanceOf(NotFoundException.class);
    }

    /** The example of docs/client.md, "Five minutes", as written there. */
    @Test
    void fiveMinuteExampleOfTheDocs_works() {
        var created = gatehouse.organizations().create(
                Organizations.NewOrganization.of("Acme " + System.nanoTime(), "rooms").withAdmin("u-ada", "ada@acme.test"));
        OrgClient acme = gatehouse.org(created.organization().id());
        long agent = acme.roles().create(RoleInput.of("Agent", List.of("canCreateRooms"))).id();
        acme.members().add(NewMember.internal("u-bob", "bob@acme.test", agent));
        boolean allowed = acme.decisions().check(Decisions.Check.of(MemberRef.user("u-bob"), "canCreateRooms"))
                .allowed();
        var why = acme.decisions().explain(Decisions.Check.of(MemberRef.user("u-bob"), "canCreateRooms"));
        assertThat(allowed).isTrue();
        assertThat(why.explanation().path()).isEqualTo(Decisions.DecisionPath.COMPANY_ROLE);
        assertThat(acme.members().list().map(m -> m.userId() + " " + m.status()))
                .containsExactly("u-ada ACTIVE", "u-bob ACTIVE");
    }
}
