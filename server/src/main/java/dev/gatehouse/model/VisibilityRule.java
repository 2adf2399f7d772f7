package dev.gatehouse.model;

import java.util.Objects;

/**
 * Record visibility (Close's lead visibility): a role holding {@code seesAllPermission} sees every record
 * and has no visibility settings; any other role must list user-reference fields and a behaviour for
 * records with nobody assigned.
 */
public record VisibilityRule(String seesAllPermission, int maxFields) {
    public VisibilityRule {
        Objects.requireNonNull(seesAllPermission, "seesAllPermission");
        if (maxFields < 1) {
            throw new IllegalArgumentException("maxFields must be >= 1: " + maxFields);
        }
    }
}
