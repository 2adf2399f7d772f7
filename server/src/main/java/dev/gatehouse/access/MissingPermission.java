package dev.gatehouse.access;

import java.util.Objects;

/**
 * What a {@code permission_required} refusal is about: the permission the caller's company role lacks, what it was
 * needed for (a phrase such as "creating a role") and the member refused (null for a service key), for dialects that name members their own
 * way. Immutable.
 */
public record MissingPermission(String permission, String what, Long memberId) {

    public MissingPermission {
        Objects.requireNonNull(permission, "permission");
        Objects.requireNonNull(what, "what");
    }
}
