package dev.gatehouse.changelog;

import java.util.Locale;

/**
 * What a change did to its object. {@link #wire()} is the name stored in {@code change_log.action} and shown by
 * the events API and webhooks; those names are API and never change. Members are {@link #ACTIVATED} and
 * {@link #DEACTIVATED} where their status changes, webhook subscriptions {@link #PAUSED} and {@link #RESUMED};
 * every other change is created, updated or deleted.
 */
public enum Action {
    CREATED,
    UPDATED,
    DELETED,
    ACTIVATED,
    DEACTIVATED,
    PAUSED,
    RESUMED;

    private final String wire = name().toLowerCase(Locale.ROOT);

    /** The stored and published name. */
    public String wire() {
        return wire;
    }

    /** The action of a stored name; an unknown name is an {@link IllegalArgumentException} naming it. */
    public static Action of(String wire) {
        for (Action action : values()) {
            if (action.wire.equals(wire)) {
                return action;
            }
        }
        throw new IllegalArgumentException("unknown change-log action \"" + wire + "\"");
    }

    @Override
    public String toString() {
        return wire;
    }
}
