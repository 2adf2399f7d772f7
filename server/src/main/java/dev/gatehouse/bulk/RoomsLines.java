package dev.gatehouse.bulk;

import dev.gatehouse.access.Caller;
import dev.gatehouse.assignment.AssignmentBatch;
import dev.gatehouse.assignment.AssignmentService;
import dev.gatehouse.assignment.HolderVisibility;
import dev.gatehouse.error.ForbiddenException;
import dev.gatehouse.error.InvalidInputException;
import dev.gatehouse.error.NotFoundException;
import dev.gatehouse.member.Member;
import dev.gatehouse.model.PermissionModel;
import dev.gatehouse.model.ResourceType;
import dev.gatehouse.office.ClassicHierarchy;
import dev.gatehouse.office.Office;
import dev.gatehouse.office.OfficeFields;
import dev.gatehouse.office.OfficeImports;
import dev.gatehouse.office.Region;
import dev.gatehouse.role.Role;
import dev.gatehouse.room.AccessLevel;
import dev.gatehouse.room.Room;
import dev.gatehouse.room.RoomImports;
import dev.gatehouse.room.RoomsPermissions;
import dev.gatehouse.room.RoomsProfile;
import dev.gatehouse.store.SqlTime;
import dev.gatehouse.store.Tx;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.LongFunction;
import java.util.function.Supplier;
import java.util.function.ToIntFunction;

/**
 * Writes the lines about the Rooms dialect's own objects ({@link ImportLine.RoomsObject}) for a {@link ChunkWriter}.
 * A region, office or room line names its object by the id its export gave it: of the organization's own object of
 * that id and those imports created for it ({@link ImportOrigins}), the one created at the line's {@code created_at}
 * (its own first), or for a line without one the one its id names now ({@link #found}); else
 * none — then the line creates it anew and records where it came from. The object a line names is what its id names
 * for the lines after it. An object found is changed to the line's fields; one that holds them already is unchanged,
 * writing and recording nothing. Ids the lines name of other objects (an office's region, a room's office, a room
 * user's room, a profile's offices) are mapped the same way. Every line needs a service key, before anything is
 * looked up (403 {@code service_key_required} to a member key): the objects are written as exported — a room's owners,
 * a room user's inviter, a profile's access level — not judged as the Rooms requests that make them are, which is a
 * copy's work, not a member's. They are still states the Rooms API makes: in a v5 company a profile's access level is
 * one its member's role can be at ({@link AccessLevel#classicFor}). A service key's assignment lines on rooms carry a
 * room user's revocation as the Rooms API ties it to its role: one whose end has passed revokes access as of that end
 * ({@link #roomUser}, {@link #ended}); any key's such line for a user revoked there gives nothing
 * ({@link #revokedByItsEnd}). Not thread-safe; lives for one chunk.
 */
final class RoomsLines {

    private static final String ROOMS = "rooms";

    private final Tx tx;
    private final Supplier<Caller> caller;
    private final PermissionModel model;
    private final long orgId;
    private final ImportOrigins origins;
    private final OfficeImports offices;
    private final RoomImports rooms;
    /** The member of a user id, by the field of the line naming it: a 400 naming that field when there is none. */
    private final BiFunction<String, String, Member> member;
    /** The role a reference names, by the field of the line naming it: a 400 naming that field when there is none. */
    private final BiFunction<ImportLine.RoleRef, String, Role> role;
    /** A role of the organization by id, as the chunk's lines left it (null: none). */
    private final LongFunction<Role> roleById;
    private final AssignmentService assignments;
    /** Which room users a member key sees ({@link #revokedByItsEnd}). */
    private final HolderVisibility holders;
    /** The chunk's assignment lines on rooms whose end has passed, by exported room and user id ({@link #prefetch}). */
    private final Map<String, ImportLine.Assignment> endedRoles = new HashMap<>();
    /** The rooms lines of this chunk created, by the room's id here: rolled back with the chunk ({@link #createdBy}). */
    private final Map<Integer, ImportLine.Room> createdRooms = new HashMap<>();

    RoomsLines(BulkServices services, Tx tx, Supplier<Caller> caller, PermissionModel model, long orgId,
               ImportOrigins origins, BiFunction<String, String, Member> member,
               BiFunction<ImportLine.RoleRef, String, Role> role, LongFunction<Role> roleById) {
        this.tx = tx;
        this.caller = caller;
        this.model = model;
        this.orgId = orgId;
        this.origins = origins;
        this.offices = new OfficeImports(services.access(), services.orgModels(), services.assignments());
        this.rooms = new RoomImports(services.assignments());
        this.member = member;
        this.role = role;
        this.roleById = roleById;
        this.assignments = services.assignments();
        this.holders = new HolderVisibility(assignments.rules());
    }

    /** Whether the organization's model has the Rooms dialect's objects. */
    static boolean applies(PermissionModel model) {
        return ROOMS.equals(model.id()) || ClassicHierarchy.applies(model);
    }

    ImportCounts.Outcome write(ImportLine.RoomsObject line) {
        if (!caller.get().isService()) {
            // written as exported, not judged as the Rooms requests that make them are (room owners, inviters,
            // access levels): a copy's work, a service key's
            throw new ForbiddenException("service_key_required", "importing a " + line.kind().wire() + " line needs "
                    + "a service key: the Rooms dialect's objects are written as exported, not judged as its requests "
                    + "are; a member makes them through the Rooms API");
        }
        if (!applies(model)) {
            throw new InvalidInputException("not_a_rooms_organization", line.kind().wire() + " lines belong to "
                    + "organizations on the \"rooms\" and \"rooms_v5\" models; this one uses \"" + model.id() + "\"");
        }
        if (line instanceof ImportLine.Region r) {
            return region(r);
        } else if (line instanceof ImportLine.Office o) {
            return office(o);
        } else if (line instanceof ImportLine.Room r) {
            return room(r);
        } else if (line instanceof ImportLine.RoomUser u) {
            return roomUser(u);
        }
        return profile((ImportLine.RoomsProfile) line);
    }

    private ImportCounts.Outcome region(ImportLine.Region line) {
        Optional<Region> current = found("region", line.id(), line.createdAt(),
                id -> offices.region(tx.handle(), orgId, id), Region::createdAt, Region::id);
        if (current.isPresent()) {
            return offices.renameRegion(tx, orgId, current.get(), line.name()) ? ImportCounts.Outcome.UPDATED
                    : ImportCounts.Outcome.UNCHANGED;
        }
        Region created = offices.createRegion(tx, caller.get(), model, orgId, line.name(), line.createdAt());
        origins.record("region", line.id(), created.id());
        return ImportCounts.Outcome.CREATED;
    }

    private ImportCounts.Outcome office(ImportLine.Office line) {
        OfficeFields f = line.fields();
        OfficeFields fields = new OfficeFields(f.name(), f.regionId() == null ? null : origins.local("region",
                f.regionId()), f.address1(), f.address2(), f.city(), f.stateId(), f.postalCode(), f.countryId(),
                f.timeZoneId(), f.phone());
        Optional<Office> current = found("office", line.id(), line.createdAt(),
                id -> offices.office(tx.handle(), orgId, id), Office::createdAt, Office::id);
        if (current.isPresent()) {
            return offices.updateOffice(tx, caller.get(), model, orgId, current.get(), fields, "region_id")
                    ? ImportCounts.Outcome.UPDATED : ImportCounts.Outcome.UNCHANGED;
        }
        Office created = offices.createOffice(tx, model, orgId, fields, line.createdAt(), "region_id");
        origins.record("office", line.id(), created.id());
        return ImportCounts.Outcome.CREATED;
    }

    private ImportCounts.Outcome room(ImportLine.Room line) {
        Integer officeId = line.officeId() == null ? null : origins.local("office", line.officeId());
        if (officeId != null && offices.office(tx.handle(), orgId, officeId).isEmpty()) {
            throw InvalidInputException.field("office_id", "no office " + line.officeId() + " exists here; an "
                    + "office line creates it first");
        }
        List<Member> owners = new ArrayList<>(line.owners().size());
        for (int i = 0; i < line.owners().size(); i++) {
            owners.add(member.apply("owners[" + i + "]", line.owners().get(i)));
        }
        Long createdBy = line.createdBy() == null ? null : member.apply("created_by", line.createdBy()).id();
        Room wanted = new Room(line.id(), orgId, line.name(), officeId, line.status(),
                owners.stream().map(Member::id).toList(), createdBy,
                line.transactionSideId(), line.templateId(), line.listingSource(), line.fieldData(),
                line.createdAt(), line.updatedAt());
        Optional<Room> current = found("room", line.id(), line.createdAt(), id -> rooms.room(tx.handle(), orgId, id),
                Room::createdAt, Room::id);
        if (current.isPresent()) {
            return rooms.updateRoom(tx, orgId, current.get(), wanted, owners) ? ImportCounts.Outcome.UPDATED
                    : ImportCounts.Outcome.UNCHANGED;
        }
        if (ClassicHierarchy.applies(model) && officeId == null) {
            throw InvalidInputException.field("office_id", "is required in a v5 (classic) company: a room lies in "
                    + "an office");
        }
        Room created = rooms.createRoom(tx, model, orgId, wanted, owners);
        origins.record("room", line.id(), created.id());
        createdRooms.put(created.id(), line);
        return ImportCounts.Outcome.CREATED;
    }

    /**
     * The line of this chunk that created room {@code roomId} (its id here), or null: a refusal naming the room names
     * it by that line, since the room is rolled back with the chunk.
     */
    ImportLine.Room createdBy(int roomId) {
        return createdRooms.get(roomId);
    }

    /**
     * A room user's row. One revoking access as of a date after the write's time is refused (400 naming
     * {@code revoked_at}): no Rooms request makes it — a revocation scheduled for a later date leaves the user its
     * role until then, which an export carries as its assignment line's {@code expires_at} and a {@code room_user}
     * line without {@code revoked_role} — and storing it would revoke the user now, as of a date to come.
     */
    private ImportCounts.Outcome roomUser(ImportLine.RoomUser line) {
        if (line.revokedAt() != null && SqlTime.micros(line.revokedAt()).isAfter(tx.now())) {
            throw InvalidInputException.field("revoked_at", "is after now (" + tx.now() + "), got " + line.revokedAt()
                    + ": a revocation scheduled for a later date leaves the user its role until then; send the "
                    + "room_user line without revoked_role and the role's assignment line with that date as its "
                    + "expires_at");
        }
        Room room = rooms.room(tx.handle(), orgId, origins.local("room", line.roomId())).orElseThrow(() ->
                new NotFoundException("room_not_found", "room " + line.roomId() + " not found; a room line "
                        + "creates it first"));
        Member user = member.apply("user_id", line.userId());
        Long invitedBy = line.invitedBy() == null ? null : member.apply("invited_by", line.invitedBy()).id();
        ImportLine.Assignment ended = line.revokedRole() == null
                ? endedRoles.get(roomUserKey(line.roomId(), line.userId())) : null;
        if (ended != null) {
            long endedRole = role.apply(ended.role(), "role").id();
            return outcome(rooms.restoreRoomUserWhoseRoleEnded(tx, orgId, room, user.id(), invitedBy,
                    line.transactionSideId(), endedRole, SqlTime.micros(ended.expiresAt())));
        }
        Long revokedRole = line.revokedRole() == null ? null : role.apply(line.revokedRole(), "revoked_role").id();
        return outcome(rooms.restoreRoomUser(tx, orgId, room, user.id(), invitedBy, line.transactionSideId(),
                revokedRole, line.revokedAt()));
    }

    /**
     * Reads the assignment lines of the chunk on rooms whose end has passed by the write's time, for the
     * {@code room_user} lines before them ({@link #roomUser}): a user whose role in a room has ended since its export
     * was taken has its access revoked as of that end — which an export taken while the role ran does not say on its
     * {@code room_user} line, which comes first.
     */
    void prefetch(List<ImportLine> lines) {
        for (ImportLine line : lines) {
            if (line instanceof ImportLine.Assignment a && !a.delete() && Room.RESOURCE_TYPE.equals(a.type())
                    && a.expiresAt() != null && !SqlTime.micros(a.expiresAt()).isAfter(tx.now())) {
                int roomId = Room.parseResourceId(a.resourceId());
                if (roomId > 0) {
                    endedRoles.put(roomUserKey(roomId, a.userId()), a);
                }
            }
        }
    }

    private static String roomUserKey(int exportedRoomId, String userId) {
        return exportedRoomId + "/" + userId;
    }

    /**
     * After a service key's run of assignment lines is given: each line on a room whose end has passed (which gives
     * nothing, {@link AssignmentBatch.Outcome#ENDED}) revokes the user's access to the room as of that end, its role
     * kept ({@link RoomImports#revokeEnded}) — the end of a room role is a scheduled revocation, which came in the
     * organization exported; a user holding a role there, or revoked there already (by its {@code room_user} line,
     * {@link #roomUser}), stays as it is.
     */
    void ended(List<AssignmentBatch.Wanted> ended) {
        if (!caller.get().isService()) {
            return;
        }
        for (AssignmentBatch.Wanted wanted : ended) {
            int roomId = roomId(wanted);
            Optional<Room> room = roomId > 0 ? rooms.room(tx.handle(), orgId, roomId) : Optional.empty();
            room.ifPresent(r -> rooms.revokeEnded(tx, orgId, r, wanted.member().id(), wanted.roleId(),
                    SqlTime.micros(wanted.expiresAt())));
        }
    }

    /**
     * Whether an assignment line is on a room, has an end that has passed, and names a user whose access to the room
     * is revoked — the revocation that end made, in the organization exported or by the line's {@code room_user} line
     * before it ({@link #roomUser}): such a line is counted {@code unchanged} and given to no batch, which would refuse
     * a role for a revoked user (409 {@code room_access_revoked}) although the line gives none. So for a member key
     * too, where it sees the room and the user's revocation there; else its line is judged as its request is, which
     * answers a room it does not see as one that does not exist, and a revoked user it may not see there as a user
     * not in the room.
     */
    boolean revokedByItsEnd(AssignmentBatch.Wanted wanted) {
        int roomId = roomId(wanted);
        if (roomId <= 0 || wanted.expiresAt() == null || SqlTime.micros(wanted.expiresAt()).isAfter(tx.now())
                || rooms.room(tx.handle(), orgId, roomId).isEmpty()
                || !rooms.revoked(tx.handle(), orgId, roomId, wanted.member().id())) {
            return false;
        }
        Caller importing = caller.get();
        if (importing.isService()) {
            return true;
        }
        ResourceType type = model.resourceType(Room.RESOURCE_TYPE).orElseThrow();
        return assignments.sees(tx.handle(), importing, orgId, Room.RESOURCE_TYPE, wanted.resourceId())
                && holders.sees(tx.handle(), importing, model, type, wanted.resourceId(), wanted.member().id(), () -> {
                    Long kept = assignments.rules().keptRole(tx.handle(), model, orgId, type, wanted.resourceId(),
                            wanted.member().id());
                    return kept == null ? null : roleById.apply(kept);
                });
    }

    /** The room an assignment is on, else 0. */
    private static int roomId(AssignmentBatch.Wanted wanted) {
        return Room.RESOURCE_TYPE.equals(wanted.type()) ? Math.max(Room.parseResourceId(wanted.resourceId()), 0) : 0;
    }

    private ImportCounts.Outcome profile(ImportLine.RoomsProfile line) {
        Member user = member.apply("user_id", line.userId());
        RoomsProfile before = rooms.profile(tx.handle(), orgId, user.id()).orElseThrow(() ->
                InvalidInputException.field("user_id", "user " + line.userId() + " is external; only company users "
                        + "have a Rooms profile"));
        AccessLevel level = AccessLevel.parse(line.accessLevel()).orElseThrow();
        if (RoomsPermissions.classic(model.id())) {
            requireClassicLevel(line, user, level);
        }
        Integer defaultOffice = line.defaultOfficeId() == null ? null : origins.local("office",
                line.defaultOfficeId());
        List<Integer> officeIds = origins.local("office", line.offices());
        List<Integer> regionIds = origins.local("region", line.regions());
        if (defaultOffice != null && offices.office(tx.handle(), orgId, defaultOffice).isEmpty()) {
            throw InvalidInputException.field("default_office_id", "no office " + defaultOffice + " exists here; an "
                    + "office line creates it first");
        }
        for (int id : officeIds) {
            if (offices.office(tx.handle(), orgId, id).isEmpty()) {
                throw InvalidInputException.field("offices", "no office " + id + " exists here; an office line "
                        + "creates it first");
            }
        }
        for (int id : regionIds) {
            if (offices.region(tx.handle(), orgId, id).isEmpty()) {
                throw InvalidInputException.field("regions", "no region " + id + " exists here; a region line "
                        + "creates it first");
            }
        }
        RoomsProfile after = new RoomsProfile(user.id(), level, defaultOffice, line.titleId(), officeIds, regionIds,
                line.eSignPermissionProfileId(), line.lockReason(), line.invitedAt());
        return outcome(rooms.restoreProfile(tx, caller.get(), model, orgId, user, before, after));
    }

    /**
     * A v5 user's access level is one its company role can be at ({@link AccessLevel#classicFor}): a Manager at Admin
     * or an Agent at Company is a state no Rooms call makes, which would show a Manager's User every flag and give it
     * the company's rooms while its grants and its decisions say otherwise.
     */
    private void requireClassicLevel(ImportLine.RoomsProfile line, Member user, AccessLevel level) {
        Role held = role.apply(new ImportLine.RoleRef(user.roleId(), null), "role");
        if (!level.classicFor(held.systemKey())) {
            throw InvalidInputException.field("access_level", "user " + line.userId() + " holds the role \""
                    + held.name() + "\", whose users are at access level " + AccessLevel.classicNames(held.systemKey())
                    + " in a v5 company, as the Rooms API makes them; got " + level.wire());
        }
    }

    /** A row written whole: created where there was none, updated where it changed, else unchanged. */
    private static ImportCounts.Outcome outcome(RoomImports.Restored restored) {
        return !restored.changed() ? ImportCounts.Outcome.UNCHANGED
                : restored.existed() ? ImportCounts.Outcome.UPDATED : ImportCounts.Outcome.CREATED;
    }

    /**
     * The object a line names by exported id {@code id}, of the candidates the organization's own object of that id
     * and every one an import recorded for that id ({@link ImportOrigins#every}). A line with {@code created_at} names
     * the candidate created then: the organization's own first — an organization's own export names its own objects,
     * even where an earlier import recorded an object created for a foreign line of the same id —, then the one the id
     * names now, then the others, so that each export that used the id finds the object it created, however many
     * others used it since. A line without names the one the id names now first, else its own. The object found
     * becomes what {@code id} names for every line after it (the others stay recorded), so that the lines naming it
     * without a date — a room user's room, an assignment's resource, an office's region, a profile's offices — follow
     * the object line. Empty: none; the line creates it.
     */
    private <T> Optional<T> found(String type, int id, Instant createdAt, Function<Integer, Optional<T>> find,
                                  Function<T, Instant> created, ToIntFunction<T> localId) {
        Optional<Integer> current = origins.recorded(type, id);
        Set<Integer> candidates = new LinkedHashSet<>();
        if (createdAt == null) {
            current.ifPresent(candidates::add);
            candidates.add(id);
        } else {
            candidates.add(id);
            current.ifPresent(candidates::add);
            candidates.addAll(origins.every(type, id));
        }
        for (int candidate : candidates) {
            Optional<T> object = find.apply(candidate).filter(o -> createdAt == null
                    || createdAt.equals(created.apply(o)));
            if (object.isPresent()) {
                int local = localId.applyAsInt(object.get());
                if (origins.local(type, id) != local) {
                    origins.record(type, id, local);
                }
                return object;
            }
        }
        return Optional.empty();
    }
}
