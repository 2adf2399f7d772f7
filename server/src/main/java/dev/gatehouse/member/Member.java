package dev.gatehouse.member;

import java.time.Instant;
import java.util.Objects;

/**
 * A person inside an organization. An internal member holds exactly one company role ({@code roleId});
 * an external member holds none and acts only through resource assignments. A deactivated member is kept
 * for history and has no access; an invited one has none until its invitation is accepted.
 */
public record Member(long id, long orgId, String userId, String email, String firstName, String lastName,
                     Long roleId, boolean external, String status, int version, Instant createdAt, Instant updatedAt) {

    public static final String ACTIVE = MemberStatus.ACTIVE.wire();
    public static final String DEACTIVATED = MemberStatus.DEACTIVATED.wire();
    public static final String INVITED = MemberStatus.INVITED.wire();

    public Member {
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(email, "email");
        Objects.requireNonNull(status, "status");
        if (external != (roleId == null)) {
            throw new IllegalArgumentException("member " + id + ": external members have no company role, "
                    + "internal members exactly one");
        }
    }

    public boolean active() {
        return ACTIVE.equals(status);
    }

    /** Added but not yet accepted its invitation: no access until then. */
    public boolean invited() {
        return INVITED.equals(status);
    }
}
