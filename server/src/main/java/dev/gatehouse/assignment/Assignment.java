package dev.gatehouse.assignment;

import java.time.Instant;
import java.util.Objects;

/**
 * A member's role on one resource (a room role in DocuSign terms). Inside that resource, this role alone
 * decides what the member may do.
 *
 * @param expiresAt when the role ends by itself (null: when it is removed); once a node's clock reaches it,
 *                  {@link AssignmentExpiry} removes the assignment as a change of its own — or a write that meets it
 *                  first does ({@link AssignmentService#endDue})
 */
public record Assignment(long orgId, String resourceType, String resourceId, long memberId, long roleId,
                         Instant createdAt, Instant updatedAt, Instant expiresAt) {
    public Assignment {
        Objects.requireNonNull(resourceType, "resourceType");
        Objects.requireNonNull(resourceId, "resourceId");
    }

    /** The change-log object id: type, resource id and member id. */
    public String objectId() {
        return resourceType + "/" + resourceId + "/" + memberId;
    }
}
