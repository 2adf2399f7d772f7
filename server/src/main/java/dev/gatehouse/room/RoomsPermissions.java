package dev.gatehouse.room;

import java.util.List;

/** The names of the {@code rooms} model's permissions that Rooms' own rules check. */
public final class RoomsPermissions {

    public static final String MODEL = "rooms";
    /** The model of Rooms v5 ("classic") companies: fixed roles Admin, Manager and Agent. */
    public static final String MODEL_V5 = "rooms_v5";

    /** The v5 system roles' keys. */
    public static final String ADMIN_ROLE = "admin";
    public static final String MANAGER_ROLE = "manager";
    public static final String AGENT_ROLE = "agent";

    public static final String ADD_USERS_TO_ROOMS = "canAddUsersToRooms";
    public static final String CREATE_ROOMS = "canCreateRooms";
    public static final String DELETE_OWNED_ROOMS = "canDeleteOwnedRooms";
    public static final String DELETE_ROOMS = "canDeleteRooms";
    public static final String AUTO_ACCESS_TO_ROOMS = "autoAccessToRooms";
    public static final String EDIT_ANY_ROOM_ROLE = "canEditAnyRoomRole";
    public static final String EDIT_INVITED_ROOM_ROLE = "canEditInvitedRoomRole";
    public static final String MANAGE_ANY_USER_ROOM_ACCESS = "canManageAnyUserRoomAccess";
    public static final String MANAGE_INVITED_USER_ROOM_ACCESS = "canManageInvitedUserRoomAccess";
    public static final String VIEW_AND_EDIT_ROOM_DETAILS = "canViewAndEditRoomDetails";
    public static final String VIEW_ROOM_DETAILS = "canViewRoomDetails";
    public static final String EDIT_ROOM_SIDE = "canEditRoomSide";
    public static final String HIDDEN_IN_ROOM = "isHiddenInRoom";

    public static final String ADD_MEMBER_LOWER = "canAddMemberAndSetRoleLowerAccessLevel";
    public static final String ADD_MEMBER_SAME = "canAddMemberAndSetRoleSameAccessLevel";
    public static final String CHANGE_ROLE_LOWER = "canChangeMemberRoleLowerAccessLevel";
    public static final String CHANGE_ROLE_SAME = "canChangeMemberRoleSameAccessLevel";
    public static final String MANAGE_MEMBER_LOWER = "canManageMemberLowerAccessLevel";
    public static final String MANAGE_MEMBER_SAME = "canManageMemberSameAccessLevel";
    public static final String REMOVE_MEMBER_LOWER = "canRemoveCompanyMemberLowerAccessLevel";
    public static final String REMOVE_MEMBER_SAME = "canRemoveCompanyMemberSameAccessLevel";

    /** ClassicManagerPermissions' flags: per-member grants of a v5 company's Managers (the Admin role holds them all). */
    public static final String VISIBLE_IN_TRANSACTION_ROOMS = "isVisibleInTransactionRooms";
    public static final String DELETE_COMPANY_ROOMS = "canDeleteCompanyRooms";
    public static final String DELETE_COMPANY_DOCUMENTS = "canDeleteCompanyDocuments";
    public static final String MANAGE_COMPANY_ROOMS = "canManageCompanyRooms";
    public static final String MANAGE_COMPANY_ACCOUNT = "canManageCompanyAccount";
    public static final String MANAGE_COMPANY_SHARED_LIBRARY = "canManageCompanySharedLibrary";
    public static final String MANAGE_COMPANY_MEMBERS = "canManageCompanyMembers";
    public static final String CLOSE_COMPANY_ROOMS = "canCloseCompanyRooms";
    public static final String APPROVE_COMPANY_CHECKLISTS = "canApproveCompanyChecklists";
    public static final String COMPANY_SYSTEM_ADMIN = "isCompanySystemAdmin";
    public static final String REGION_MANAGER = "isRegionManager";
    public static final String OFFICE_MANAGER = "isOfficeManager";
    public static final String AUTO_ACCESS_TO_COMPANY_ROOMS = "autoAccessToCompanyRooms";

    /** The 13 flags in ClassicManagerPermissions' order. */
    public static final List<String> CLASSIC_MANAGER_FLAGS = List.of(VISIBLE_IN_TRANSACTION_ROOMS, DELETE_COMPANY_ROOMS,
            DELETE_COMPANY_DOCUMENTS, MANAGE_COMPANY_ROOMS, MANAGE_COMPANY_ACCOUNT, MANAGE_COMPANY_SHARED_LIBRARY,
            MANAGE_COMPANY_MEMBERS, CLOSE_COMPANY_ROOMS, APPROVE_COMPANY_CHECKLISTS, COMPANY_SYSTEM_ADMIN,
            REGION_MANAGER, OFFICE_MANAGER, AUTO_ACCESS_TO_COMPANY_ROOMS);

    /** Whether a model is one the Rooms dialect serves: {@code rooms} (v6 companies) or {@code rooms_v5}. */
    public static boolean servedByRooms(String modelId) {
        return MODEL.equals(modelId) || MODEL_V5.equals(modelId);
    }

    /** Whether a model is the v5 ("classic") one. */
    public static boolean classic(String modelId) {
        return MODEL_V5.equals(modelId);
    }

    private RoomsPermissions() {
    }
}
