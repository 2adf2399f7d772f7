package dev.gatehouse.bulk;

import dev.gatehouse.office.OfficeFields;
import dev.gatehouse.role.RoleInput;
import java.util.List;
import java.time.Instant;
import java.util.Objects;

/**
 * One line of an import, parsed and validated on its own ({@link LineParser}): an upsert or a delete of one
 * object, named the way an export names it — roles and groups by name, members by {@code user_id}, a role held
 * by its name ({@code role}) or its id ({@code role_id}). {@link #line()} is the line's number in the body,
 * from 1. Immutable.
 */
sealed interface ImportLine {

    long line();

    /** Delete rather than upsert. */
    boolean delete();

    /** The kind of object, as the answer's counts name it. */
    Kind kind();

    /** The kinds of object a line may address: its {@code type}. */
    enum Kind {
        ORGANIZATION("organization"), HEADER("header"), ROLE("role"), MEMBER("member"), REGION("region"),
        OFFICE("office"), ROOMS_PROFILE("rooms_profile"), GROUP("group"), GROUP_MEMBER("group_member"),
        GRANTS("grants"), ROOM("room"), ROOM_USER("room_user"), RESOURCE("resource"), ASSIGNMENT("assignment");

        private final String wire;

        Kind(String wire) {
            this.wire = wire;
        }

        String wire() {
            return wire;
        }
    }

    /** A role held: by id in the organization, or by name (ignoring case). Exactly one is set. */
    record RoleRef(Long id, String name) {
        public RoleRef {
            if ((id == null) == (name == null)) {
                throw new IllegalArgumentException("a role is named by id or by name");
            }
        }

        @Override
        public String toString() {
            return id != null ? "role " + id : "role \"" + name + "\"";
        }
    }

    /**
     * In a deployment's import, where the lines of one organization begin: a new one ({@code name} and
     * {@code model} set, {@code orgId} null) or an existing one ({@code orgId} set; {@code model}, when given,
     * checked). Every line after it, up to the next, belongs to that organization.
     */
    record Organization(long line, String name, String model, Long orgId) implements ImportLine {
        public Organization {
            if ((orgId == null) == (name == null)) {
                throw new IllegalArgumentException("an organization line names a new organization or an existing one");
            }
        }

        @Override
        public boolean delete() {
            return false;
        }

        @Override
        public Kind kind() {
            return Kind.ORGANIZATION;
        }
    }

    /** An export's first line: the model its objects belong to. Changes nothing. */
    record Header(long line, String model) implements ImportLine {
        @Override
        public boolean delete() {
            return false;
        }

        @Override
        public Kind kind() {
            return Kind.HEADER;
        }
    }

    /**
     * A custom role, by name; a role line: {@code input} as a native request body gives it (only its name when
     * deleting), {@code written} its name as the line wrote it, by which the role it names is found first (an export
     * writes a name as stored, which may be one stored before names were composed).
     */
    record Role(long line, boolean delete, RoleInput input, String written) implements ImportLine {
        public Role {
            Objects.requireNonNull(input.name(), "name");
            Objects.requireNonNull(written, "written");
        }

        String name() {
            return input.name();
        }

        @Override
        public Kind kind() {
            return Kind.ROLE;
        }
    }

    /**
     * A member, by user id; for an upsert {@code email} is set, and {@code role} unless external or the line's role
     * was null, which keeps an existing member's (a new member needs one); {@code status} null leaves an existing
     * member's status as it is (a new member is active).
     */
    record Member(long line, boolean delete, String userId, String email, String firstName, String lastName,
                  RoleRef role, boolean external, String status) implements ImportLine {
        public Member {
            Objects.requireNonNull(userId, "userId");
        }

        @Override
        public Kind kind() {
            return Kind.MEMBER;
        }
    }

    /** A group, by name: {@code name} as a new group takes it, {@code written} as the line wrote it (see {@link Role}). */
    record Group(long line, boolean delete, String name, String written) implements ImportLine {
        public Group {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(written, "written");
        }

        @Override
        public Kind kind() {
            return Kind.GROUP;
        }
    }

    /** A member's place in a group. */
    record GroupMember(long line, boolean delete, String group, String userId) implements ImportLine {
        public GroupMember {
            Objects.requireNonNull(group, "group");
            Objects.requireNonNull(userId, "userId");
        }

        @Override
        public Kind kind() {
            return Kind.GROUP_MEMBER;
        }
    }

    /** A member's per-member grants, the whole set ({@code permissions}); a delete, or an empty set, removes them. */
    record Grants(long line, boolean delete, String userId, List<String> permissions) implements ImportLine {
        public Grants {
            Objects.requireNonNull(userId, "userId");
            permissions = List.copyOf(permissions);
        }

        @Override
        public Kind kind() {
            return Kind.GRANTS;
        }
    }

    /**
     * A resource's place in the hierarchy: under the parent ({@code parentType}, {@code parentId}), or at the top
     * when both are null; a delete takes it out.
     */
    record Resource(long line, boolean delete, String type, String id, String parentType, String parentId)
            implements ImportLine {
        public Resource {
            Objects.requireNonNull(type, "type");
            Objects.requireNonNull(id, "id");
        }

        @Override
        public Kind kind() {
            return Kind.RESOURCE;
        }
    }

    /**
     * A member's role on one resource; {@code role} is null only for a delete; {@code expiresAt} when the role ends
     * by itself (null: never).
     */
    record Assignment(long line, boolean delete, String type, String resourceId, String userId, RoleRef role,
                      Instant expiresAt) implements ImportLine {
        public Assignment {
            Objects.requireNonNull(type, "type");
            Objects.requireNonNull(resourceId, "resourceId");
            Objects.requireNonNull(userId, "userId");
        }

        @Override
        public Kind kind() {
            return Kind.ASSIGNMENT;
        }
    }

    /**
     * A line about one of the Rooms dialect's own objects ({@code rooms} and {@code rooms_v5} organizations): upserts
     * only. Regions, offices and rooms are named by the id their export gave them ({@link RoomsLines} maps it to the
     * object an import created for it); members by user id.
     */
    sealed interface RoomsObject extends ImportLine permits Region, Office, Room, RoomUser, RoomsProfile {
        @Override
        default boolean delete() {
            return false;
        }
    }

    /** A region: {@code id} as exported, its name, when it was created (null: now). */
    record Region(long line, int id, String name, Instant createdAt) implements RoomsObject {
        public Region {
            Objects.requireNonNull(name, "name");
        }

        @Override
        public Kind kind() {
            return Kind.REGION;
        }
    }

    /** An office: {@code id} as exported, its fields (its region by exported id), when it was created. */
    record Office(long line, int id, OfficeFields fields, Instant createdAt) implements RoomsObject {
        public Office {
            Objects.requireNonNull(fields, "fields");
        }

        @Override
        public Kind kind() {
            return Kind.OFFICE;
        }
    }

    /**
     * A room: {@code id} as exported, its office by exported id (null: none), its owners and creator by user id, its
     * other fields as stored; {@code fieldData} a JSON object's text or null.
     */
    record Room(long line, int id, String name, Integer officeId, String status, List<String> owners,
                String createdBy, String transactionSideId, Integer templateId, String listingSource,
                String fieldData, Instant createdAt, Instant updatedAt) implements RoomsObject {
        public Room {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(status, "status");
            owners = List.copyOf(owners);
        }

        @Override
        public Kind kind() {
            return Kind.ROOM;
        }
    }

    /**
     * A room user's row: the room by exported id, the user, who invited it (null: nobody), its side, and the role
     * kept while its access is revoked (null: not revoked) since {@code revokedAt}.
     */
    record RoomUser(long line, int roomId, String userId, String invitedBy, String transactionSideId,
                    RoleRef revokedRole, Instant revokedAt) implements RoomsObject {
        public RoomUser {
            Objects.requireNonNull(userId, "userId");
        }

        @Override
        public Kind kind() {
            return Kind.ROOM_USER;
        }
    }

    /** A company user's Rooms profile, whole; offices and regions by exported id. */
    record RoomsProfile(long line, String userId, String accessLevel, Integer defaultOfficeId, Integer titleId,
                        List<Integer> offices, List<Integer> regions, String eSignPermissionProfileId,
                        String lockReason, Instant invitedAt) implements RoomsObject {
        public RoomsProfile {
            Objects.requireNonNull(userId, "userId");
            Objects.requireNonNull(accessLevel, "accessLevel");
            offices = List.copyOf(offices);
            regions = List.copyOf(regions);
        }

        @Override
        public Kind kind() {
            return Kind.ROOMS_PROFILE;
        }
    }
}
