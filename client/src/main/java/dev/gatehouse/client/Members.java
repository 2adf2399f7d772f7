package dev.gatehouse.client;

import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * An organization's members ({@code /v1/orgs/{org}/members}): internal members with a company role, external
 * members without one, each active, invited (allowed nothing until accepted) or deactivated. Thread-safe.
 */
public interface Members {

    /** Every member in id order, paging by itself. */
    Stream<Member> list();

    /** The members {@code query} selects, in id order, paging by itself. */
    Stream<Member> list(MemberQuery query);

    Member get(MemberRef member);

    Member add(NewMember member);

    /** Changes the fields {@code changes} sets (null components are left as they are). */
    Member update(MemberRef member, MemberUpdate changes);

    /** {@link #update(MemberRef, MemberUpdate)} if the member is still at {@code expectedVersion}. */
    Member update(MemberRef member, MemberUpdate changes, long expectedVersion);

    /** Marks an invited member's invitation accepted: it becomes active (an active one is answered unchanged). */
    Member accept(MemberRef member);

    /**
     * The member's per-member grants (empty: none): permissions the model lets be granted to members of some
     * system roles, decided beside the company role.
     */
    List<String> grants(MemberRef member);

    /**
     * Replaces the member's per-member grants with {@code permissions} (empty: removes them); refused beyond the
     * model's bounds (400), for a member whose company role takes none (409 {@code grants_not_taken}), or beyond what
     * the caller holds itself (403). Returns the set as stored.
     */
    List<String> setGrants(MemberRef member, List<String> permissions);

    /** Removes the member, its assignments and keys. */
    void remove(MemberRef member);

    /** {@link #remove(MemberRef)} if the member is still at {@code expectedVersion}. */
    void remove(MemberRef member, long expectedVersion);

    /**
     * A member's status: only an active member acts and is allowed anything. {@link #UNKNOWN} is a status a newer
     * server sent that this client does not know; it is never sent (a request naming it is refused).
     */
    enum Status {
        ACTIVE, DEACTIVATED, INVITED, UNKNOWN;

        String wire() {
            return Wire.wireName(this, UNKNOWN, "status");
        }

        static Status from(String wire) {
            return Wire.constant(values(), wire, UNKNOWN);
        }
    }

    /**
     * A member.
     *
     * @param id        the Gatehouse id
     * @param userId    the product's user id
     * @param roleId    the company role, or null for an external member
     * @param createdAt when it was added
     * @param updatedAt when it last changed
     */
    record Member(long id, long orgId, String userId, String email, String firstName, String lastName, Long roleId,
                  boolean external, Status status, long version, Instant createdAt, Instant updatedAt) {

        /** This member as a {@link MemberRef} by Gatehouse id. */
        public MemberRef ref() {
            return MemberRef.id(id);
        }

        static Member from(JsonNode n) {
            return new Member(Wire.number(n, "id"), Wire.number(n, "org_id"), Wire.text(n, "user_id"),
                    Wire.text(n, "email"), Wire.text(n, "first_name"), Wire.text(n, "last_name"),
                    Wire.longOrNull(n, "role_id"), Wire.flag(n, "external"), Status.from(Wire.text(n, "status")),
                    Wire.number(n, "version"), Wire.instant(n, "created_at"), Wire.instant(n, "updated_at"));
        }
    }

    /**
     * A member to add: an internal one needs {@code roleId}, an external one has none.
     *
     * @param status {@link Status#INVITED} to add it without access until accepted, or null (active)
     */
    record NewMember(String userId, String email, String firstName, String lastName, Long roleId, boolean external,
                     Status status) {

        public NewMember {
            Arguments.required(userId, "userId");
            Arguments.required(email, "email");
        }

        /** An internal member with company role {@code roleId}. */
        public static NewMember internal(String userId, String email, long roleId) {
            return new NewMember(userId, email, null, null, roleId, false, null);
        }

        /** An external member (models with external roles). */
        public static NewMember external(String userId, String email) {
            return new NewMember(userId, email, null, null, null, true, null);
        }

        public NewMember withName(String first, String last) {
            return new NewMember(userId, email, first, last, roleId, external, status);
        }

        /** This member added invited: it exists but is allowed nothing until {@link Members#accept}. */
        public NewMember invited() {
            return new NewMember(userId, email, firstName, lastName, roleId, external, Status.INVITED);
        }

        ObjectNode json() {
            ObjectNode n = Wire.object().put("user_id", userId).put("email", email);
            Wire.putIfSet(n, "first_name", firstName);
            Wire.putIfSet(n, "last_name", lastName);
            Wire.putIfSet(n, "role_id", roleId);
            if (external) {
                n.put("external", true);
            }
            Wire.putIfSet(n, "status", status == null ? null : status.wire());
            return n;
        }
    }

    /** Changes to a member; null components are not sent. */
    record MemberUpdate(String email, String firstName, String lastName, Long roleId, Status status) {

        /** A new company role. */
        public static MemberUpdate role(long roleId) {
            return new MemberUpdate(null, null, null, roleId, null);
        }

        /** A new status ({@link Status#DEACTIVATED} revokes every key; {@link Status#ACTIVE} accepts or reactivates). */
        public static MemberUpdate status(Status status) {
            return new MemberUpdate(null, null, null, null, Arguments.required(status, "status"));
        }

        public MemberUpdate withEmail(String address) {
            return new MemberUpdate(address, firstName, lastName, roleId, status);
        }

        public MemberUpdate withName(String first, String last) {
            return new MemberUpdate(email, first, last, roleId, status);
        }

        ObjectNode json() {
            ObjectNode n = Wire.object();
            Wire.putIfSet(n, "email", email);
            Wire.putIfSet(n, "first_name", firstName);
            Wire.putIfSet(n, "last_name", lastName);
            Wire.putIfSet(n, "role_id", roleId);
            Wire.putIfSet(n, "status", status == null ? null : status.wire());
            return n;
        }
    }

    /**
     * Which members to list; null components do not narrow.
     *
     * @param text a text (1–200 characters) the user id, email or name must contain, ignoring case
     */
    record MemberQuery(Status status, Long roleId, String text) {

        /** Every member. */
        public static MemberQuery all() {
            return new MemberQuery(null, null, null);
        }

        public MemberQuery withStatus(Status wanted) {
            return new MemberQuery(wanted, roleId, text);
        }

        public MemberQuery withRole(long role) {
            return new MemberQuery(status, role, text);
        }

        public MemberQuery containing(String search) {
            return new MemberQuery(status, roleId, search);
        }
    }
}
