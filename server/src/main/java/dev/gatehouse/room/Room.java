package dev.gatehouse.room;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A Rooms room: a resource of type {@code room} whose resource id is {@link #resourceId()}. Who holds which
 * role in it lives in the resource assignments; this is Rooms' metadata.
 *
 * @param ownerIds       member ids of the room's owners
 * @param createdBy      member id of the creator, null when a service key created it
 * @param fieldDataJson  Rooms' field data as a JSON object text, null when none was given
 */
public record Room(int id, long orgId, String name, Integer officeId, String status, List<Long> ownerIds,
                   Long createdBy, String transactionSideId, Integer templateId, String listingSource,
                   String fieldDataJson, Instant createdAt, Instant updatedAt) {

    public static final String RESOURCE_TYPE = "room";
    /** The status of every room: Gatehouse has no review or closing flow (an import takes no other). */
    public static final String ACTIVE = "active";

    public Room {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(status, "status");
        ownerIds = List.copyOf(ownerIds);
    }

    /** This room as shown to a user who may not read its details: without its field data. */
    public Room withoutFieldData() {
        return fieldDataJson == null ? this : new Room(id, orgId, name, officeId, status, ownerIds, createdBy,
                transactionSideId, templateId, listingSource, null, createdAt, updatedAt);
    }

    /** This room with {@code shown} as its owners: those a caller may see in it ({@link RoomService#get}). */
    Room withOwnerIds(List<Long> shown) {
        return new Room(id, orgId, name, officeId, status, shown, createdBy, transactionSideId, templateId,
                listingSource, fieldDataJson, createdAt, updatedAt);
    }

    public String resourceId() {
        return Integer.toString(id);
    }

    public static String resourceId(int roomId) {
        return Integer.toString(roomId);
    }

    /** The room id a resource id names ({@link #resourceId(int)} written exactly), or -1. */
    public static int parseResourceId(String resourceId) {
        if (resourceId.isEmpty() || resourceId.length() > 10 || resourceId.charAt(0) == '0'
                || !resourceId.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return -1;
        }
        long id = Long.parseLong(resourceId);
        return id <= Integer.MAX_VALUE ? (int) id : -1;
    }
}
