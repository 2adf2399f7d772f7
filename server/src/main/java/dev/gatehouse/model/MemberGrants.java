package dev.gatehouse.model;

import java.util.List;

/**
 * A model's bounds on per-member grants (model JSON {@code member_grants}): which permissions may be granted to an
 * individual member, and to members of which system roles. A member's grants count beside its company role while
 * that role is one of {@code roles}, wherever the company role decides. Immutable.
 *
 * @param permissions the grantable permissions, in the order the model lists them; empty for a model without grants
 * @param roles       keys of the model's system roles whose members may hold grants
 */
public record MemberGrants(List<String> permissions, List<String> roles) {

    /** A model without per-member grants. */
    public static final MemberGrants NONE = new MemberGrants(List.of(), List.of());

    public MemberGrants {
        permissions = List.copyOf(permissions);
        roles = List.copyOf(roles);
    }

    /** Whether the model allows any grant at all. */
    public boolean allowed() {
        return !permissions.isEmpty();
    }
}
