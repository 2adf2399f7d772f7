package dev.gatehouse.roomsv5;

import com.docusign.rooms.api.AccountsApi;
import com.docusign.rooms.api.OfficesApi;
import com.docusign.rooms.api.RegionsApi;
import com.docusign.rooms.api.RolesApi;
import com.docusign.rooms.api.RoomsApi;
import com.docusign.rooms.api.UsersApi;
import com.docusign.rooms.client.ApiClient;
import com.docusign.rooms.client.ApiException;
import com.docusign.rooms.model.AccessLevel;
import com.docusign.rooms.model.ClassicAdminToInvite;
import com.docusign.rooms.model.ClassicAgentToInvite;
import com.docusign.rooms.model.ClassicManagerPermissions;
import com.docusign.rooms.model.ClassicManagerToInvite;
import com.docusign.rooms.model.DesignatedOffice;
import com.docusign.rooms.model.LockedOutDetails;
import com.docusign.rooms.model.OfficeForCreate;
import com.docusign.rooms.model.ProductVersion;
import com.docusign.rooms.model.Region;
import com.docusign.rooms.model.RoleSummary;
import com.docusign.rooms.model.Room;
import com.docusign.rooms.model.RoomForCreate;
import com.docusign.rooms.model.RoomSummary;
import com.docusign.rooms.model.User;
import com.docusign.rooms.model.UserToInvite;
import dev.gatehouse.testing.Fixtures;
import dev.gatehouse.testing.Http;
import dev.gatehouse.testing.TestNode;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * DocuSign's Rooms Java SDK 1.1.0, unmodified, drives a v5 ("classic") company over HTTPS against the node's
 * self-signed certificate: the account summary says v5, the three classic invitations make an Admin, Managers and
 * Agents with their fields and ClassicManagerPermissions, the managers' reach follows their offices and regions
 * (seen in the rooms they list and in the native decision API), the invitation gates and bad input answer in
 * Rooms' error shape, and the v6-only invite_user is refused.
 */
class RoomsV5SdkIT {

    static TestNode node;
    static Fixtures fx;

    @BeforeAll
    static void start() {
        node = TestNode.startWithTls();
        fx = new Fixtures(node);
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    /** The v5 company, its regions and offices, and its SDK clients. */
    private static final class Company {
        final Fixtures.Org org;
        final String acct;
        final ApiClient admin;
        final int north;
        final int south;
        final int o1;
        final int o2;
        final int o3;

        Company() throws ApiException {
            org = fx.org("rooms_v5");
            acct = org.accountId();
            admin = client(org.adminKey());
            north = region("North");
            south = region("South");
            o1 = office("One", north);
            o2 = office("Two", north);
            o3 = office("Three", south);
        }

        private int region(String name) throws ApiException {
            Region region = new Region();
            region.setName(name);
            return new RegionsApi(admin).createRegion(acct, region).getRegionId();
        }

        private int office(String name, int regionId) throws ApiException {
            OfficeForCreate office = new OfficeForCreate();
            office.setName(name);
            office.setRegionId(regionId);
            return new OfficesApi(admin).createOffice(acct, office).getOfficeId();
        }

        int role(String name) throws ApiException {
            return new RolesApi(admin).getRoles(acct).getRoles().stream().filter(r -> r.getName().equals(name))
                    .findFirst().orElseThrow().getRoleId();
        }

        /** Marks an invited user accepted (the native call: Rooms has none) and gives it an SDK client. */
        ApiClient accepted(User invited) {
            Http.Res accepted = node.service().post(org.path() + "/members/" + invited.getUserId() + "/accept",
                    Map.of());
            assertThat(accepted.status()).as(accepted.toString()).isEqualTo(200);
            Http.Res key = node.service().post(org.path() + "/members/" + invited.getUserId() + "/keys",
                    Map.of("name", "sdk"));
            assertThat(key.status()).isEqualTo(201);
            return client(key.get("key").stringValue());
        }

        boolean allowed(long memberId, String permission, int roomId) {
            Http.Res res = node.service().post(org.path() + "/check", Map.of("member_id", memberId, "permission",
                    permission, "resource", Map.of("type", "room", "id", String.valueOf(roomId))));
            assertThat(res.status()).as(res.toString()).isEqualTo(200);
            return res.get("allowed").booleanValue();
        }
    }

    static ApiClient client(String key) {
        ApiClient client = new ApiClient(node.httpsBaseUrl() + "/restapi");
        client.addDefaultHeader("Authorization", "Bearer " + key);
        return client;
    }

    static ClassicManagerToInvite manager(String name, AccessLevel level, int defaultOffice, List<Integer> offices,
                                          List<Integer> regions, ClassicManagerPermissions permissions) {
        ClassicManagerToInvite invite = new ClassicManagerToInvite();
        invite.setFirstName(name);
        invite.setLastName("Manager");
        invite.setEmail(name.toLowerCase() + "@v5.test");
        invite.setDefaultOfficeId(defaultOffice);
        invite.setTitleId(3);
        invite.setAccessLevel(level);
        invite.setPermissions(permissions);
        invite.setOffices(offices);
        invite.setRegions(regions);
        return invite;
    }

    static ClassicAgentToInvite agent(String name, int office) {
        ClassicAgentToInvite invite = new ClassicAgentToInvite();
        invite.setFirstName(name);
        invite.setLastName("Agent");
        invite.setEmail(name.toLowerCase() + "@v5.test");
        invite.setOfficeId(office);
        invite.setCompanyTypeId("1");
        return invite;
    }

    static RoomForCreate room(String name, int roleId, int office) {
        RoomForCreate room = new RoomForCreate();
        room.setName(name);
        room.setRoleId(roleId);
        room.setOfficeId(office);
        return room;
    }

    static List<Integer> roomIds(ApiClient as, String acct) throws ApiException {
        return new RoomsApi(as).getRooms(acct).getRooms().stream().map(RoomSummary::getRoomId).toList();
    }

    @Test
    void aV5Company_isDrivenEndToEndBySdk110() throws ApiException {
        Company c = new Company();
        assertThat(new AccountsApi(c.admin).getAccountInformation(c.acct).getCompanyVersion())
                .isEqualTo(ProductVersion.V5);
        assertThat(new RolesApi(c.admin).getRoles(c.acct).getRoles()).extracting(RoleSummary::getName)
                .containsExactly("Admin", "Manager", "Agent");
        UsersApi users = new UsersApi(c.admin);

        ClassicAdminToInvite admin = new ClassicAdminToInvite();
        admin.setFirstName("Ann");
        admin.setLastName("Admin");
        admin.setEmail("ann@v5.test");
        User ann = users.inviteClassicAdmin(c.acct, admin);
        assertThat(ann.getAccessLevel()).isEqualTo(AccessLevel.ADMIN);
        assertThat(ann.getRoleId()).isEqualTo(c.role("Admin"));
        assertThat(ann.getPermissions().isCanManageCompanyMembers()).isTrue();

        ClassicManagerPermissions runsRooms = new ClassicManagerPermissions();
        runsRooms.setCanManageCompanyRooms(true);
        runsRooms.setCanManageCompanyMembers(true);
        runsRooms.setIsOfficeManager(true);
        User olga = users.inviteClassicManager(c.acct, manager("Olga", AccessLevel.OFFICE, c.o1, List.of(c.o1),
                List.of(), runsRooms));
        assertThat(olga.getStatus()).isEqualTo("Pending");
        assertThat(olga.getAccessLevel()).isEqualTo(AccessLevel.OFFICE);
        assertThat(olga.getTitleId()).isEqualTo(3);
        assertThat(olga.getOffices()).containsExactly(c.o1);
        assertThat(olga.getRoleId()).isEqualTo(c.role("Manager"));
        ClassicManagerPermissions shown = users.getUser(c.acct, olga.getUserId()).getPermissions();
        assertThat(shown.isCanManageCompanyRooms()).isTrue();
        assertThat(shown.isIsOfficeManager()).isTrue();
        assertThat(shown.isCanDeleteCompanyRooms()).isFalse();

        ClassicManagerPermissions none = new ClassicManagerPermissions();
        User rita = users.inviteClassicManager(c.acct, manager("Rita", AccessLevel.REGION, c.o1, List.of(),
                List.of(c.north), none));
        User carl = users.inviteClassicManager(c.acct, manager("Carl", AccessLevel.COMPANY, c.o3, List.of(),
                List.of(), none));
        User ada = users.inviteClassicAgent(c.acct, agent("Ada", c.o2));
        assertThat(ada.getAccessLevel()).isEqualTo(AccessLevel.CONTRIBUTOR);
        assertThat(ada.getDefaultOfficeId()).isEqualTo(c.o2);
        assertThat(ada.getPermissions()).isNull();

        ApiClient olgaClient = c.accepted(olga);
        ApiClient ritaClient = c.accepted(rita);
        ApiClient carlClient = c.accepted(carl);
        ApiClient adaClient = c.accepted(ada);

        // Olga (canManageCompanyRooms) creates a room in her office, Ada one in office Two, the admin one in Three
        Room r1 = new RoomsApi(olgaClient).createRoom(c.acct, room("One's room", c.role("Manager"), c.o1));
        Room r2 = new RoomsApi(adaClient).createRoom(c.acct, room("Two's room", c.role("Agent"), c.o2));
        Room r3 = new RoomsApi(c.admin).createRoom(c.acct, room("Three's room", c.role("Admin"), c.o3));
        assertThat(roomIds(olgaClient, c.acct)).containsExactly(r1.getRoomId());
        assertThat(roomIds(ritaClient, c.acct)).containsExactly(r1.getRoomId(), r2.getRoomId());
        assertThat(roomIds(carlClient, c.acct)).containsExactly(r1.getRoomId(), r2.getRoomId(), r3.getRoomId());
        assertThat(roomIds(adaClient, c.acct)).containsExactly(r2.getRoomId());
        assertThat(c.allowed(rita.getUserId(), "canEditAnyRoomRole", r2.getRoomId())).isTrue();
        assertThat(c.allowed(olga.getUserId(), "canEditAnyRoomRole", r2.getRoomId())).isFalse();

        // Olga may manage members (her grant) where she manages: not in office Three, until the admin places her
        // there; then she invites an agent and locks it
        DesignatedOffice three = new DesignatedOffice();
        three.setOfficeId(c.o3);
        assertThatThrownBy(() -> new UsersApi(olgaClient).addUserToOffice(c.acct, olga.getUserId(), three))
                .isInstanceOfSatisfying(ApiException.class, e -> {
                    assertThat(e.getCode()).isEqualTo(403);
                    assertThat(e.getResponseBody()).contains("PRIVILEGE_ESCALATION");
                });
        assertThat(c.allowed(olga.getUserId(), "canEditAnyRoomRole", r3.getRoomId())).isFalse();
        new UsersApi(c.admin).addUserToOffice(c.acct, olga.getUserId(), three);
        assertThat(c.allowed(olga.getUserId(), "canEditAnyRoomRole", r3.getRoomId())).isTrue();
        User bo = new UsersApi(olgaClient).inviteClassicAgent(c.acct, agent("Bo", c.o1));
        LockedOutDetails reason = new LockedOutDetails();
        reason.setReason("left");
        new UsersApi(olgaClient).lockUser(c.acct, bo.getUserId(), reason);
        assertThat(users.getUser(c.acct, bo.getUserId()).isIsLockedOut()).isTrue();

        // an agent may not invite; Carl lacks canManageCompanyMembers
        assertThatThrownBy(() -> new UsersApi(adaClient).inviteClassicAgent(c.acct, agent("Cy", c.o1)))
                .isInstanceOfSatisfying(ApiException.class, e -> {
                    assertThat(e.getCode()).isEqualTo(403);
                    assertThat(e.getResponseBody()).contains("PERMISSION_REQUIRED", "canManageCompanyMembers");
                });
        assertThatThrownBy(() -> new UsersApi(carlClient).inviteClassicAgent(c.acct, agent("Cy", c.o1)))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.getCode()).isEqualTo(403));
    }

    @Test
    void badInputAndV6Calls_areRefusedInRoomsShape_andChangeNothing() throws ApiException {
        Company c = new Company();
        UsersApi users = new UsersApi(c.admin);
        int before = users.getUsers(c.acct).getResultSetSize();
        ClassicManagerToInvite noTitle = manager("Nat", AccessLevel.OFFICE, c.o1, List.of(c.o1), List.of(),
                new ClassicManagerPermissions());
        noTitle.setTitleId(null);
        assertThatThrownBy(() -> users.inviteClassicManager(c.acct, noTitle))
                .isInstanceOfSatisfying(ApiException.class, e -> {
                    assertThat(e.getCode()).isEqualTo(400);
                    assertThat(e.getResponseBody()).contains("INVALID_INPUT", "titleId", "referenceId");
                });
        ClassicManagerToInvite noOffices = manager("Nat", AccessLevel.OFFICE, c.o1, List.of(), List.of(),
                new ClassicManagerPermissions());
        assertThatThrownBy(() -> users.inviteClassicManager(c.acct, noOffices))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.getResponseBody()).contains("offices"));
        assertThatThrownBy(() -> users.inviteClassicAgent(c.acct, agent("Gone", 987654)))
                .isInstanceOfSatisfying(ApiException.class, e -> {
                    assertThat(e.getCode()).isEqualTo(400);
                    assertThat(e.getResponseBody()).contains("officeId", "987654");
                });
        UserToInvite v6 = new UserToInvite();
        v6.setFirstName("Six");
        v6.setLastName("User");
        v6.setEmail("six@v5.test");
        v6.setRoleId(c.role("Agent"));
        v6.setAccessLevel(AccessLevel.CONTRIBUTOR);
        assertThatThrownBy(() -> users.inviteUser(c.acct, v6))
                .isInstanceOfSatisfying(ApiException.class, e -> {
                    assertThat(e.getCode()).isEqualTo(400);
                    assertThat(e.getResponseBody()).contains("V6_COMPANY_ONLY", "invite_classic");
                });
        assertThat(users.getUsers(c.acct).getResultSetSize()).isEqualTo(before);
    }
}
