package dev.gatehouse.room;

import java.util.Set;

/** The names of the {@code rooms} model's permissions that Rooms' own rules check. */
public final class RoomsPermissions {

    public static final String MODEL = "rooms";

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

    public static final String ADD_MEMBER_LOWER = "canAddMemberAndSetRoleLowerAccessLevel";
    public static final String ADD_MEMBER_SAME = "canAddMemberAndSetRoleSameAccessLevel";
    public static final String MANAGE_MEMBER_LOWER = "canManageMemberLowerAccessLevel";
    public static final String MANAGE_MEMBER_SAME = "canManageMemberSameAccessLevel";
    public static final String REMOVE_MEMBER_LOWER = "canRemoveCompanyMemberLowerAccessLevel";
    public static final String REMOVE_MEMBER_SAME = "canRemoveCompanyMemberSameAccessLevel";

    /**
     * The model's categories whose permissions are "company permissions" in Rooms' sense (roles filtered
     * with {@code AssignableRolesBasedOnCompanyPermissions}): member management and company settings.
     */
    public static final Set<String> COMPANY_CATEGORIES = Set.of("member_management", "company_settings");

    private RoomsPermissions() {
    }
}
