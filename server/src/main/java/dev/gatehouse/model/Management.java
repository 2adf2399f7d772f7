package dev.gatehouse.model;

import java.util.Objects;

/** The permissions a member needs to manage roles, members and resource assignments. */
public record Management(String roles, String members, String assignments) {
    public Management {
        Objects.requireNonNull(roles, "roles");
        Objects.requireNonNull(members, "members");
        Objects.requireNonNull(assignments, "assignments");
    }
}
