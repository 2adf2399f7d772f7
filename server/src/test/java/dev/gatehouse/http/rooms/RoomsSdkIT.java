package dev.gatehouse.http.rooms;

import com.docusign.rooms.api.AccountsApi;
import com.docusign.rooms.api.ESignPermissionProfilesApi;
import com.docusign.rooms.api.OfficesApi;
import com.docusign.rooms.api.RegionsApi;
import com.docusign.rooms.api.RolesApi;
import com.docusign.rooms.api.RoomsApi;
import com.docusign.rooms.api.UsersApi;
import com.docusign.rooms.client.ApiClient;
import com.docusign.rooms.client.ApiException;
import com.docusign.rooms.model.AccountSummary;
import com.docusign.rooms.model.AssignableRoles;
import com.docusign.rooms.model.DesignatedOffice;
import com.docusign.rooms.model.DesignatedRegion;
import com.docusign.rooms.model.ESignPermissionProfile;
import com.docusign.rooms.model.FieldDataForCreate;
import com.docusign.rooms.model.FieldDataForUpdate;
import com.docusign.rooms.model.LockedOutDetails;
import com.docusign.rooms.model.Office;
import com.docusign.rooms.model.OfficeForCreate;
import com.docusign.rooms.model.OfficeSummary;
import com.docusign.rooms.model.Permissions;
import com.docusign.rooms.model.Role;
import com.docusign.rooms.model.RoleForCreate;
import com.docusign.rooms.model.RoleForUpdate;
import com.docusign.rooms.model.RoleSummary;
import com.docusign.rooms.model.Region;
import com.docusign.rooms.model.RegionSummary;
import com.docusign.rooms.model.RoleSummaryList;
import com.docusign.rooms.model.Room;
import com.docusign.rooms.model.RoomForCreate;
import com.docusign.rooms.model.RoomInvite;
import com.docusign.rooms.model.RoomInviteResponse;
import com.docusign.rooms.model.RoomSummary;
import com.docusign.rooms.model.RoomUser;
import com.docusign.rooms.model.RoomUserForUpdate;
import com.docusign.rooms.model.RoomUserRemovalDetail;
import com.docusign.rooms.model.RoomUserSummary;
import com.docusign.rooms.model.RoomUsersResult;
import com.docusign.rooms.model.User;
import com.docusign.rooms.model.UserForUpdate;
import com.docusign.rooms.model.UserSummary;
import com.docusign.rooms.model.UserSummaryList;
import com.docusign.rooms.model.UserToInvite;
import dev.gatehouse.testing.Fixtures;
import dev.gatehouse.testing.Http;
import dev.gatehouse.testing.TestNode;
import jakarta.ws.rs.client.ClientBuilder;
import java.util.List;
import java.util.Map;
import org.glassfish.jersey.client.ClientConfig;
import org.glassfish.jersey.client.ClientProperties;
import org.glassfish.jersey.jackson.JacksonFeature;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * DocuSign's official Rooms Java SDK (1.4.3, unmodified) drives every endpoint of the Rooms dialect over
 * HTTPS against the node's self-signed certificate; after Rooms writes, the native decision API answers from
 * the room roles they made.
 */
class RoomsSdkIT {

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

    static ApiClient client(String key) {
        ApiClient client = new ApiClient(node.httpsBaseUrl() + "/restapi");
        client.addDefaultHeader("Authorization", "Bearer " + key);
        return client;
    }

    static String keyOf(Fixtures.Org org, long memberId) {
        Http.Res res = node.service().post(org.path() + "/members/" + memberId + "/keys", Map.of("name", "sdk"));
        assertThat(res.status()).isEqualTo(201);
        return res.get("key").stringValue();
    }

    static boolean allowed(Fixtures.Org org, long memberId, String permission, Integer roomId) {
        Map<String, Object> body = roomId == null ? Map.of("member_id", memberId, "permission", permission)
                : Map.of("member_id", memberId, "permission", permission,
                        "resource", Map.of("type", "room", "id", String.valueOf(roomId)));
        Http.Res res = node.service().post(org.path() + "/check", body);
        assertThat(res.status()).as(res.toString()).isEqualTo(200);
        return res.get("allowed").booleanValue();
    }

    static int defaultAdminRole(RolesApi roles, String acct) throws ApiException {
        return roles.getRoles(acct).getRoles().stream().filter(r -> Boolean.TRUE.equals(r.isIsDefaultForAdmin()))
                .findFirst().orElseThrow().getRoleId();
    }

    static Role role(RolesApi roles, String acct, String name, boolean external, Permissions p) throws ApiException {
        RoleForCreate create = new RoleForCreate();
        create.setName(name);
        create.setIsExternal(external);
        create.setPermissions(p);
        return roles.createRole(acct, create);
    }

    @Test
    void account_answersWithItsSummary() throws ApiException {
        var org = fx.org("rooms");
        AccountSummary summary = new AccountsApi(client(org.adminKey())).getAccountInformation(org.accountId());
        assertThat(summary.getCompanyId()).isEqualTo((int) org.id());
        assertThat(summary.getName()).isEqualTo(org.json().get("name").stringValue());
        assertThat(summary.getCompanyVersion()).isEqualTo(AccountSummary.CompanyVersionEnum.V6);
        assertThat(summary.getDocuSignAccountGuid()).isEqualTo(org.accountId());
        assertThat(summary.getDefaultFieldSetId()).isNotNull();
        assertThat(summary.isRequireOfficeLibraryAssignments()).isFalse();
    }

    @Test
    void roles_createGetUpdateListDelete() throws ApiException {
        var org = fx.org("rooms");
        String acct = org.accountId();
        RolesApi roles = new RolesApi(client(org.adminKey()));

        Permissions p = new Permissions();
        p.setCanCreateRooms(true);
        p.setCanViewRoomDetails(true);
        Role created = role(roles, acct, "Agent", false, p);
        assertThat(created.getRoleId()).isPositive();
        assertThat(created.getName()).isEqualTo("Agent");
        assertThat(created.isIsDefaultForAdmin()).isFalse();
        assertThat(created.isIsExternal()).isFalse();
        assertThat(created.getCreatedDate()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z");
        assertThat(created.getPermissions().isCanCreateRooms()).isTrue();
        assertThat(created.getPermissions().isCanManageAccount()).isFalse();
        assertThat(created.getPermissions().isIsHiddenInRoom()).isFalse();

        RolesApi.GetRoleOptions withAssigned = roles.new GetRoleOptions();
        withAssigned.setIncludeIsAssigned(true);
        Role got = roles.getRole(acct, created.getRoleId(), withAssigned);
        assertThat(got.isIsAssigned()).isFalse();
        assertThat(got.getPermissions()).isEqualTo(created.getPermissions());
        assertThat(roles.getRole(acct, created.getRoleId()).isIsAssigned()).isNull();
        Role admin = roles.getRole(acct, defaultAdminRole(roles, acct), withAssigned);
        assertThat(admin.isIsAssigned()).isTrue();
        assertThat(admin.getPermissions().isCanManageAccount()).isTrue();

        RoleForUpdate update = new RoleForUpdate();
        update.setName("Senior Agent");
        Permissions more = new Permissions();
        more.setCanCreateRooms(true);
        more.setCanAddUsersToRooms(true);
        update.setPermissions(more);
        Role updated = roles.updateRole(acct, created.getRoleId(), update);
        assertThat(updated.getName()).isEqualTo("Senior Agent");
        assertThat(updated.getPermissions().isCanAddUsersToRooms()).isTrue();
        assertThat(updated.getPermissions().isCanViewRoomDetails()).isFalse();
        assertThat(updated.isIsExternal()).isFalse();

        role(roles, acct, "Buyer", true, new Permissions().canViewRoomDetails(true));
        RolesApi.GetRolesOptions filter = roles.new GetRolesOptions();
        filter.setFilter("sen");
        assertThat(roles.getRoles(acct, filter).getRoles()).extracting(RoleSummary::getName)
                .containsExactly("Senior Agent");
        RolesApi.GetRolesOptions page = roles.new GetRolesOptions();
        page.setFilterContext("AllRoles");
        page.setStartPosition(1);
        page.setCount(1);
        RoleSummaryList second = roles.getRoles(acct, page);
        assertThat(second.getRoles()).extracting(RoleSummary::getName).containsExactly("Senior Agent");
        assertThat(second.getResultSetSize()).isEqualTo(1);
        assertThat(second.getStartPosition()).isEqualTo(1);
        assertThat(second.getEndPosition()).isEqualTo(1);
        assertThat(second.getTotalRowCount()).isEqualTo(3);
        assertThat(second.getNextUri()).isEqualTo("/v2/accounts/" + acct + "/roles?filterContext=AllRoles"
                + "&startPosition=2&count=1");
        assertThat(second.getPriorUri()).isEqualTo("/v2/accounts/" + acct + "/roles?filterContext=AllRoles"
                + "&startPosition=0&count=1");

        roles.deleteRole(acct, created.getRoleId());
        assertThatThrownBy(() -> roles.getRole(acct, created.getRoleId()))
                .isInstanceOfSatisfying(ApiException.class, e -> {
                    assertThat(e.getCode()).isEqualTo(404);
                    assertThat(e.getResponseBody()).contains("\"errorCode\":\"ROLE_NOT_FOUND\"");
                });
    }

    @Test
    @SuppressWarnings("deprecation")
    void roles_filterContexts_followTheCallersPermissions() throws ApiException {
        var org = fx.org("rooms");
        String acct = org.accountId();
        RolesApi admin = new RolesApi(client(org.adminKey()));
        role(admin, acct, "Agent", false, new Permissions().canCreateRooms(true).canViewRoomDetails(true));
        role(admin, acct, "Manager", false, new Permissions().canManageAccount(true).canManageLogo(true));
        Role coordinator = role(admin, acct, "Coordinator", false,
                new Permissions().canManageAccount(true).canCreateRooms(true));
        long member = fx.member(org, "coordinator", coordinator.getRoleId());
        RolesApi roles = new RolesApi(client(keyOf(org, member)));

        assertThat(names(roles, acct, "AllRoles", null))
                .containsExactly("Default Admin", "Agent", "Manager", "Coordinator");
        // Agent's canViewRoomDetails is not the coordinator's: it cannot give Agent, whatever the context
        assertThat(names(roles, acct, "AssignableRolesBasedOnCompanyPermissions", null))
                .containsExactly("Coordinator");
        assertThat(names(roles, acct, null, true)).containsExactly("Coordinator");
        assertThat(names(roles, acct, "AssignableRolesBasedOnAllPermissions", null)).containsExactly("Coordinator");
        assertThat(names(new RolesApi(client(org.adminKey())), acct, "AssignableRolesBasedOnAllPermissions", null))
                .containsExactly("Default Admin", "Agent", "Manager", "Coordinator");
    }

    @SuppressWarnings("deprecation")
    private static List<String> names(RolesApi roles, String acct, String context, Boolean onlyAssignable)
            throws ApiException {
        RolesApi.GetRolesOptions o = roles.new GetRolesOptions();
        o.setFilterContext(context);
        o.setOnlyAssignable(onlyAssignable);
        return roles.getRoles(acct, o).getRoles().stream().map(RoleSummary::getName).toList();
    }

    @Test
    void users_inviteListGetUpdateLockUnlockRemove() throws ApiException {
        var org = fx.org("rooms");
        String acct = org.accountId();
        ApiClient client = client(org.adminKey());
        Role agent = role(new RolesApi(client), acct, "Agent", false, new Permissions().canCreateRooms(true));
        UsersApi users = new UsersApi(client);
        OfficesApi offices = new OfficesApi(client);
        int seven = offices.createOffice(acct, new OfficeForCreate().name("Seven")).getOfficeId();
        int nine = offices.createOffice(acct, new OfficeForCreate().name("Nine")).getOfficeId();

        UserToInvite invite = new UserToInvite();
        invite.setFirstName("Bea");
        invite.setLastName("Broker");
        invite.setEmail("bea@acme.test");
        invite.setRoleId(agent.getRoleId());
        invite.setAccessLevel(UserToInvite.AccessLevelEnum.CONTRIBUTOR);
        invite.setDefaultOfficeId(seven);
        invite.setESignPermissionProfileId("profile-1");
        User bea = users.inviteUser(acct, invite);
        assertThat(bea.getUserId()).isPositive();
        assertThat(bea.getEmail()).isEqualTo("bea@acme.test");
        assertThat(bea.getRoleId()).isEqualTo(agent.getRoleId());
        assertThat(bea.getAccessLevel()).isEqualTo(User.AccessLevelEnum.CONTRIBUTOR);
        assertThat(bea.getStatus()).as("invited, not yet accepted").isEqualTo("Pending");
        assertThat(bea.isIsLockedOut()).isFalse();
        assertThat(bea.getDefaultOfficeId()).isEqualTo(seven);
        assertThat(allowed(org, bea.getUserId(), "canCreateRooms", null)).as("pending users may do nothing").isFalse();
        assertThat(emails(users, acct, o -> o.setStatus("Pending"))).containsExactly("bea@acme.test");
        users.reinviteUser(acct, bea.getUserId());
        assertThat(node.service().post(org.path() + "/members/" + bea.getUserId() + "/accept", Map.of()).status())
                .isEqualTo(200);
        assertThat(users.getUser(acct, bea.getUserId()).getStatus()).isEqualTo("Active");
        assertThat(allowed(org, bea.getUserId(), "canCreateRooms", null)).isTrue();

        assertThat(emails(users, acct, o -> o.setFilter("BE"))).containsExactly("bea@acme.test");
        assertThat(emails(users, acct, o -> o.setFilter("bea bro"))).containsExactly("bea@acme.test");
        assertThat(emails(users, acct, o -> o.setRoleId(agent.getRoleId()))).containsExactly("bea@acme.test");
        assertThat(emails(users, acct, o -> o.setAccessLevel("Admin"))).containsExactly(
                org.json().get("admin_member").get("email").stringValue());
        assertThat(emails(users, acct, o -> o.setSort("EmailDesc"))).first().isEqualTo("bea@acme.test");
        assertThat(emails(users, acct, o -> o.setStatus("Pending"))).isEmpty();
        assertThat(emails(users, acct, o -> o.setLockedOnly(true))).isEmpty();
        UsersApi.GetUsersOptions paged = users.new GetUsersOptions();
        paged.setCount(1);
        UserSummaryList first = users.getUsers(acct, paged);
        assertThat(first.getUserSummaries()).hasSize(1);
        assertThat(first.getTotalRowCount()).isEqualTo(2);
        assertThat(first.getNextUri()).contains("startPosition=1");

        UserForUpdate update = new UserForUpdate();
        update.setDefaultOfficeId(nine);
        assertThat(users.updateUser(acct, bea.getUserId(), update).getDefaultOfficeId()).isEqualTo(nine);
        update.setDefaultOfficeId(999999);
        assertThatThrownBy(() -> users.updateUser(acct, bea.getUserId(), update))
                .isInstanceOfSatisfying(ApiException.class, e -> {
                    assertThat(e.getCode()).isEqualTo(400);
                    assertThat(e.getResponseBody()).contains("defaultOfficeId", "999999");
                });

        LockedOutDetails lock = new LockedOutDetails();
        lock.setReason("left the company");
        users.lockUser(acct, bea.getUserId(), lock);
        assertThat(users.getUser(acct, bea.getUserId()).isIsLockedOut()).isTrue();
        assertThat(emails(users, acct, o -> o.setLockedOnly(true))).containsExactly("bea@acme.test");
        assertThat(allowed(org, bea.getUserId(), "canCreateRooms", null)).isFalse();
        users.unlockUser(acct, bea.getUserId());
        assertThat(users.getUser(acct, bea.getUserId()).isIsLockedOut()).isFalse();
        assertThat(allowed(org, bea.getUserId(), "canCreateRooms", null)).isTrue();

        users.removeUser(acct, bea.getUserId());
        assertThatThrownBy(() -> users.getUser(acct, bea.getUserId()))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.getCode()).isEqualTo(404));
    }

    @Test
    void officesRegionsAndProfiles_areLookedUpBeforeInviting_andUsersMoveBetweenThem() throws ApiException {
        var org = fx.org("rooms");
        String acct = org.accountId();
        ApiClient client = client(org.adminKey());
        Role agent = role(new RolesApi(client), acct, "Agent", false, new Permissions().canCreateRooms(true));
        RegionsApi regions = new RegionsApi(client);
        OfficesApi offices = new OfficesApi(client);
        UsersApi users = new UsersApi(client);

        Region north = regions.createRegion(acct, new Region().name("North"));
        assertThat(north.getRegionId()).isPositive();
        assertThat(north.getCreatedDate()).isNotNull();
        Office boston = offices.createOffice(acct, new OfficeForCreate().name("Boston").regionId(north.getRegionId())
                .city("Boston").stateId("MA"));
        assertThat(boston.getRegionId()).isEqualTo(north.getRegionId());
        assertThat(boston.getCity()).isEqualTo("Boston");
        assertThat(boston.getAddress1()).isNull();
        Office salem = offices.createOffice(acct, new OfficeForCreate().name("Salem"));
        assertThat(offices.getOffices(acct).getOfficeSummaries()).extracting(OfficeSummary::getName)
                .containsExactly("Boston", "Salem");
        assertThat(offices.getOffice(acct, boston.getOfficeId()).getStateId()).isEqualTo("MA");
        assertThat(regions.getRegions(acct).getRegionSummaries()).extracting(RegionSummary::getName)
                .containsExactly("North");
        assertThat(regions.getRegion(acct, north.getRegionId()).getName()).isEqualTo("North");
        List<ESignPermissionProfile> profiles = new ESignPermissionProfilesApi(client).getESignPermissionProfiles(acct)
                .getPermissionProfiles();
        assertThat(profiles).extracting(ESignPermissionProfile::getName).contains("DocuSign Sender");

        UserToInvite invite = new UserToInvite().firstName("Ola").lastName("Office").email("ola@acme.test")
                .roleId(agent.getRoleId()).accessLevel(UserToInvite.AccessLevelEnum.OFFICE)
                .defaultOfficeId(boston.getOfficeId()).offices(List.of(boston.getOfficeId()))
                .eSignPermissionProfileId(profiles.get(0).getESignPermissionProfileId());
        int ola = users.inviteUser(acct, invite).getUserId();
        users.addUserToOffice(acct, ola, new DesignatedOffice().officeId(salem.getOfficeId()));
        users.addUserToRegion(acct, ola, new DesignatedRegion().regionId(north.getRegionId()));
        User placed = users.getUser(acct, ola);
        assertThat(placed.getOffices()).containsExactly(boston.getOfficeId(), salem.getOfficeId());
        assertThat(placed.getRegions()).containsExactly(north.getRegionId());
        users.removeUserFromOffice(acct, ola, new DesignatedOffice().officeId(boston.getOfficeId()));
        users.removeUserFromRegion(acct, ola, new DesignatedRegion().regionId(north.getRegionId()));
        User moved = users.getUser(acct, ola);
        assertThat(moved.getOffices()).containsExactly(salem.getOfficeId());
        assertThat(moved.getRegions()).isEmpty();
        users.reinviteUser(acct, ola);

        assertThatThrownBy(() -> users.addUserToOffice(acct, ola, new DesignatedOffice().officeId(999999)))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.getCode()).isEqualTo(400));
        assertThatThrownBy(() -> offices.deleteOffice(acct, boston.getOfficeId()))
                .isInstanceOfSatisfying(ApiException.class, e -> {
                    assertThat(e.getCode()).isEqualTo(409);
                    assertThat(e.getResponseBody()).contains("OFFICE_IN_USE");
                });
        offices.deleteOffice(acct, offices.createOffice(acct, new OfficeForCreate().name("Temporary")).getOfficeId());
        assertThat(offices.getOffices(acct).getTotalRowCount()).isEqualTo(2);
    }

    private static List<String> emails(UsersApi users, String acct,
                                       java.util.function.Consumer<UsersApi.GetUsersOptions> options) throws ApiException {
        UsersApi.GetUsersOptions o = users.new GetUsersOptions();
        options.accept(o);
        return users.getUsers(acct, o).getUserSummaries().stream().map(UserSummary::getEmail).toList();
    }

    @Test
    void rooms_andRoomUsers_decideThroughTheEngine() throws ApiException {
        var org = fx.org("rooms");
        String acct = org.accountId();
        ApiClient client = client(org.adminKey());
        RolesApi roles = new RolesApi(client);
        RoomsApi rooms = new RoomsApi(client);
        int adminRole = defaultAdminRole(roles, acct);
        Role agent = role(roles, acct, "Agent", false, new Permissions().canCreateRooms(true)
                .canViewRoomDetails(true).canAddDocuments(true).canDeleteOwnedRooms(true)
                .canManageInvitedUserRoomAccess(true));
        Role reviewer = role(roles, acct, "Reviewer", false, new Permissions().canViewRoomDetails(true));
        Role buyer = role(roles, acct, "Buyer", true, new Permissions().canViewRoomDetails(true));
        Role seller = role(roles, acct, "Seller", true, new Permissions().canViewRoomDetails(true).canAddDocuments(true));
        long bob = fx.member(org, "bob", agent.getRoleId());

        RoomForCreate create = new RoomForCreate();
        create.setName("12 Elm Street");
        create.setRoleId(adminRole);
        int office = new OfficesApi(client).createOffice(acct, new OfficeForCreate().name("Elm")).getOfficeId();
        create.setOfficeId(office);
        create.setTransactionSideId("sell");
        FieldDataForCreate data = new FieldDataForCreate();
        data.setData(Map.of("address1", "12 Elm Street"));
        create.setFieldData(data);
        Room room = rooms.createRoom(acct, create);
        int roomId = room.getRoomId();
        assertThat(room.getName()).isEqualTo("12 Elm Street");
        assertThat(room.getCompanyId()).isEqualTo((int) org.id());
        assertThat(room.getOfficeId()).isEqualTo(office);
        assertThat(room.getCreatedByUserId()).isEqualTo((int) org.adminId());
        assertThat(room.getRoomOwnerIds()).containsExactly((int) org.adminId());
        assertThat(allowed(org, org.adminId(), "canAddDocuments", roomId)).isTrue();

        RoomsApi.GetRoomOptions withData = rooms.new GetRoomOptions();
        withData.setIncludeFieldData(true);
        assertThat(rooms.getRoom(acct, roomId, withData).getFieldData().getData())
                .containsEntry("address1", "12 Elm Street");
        assertThat(rooms.getRoom(acct, roomId).getFieldData()).isNull();
        assertThat(rooms.getRoomFieldData(acct, roomId).getData()).containsEntry("address1", "12 Elm Street");
        assertThat(rooms.updateRoomFieldData(acct, roomId, new FieldDataForUpdate().putDataItem("city", "Boston"))
                .getData()).containsEntry("address1", "12 Elm Street").containsEntry("city", "Boston");
        RoomsApi.GetRoomsOptions changedSince = rooms.new GetRoomsOptions();
        changedSince.setFieldDataChangedStartDate("2000/01/01 00:00:00");
        assertThat(rooms.getRooms(acct, changedSince).getRooms()).extracting(RoomSummary::getRoomId)
                .containsExactly(roomId);
        changedSince.setFieldDataChangedStartDate("2999-01-01");
        assertThat(rooms.getRooms(acct, changedSince).getRooms()).isEmpty();
        assertThat(rooms.getRooms(acct).getRooms()).extracting(RoomSummary::getRoomId).containsExactly(roomId);

        // an outsider becomes an external member holding the external role
        RoomInviteResponse carl = rooms.inviteUser(acct, roomId, invite("carl@buyer.test", "Carl", "Client",
                buyer.getRoleId()));
        assertThat(carl.getRoomId()).isEqualTo(roomId);
        assertThat(rooms.inviteUser(acct, roomId, invite("carl@buyer.test", "Carl", "Client", buyer.getRoleId()))
                .getUserId()).as("inviting someone already in the room answers it as it is").isEqualTo(carl.getUserId());
        RoomInvite sideways = invite("sid@buyer.test", "Sid", "Client", buyer.getRoleId());
        sideways.setTransactionSideId("sideways");
        assertThatThrownBy(() -> rooms.inviteUser(acct, roomId, sideways))
                .isInstanceOfSatisfying(ApiException.class, e -> {
                    assertThat(e.getCode()).isEqualTo(400);
                    assertThat(e.getResponseBody()).contains("transactionSideId");
                });
        assertThat(carl.getRoleId()).isEqualTo(buyer.getRoleId());
        JsonMember carlMember = JsonMember.of(node.service().get(org.path() + "/members/" + carl.getUserId()).json());
        assertThat(carlMember.external()).isTrue();
        assertThat(allowed(org, carl.getUserId(), "canViewRoomDetails", roomId)).isTrue();
        assertThat(allowed(org, carl.getUserId(), "canAddDocuments", roomId)).isFalse();
        assertThat(allowed(org, carl.getUserId(), "canViewRoomDetails", null)).isFalse();

        // an internal member: in the room, the room role alone decides
        RoomInviteResponse bobInRoom = rooms.inviteUser(acct, roomId, invite("bob@example.com", "Bob", "Agent",
                reviewer.getRoleId()));
        assertThat(bobInRoom.getUserId()).isEqualTo((int) bob);
        assertThat(allowed(org, bob, "canViewRoomDetails", roomId)).isTrue();
        assertThat(allowed(org, bob, "canAddDocuments", roomId)).isFalse();
        assertThat(allowed(org, bob, "canAddDocuments", null)).isTrue();

        RoomUsersResult users = rooms.getRoomUsers(acct, roomId);
        assertThat(users.getUsers()).extracting(RoomUserSummary::getEmail)
                .containsExactlyInAnyOrder("carl@buyer.test", "bob@example.com",
                        org.json().get("admin_member").get("email").stringValue());
        assertThat(users.getUsers()).filteredOn(u -> u.getUserId() == (int) bob).singleElement()
                .satisfies(u -> assertThat(u.getRoleName()).isEqualTo("Reviewer"));
        RoomsApi.GetRoomUsersOptions byName = rooms.new GetRoomUsersOptions();
        byName.setFilter("car");
        assertThat(rooms.getRoomUsers(acct, roomId, byName).getUsers()).extracting(RoomUserSummary::getUserId)
                .containsExactly(carl.getUserId());

        RoomUserForUpdate toAgent = new RoomUserForUpdate();
        toAgent.setRoleId(agent.getRoleId());
        RoomUser bobUpdated = rooms.putRoomUser(acct, roomId, (int) bob, toAgent);
        assertThat(bobUpdated.getRoleId()).isEqualTo(agent.getRoleId());
        assertThat(bobUpdated.isIsRevoked()).isFalse();
        assertThat(bobUpdated.getInvitedByUserId()).isEqualTo((int) org.adminId());
        assertThat(allowed(org, bob, "canAddDocuments", roomId)).isTrue();

        RoomsApi.GetAssignableRolesOptions forBob = rooms.new GetAssignableRolesOptions();
        forBob.setAssigneeEmail("bob@example.com");
        AssignableRoles assignable = rooms.getAssignableRoles(acct, roomId, forBob);
        assertThat(assignable.getRoles()).extracting(RoleSummary::getName).containsExactly("Buyer", "Seller");
        assertThat(assignable.getCurrentRoleId()).isEqualTo(agent.getRoleId());
        assertThat(assignable.getTotalRowCount()).isEqualTo(2);
        assertThat(rooms.getAssignableRoles(acct, roomId).getCurrentRoleId()).isNull();

        rooms.revokeRoomUserAccess(acct, roomId, (int) bob, new RoomUserRemovalDetail()
                .revocationDate(java.time.Instant.now().plusSeconds(86400).toString()));
        assertThat(allowed(org, bob, "canAddDocuments", roomId)).as("revoked as of tomorrow: access until then").isTrue();
        rooms.restoreRoomUserAccess(acct, roomId, (int) bob);

        RoomUserRemovalDetail now = new RoomUserRemovalDetail();
        rooms.revokeRoomUserAccess(acct, roomId, carl.getUserId(), now);
        assertThat(allowed(org, carl.getUserId(), "canViewRoomDetails", roomId)).isFalse();
        assertThat(rooms.getRoomUsers(acct, roomId).getUsers()).extracting(RoomUserSummary::getUserId)
                .doesNotContain(carl.getUserId());
        RoomUserForUpdate sideOnly = new RoomUserForUpdate();
        sideOnly.setTransactionSideId("buy");
        assertThatThrownBy(() -> rooms.putRoomUser(acct, roomId, carl.getUserId(), sideOnly))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.getCode()).isEqualTo(409));
        rooms.restoreRoomUserAccess(acct, roomId, carl.getUserId());
        assertThat(allowed(org, carl.getUserId(), "canViewRoomDetails", roomId)).isTrue();
        assertThat(rooms.putRoomUser(acct, roomId, carl.getUserId(), sideOnly).getTransactionSideId()).isEqualTo("buy");

        // bob, an agent with canCreateRooms, creates his own room; he sees it and the admin (autoAccessToRooms) too
        RoomsApi bobRooms = new RoomsApi(client(keyOf(org, bob)));
        RoomForCreate own = new RoomForCreate();
        own.setName("Bob's listing");
        own.setRoleId(agent.getRoleId());
        int bobRoom = bobRooms.createRoom(acct, own).getRoomId();
        assertThat(bobRooms.getRooms(acct).getRooms()).extracting(RoomSummary::getRoomId)
                .containsExactly(roomId, bobRoom);
        assertThat(rooms.getRooms(acct).getRooms()).extracting(RoomSummary::getRoomId).containsExactly(roomId, bobRoom);
        assertThat(allowed(org, org.adminId(), "canViewRoomDetails", bobRoom)).isFalse();

        rooms.deleteRoom(acct, roomId);
        assertThatThrownBy(() -> rooms.getRoom(acct, roomId))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.getCode()).isEqualTo(404));
        assertThat(allowed(org, carl.getUserId(), "canViewRoomDetails", roomId)).isFalse();
        assertThat(allowed(org, org.adminId(), "canAddDocuments", roomId)).isFalse();
        assertThat(node.service().get(org.path() + "/members/" + carl.getUserId() + "/assignments").get("items"))
                .extracting(x -> x.at("/resource/id").stringValue()).doesNotContain(String.valueOf(roomId));
        assertThat(node.service().get(org.path() + "/resources/room/" + roomId + "/assignments").status())
                .as("a deleted room holds no roles and takes none").isEqualTo(404);
    }

    private static RoomInvite invite(String email, String first, String last, int roleId) {
        RoomInvite invite = new RoomInvite();
        invite.setEmail(email);
        invite.setFirstName(first);
        invite.setLastName(last);
        invite.setRoleId(roleId);
        return invite;
    }

    private record JsonMember(boolean external) {
        static JsonMember of(tools.jackson.databind.JsonNode n) {
            return new JsonMember(n.get("external").booleanValue());
        }
    }

    @Test
    void serviceKey_actsOnEveryAccount_andNamesTheRoomOwner() throws ApiException {
        var org = fx.org("rooms");
        String acct = org.accountId();
        ApiClient service = client(TestNode.SERVICE_KEY);
        RoomsApi rooms = new RoomsApi(service);
        RoomForCreate create = new RoomForCreate();
        create.setName("Service room");
        create.setRoleId(defaultAdminRole(new RolesApi(service), acct));
        assertThatThrownBy(() -> rooms.createRoom(acct, create))
                .isInstanceOfSatisfying(ApiException.class, e -> {
                    assertThat(e.getCode()).isEqualTo(400);
                    assertThat(e.getResponseBody()).contains("ownerId");
                });
        create.setOwnerId((int) org.adminId());
        Room room = rooms.createRoom(acct, create);
        assertThat(room.getCreatedByUserId()).isNull();
        assertThat(room.getRoomOwnerIds()).containsExactly((int) org.adminId());
        assertThat(allowed(org, org.adminId(), "canAddDocuments", room.getRoomId())).isTrue();
    }

    @Test
    void plainHttp_worksWithAStandardJerseyClient() throws ApiException {
        var org = fx.org("rooms");
        ApiClient client = new ApiClient(node.baseUrl() + "/restapi");
        ClientConfig config = new ClientConfig();
        config.register(client.getJSON());
        config.register(JacksonFeature.class);
        config.property(ClientProperties.SUPPRESS_HTTP_COMPLIANCE_VALIDATION, true);
        client.setHttpClient(ClientBuilder.newClient(config));
        client.addDefaultHeader("Authorization", "Bearer " + org.adminKey());
        RolesApi roles = new RolesApi(client);
        assertThat(roles.getRoles(org.accountId()).getRoles()).extracting(RoleSummary::getName)
                .containsExactly("Default Admin");
        role(roles, org.accountId(), "Over HTTP", false, new Permissions().canCreateRooms(true));
        roles.deleteRole(org.accountId(), roles.getRoles(org.accountId()).getRoles().get(1).getRoleId());
        assertThat(roles.getRoles(org.accountId()).getTotalRowCount()).isEqualTo(1);
    }
}
