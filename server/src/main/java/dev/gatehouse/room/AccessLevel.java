package dev.gatehouse.room;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Rooms' access levels of a company user, lowest first. The order decides which of the paired "lower / same
 * access level" permissions a caller needs to act on another user (see {@link RoomsUserService}).
 */
public enum AccessLevel {
    CONTRIBUTOR("Contributor"), OFFICE("Office"), REGION("Region"), COMPANY("Company"), ADMIN("Admin");

    private final String wire;

    AccessLevel(String wire) {
        this.wire = wire;
    }

    /** The name on the wire and in the database, e.g. {@code Admin}. */
    public String wire() {
        return wire;
    }

    /** The level of a wire name, ignoring case. */
    public static Optional<AccessLevel> parse(String name) {
        for (AccessLevel level : values()) {
            if (level.wire.equalsIgnoreCase(name) || level.name().equals(name.toUpperCase(Locale.ROOT))) {
                return Optional.of(level);
            }
        }
        return Optional.empty();
    }

    public static String names() {
        return "Contributor, Office, Region, Company, Admin";
    }

    /**
     * Whether a user of a v5 company whose company role has system key {@code roleKey} (null: a custom role) can be
     * at this level: the levels the Rooms API puts such a user at, and so the only ones any write of a profile may
     * store. A Manager is at Company, Region or Office ({@code invite_classic_manager}) or at Contributor (added, or
     * moved to the role, through {@code /v1}: a role change leaves a user at Contributor); an Agent, and a custom
     * role's user, only at Contributor. A Manager is never at Admin, nor an Agent above Contributor: Admin is the
     * Admin role's, whose user is at Admin whatever level its profile kept from before it was made one (so any level
     * is one it can have stored), and whose role holds every ClassicManagerPermissions flag.
     */
    public boolean classicFor(String roleKey) {
        if (RoomsPermissions.ADMIN_ROLE.equals(roleKey)) {
            return true;
        }
        if (RoomsPermissions.MANAGER_ROLE.equals(roleKey)) {
            return this != ADMIN;
        }
        return this == CONTRIBUTOR;
    }

    /** The wire names of the levels a v5 user of role {@code roleKey} can be at ({@link #classicFor}), lowest first. */
    public static String classicNames(String roleKey) {
        return Arrays.stream(values()).filter(level -> level.classicFor(roleKey)).map(AccessLevel::wire)
                .collect(Collectors.joining(", "));
    }
}
