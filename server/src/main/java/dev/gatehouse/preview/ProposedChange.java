package dev.gatehouse.preview;

import dev.gatehouse.member.MemberInput;
import dev.gatehouse.member.MemberRef;
import dev.gatehouse.role.RoleInput;
import java.time.Instant;
import java.util.Objects;

/**
 * A change someone proposes and wants to preview before making it: each kind is one write of the management API,
 * with the very input that write takes, so that the preview rehearses exactly that write. Immutable.
 */
public sealed interface ProposedChange {

    /**
     * Where the write's field {@code field} lies in a preview's body ({@code assignment.expires_at}), so that a
     * refusal names what the caller sent: the change's own object, and for an assignment its {@code resource}, which
     * the write names in its path.
     */
    default String path(String field) {
        String kind = this instanceof RoleEdit ? "role" : this instanceof MemberEdit ? "member" : "assignment";
        boolean inPath = kind.equals("assignment") && (field.equals("type") || field.equals("id"));
        return kind + (inPath ? ".resource." : ".") + field;
    }

    /** {@code PATCH …/roles/{role}}: a role's permissions, record visibility, external flag (and name, description). */
    record RoleEdit(long roleId, RoleInput input, Integer expectedVersion) implements ProposedChange {
        public RoleEdit {
            Objects.requireNonNull(input, "input");
        }
    }

    /** {@code PATCH …/members/{member}}: a member's company role or status (deactivate, reactivate). */
    record MemberEdit(MemberRef member, MemberInput input, Integer expectedVersion) implements ProposedChange {
        public MemberEdit {
            Objects.requireNonNull(member, "member");
            Objects.requireNonNull(input, "input");
        }
    }

    /**
     * {@code PUT …/resources/{type}/{id}/assignments/{member}}: a member's role on one resource, until
     * {@code expiresAt} (null: until removed). A role with an end counts until then, so it previews as the gain it
     * is now; its end, when it comes, is a change of its own.
     */
    record AssignmentPut(String resourceType, String resourceId, MemberRef member, long roleId, Instant expiresAt)
            implements ProposedChange {
        public AssignmentPut {
            Objects.requireNonNull(resourceType, "resourceType");
            Objects.requireNonNull(resourceId, "resourceId");
            Objects.requireNonNull(member, "member");
        }
    }

    /** {@code DELETE …/resources/{type}/{id}/assignments/{member}}: a member's role on one resource taken away. */
    record AssignmentRemoval(String resourceType, String resourceId, MemberRef member) implements ProposedChange {
        public AssignmentRemoval {
            Objects.requireNonNull(resourceType, "resourceType");
            Objects.requireNonNull(resourceId, "resourceId");
            Objects.requireNonNull(member, "member");
        }
    }
}
