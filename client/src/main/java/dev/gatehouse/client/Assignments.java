package dev.gatehouse.client;

import java.time.Instant;
import java.util.stream.Stream;
import tools.jackson.databind.JsonNode;

/**
 * Roles on single resources ({@code /v1/orgs/{org}/resources/{type}/{id}/assignments}): a member's role on one of the
 * product's resources, optionally until a time. Thread-safe.
 */
public interface Assignments {

    /** The member's role on the resource ({@link NotFoundException} when it holds none). */
    Assignment get(ResourceRef resource, MemberRef member);

    /** Gives the member {@code roleId} on the resource (replacing any role it held there), with no end. */
    Assignment assign(ResourceRef resource, MemberRef member, long roleId);

    /** Gives the member {@code roleId} on the resource until {@code expiresAt} (null: no end). */
    Assignment assign(ResourceRef resource, MemberRef member, long roleId, Instant expiresAt);

    /** Removes the member's role on the resource. */
    void remove(ResourceRef resource, MemberRef member);

    /** Who holds which role on the resource, paging by itself. */
    Stream<Assignment> onResource(ResourceRef resource);

    /** Removes every role on the resource; answers how many the answered attempt removed (after a retry: fewer). */
    long removeAllOn(ResourceRef resource);

    /** The member's roles on the resources the caller sees, by (type, id), paging by itself. */
    Stream<Assignment> ofMember(MemberRef member);

    /**
     * Removes every role of the member (the caller must be allowed to remove each); answers how many the answered
     * attempt removed (after a retry: fewer, 0 when the member was gone by then).
     */
    long removeAllOf(MemberRef member);

    /**
     * A member's role on a resource.
     *
     * @param expiresAt when the role ends by itself, or null for never
     */
    record Assignment(long orgId, ResourceRef resource, long memberId, long roleId, Instant createdAt,
                      Instant updatedAt, Instant expiresAt) {

        static Assignment from(JsonNode n) {
            return new Assignment(Wire.number(n, "org_id"), ResourceRef.from(Wire.node(n, "resource")),
                    Wire.number(n, "member_id"), Wire.number(n, "role_id"), Wire.instant(n, "created_at"),
                    Wire.instant(n, "updated_at"), Wire.instant(n, "expires_at"));
        }
    }
}
