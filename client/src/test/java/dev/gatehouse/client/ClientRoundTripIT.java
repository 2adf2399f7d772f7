package dev.gatehouse.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatehouse.client.Decisions.VisibilityFilter;
import dev.gatehouse.client.Members.Member;
import dev.gatehouse.client.Members.MemberUpdate;
import dev.gatehouse.client.Members.NewMember;
import dev.gatehouse.client.Offices.Field;
import dev.gatehouse.client.Offices.Office;
import dev.gatehouse.client.Offices.OfficeInput;
import dev.gatehouse.client.Roles.Role;
import dev.gatehouse.client.Roles.RoleInput;
import dev.gatehouse.testing.TestNode;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What the server answers reads back whole, and what the API lets a change clear, the client can clear: a role's
 * visibility (needed to let a limited role see every record), an office's optional fields; a member's timestamps.
 */
class ClientRoundTripIT {

    private static TestNode node;
    private static GatehouseClient gatehouse;

    @BeforeAll
    static void start() {
        node = TestNode.start();
        gatehouse = DocsOrg.serviceClient(node, 100);
    }

    @AfterAll
    static void stop() {
        gatehouse.close();
        node.close();
    }

    @Test
    void role_widenedToSeeEveryRecord_losesItsVisibilityInOneConditionalUpdate() {
        OrgClient org = gatehouse.org(DocsOrg.create(gatehouse).organization().id());
        Role limited = org.roles().create(DocsOrg.limited());
        assertThat(limited.visibility()).isNotNull();
        org.members().add(NewMember.internal("lea", "lea@example.com", limited.id()));

        // left out, the visibility stays: the server refuses it beside the "sees all" permission, naming it
        InvalidInputException refused = refusalToSeeAll(org, limited.id());
        assertThat(refused.fieldErrors()).containsKey("visibility");
        assertThat(filterOf(org, "lea").seesAll()).isFalse();

        Role widened = org.roles().update(limited.id(), RoleInput.permissions(List.of("doc.read", "records.all"))
                .withoutVisibility(), limited.version());
        assertThat(widened.visibility()).isNull();
        assertThat(widened.permissions()).containsExactly("doc.read", "records.all");
        assertThat(org.roles().get(limited.id()).visibility()).isNull();
        assertThat(filterOf(org, "lea").seesAll()).isTrue();

        // an update that names no visibility keeps it; one cannot both set and clear it
        Role limitedAgain = org.roles().update(limited.id(), RoleInput.permissions(List.of("doc.read"))
                .withVisibility(DocsOrg.limited().visibility()));
        assertThat(org.roles().update(limited.id(), new RoleInput(null, "narrow", null, null, null)).visibility())
                .isEqualTo(limitedAgain.visibility()).isNotNull();
        assertThatThrownBy(() -> new RoleInput(null, null, null, null, DocsOrg.limited().visibility(), true))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private static InvalidInputException refusalToSeeAll(OrgClient org, long roleId) {
        try {
            org.roles().update(roleId, RoleInput.permissions(List.of("doc.read", "records.all")));
        } catch (InvalidInputException expected) {
            return expected;
        }
        throw new AssertionError("a role with a visibility was given the \"sees all\" permission");
    }

    @Test
    void office_updateClearsTheFieldsItNames_andKeepsTheRest() {
        OrgClient rooms = gatehouse.org(gatehouse.organizations().create(Organizations.NewOrganization.of(
                "Rooms " + System.nanoTime(), "rooms").withAdmin("admin", "admin@example.com")).organization().id());
        Offices.Region west = rooms.offices().createRegion("West");
        Office office = rooms.offices().create(OfficeInput.named("Seattle").inRegion(west.id())
                .withAddress("1 Pike St", "Floor 2", "Seattle", "WA", "98101", "US").withPhone("+1 206 555 0100")
                .withTimeZone("America/Los_Angeles"));

        Office cleared = rooms.offices().update(office.id(), OfficeInput.changes()
                .clearing(Field.REGION, Field.ADDRESS2, Field.PHONE));
        assertThat(cleared.regionId()).isNull();
        assertThat(cleared.address2()).isNull();
        assertThat(cleared.phone()).isNull();
        assertThat(cleared.name()).isEqualTo("Seattle");
        assertThat(cleared.address1()).isEqualTo("1 Pike St");
        assertThat(cleared.city()).isEqualTo("Seattle");
        assertThat(cleared.timeZoneId()).isEqualTo("America/Los_Angeles");
        assertThat(rooms.offices().get(office.id())).isEqualTo(cleared);
        // the region it no longer names can go
        rooms.offices().deleteRegion(west.id());

        // a field cannot be both set and cleared
        assertThatThrownBy(() -> new OfficeInput(null, null, null, null, null, null, null, null, null, "1",
                java.util.Set.of(Field.PHONE))).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("phone");
    }

    /**
     * The order of the calls building an office's changes does not matter: {@code clearing(ADDRESS2)} followed by
     * {@code withAddress(…)} with a null second line once dropped the clearing (withAddress un-cleared every field of
     * the address, given a value or not), and the update left the second line in place. A field given a value and
     * cleared as well is refused, whichever came first.
     */
    @Test
    void officeChanges_clearAndSetInAnyOrder_aNullLeavingAClearingInPlace() {
        OrgClient rooms = gatehouse.org(gatehouse.organizations().create(Organizations.NewOrganization.of(
                "Rooms " + System.nanoTime(), "rooms").withAdmin("admin", "admin@example.com")).organization().id());
        Office office = rooms.offices().create(OfficeInput.named("Seattle")
                .withAddress("1 Pike St", "Floor 2", "Seattle", "WA", "98101", "US").withPhone("+1 206 555 0100"));

        OfficeInput clearedFirst = OfficeInput.changes().clearing(Field.ADDRESS2, Field.PHONE)
                .withAddress("2 Main St", null, "Tacoma", null, null, null).withPhone(null);
        OfficeInput clearedLast = OfficeInput.changes().withAddress("2 Main St", null, "Tacoma", null, null, null)
                .withPhone(null).clearing(Field.ADDRESS2, Field.PHONE);
        assertThat(clearedFirst).isEqualTo(clearedLast);
        assertThat(clearedFirst.cleared()).containsExactlyInAnyOrder(Field.ADDRESS2, Field.PHONE);

        Office changed = rooms.offices().update(office.id(), clearedFirst);
        assertThat(changed.address1()).isEqualTo("2 Main St");
        assertThat(changed.address2()).isNull();
        assertThat(changed.city()).isEqualTo("Tacoma");
        assertThat(changed.stateId()).isEqualTo("WA");
        assertThat(changed.phone()).isNull();
        assertThat(rooms.offices().get(office.id())).isEqualTo(changed);

        assertThatThrownBy(() -> OfficeInput.changes().clearing(Field.PHONE).withPhone("1"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("phone is both set and cleared");
        assertThatThrownBy(() -> OfficeInput.changes().withPhone("1").clearing(Field.PHONE))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("phone is both set and cleared");
        assertThatThrownBy(() -> OfficeInput.changes().clearing(Field.ADDRESS2)
                .withAddress("2 Main St", "Floor 3", null, null, null, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("address2 is both set and cleared");
        assertThatThrownBy(() -> OfficeInput.changes().clearing(Field.REGION).inRegion(7))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("region_id");
        assertThat(rooms.offices().get(office.id())).isEqualTo(changed);
    }

    /** A role's visibility alike: a null visibility leaves a clearing in place; set and cleared is refused. */
    @Test
    void roleChanges_clearTheVisibilityInAnyOrder() {
        OrgClient org = gatehouse.org(DocsOrg.create(gatehouse).organization().id());
        Role limited = org.roles().create(DocsOrg.limited());
        RoleInput widen = RoleInput.permissions(List.of("doc.read", "records.all")).withoutVisibility()
                .withVisibility(null);
        assertThat(widen.clearsVisibility()).isTrue();
        assertThat(org.roles().update(limited.id(), widen).visibility()).isNull();

        Roles.Visibility rule = DocsOrg.limited().visibility();
        assertThatThrownBy(() -> RoleInput.permissions(List.of("doc.read")).withoutVisibility().withVisibility(rule))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("either sets a visibility or clears");
        assertThatThrownBy(() -> RoleInput.permissions(List.of("doc.read")).withVisibility(rule).withoutVisibility())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("either sets a visibility or clears");
    }

    @Test
    void member_readsItsTimestamps() {
        OrgClient org = gatehouse.org(DocsOrg.create(gatehouse).organization().id());
        long viewer = org.roles().create(DocsOrg.viewer()).id();
        Member added = org.members().add(NewMember.internal("ida", "ida@example.com", viewer));
        assertThat(added.createdAt()).isNotNull();
        assertThat(added.updatedAt()).isEqualTo(added.createdAt());
        Member renamed = org.members().update(added.ref(), new MemberUpdate(null, "Ida", null, null, null));
        assertThat(renamed.createdAt()).isEqualTo(added.createdAt());
        assertThat(renamed.updatedAt()).isAfter(added.createdAt());
        assertThat(org.members().get(added.ref())).isEqualTo(renamed);
        assertThat(org.members().list().filter(m -> m.id() == added.id()).findFirst()).contains(renamed);
    }

    static VisibilityFilter filterOf(OrgClient org, String userId) {
        return org.decisions().visibilityFilter(MemberRef.user(userId));
    }
}
