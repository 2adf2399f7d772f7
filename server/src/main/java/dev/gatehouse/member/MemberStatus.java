package dev.gatehouse.member;

import java.util.Locale;

/**
 * A member's status: {@link #ACTIVE}; {@link #DEACTIVATED} (kept for history, no access); or {@link #INVITED}
 * (added, but with no access until its invitation is accepted, which makes it active — Rooms' Pending). Only an
 * active member acts and is allowed anything. {@link #wire()} is the name the tables, the change log and the
 * native API use.
 */
public enum MemberStatus {
    ACTIVE,
    DEACTIVATED,
    INVITED;

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
