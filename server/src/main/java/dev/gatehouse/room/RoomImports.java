package dev.gatehouse.room;

import dev.gatehouse.changelog.Action;
import dev.gatehouse.changelog.ObjectType;
import dev.gatehouse.error.ConflictException;
import dev.gatehouse.json.Json;
import dev.gatehouse.model.PermissionModel;
import dev.gatehouse.office.ClassicHierarchy;
import dev.gatehouse.store.Tx;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import org.jdbi.v3.core.Handle;

/**
 * Rooms, room users' rows and Rooms profiles as an import restores them ({@code bulk/}): a room created with what an
 * export read of it (status, owners, creator, dates, field data) and placed in a v5 company's hierarchy; a room
 * user's row and a profile written whole. Each write is recorded as the Rooms services record theirs, and one that
 * changes nothing writes and records nothing. Who holds which role in a room is not written here: the import's
 * assignment lines give it. The import applies its gates before it calls here, inside the organization's write.
 * Stateless, thread-safe.
 */
public final class RoomImports {

    private final RoomStore rooms = new RoomStore();
    private final RoomUserRows roomUsers = new RoomUserRows();
    private final RoomsUserStore users = new RoomsUserStore();
    private final ClassicHierarchy hierarchy;

    public RoomImports(ClassicHierarchy hierarchy) {
        this.hierarchy = hierarchy;
    }

    public Optional<Room> room(Handle h, long orgId, int id) {
        return rooms.find(h, orgId, id);
    }

    /** Creates {@code wanted} anew (its id ignored); its dates kept when given, else now. */
    public Room createRoom(Tx tx, PermissionModel model, long orgId, Room wanted) {
        Instant now = tx.now();
        Room room = rooms.insert(tx.handle(), new Room(0, orgId, wanted.name(), wanted.officeId(), wanted.status(),
                wanted.ownerIds(), wanted.createdBy(), wanted.transactionSideId(), wanted.templateId(),
                wanted.listingSource(), wanted.fieldDataJson(),
                wanted.createdAt() == null ? now : wanted.createdAt(),
                wanted.updatedAt() == null ? now : wanted.updatedAt()));
        tx.change(orgId, ObjectType.ROOM, room.id(), Action.CREATED, null, RoomsSnapshots.room(room));
        if (ClassicHierarchy.applies(model)) {
            hierarchy.room(tx, orgId, room.id(), room.officeId());
        }
        return room;
    }

    /**
     * Changes a room to {@code wanted}'s name, status, owners, creator, side, template, listing source and field
     * data, as changed now (its {@code updated_at}: a reader asking for rooms changed since a time finds it); false
     * when it holds them already. A room stays in its office (409 {@code room_office}): no call moves a room, and a
     * v5 room's managers are its office's.
     */
    public boolean updateRoom(Tx tx, long orgId, Room current, Room wanted) {
        if (!Objects.equals(current.officeId(), wanted.officeId())) {
            throw new ConflictException("room_office", "room " + current.id() + " lies in office "
                    + current.officeId() + ", not " + wanted.officeId() + ": a room stays in the office it was "
                    + "created in");
        }
        if (sameFields(current, wanted)) {
            return false;
        }
        Room updated = rooms.replace(tx.handle(), new Room(current.id(), orgId, wanted.name(), current.officeId(),
                wanted.status(), wanted.ownerIds(), wanted.createdBy(), wanted.transactionSideId(),
                wanted.templateId(), wanted.listingSource(), wanted.fieldDataJson(), current.createdAt(), tx.now()));
        tx.change(orgId, ObjectType.ROOM, current.id(), Action.UPDATED, RoomsSnapshots.room(current),
                RoomsSnapshots.room(updated));
        return true;
    }

    /** Whether {@code a} and {@code b} hold the same fields, besides id, organization, office and dates. */
    public static boolean sameFields(Room a, Room b) {
        return a.name().equals(b.name()) && a.status().equals(b.status()) && a.ownerIds().equals(b.ownerIds())
                && Objects.equals(a.createdBy(), b.createdBy())
                && Objects.equals(a.transactionSideId(), b.transactionSideId())
                && Objects.equals(a.templateId(), b.templateId())
                && Objects.equals(a.listingSource(), b.listingSource())
                && Objects.equals(json(a.fieldDataJson()), json(b.fieldDataJson()));
    }

    private static Object json(String text) {
        return text == null ? null : Json.readTree(text);
    }

    /**
     * Stores a room user's row whole: who invited it ({@code invitedBy}, a member id), its side, the role kept while
     * its access is revoked (since {@code revokedAt}). What it found and whether it changed it.
     */
    public Restored restoreRoomUser(Tx tx, long orgId, int roomId, long memberId, Long invitedBy, String side,
                                   Long revokedRoleId, Instant revokedAt) {
        return roomUsers.restore(tx, orgId, new RoomUserRows.Row(roomId, memberId, invitedBy, side, revokedRoleId,
                revokedRoleId == null ? null : revokedAt));
    }

    /** What a restore found: whether the row was there before, and whether it changed. */
    public record Restored(boolean existed, boolean changed) {
    }

    /** A company user's profile as it is shown (the defaults when none is stored); empty for no such user. */
    public Optional<RoomsProfile> profile(Handle h, long orgId, long memberId) {
        return users.find(h, orgId, memberId).map(RoomsUser::profile);
    }

    /** Stores a company user's profile whole ({@link RoomsUserStore#save}); false when it is so already. */
    public boolean restoreProfile(Tx tx, PermissionModel model, long orgId, RoomsProfile before, RoomsProfile after) {
        users.save(tx, model, orgId, before, after);
        return !after.equals(before);
    }
}
