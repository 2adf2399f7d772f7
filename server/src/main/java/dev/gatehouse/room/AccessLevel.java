package dev.gatehouse.room;

import java.util.Locale;
import java.util.Optional;

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
}
