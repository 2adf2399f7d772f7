package dev.gatehouse.member;

import java.util.Locale;

/**
 * A member's status: {@link #ACTIVE}, or {@link #DEACTIVATED} (kept for history, no access). {@link #wire()} is
 * the name the tables, the change log and the native API use.
 */
public enum MemberStatus {
    ACTIVE,
    DEACTIVATED;

    private final String wire = name().toLowerCase(Locale.ROOT);

    public String wire() {
        return wire;
    }

    /** The status of a stored name; an unknown name is an {@link IllegalArgumentException} naming it. */
    public static MemberStatus of(String wire) {
        for (MemberStatus status : values()) {
            if (status.wire.equals(wire)) {
                return status;
            }
        }
        throw new IllegalArgumentException("unknown member status \"" + wire + "\"");
    }
}
